# ruff: noqa: RUF001  (the text under test is Chinese, Japanese and Korean on purpose)
"""Chinese, Japanese and Korean aliases of watched entities, and the ambiguous ones only in context."""

from __future__ import annotations

import pytest

from transform.entities import entity_set, find_mentions
from transform.topics import DEFAULT_TOPIC, decide_topic


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("阿里巴巴发布通义千问新模型", {"Alibaba", "Qwen"}),
        ("阿里云和千问App", {"Alibaba Cloud", "Qwen"}),
        ("淘宝上线AI购物助手", {"Taobao"}),
        ("苹果公司与阿里巴巴达成合作", {"Apple", "Alibaba"}),
        ("アリババは新モデルを発表した", {"Alibaba"}),
        ("アリババクラウドの新モデル", {"Alibaba Cloud"}),
        ("アップルは新機能を発表した", {"Apple"}),
        ("アリババ・グループ", {"Alibaba"}),
        ("알리바바가 새 모델을 발표했다", {"Alibaba"}),
        ("중국 알리바바그룹이 투자한다", {"Alibaba"}),
        ("애플은 새 아이폰을 공개했다", {"Apple", "iPhone"}),
        ("애플사의 발표", {"Apple"}),
    ],
)
def test_cjk_aliases_name_their_entities(text: str, entities: set[str]) -> None:
    assert entity_set(text) == entities


@pytest.mark.parametrize(
    "text",
    [
        "苹果将在中国推出Apple Intelligence",
        "苹果手机在中国的销量回升",
        "苹果与阿里巴巴的合作仍待监管批准",
        "库克表示，苹果将继续投资中国",
        "苹果的AI功能何时入华仍不确定",
    ],
)
def test_pingguo_is_apple_next_to_its_business(text: str) -> None:
    assert "Apple" in entity_set(text)


@pytest.mark.parametrize(
    "text",
    [
        "超市里的苹果价格上涨，水果摊前排起长队",
        "果农说今年苹果丰收",
        "我每天吃一个苹果",
        "烟台苹果今年产量创新高",
    ],
)
def test_pingguo_the_fruit_is_not_apple(text: str) -> None:
    assert "Apple" not in entity_set(text)


def test_kuke_is_tim_cook_next_to_apple_only() -> None:
    assert entity_set("苹果首席执行官库克表示") == {"Apple", "Tim Cook"}
    assert entity_set("库克群岛发生地震") == frozenset()
    assert entity_set("库克船长的航海日记") == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "アップルパイを食べた",  # apple pie
        "파인애플 주스",  # pineapple juice
        "애플리케이션 시장이 커졌다",  # "application"
    ],
)
def test_katakana_and_hangul_aliases_are_whole_words(text: str) -> None:
    assert find_mentions(text) == []


def test_the_topic_reads_chinese_japanese_and_korean_ai_news() -> None:
    assert decide_topic(DEFAULT_TOPIC, "苹果手机将在中国接入阿里巴巴的大模型").relevant
    assert decide_topic(DEFAULT_TOPIC, "アップルは生成AIの新機能を日本で提供する").relevant
    assert decide_topic(DEFAULT_TOPIC, "애플은 인공지능 기능을 새 아이폰에 탑재한다").relevant


def test_the_fruit_does_not_put_a_text_on_topic() -> None:
    decision = decide_topic(DEFAULT_TOPIC, "果农用人工智能预测苹果产量，今年苹果丰收")
    assert not decision.relevant
    assert decision.missing_labels == ("Alibaba or Apple",)
