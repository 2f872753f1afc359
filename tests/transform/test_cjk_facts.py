# ruff: noqa: RUF001  (the text under test is Chinese, Japanese and Korean on purpose, full-width forms too)
"""Numeric facts in Chinese, Japanese and Korean notation carry the keys of their English spelling."""

from __future__ import annotations

import pytest

from transform.facts import cjk_amount, fact_keys, find_facts


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("阿里巴巴云收入增长百分之三点一。", "Alibaba's cloud revenue grew 3.1%."),
        ("云收入增长３．１％。", "cloud revenue grew 3.1 percent."),
        ("阿里巴巴将投入三千八百亿元。", "Alibaba will spend 380 billion yuan."),
        ("阿里巴巴将投入3800亿元。", "Alibaba will spend 380 billion yuan."),
        ("总额达3.8万亿元人民币。", "the total reaches 3.8 trillion yuan."),
        ("融资十亿美元。", "it raised $1 billion."),
        ("アップルは1兆2000億円を投じる。", "Apple will spend 1.2 trillion yen."),
        ("投資額は５０００億円。", "the investment is 500 billion yen."),
        ("애플은 3조 8000억 원을 투자한다.", "Apple will invest 3.8 trillion won."),
        ("매출은 100억 달러로 늘었다.", "sales rose to $10 billion."),
        ("売上高は3.1パーセント増えた。", "sales rose 3.1 percent."),
        ("매출이 3.1퍼센트 늘었다.", "sales rose 3.1%."),
        ("投資額は1.5兆ウォン。", "the investment is 1.5 trillion won."),
        ("100億香港ドルを調達", "it raised HK$10 billion"),
    ],
)
def test_a_cjk_figure_has_the_key_of_its_english_spelling(chinese: str, english: str) -> None:
    assert fact_keys(chinese) == fact_keys(english) != frozenset()


def test_the_keys_are_the_canonical_values() -> None:
    assert fact_keys("三千八百亿元，百分之三点一") == {"money:CNY:3.8e+11", "pct:3.1"}
    assert fact_keys("1兆2000億円") == {"money:JPY:1.2e+12"}
    assert fact_keys("1조2000억원") == {"money:KRW:1.2e+12"}


@pytest.mark.parametrize(
    ("amount", "value"),
    [("三千八百亿", 3.8e11), ("两千零五", 2005), ("十亿", 1e9), ("3.8万亿", 3.8e12), ("1兆2000億", 1.2e12)],
)
def test_cjk_amounts(amount: str, value: float) -> None:
    assert cjk_amount(amount) == pytest.approx(value)


def test_full_width_facts_keep_their_written_text_and_place() -> None:
    [fact] = find_facts("增长３．１％")
    assert (fact.text, fact.start, fact.key) == ("３．１％", 2, "pct:3.1")


@pytest.mark.parametrize(
    "text",
    [
        "统一元数据标准",  # 一元 inside a word
        "公司投入数千亿元建设数据中心",  # "several hundred billion": no figure
        "千亿元级别的市场",  # a bare 千: an order of magnitude
        "The team that in 2024 won the title",  # won the verb
        "提高了3.1个百分点",  # percentage points are not a percentage
        "제1원칙을 지킨다",  # the first principle, not one won
    ],
)
def test_no_fact_where_none_is_stated(text: str) -> None:
    assert fact_keys(text) == frozenset()


def test_mixed_text_keeps_every_fact_in_order() -> None:
    facts = find_facts("阿里巴巴2月20日公布，云收入增长百分之三点一，投入三千八百亿元（380 billion yuan）。")
    assert [f.key for f in facts] == ["date:02-20", "pct:3.1", "money:CNY:3.8e+11", "money:CNY:3.8e+11"]


def test_korean_and_full_width_dates() -> None:
    assert fact_keys("애플은 11월 20일 발표했다") == fact_keys("１１月２０日に発表") == {"date:11-20"}
