"""The topic prefilter never drops a text the full rule keeps, and drops most texts the rule drops."""

from __future__ import annotations

import pytest

from transform.topic_prefilter import prefilter_for
from transform.topics import DEFAULT_TOPIC, TopicRule, decide_topic

TEXTS = [
    "Apple unveiled Apple Intelligence features for the iPhone at its developer conference.",
    "Alibaba Cloud released Qwen3, a family of large language models, on Tuesday.",
    "阿里云发布了通义千问大模型的新版本。",
    "苹果公司宣布将在中国推出人工智能功能。",
    "Tim Cook said the A.I. push would reach every Mac this year.",
    "The iPhone16 ships with a Neural Engine that runs the assistant on the device.",
    "DingTalk added an AI agent that drafts replies for Alibaba's business customers.",
    "APPLE and OPENAI sign a deal over CHATGPT in SIRI.",
    "The city council approved the budget for the new bridge on Tuesday.",
    "Apple pie recipes for autumn, with a pineapple twist.",
    "Machine learning researchers met in Vienna to discuss large language models.",
    "Tim cooked dinner while the large language of the report confused everyone.",
    "The Mac and cheese festival drew record crowds; no AI was involved.",
    "GPT-45 is not a real model, but Siri mentions would count.",
    "Quarkus, a Java framework, and scenarios for studios, with macros and iOS-like buttons.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_prefilter_keeps_every_text_the_rule_keeps_and_agrees_on_the_rest(text: str) -> None:
    prefilter = prefilter_for(DEFAULT_TOPIC)
    assert prefilter.may_match(text) == decide_topic(DEFAULT_TOPIC, text).relevant


def test_a_page_the_rule_would_keep_is_never_dropped_for_words_around_it() -> None:
    rule = TopicRule(all_of=(("GPT-4", "Qwen"), ("AI",)), none_of=("sponsored",))
    prefilter = prefilter_for(rule)
    # "GPT-45" is GPT-4 followed by a version digit for decide_topic; "qwen2" is Qwen.
    assert decide_topic(rule, "GPT-45 and AI").relevant and prefilter.may_match("GPT-45 and AI")
    assert prefilter.may_match("qwen2 AI news")
    # none_of is the full rule's business: a sponsored link in a page's navigation must not drop it.
    assert prefilter.may_match("Qwen AI news. Sponsored links: ...")
    assert not prefilter.may_match("Qwen news without the other group")


def test_a_rule_without_groups_lets_everything_through() -> None:
    assert prefilter_for(TopicRule(none_of=("sponsored",))).may_match("sponsored anything")


def test_on_many_generated_texts_the_prefilter_and_the_rule_agree() -> None:
    """Every spelling of the default rule, in every case, glued to words, digits and punctuation."""
    import random

    rng = random.Random(15)
    spellings = [
        s for group in DEFAULT_TOPIC.all_of for t in group for s in (t, *DEFAULT_TOPIC.aliases.get(t, ()))
    ]
    filler = [
        "the",
        "said",
        "aims",
        "pineapple",
        "machine",
        "scenarios",
        "3",
        "x",
        "",
        "—",
        "'s",
        "(",
        ")",
        "ß",
        "的",
    ]
    prefilter = prefilter_for(DEFAULT_TOPIC)
    disagreements = []
    for _ in range(600):
        parts = []
        for _ in range(rng.randint(3, 12)):
            word = rng.choice(spellings) if rng.random() < 0.25 else rng.choice(filler)
            word = word.upper() if rng.random() < 0.2 else word
            parts.append(word + rng.choice(["", " ", " ", ", ", "2", "s", "-"]))
        text = "".join(parts)
        if prefilter.may_match(text) != decide_topic(DEFAULT_TOPIC, text).relevant:
            disagreements.append(text)
    assert disagreements == []
