"""A quality gate for stories on the team's evaluation set (bench/data/stories): pair precision and
recall must stay at or above issue 16's targets, in one batch and day by day against stored stories."""

from __future__ import annotations

import pytest

from bench.stories_eval import assign, features_of, read_articles, render, run, score

PRECISION, RECALL = 0.90, 0.85


@pytest.mark.parametrize("daily", [False, True], ids=["one batch", "day by day"])
def test_story_pairs_on_the_evaluation_set_meet_the_targets(daily: bool) -> None:
    articles = read_articles()
    result = score(articles, assign(articles, features_of(articles), daily=daily))
    assert result["precision"] >= PRECISION, result
    assert result["recall"] >= RECALL, result


def test_the_evaluation_set_can_fail() -> None:
    # Every article its own story, or all in one: the figures the gate must be able to tell apart.
    articles = read_articles()
    assert score(articles, {a.article_id: a.article_id for a in articles})["recall"] == 0.0
    assert score(articles, {a.article_id: "one" for a in articles})["precision"] < 0.05


def test_the_harness_reports_every_figure() -> None:
    figures = run(read_articles()[:40], repeat=1)
    assert figures["articles"] == 40 and figures["docs_per_s"] > 0
    assert {"one_batch", "daily", "daily_persisted_only", "ablations"} <= figures.keys()
    assert "without names" in render(figures)
