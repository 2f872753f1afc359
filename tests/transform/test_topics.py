from __future__ import annotations

import pickle
from types import MappingProxyType

import pytest

from transform.topics import DEFAULT_TOPIC, TopicRule, decide_topic


@pytest.mark.parametrize(
    "text",
    [
        "Apple picks Alibaba's Qwen models for iPhones sold in China",
        "Alibaba Cloud and Apple Intelligence: the deal explained",
        "苹果 iPhone 将使用阿里云的通义千问",
        "TONGYI lab ships a model; APPLE reacts",
        # One company is enough when the story is about AI.
        "Alibaba opens its new reasoning model to developers at its cloud conference",
        "阿里巴巴发布新一代大模型并加大算力投入",
        "Apple's Neural Engine gets twice as fast for on-device language models",
        "Siri will be rebuilt around a large language model, Tim Cook says",
        "Taobao adds an AI assistant that answers shoppers' questions",
        "Eddie Wu says artificial intelligence is the group's only priority",
        "Jack Ma returns to the campus and talks about A.I. with engineers",
        "苹果智能将在中国上线",
        "苹果AI功能进入中国",  # a Chinese name right before Latin letters
        "Qwen3 tops the open-weight leaderboard",
        "T-Head unveils an AI chip for its cloud",
    ],
)
def test_ai_news_about_alibaba_or_apple_is_on_topic(text: str) -> None:
    decision = decide_topic(DEFAULT_TOPIC, text)
    assert decision.relevant, decision.explanation


@pytest.mark.parametrize(
    "text",
    [
        # Apple or Alibaba without AI
        "Apple Watch band review: the braided loop is soft, the magnetic clasp holds, the colours fade",
        "Apple cuts the price of the iPhone 16 by 800 yuan ahead of the holiday sales in China",
        "Alibaba says Taobao and Tmall sales rose 5% over Singles' Day, led by appliances and beauty",
        "Alibaba reports quarterly earnings",
        "Apple unveils a new iPhone",
        "The new iPhone model comes in five colours",  # "model" alone is not AI
        # AI without Alibaba or Apple
        "OpenAI releases a new reasoning model for ChatGPT users",
        "DeepSeek's large language model climbs the charts",
        # Neither, and look-alikes that are not whole words
        "Pineapple growers meet Alibabas of the bazaar",
        "The aim is to fail early",
        "",
    ],
)
def test_without_ai_or_without_alibaba_and_apple_it_is_off_topic(text: str) -> None:
    decision = decide_topic(DEFAULT_TOPIC, text)
    assert not decision.relevant, decision.explanation


def test_the_decision_names_and_counts_matched_terms() -> None:
    decision = decide_topic(
        DEFAULT_TOPIC, "Qwen on iPhone", "Alibaba Cloud said Qwen will power Apple Intelligence."
    )
    assert decision.matched == ("Alibaba Cloud", "Qwen", "iPhone", "Apple Intelligence")
    assert dict(decision.counts)["Qwen"] == 2
    assert decision.reason == "mentions Alibaba Cloud, Qwen, iPhone, Apple Intelligence"
    assert decision.explanation == (
        "on topic: mentions Alibaba Cloud (1), Qwen (2), iPhone (1), Apple Intelligence (1)"
    )


def test_missing_groups_explain_a_rejection() -> None:
    decision = decide_topic(DEFAULT_TOPIC, "Apple cuts iPhone prices in China")
    assert decision.missing == (DEFAULT_TOPIC.all_of[1],)
    assert decision.reason == "no mention of AI"
    assert decision.explanation == "off topic: no mention of AI; mentions Apple (1), iPhone (1)"
    nobody = decide_topic(DEFAULT_TOPIC, "A new chatbot is out")
    assert nobody.explanation == "off topic: no mention of Alibaba or Apple; mentions AI assistant (1)"


def test_a_rule_without_labels_names_the_terms_of_a_missing_group() -> None:
    rule = TopicRule(all_of=(("Alibaba", "Qwen"), ("Apple", "iPhone")))
    decision = decide_topic(rule, "Alibaba launches Qwen 3")
    assert decision.missing == (("Apple", "iPhone"),)
    assert decision.reason == "no mention of Apple or iPhone"


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


def test_the_default_rule_travels_to_worker_processes_by_pickle() -> None:
    # The pipeline sends rules to its worker processes; the default rule's aliases are a read-only view,
    # which pickle refuses ("cannot pickle 'mappingproxy' object") unless the rule says how to travel.
    copy = pickle.loads(pickle.dumps(DEFAULT_TOPIC))
    assert copy == DEFAULT_TOPIC
    assert isinstance(copy.aliases, MappingProxyType)
    text = "Apple picks Alibaba's Qwen models for Apple Intelligence in China"
    assert decide_topic(copy, text) == decide_topic(DEFAULT_TOPIC, text)
