from __future__ import annotations

import pytest

from transform.topics import DEFAULT_TOPIC, TopicRule, decide_topic


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        ("Apple picks Alibaba's Qwen models for iPhones sold in China", True),
        ("Alibaba Cloud and Apple Intelligence: the deal explained", True),
        ("苹果 iPhone 将使用阿里云的通义千问", True),
        ("TONGYI lab ships a model; APPLE reacts", True),
        ("Alibaba reports quarterly earnings", False),
        ("Apple unveils a new iPhone", False),
        ("Pineapple growers meet Alibabas of the bazaar", False),
        ("", False),
    ],
)
def test_default_topic(text: str, relevant: bool) -> None:
    assert decide_topic(DEFAULT_TOPIC, text).relevant is relevant


def test_the_decision_names_and_counts_matched_terms() -> None:
    decision = decide_topic(
        DEFAULT_TOPIC, "Qwen on iPhone", "Alibaba Cloud said Qwen will power Apple Intelligence."
    )
    assert decision.matched == ("Alibaba Cloud", "Qwen", "iPhone", "Apple Intelligence")
    assert dict(decision.counts)["Qwen"] == 2
    assert decision.reason == "mentions Alibaba Cloud, Qwen, iPhone, Apple Intelligence"


def test_missing_groups_explain_a_rejection() -> None:
    decision = decide_topic(DEFAULT_TOPIC, "Alibaba launches Qwen 3")
    assert decision.missing == (("Apple", "iPhone", "Apple Intelligence"),)
    assert decision.reason == "no mention of Apple or iPhone or Apple Intelligence"


def test_none_of_excludes() -> None:
    rule = TopicRule(all_of=(("Alibaba",),), none_of=("apple pie", "sponsored"))
    decision = decide_topic(rule, "Sponsored: Alibaba sells apple pie")
    assert not decision.relevant
    assert decision.excluded_by == ("apple pie", "sponsored")
    assert decision.reason == "excluded by apple pie, sponsored"


def test_aliases_and_a_spelling_shared_by_two_terms() -> None:
    rule = TopicRule(all_of=(("Qwen",), ("Tongyi",)), aliases={"Qwen": ("Tongyi", "通义千问")})
    assert decide_topic(rule, "Tongyi").relevant  # one spelling counts for both terms
    assert not decide_topic(TopicRule(all_of=(("Qwen",), ("Apple",))), "通义千问 Apple").relevant


def test_a_rule_without_groups_accepts_all_but_excluded() -> None:
    rule = TopicRule(none_of=("casino",))
    assert decide_topic(rule, "anything").relevant
    assert decide_topic(rule, "anything").reason == "no topic rules"
    assert not decide_topic(rule, "Casino news").relevant
