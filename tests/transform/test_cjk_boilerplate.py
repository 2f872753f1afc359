# ruff: noqa: RUF001  (the text under test is Chinese, Japanese and Korean on purpose, full-width forms too)
"""Chinese, Japanese and Korean furniture lines: dropped when a line IS the prompt, kept inside prose."""

from __future__ import annotations

import pytest

from transform.boilerplate import (
    drop_boilerplate_lines,
    drop_known_lines,
    is_boilerplate_line,
    learn_boilerplate,
    line_keys,
    line_width,
    normalise_line,
)
from transform.cleaning import clean_text


@pytest.mark.parametrize(
    "line",
    [
        "广告",
        "【广告】",
        " 广告 ",
        "— 広告 —",
        "광고",
        "推广",
        "点击关注",
        "↓↓↓ 点击关注 ↓↓↓",
        "扫码关注",
        "长按识别二维码关注我们",
        "点击阅读原文",
        "点击关注，获取更多科技资讯",
        "欢迎关注我们的公众号",
        "（完）",
        "未经授权不得转载",
        "本文版权归作者所有，未经授权不得转载。",
        "© 2026 华东商报 版权所有",
        "免责声明：本文仅代表作者个人观点，不构成投资建议。",
        "【版权声明】本文为原创内容，转载须经同意。",
        "原标题：阿里巴巴发布新一代模型",
        "相关阅读：阿里云下调大模型价格",
        "関連記事",
        "関連記事：アップル、新型iPhoneを発表",
        "関連ニュース",
        "スポンサーリンク",
        "PR",
        "記事・写真の無断転載を禁じます。",
        "무단 전재 및 재배포 금지",
        "무단전재-재배포 금지",
        "<저작권자 ⓒ 한빛경제, 무단 전재-재배포, AI 학습 및 활용 금지>",
        "[관련기사]",
        "관련기사: 애플, 새 아이폰 공개",
        "기자 연락처: kim@hanbit.example",
        "▶ 관련기사: 애플, 새 아이폰 공개",
        "☞ 点击关注",
        "查看大图",
        "欢迎下载华东商报客户端，随时随地看新闻",
        "この記事の写真を見る",
        "URL 복사",
        "廣告",
        "免責聲明：本文僅供參考。",
    ],
)
def test_cjk_prompt_lines_are_boilerplate(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "广告市场今年增长了百分之五。",
        "阿里巴巴的广告收入增长3%。",
        "推广新模型是阿里云今年的重点。",
        "点击关注是社交平台常见的设计。",
        "该公司表示，未经授权的转载问题在今年明显减少。",
        "関連記事によると、アップルは新機能を準備している。",
        "広告事業の売上高は前年比で伸びた。",
        "광고 시장이 올해 커졌다.",
        "애플은 광고 사업을 확대한다.",
        "阿里巴巴",
        "原标题党在社交媒体上很常见。",
        "扫码支付已经普及。",
        "▶ 애플은 새 아이폰을 공개했다.",
        "写真を見ると、新機能の使い方が分かる。",
        "关注我们的读者越来越多，平台用户突破一亿。",
    ],
)
def test_cjk_prose_mentioning_the_words_stays(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_ad_lines_between_chinese_paragraphs_leave_the_body() -> None:
    text = (
        "阿里巴巴周二发布了新一代通义千问模型。\n广告\n该模型支持更长的上下文。\n【广告】\n"
        "广告市场的竞争也在加剧。\n点击阅读原文"
    )
    result = drop_boilerplate_lines(text)
    assert (
        result.text
        == "阿里巴巴周二发布了新一代通义千问模型。\n该模型支持更长的上下文。\n广告市场的竞争也在加剧。"
    )
    assert result.details == ("广告", "【广告】", "点击阅读原文")


def test_cleaning_drops_japanese_and_korean_furniture() -> None:
    japanese = (
        "アップルは新しいAI機能を発表した。\n広告\n関連記事：アップル株が上昇\n機能は年内に日本でも使える。"
    )
    korean = "애플이 새 아이폰을 공개했다.\n광고\n출시는 다음 달이다.\n무단 전재 및 재배포 금지"
    assert clean_text(japanese)[0] == "アップルは新しいAI機能を発表した。\n機能は年内に日本でも使える。"
    assert clean_text(korean)[0] == "애플이 새 아이폰을 공개했다.\n출시는 다음 달이다."


def test_a_wide_character_counts_two_columns() -> None:
    assert line_width("Alibaba") == 7
    assert line_width("阿里巴巴") == 8
    assert line_width("ＡＢ") == 4


def test_learned_boilerplate_works_on_unspaced_lines() -> None:
    footer = "欢迎下载华东商报客户端"
    sentence = "阿里云表示，新模型将在今年第三季度向全球企业客户开放，价格比上一代模型下调约三成左右。"
    docs = [f"第{i}篇报道的正文内容。\n{footer}\n{sentence}" for i in range(5)]
    counts: dict[str, int] = {}
    for doc in docs:
        for key in line_keys(doc):
            counts[key] = counts.get(key, 0) + 1
    # The footer is short and recurs: learned. The sentence recurs too, but at 84 columns (43 characters)
    # it is content, which counting characters (43 <= 80) would miss.
    assert line_width(normalise_line(sentence)) == 84
    assert normalise_line(sentence) not in counts
    learned = learn_boilerplate(counts, len(docs))
    assert learned == {footer}
    result = drop_known_lines(docs[0], learned)
    assert result.text == f"第0篇报道的正文内容。\n{sentence}"


def test_learned_keys_are_normalised_full_width_and_case() -> None:
    assert line_keys("ＡＰＰ内打开\nApp内打开") == {"app内打开"}


def test_an_ad_marker_inside_a_flattened_chinese_line_goes_and_a_sentence_about_ads_stays() -> None:
    paragraph = "阿里巴巴周二发布了新一代通义千问模型，支持更长的上下文。" * 5
    flattened = f"{paragraph} 广告 {paragraph}【广告】 {paragraph}"
    result = drop_boilerplate_lines(flattened)
    assert result.text == f"{paragraph} {paragraph}{paragraph}"
    assert result.details == ("inline CJK ad marker", "inline CJK ad marker")
    about_ads = f"{paragraph}广告市场今年增长了百分之五。{paragraph}"
    assert drop_boilerplate_lines(about_ads).text == about_ads
