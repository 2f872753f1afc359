# ruff: noqa: RUF001  (the text under test is Unicode on purpose: CJK text and full-width forms)
"""The segmentation layer: words, counts, sentences and shingle tokens in every script."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform import segmentation
from transform.segmentation import (
    char_count,
    has_han_or_kana,
    is_japanese,
    sentences,
    shingle_tokens,
    word_count,
    words,
)

ZH = "阿里巴巴集团周四公布季度业绩，营收同比增长百分之三点一。云计算业务继续保持两位数增长！"
JA = (
    "アップルは木曜日、新しいスマートフォンを発表した。価格は前年より高い｡"
    "関係者は「来月から生産する」と話した。"
)
KO = "애플은 목요일 새 아이폰을 발표했다. 가격은 작년보다 높다! 삼성전자는 대응하겠다고 밝혔다."


def test_latin_words_are_word_character_runs_as_before() -> None:
    text = "Alibaba's Qwen3 costs $0.5 per call, a 12% cut."
    assert words(text) == re.findall(r"\w+", text)
    assert word_count(text) == len(re.findall(r"\w+", text)) == 11
    assert words("Прибыль выросла на 5%") == ["Прибыль", "выросла", "на", "5"]


def test_chinese_is_segmented_into_dictionary_words() -> None:
    found = words(ZH)
    assert found[:6] == ["阿里巴巴", "集团", "周四", "公布", "季度", "业绩"]
    assert "，" not in found and "。" not in found
    # Segmented words, not one giant "word" per clause, and fewer than the characters.
    assert 15 <= word_count(ZH) < char_count(ZH) / 1.3


def test_japanese_is_segmented_by_mecab() -> None:
    assert is_japanese(JA) and not is_japanese(ZH)
    found = words(JA)
    assert found[:3] == ["アップル", "は", "木曜"]
    assert "、" not in found and "「" not in found
    assert word_count(JA) == len(found) > 20


def test_korean_words_are_spaced_words() -> None:
    assert words(KO)[:4] == ["애플은", "목요일", "새", "아이폰을"]
    assert word_count(KO) == 11


def test_mixed_text_keeps_latin_words_and_digits_around_cjk_runs() -> None:
    found = words("苹果公司发布iPhone 17，售价5999元。")
    assert "iPhone" in found and "17" in found and "5999" in found and "苹果公司" in found


def test_language_overrides_the_kana_guess() -> None:
    # A Han-only Japanese headline has no kana: the caller's language picks MeCab.
    assert words("日本経済新聞社長", language="ja") == ["日本", "経済", "新聞", "社長"]
    assert words("中国人民银行行长") == words("中国人民银行行长", language="zh") == ["中国人民银行", "行长"]


def test_char_count_ignores_whitespace_in_every_script() -> None:
    assert char_count("a b\tc\n") == 3
    assert char_count("阿里 巴巴\u3000集团") == 6
    assert char_count("") == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ZH, ["阿里巴巴集团周四公布季度业绩，营收同比增长百分之三点一。", "云计算业务继续保持两位数增长！"]),
        (
            JA,
            [
                "アップルは木曜日、新しいスマートフォンを発表した。",
                "価格は前年より高い｡",
                "関係者は「来月から生産する」と話した。",
            ],
        ),
        (
            KO,
            [
                "애플은 목요일 새 아이폰을 발표했다.",
                "가격은 작년보다 높다!",
                "삼성전자는 대응하겠다고 밝혔다.",
            ],
        ),
        ("他说：“涨了。”然后离开了？是的", ["他说：“涨了。”", "然后离开了？", "是的"]),
        ("价格为３．１％。利润增长", ["价格为３．１％。", "利润增长"]),
        ("营收增长!利润下降?", ["营收增长!", "利润下降?"]),
        ("Он пришёл. Она ушла.", ["Он пришёл.", "Она ушла."]),
        ("Офис в г. Москва открыт. В. Петров приехал.", ["Офис в г. Москва открыт.", "В. Петров приехал."]),
        (
            "The U.S. economy grew 8.48% in Q2. Apple Inc. said so.",
            ["The U.S. economy grew 8.48% in Q2.", "Apple Inc. said so."],
        ),
        # An abbreviation spelt with a long s or a dotless i, as the fact patterns read it ("Sept. 9").
        (
            "It closed on \u017fept. 9. Apple \u0131nc. Shares rose.",
            ["It closed on \u017fept. 9.", "Apple \u0131nc. Shares rose."],
        ),
        # A German day before its month is an ordinal; a number that ends a sentence still ends it.
        (
            "Die EZB entschied am 19. Februar. Am 3. März folgt mehr. Er wurde 3. Dann 2025. Juni kam.",
            [
                "Die EZB entschied am 19. Februar.",
                "Am 3. März folgt mehr.",
                "Er wurde 3.",
                "Dann 2025.",
                "Juni kam.",
            ],
        ),
    ],
)
def test_sentences_split_on_latin_and_cjk_stops(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
    assert " ".join(sentences(text)).replace(" ", "") == text.replace(" ", "")


def test_shingle_tokens_are_characters_in_unspaced_scripts_and_words_elsewhere() -> None:
    assert shingle_tokens("Apple's iPhone, 3.1%") == ["apple", "s", "iphone", "3", "1"]
    assert shingle_tokens("阿里巴巴发布Qwen３") == ["阿", "里", "巴", "巴", "发", "布", "qwen3"]
    assert shingle_tokens("애플은 발표했다") == ["애", "플", "은", "발", "표", "했", "다"]
    assert not has_han_or_kana(KO) and has_han_or_kana(JA)


def test_analysers_load_once_and_write_no_file(tmp_path: object) -> None:
    import tempfile
    from pathlib import Path

    before = set(Path(tempfile.gettempdir()).glob("jieba*"))
    words(ZH)
    first = segmentation._jieba_tokenizer()
    words(ZH)
    assert segmentation._jieba_tokenizer() is first
    assert set(Path(tempfile.gettempdir()).glob("jieba*")) == before


CJK_MIX = st.text(
    alphabet=st.sampled_from(
        [*"阿里巴巴アップルは애플은ｶﾞｷﾞ々〇ー・", *"，。！？「」『』（）【】、：；　", *"ＡＢｃ１２３％＆．",
         *"Apple's café 3.1% \n", "\u3099", "\u0301", "\uf900", "\u3231", "\u2f00"]
    ),
    max_size=80,
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(CJK_MIX | st.text(max_size=60))
def test_fold_gives_the_tokens_of_plain_nfkc_and_casefold(text: str) -> None:
    # `fold` translates CJK punctuation and full-width forms before NFKC, for speed: same tokens.
    reference = unicodedata.normalize("NFKC", text).casefold()
    assert re.findall(r"\w+", segmentation.fold(text)) == re.findall(r"\w+", reference)
    assert shingle_tokens(text) == segmentation._SHINGLE_TOKEN.findall(reference)
