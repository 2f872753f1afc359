# ruff: noqa: RUF001, E501  (CJK articles of our own writing, one paragraph a line, full-width punctuation)
"""Near-duplicates in Chinese, Japanese and Korean: unspaced text is shingled by characters.

Each case is an article of our own writing, a near copy (an ad line between paragraphs, one clause
reworded, a source footer), a copy cut in half, and another story of the same kind that must stay apart.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.fingerprints import matching_words
from transform.near_duplicates import (
    DEFAULT_SCHEME,
    WORDS_SCHEME,
    _token_hashes,
    group_batch,
    shingle_hashes,
    signature,
)
from transform.segmentation import shingle_tokens

ZH_ORIGINAL = """阿里巴巴集团周四公布了截至九月底的季度业绩，总营收达到两千三百亿元，同比增长百分之五。
云计算部门的收入增长最快，管理层把原因归于企业客户对大模型服务的需求持续上升。
公司表示，通义千问系列模型的调用量在过去三个月里翻了一番，新增的付费客户主要来自制造业和金融业。
淘宝和天猫的交易额基本持平，但会员人数继续增加，平台上的中小商家也在更多地使用人工智能工具来撰写商品描述。
分析人士认为，国内电商市场的竞争依然激烈，阿里巴巴需要在价格和服务之间找到新的平衡。
公司还宣布将在未来三年内继续加大对数据中心的投入，并计划在东南亚新建两座机房。"""
ZH_COPY = """阿里巴巴集团周四公布了截至九月底的季度业绩，总营收达到两千三百亿元，同比增长百分之五。
广告
云计算部门的收入增长最快，管理层认为主要原因是企业客户对大模型服务的需求不断扩大。
公司表示，通义千问系列模型的调用量在过去三个月里翻了一番，新增的付费客户主要来自制造业和金融业。
点击关注，获取更多财经资讯
淘宝和天猫的交易额基本持平，但会员人数继续增加，平台上的中小商家也在更多地使用人工智能工具来撰写商品描述。
分析人士认为，国内电商市场的竞争依然激烈，阿里巴巴需要在价格和服务之间找到新的平衡。
公司还宣布将在未来三年内继续加大对数据中心的投入，并计划在东南亚新建两座机房。
本文来源：某某财经网 责任编辑：王五"""
ZH_OTHER = """华为周二在深圳发布了新一代折叠屏手机，起售价为一万零九百九十九元。
新机采用自研的麒麟芯片，屏幕比上一代更轻更薄，电池容量也有所提升。
华为消费者业务负责人在发布会上说，今年公司的手机出货量有望恢复到前几年的水平。
业内人士指出，高端手机市场的竞争正在加剧，苹果和三星都在准备各自的新产品。
部分门店从周五开始接受预订，首批产品预计将在下月初送达消费者手中。"""

JA_ORIGINAL = """アップルは木曜日、新しいスマートフォンを発表した。価格は前年のモデルより一割ほど高く、国内では来月から販売される。
部品を供給する国内の電子部品メーカーの株価は、発表を受けて軒並み上昇した。
関係者によると、新機種にはより高性能な画像センサーが搭載され、生産は今月下旬から本格化する見通しだ。
一方で、円安の影響で国内の販売価格がさらに上がる可能性もあり、消費者の反応を慎重に見極める必要があるという。
アナリストは、中国市場での販売が伸び悩んでいることが今後の業績の重荷になると指摘している。"""
JA_COPY = """アップルは木曜日、新しいスマートフォンを発表した。価格は前年のモデルより一割ほど高く、国内では来月から販売される。
広告
部品を供給する国内の電子部品メーカーの株価は、発表を受けて大きく値上がりした。
関係者によると、新機種にはより高性能な画像センサーが搭載され、生産は今月下旬から本格化する見通しだ。
一方で、円安の影響で国内の販売価格がさらに上がる可能性もあり、消費者の反応を慎重に見極める必要があるという。
アナリストは、中国市場での販売が伸び悩んでいることが今後の業績の重荷になると指摘している。
関連記事"""
JA_OTHER = """トヨタ自動車は水曜日、電気自動車向けの新しい電池工場を愛知県に建設すると発表した。
投資額はおよそ三千億円で、二〇二八年の稼働を目指す。
同社は、充電時間を大幅に短くできる次世代電池の量産に向けて、取引先との協力を強める方針だ。
地元の自治体は雇用の拡大につながるとして、計画を歓迎している。"""

KO_ORIGINAL = """애플은 목요일 새 아이폰을 공개했다. 가격은 지난해 모델보다 약 10% 높으며 국내에서는 다음 달부터 판매된다.
부품을 공급하는 국내 전자 부품 업체들의 주가는 발표 직후 일제히 올랐다.
업계 관계자에 따르면 새 제품에는 더 뛰어난 카메라 센서가 들어갔고 생산은 이달 말부터 본격화될 전망이다.
다만 환율 변동으로 국내 판매 가격이 더 오를 수 있어 소비자 반응을 지켜봐야 한다는 지적도 나온다.
증권가에서는 중국 시장의 판매 부진이 앞으로 실적에 부담이 될 것이라고 분석했다."""
KO_COPY = """애플은 목요일 새 아이폰을 공개했다. 가격은 지난해 모델보다 약 10% 높으며 국내에서는 다음 달부터 판매된다.
광고
부품을 공급하는 국내 전자 부품 업체들의 주가는 발표 이후 크게 상승했다.
업계 관계자에 따르면 새 제품에는 더 뛰어난 카메라 센서가 들어갔고 생산은 이달 말부터 본격화될 전망이다.
다만 환율 변동으로 국내 판매 가격이 더 오를 수 있어 소비자 반응을 지켜봐야 한다는 지적도 나온다.
증권가에서는 중국 시장의 판매 부진이 앞으로 실적에 부담이 될 것이라고 분석했다.
무단 전재 및 재배포 금지"""
KO_OTHER = """삼성전자는 화요일 새로운 반도체 공장 건설 계획을 발표했다. 투자 규모는 약 20조 원에 이른다.
회사는 인공지능 서버용 고대역폭 메모리 수요가 빠르게 늘고 있어 생산 능력을 키울 필요가 있다고 설명했다.
지방자치단체는 일자리 증가를 기대하며 계획을 환영했다.
새 공장은 2028년 가동을 목표로 하고 있다."""

CASES = {
    "zh": (ZH_ORIGINAL, ZH_COPY, ZH_OTHER),
    "ja": (JA_ORIGINAL, JA_COPY, JA_OTHER),
    "ko": (KO_ORIGINAL, KO_COPY, KO_OTHER),
}


def _truncated(text: str) -> str:
    return text[: len(text) // 2]


def _batch() -> list[tuple[str, np.typing.NDArray[np.uint32], int]]:
    batch = []
    for language, (original, copy, other) in CASES.items():
        for kind, text in (
            ("original", original),
            ("copy", copy),
            ("cut", _truncated(original)),
            ("other", other),
        ):
            batch.append((f"{language}-{kind}", *signature(text)))
    return batch


def test_every_near_copy_and_cut_copy_joins_its_original_and_no_other_story_does() -> None:
    found, fingerprints = group_batch(_batch(), {})
    pairs = {(n.article_id, n.matched_article_id) for n in found}
    expected = {(f"{lang}-{kind}", f"{lang}-original") for lang in CASES for kind in ("copy", "cut")}
    assert pairs == expected  # precision and recall 1.0 on these 6 pairs among 66
    groups = {fp.article_id: fp.group_id for fp in fingerprints}
    assert all(groups[f"{lang}-other"] == f"{lang}-other" for lang in CASES)


@pytest.mark.parametrize("language", sorted(CASES))
def test_the_first_scheme_missed_these_copies(language: str) -> None:
    # Under "words" tokens a clause without spaces was one shingle token: the copies shared too little.
    original, copy, _ = CASES[language]
    if language == "ko":
        original = original.replace(" ", "")  # a Korean copy that lost its spaces
        copy = copy.replace(" ", "")
    old = set(shingle_hashes(original, 5, WORDS_SCHEME.tokens).tolist())
    old_copy = set(shingle_hashes(copy, 5, WORDS_SCHEME.tokens).tolist())
    new = set(shingle_hashes(original, 5, DEFAULT_SCHEME.tokens).tolist())
    new_copy = set(shingle_hashes(copy, 5, DEFAULT_SCHEME.tokens).tolist())
    assert len(old & old_copy) / len(old | old_copy) < 0.5
    assert len(new & new_copy) / len(new | new_copy) > 0.7


def test_latin_text_signs_the_same_under_both_schemes() -> None:
    text = "Alibaba's cloud revenue grew 26% as Qwen usage doubled, the company said on Thursday. " * 5
    assert np.array_equal(signature(text, WORDS_SCHEME)[0], signature(text, DEFAULT_SCHEME)[0])
    assert DEFAULT_SCHEME.scheme_id == WORDS_SCHEME.scheme_id + "-cjk-chars"
    assert WORDS_SCHEME.scheme_id == "oph-minhash-p128-b32-k5-s20250213"  # ids stored by older versions


def test_spacing_and_full_width_forms_do_not_change_a_cjk_signature() -> None:
    respaced = ZH_ORIGINAL.replace("，", " , ").replace("\n", "\n\n").replace("百分之五", "百分之五 ")
    assert np.array_equal(signature(ZH_ORIGINAL)[0], signature(respaced)[0])
    assert np.array_equal(signature("ｉＰｈｏｎｅ发布" * 10)[0], signature("iphone发布" * 10)[0])


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [*"阿里巴巴アップル애플은ｶﾞ々〇，。「」ＡＢ１２", *"Qwen 3.1% café\n", "\U00020001"]
        )
    )
    | st.text(max_size=50)
)
def test_the_fast_token_hashes_are_the_crc32_of_the_shingle_tokens(text: str) -> None:
    expected = [zlib.crc32(token.encode()) for token in shingle_tokens(text)]
    assert _token_hashes(text, "cjk-chars").tolist() == expected
    assert _token_hashes(text, "words").tolist() == [zlib.crc32(w.encode()) for w in matching_words(text)]
