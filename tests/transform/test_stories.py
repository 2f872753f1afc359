from __future__ import annotations

from datetime import UTC, datetime, timedelta

from transform.stories import StoryRules, assign_stories, similarity, story_features, weights_for

T0 = datetime(2025, 2, 12, 9, 0, tzinfo=UTC)

DEAL_A = (
    "Apple has chosen Alibaba as its artificial intelligence partner for iPhones sold in China, people "
    "familiar with the talks said on February 11. Alibaba shares jumped 8.48% in Hong Kong after the report."
)
DEAL_B = (
    "Alibaba stock climbed 8.48% on Wednesday after reports that Apple picked the Hangzhou company to supply "
    "AI features for the iPhone in mainland China. The deal was first reported on February 11."
)
DEAL_C = (
    "Alibaba chairman Joe Tsai confirmed on February 13 that the company is working with Apple on AI for "
    "iPhone users in China, after Apple had also tested models from Baidu and DeepSeek."
)
CONFERENCE = (
    "At its cloud conference on September 24, Alibaba promised to spend 380 billion yuan on computing "
    "infrastructure and released new Qwen models for developers."
)


def test_reports_of_one_event_share_a_story_and_another_event_does_not() -> None:
    features = [
        story_features(name, body, T0)
        for name, body in [("a", DEAL_A), ("b", DEAL_B), ("c", DEAL_C), ("conf", CONFERENCE)]
    ]
    stories = {s.article_id: s.story_id for s in assign_stories(features, [])}
    assert stories == {"a": "a", "b": "a", "c": "a", "conf": "conf"}


def test_articles_outside_the_time_window_start_a_new_story() -> None:
    old = story_features("old", DEAL_A, T0)
    late = story_features("late", DEAL_B, T0 + timedelta(days=30))
    [assignment] = assign_stories([late], [(old, "old")], StoryRules(window=timedelta(days=7)))
    assert assignment.story_id == "late"


def test_new_articles_join_stored_stories_and_copies_follow_what_they_copy() -> None:
    stored = [(story_features("a", DEAL_A, T0), "story-1")]
    new = [story_features("b", DEAL_B, T0), story_features("copy", CONFERENCE, T0)]
    assignments = assign_stories(new, stored, copies={"copy": ("x", 0.9)}, stored_story_of={"x": "story-9"})
    assert [(s.article_id, s.story_id, s.matched_article_id) for s in assignments] == [
        ("b", "story-1", "a"),
        ("copy", "story-9", "x"),
    ]


def test_similarity_is_symmetric() -> None:
    a, b = story_features("a", DEAL_A, T0), story_features("b", DEAL_C, T0)
    weights = weights_for([a, b])
    assert similarity(a, b, weights) == similarity(b, a, weights)


def test_undated_articles_are_compared_with_articles_of_any_date() -> None:
    dated = story_features("dated", DEAL_A, T0 - timedelta(days=400))
    undated = story_features("undated", DEAL_B, None)
    [assignment] = assign_stories([undated], [(dated, "story-1")])
    assert assignment.story_id == "story-1"
