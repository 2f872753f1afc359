"""The digest's reads on a small warehouse whose every figure is known (tests/warehouse/digest_data.py)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.warehouse.digest_data import (
    BEFORE,
    DAY1,
    DAY2,
    DAY3,
    HOSTILE_TITLE,
    UNTITLED_OPENING,
    build_digest_warehouse,
)
from warehouse.connection import Warehouse, connect, connect_locked
from warehouse.digest import DayCount, Digest, read_digest, read_latest_day, read_mentions_per_day


@pytest.fixture
def digest_warehouse(warehouse: Warehouse) -> Warehouse:
    return build_digest_warehouse(warehouse)


def digest_of(path: Warehouse, since: date, until: date, **limits: int) -> Digest:
    with connect_locked(path) as connection:  # the report's read-only connection
        return read_digest(connection, since, until, **limits)


def test_articles_per_day_count_a_near_copy_once(digest_warehouse: Warehouse) -> None:
    digest = digest_of(digest_warehouse, DAY1, DAY3)
    assert digest.articles_per_day == (
        DayCount(DAY1, "wire", 1),
        DayCount(DAY2, "desk", 2),  # a2, and the undated a3 on its load day
        DayCount(DAY3, "wire", 1),
    )  # a4, the near-copy of a2, is not counted
    assert (digest.articles, digest.sources) == (4, 2)


def test_without_near_copies_the_counts_are_the_analyst_views(digest_warehouse: Warehouse) -> None:
    with connect(digest_warehouse) as connection:
        connection.execute("DELETE FROM near_duplicates")
        connection.execute("DELETE FROM articles WHERE article_id = 'a4'")
        viewed = connection.execute(
            "SELECT day, source, articles FROM articles_per_day WHERE day BETWEEN ? AND ?", [DAY1, DAY3]
        ).fetchall()
        mentions = connection.execute(
            "SELECT day, entity, articles FROM entity_mentions_per_day WHERE day BETWEEN ? AND ?",
            [DAY1, DAY3],
        ).fetchall()
        digest = read_digest(connection, DAY1, DAY3)
    assert [(c.day, c.series, c.articles) for c in digest.articles_per_day] == viewed
    assert [(c.day, c.series, c.articles) for c in digest.mentions_per_day] == mentions


def test_stories_show_headline_outlets_languages_on_their_last_day(digest_warehouse: Warehouse) -> None:
    digest = digest_of(digest_warehouse, DAY1, DAY3)
    by_id = {story.story_id: story for story in digest.stories}
    assert set(by_id) == {"S1", "S2", "S3"}  # S4 had no article in the period
    s1 = by_id["S1"]
    assert (s1.day, s1.headline, s1.untitled, s1.first_day) == (
        DAY2,
        "Qwen heads to iPhones in China",
        False,
        DAY1,
    )
    assert s1.outlets == ("desk.example", "wire.example")
    assert s1.languages == ("en",)
    assert (s1.articles_in_period, s1.articles) == (3, 3)
    assert s1.url == "https://wire.example/qwen-iphone"  # the earliest web article's
    assert not s1.is_new  # it started the day before its day
    s2 = by_id["S2"]
    assert (s2.headline, s2.untitled, s2.languages, s2.url) == (UNTITLED_OPENING, True, ("zh",), None)
    assert s2.outlets == ("desk",)  # no web address: the source names the outlet
    assert s2.is_new
    s3 = by_id["S3"]
    assert (s3.day, s3.headline, s3.url) == (DAY3, HOSTILE_TITLE, None)  # a javascript: URL is no link
    assert [story.day for story in digest.stories] == [DAY3, DAY2, DAY2]  # latest day first
    assert digest.stories_per_day == ((DAY3, 1), (DAY2, 2))
    assert (digest.active_stories, digest.new_stories) == (3, 3)


def test_stories_agree_with_the_stories_view(digest_warehouse: Warehouse) -> None:
    with connect(digest_warehouse) as connection:
        viewed = {
            row[0]: row[1:]
            for row in connection.execute(
                "SELECT story_id, title, CAST(first_seen AS DATE), article_count, outlets FROM stories"
            ).fetchall()
        }
        digest = read_digest(connection, BEFORE, DAY3)
    assert len(digest.stories) == len(viewed) == 4
    for story in digest.stories:
        title, first_day, articles, outlets = viewed[story.story_id]
        assert (title or UNTITLED_OPENING, first_day, articles, list(story.outlets)) == (
            story.headline,
            story.first_day,
            story.articles,
            outlets,
        )


def test_stories_per_day_are_limited_and_still_counted(digest_warehouse: Warehouse) -> None:
    digest = digest_of(digest_warehouse, DAY2, DAY2, stories_per_day=1)
    assert [story.story_id for story in digest.stories] == ["S1"]  # two outlets before one
    assert digest.stories_per_day == ((DAY2, 2),)
    assert digest.stories[0].articles_in_period == 2  # a2 and its near-copy a4; a1 was the day before


def test_entities_with_their_period_before(digest_warehouse: Warehouse) -> None:
    digest = digest_of(digest_warehouse, DAY1, DAY3)
    trends = {e.entity: (e.articles, e.mentions, e.days, e.earlier_articles) for e in digest.entities}
    # Qwen: a1 (twice), a2 and a5; a4 is a near-copy; a6, two days before, is in the period before.
    assert trends == {"Qwen": (3, 4, 3, 1), "Apple": (2, 2, 2, 0), "Alibaba": (1, 1, 1, 0)}
    assert [e.entity for e in digest.entities] == ["Qwen", "Apple", "Alibaba"]


def test_mentions_per_day(digest_warehouse: Warehouse) -> None:
    with connect_locked(digest_warehouse) as connection:
        counts = read_mentions_per_day(connection, BEFORE, DAY2)
    assert counts == (
        DayCount(BEFORE, "Qwen", 1),
        DayCount(DAY1, "Apple", 1),
        DayCount(DAY1, "Qwen", 1),
        DayCount(DAY2, "Alibaba", 1),
        DayCount(DAY2, "Apple", 1),
        DayCount(DAY2, "Qwen", 1),
    )


def test_new_facts_are_those_first_stated_in_the_period(digest_warehouse: Warehouse) -> None:
    digest = digest_of(digest_warehouse, DAY1, DAY3)
    found = [(f.day, f.entity, f.fact_text, f.value, f.unit, f.articles) for f in digest.new_facts]
    assert found == [
        (DAY3, None, "12.5 per cent", 12.5, "%", 1),
        (DAY1, "Qwen", "1 billion dollars", 1e9, "USD", 2),  # its first statement; stated twice in all
    ]  # Alibaba's 5% was stated two days before the period
    assert digest.new_facts[1].title == "Qwen heads to iPhones in China"
    assert digest.new_facts[1].sentence == "It said 5% and 1 billion dollars."
    assert digest.new_facts_total == 2
    assert [f.fact_text for f in digest_of(digest_warehouse, DAY2, DAY3).new_facts] == ["12.5 per cent"]
    limited = digest_of(digest_warehouse, DAY1, DAY3, facts=1)
    assert (len(limited.new_facts), limited.new_facts_total) == (1, 2)


def test_latest_day(digest_warehouse: Warehouse) -> None:
    with connect_locked(digest_warehouse) as connection:
        assert read_latest_day(connection, DAY3 + timedelta(days=30)) == DAY3
        assert read_latest_day(connection, DAY2) == DAY2
        assert read_latest_day(connection, BEFORE - timedelta(days=1)) is None


def test_an_empty_period_and_an_empty_warehouse(digest_warehouse: Warehouse, tmp_path: Path) -> None:
    later = DAY3 + timedelta(days=10)
    digest = digest_of(digest_warehouse, later, later)
    assert (digest.articles, digest.stories, digest.entities, digest.new_facts) == (0, (), (), ())
    assert (digest.active_stories, digest.new_stories, digest.new_facts_total) == (0, 0, 0)
    with connect(tmp_path / "empty.duckdb") as connection:
        assert read_latest_day(connection, DAY3) is None
        assert read_digest(connection, DAY1, DAY3).articles == 0


def test_a_period_that_ends_before_it_starts_is_refused(digest_warehouse: Warehouse) -> None:
    with connect_locked(digest_warehouse) as connection, pytest.raises(ValueError, match="before it starts"):
        read_digest(connection, DAY3, DAY1)


def test_the_digest_leaves_nothing_behind_on_the_connection(digest_warehouse: Warehouse) -> None:
    with connect(digest_warehouse) as connection:
        first = read_digest(connection, DAY1, DAY3)
        assert read_digest(connection, DAY1, DAY3) == first  # twice on one connection
        temporary = connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_digest_articles'"
        ).fetchone()
    assert temporary == (0,)
