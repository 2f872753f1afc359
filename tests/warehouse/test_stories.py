"""Stories for people on a real DuckDB: story_changes as runs load them, the story_summaries view (headline,
span, counts, languages, entities), and the reads behind `newsetl stories` and the run's report."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.stories_history import (
    R1_AT,
    R2_AT,
    article,
    assign,
    batch,
    day,
    load_flagged_joins,
    load_history,
)
from warehouse.connection import Warehouse, connect, connect_locked, migrations
from warehouse.exports import export_parquet
from warehouse.loads import load_outcomes
from warehouse.stories import (
    GoneStory,
    RunStories,
    UnknownStoryError,
    list_stories,
    run_stories,
    stories_by_id,
)
from warehouse.story_edits import merge_stories

SUMMARY = (
    "SELECT story_id, headline, headline_article_id, first_seen, last_seen, article_count, outlet_count,"
    " outlets, languages, top_entities FROM story_summaries"
)


@pytest.fixture
def history(warehouse: Warehouse) -> Warehouse:
    load_history(warehouse)
    return warehouse


def test_each_run_records_the_stories_it_created_and_grew(history: Warehouse) -> None:
    with connect(history, read_only=True) as con:
        rows = con.execute(
            "SELECT run_id, story_id, change, other_story_id, article_count, changed_at FROM story_changes"
            " ORDER BY run_id, story_id"
        ).fetchall()
    assert rows == [
        ("r1", "a1", "created", None, 2, R1_AT),
        ("r1", "a3", "created", None, 1, R1_AT),
        ("r2", "a1", "grew", None, 2, R2_AT),
        # Started in the run's first batch and grown in its second: still one row, created, 3 articles.
        ("r2", "b2", "created", None, 3, R2_AT),
    ]


def test_a_story_summary_names_its_most_central_report_and_its_figures(history: Warehouse) -> None:
    with connect(history, read_only=True) as con:
        rows = {row[0]: row[1:] for row in con.execute(SUMMARY).fetchall()}
    assert set(rows) == {"a1", "a3", "b2"}
    # a2 is what a4 and a5 joined through: the most central report, though a1 started the story.
    assert rows["a1"] == (
        "阿里巴巴确认与苹果合作 | East Brief",
        "a2",
        day(2, 13),
        day(2, 15),
        4,
        3,
        ["www.eastbrief.example", "www.meridianwire.example", "www.pacificcircuit.example"],
        ["en", "zh"],
        # Apple is in three of its articles, Alibaba in two (three mentions), Qwen in one.
        ["Apple", "Alibaba", "Qwen"],
    )
    # b1 and b2 were joined through once each: b1, seen first, gives the headline.
    headline, headline_article, first, last, articles, outlets = rows["b2"][:6]
    assert (headline, headline_article, first, last, articles, outlets) == (
        "DeepSeek halves API prices",
        "b1",
        day(3, 1),
        day(3, 2, 12),
        3,
        3,
    )
    assert rows["b2"][7:] == (["en"], [])
    # No title anywhere: no headline; an undated file is seen when it was loaded, outlet its source.
    assert rows["a3"] == (None, "a3", R1_AT, R1_AT, 1, 1, ["files"], [], [])


def test_a_summary_gives_the_span_its_dated_articles_were_published_and_counts_the_undated(
    warehouse: Warehouse,
) -> None:
    """first_seen and last_seen take an undated article's load time; the publication span does not."""
    load_history(warehouse)
    load_flagged_joins(warehouse)  # c2, undated, joined c1's story
    with connect_locked(warehouse) as con:
        rows = {
            row[0]: row[1:]
            for row in con.execute(
                "SELECT story_id, first_seen, last_seen, first_published, last_published, undated_count"
                " FROM story_summaries"
            ).fetchall()
        }
        summaries = {s.story_id: s for s in stories_by_id(con, ["a1", "a3", "c1"])}
    assert rows["a1"] == (day(2, 13), day(2, 15), day(2, 13), day(2, 15), 0)
    assert rows["a3"] == (R1_AT, R1_AT, None, None, 1)
    first_seen, last_seen, *published = rows["c1"]
    assert (first_seen, last_seen) == (R2_AT, day(4, 1))  # c2's load time, a month before c1
    assert published == [day(4, 1), day(4, 1), 1]
    assert [(s.published, s.undated_count) for s in summaries.values()] == [
        ((day(2, 13), day(2, 15)), 0),
        (None, 1),
        ((day(4, 1), day(4, 1)), 1),
    ]


def test_the_macro_summarises_only_the_stories_asked_for_as_the_view_does(history: Warehouse) -> None:
    with connect(history, read_only=True) as con:
        everything = {row[0]: row for row in con.execute(SUMMARY).fetchall()}
        some = con.execute(
            SUMMARY.replace("FROM story_summaries", "FROM story_summaries_of(['b2', 'a3', 'no such story'])")
        ).fetchall()
        none = con.execute("SELECT count(*) FROM story_summaries_of([])").fetchone()
    assert sorted(some) == sorted([everything["b2"], everything["a3"]])
    assert none == (0,)


def test_stories_are_listed_latest_first_with_their_articles_in_order(history: Warehouse) -> None:
    with connect_locked(history) as con:  # as `newsetl stories` reads them
        stories = list_stories(con)
        since = [s.story_id for s in list_stories(con, since=date(2025, 2, 15))]
        later = [s.story_id for s in list_stories(con, since=date(2025, 2, 16))]
        future = list_stories(con, since=date(2025, 3, 3))
        first = [s.story_id for s in list_stories(con, limit=1)]
    assert [s.story_id for s in stories] == ["b2", "a1", "a3"]
    assert [a.article_id for a in stories[0].articles] == ["b1", "b2", "b3"]
    assert [a.article_id for a in stories[1].articles] == ["a1", "a2", "a4", "a5"]
    b1 = stories[0].articles[0]
    assert (b1.outlet, b1.published_at, b1.title, b1.url, b1.language) == (
        "www.meridianwire.example",
        day(3, 1),
        "DeepSeek halves API prices",
        "https://www.meridianwire.example/deepseek",
        "en",
    )
    assert stories[2].articles[0].published_at is None and stories[2].articles[0].outlet == "files"
    assert (stories[1].headline, stories[1].article_count, stories[1].top_entities) == (
        "阿里巴巴确认与苹果合作 | East Brief",
        4,
        ("Apple", "Alibaba", "Qwen"),
    )
    # a1's story had an article on the 15th (08:00): a day counts from its midnight, in UTC.
    assert since == ["b2", "a1"]
    assert later == ["b2"]
    assert future == []
    assert first == ["b2"]


def test_the_listing_says_who_joined_without_a_date_and_which_story_a_story_continues_or_follows(
    warehouse: Warehouse,
) -> None:
    load_flagged_joins(warehouse)
    with connect_locked(warehouse) as con:
        stories = {s.story_id: s for s in list_stories(con)}
        stored = con.execute(
            "SELECT article_id, undated, continues_story, follows_story FROM story_articles"
            " ORDER BY article_id"
        ).fetchall()
    assert stored == [
        ("c1", False, None, None),
        ("c2", True, None, None),
        ("d1", False, "full-story", None),
        ("e1", False, None, "c1"),
    ]
    assert {a.article_id: a.joined_undated for a in stories["c1"].articles} == {"c1": False, "c2": True}
    assert [(a.joined_undated, a.continues_story) for a in stories["d1"].articles] == [(False, "full-story")]
    assert [(a.continues_story, a.follows_story) for a in stories["e1"].articles] == [(None, "c1")]
    assert all(a.follows_story is None for s in ("c1", "d1") for a in stories[s].articles)
    # And the story it follows names it.
    assert {s: stories[s].followed_by for s in ("c1", "d1", "e1")} == {"c1": ("e1",), "d1": (), "e1": ()}
    with connect_locked(warehouse) as con:
        assert stories_by_id(con, ["c1"])[0].followed_by == ("e1",)


def test_a_story_s_thread_is_every_story_up_and_down_its_follows_links(warehouse: Warehouse) -> None:
    # A happening reported for days: e1 follows c1 (loaded by load_flagged_joins); a later run's f1 follows
    # e1, and g1, a follow-up of the first days, follows c1 too. d1 follows nothing.
    load_flagged_joins(warehouse)
    f1 = article("f1", "https://www.meridianwire.example/kimi-two-million", "Kimi doubles", day(6, 6))
    g1 = article("g1", "https://www.eastbrief.example/kimi-pricing", "Kimi sets prices", day(4, 4))
    with connect(warehouse) as con:
        follows = [
            dataclasses.replace(assign("f1", "f1"), follows="e1"),
            dataclasses.replace(assign("g1", "g1"), follows="c1"),
        ]
        load_outcomes(con, "r4", R2_AT, batch([f1, g1], follows))
    with connect_locked(warehouse) as con:
        threads = {
            given: [s.story_id for s in stories_by_id(con, [given], threads=True)]
            for given in ("c1", "e1", "f1", "g1", "d1")
        }
        both = [s.story_id for s in stories_by_id(con, ["d1", "f"], threads=True)]
        plain = [s.story_id for s in stories_by_id(con, ["f1"])]
    # From any of its stories, the same thread, by first article seen (c1 and its undated c2 come first).
    assert all(found == ["c1", "g1", "e1", "f1"] for given, found in threads.items() if given != "d1")
    assert threads["d1"] == ["d1"]
    assert both == ["d1", "c1", "g1", "e1", "f1"]  # threads in the order given; "f" is f1's start
    assert plain == ["f1"]
    with connect_locked(warehouse) as con:
        latest = [s.story_id for s in list_stories(con, limit=2)]
        listed = [s.story_id for s in list_stories(con, limit=2, threads=True)]
    # The latest two stories (f1, e1) are of one thread: it is shown once, whole, c1 and g1 with it.
    assert (latest, listed) == (["f1", "e1"], ["c1", "g1", "e1", "f1"])
    # The stories view names each story's thread by its first story, for SQL and the export.
    assert _follows_and_threads(warehouse) == {
        "c1": (None, "c1"),
        "d1": (None, "d1"),
        "e1": ("c1", "c1"),
        "f1": ("e1", "c1"),
        "g1": ("c1", "c1"),
    }
    _assert_view_threads_are_the_listed_threads(warehouse)


def test_links_that_loop_end_and_make_one_thread(warehouse: Warehouse) -> None:
    # e1 follows c1 (loaded by load_flagged_joins); c1 made to follow e1, as a story id taken over by a
    # split could make it.
    load_flagged_joins(warehouse)
    with connect(warehouse) as con:
        con.execute("UPDATE story_articles SET follows_story = 'e1' WHERE article_id = 'c1'")
    assert _follows_and_threads(warehouse) == {"c1": ("e1", "c1"), "d1": (None, "d1"), "e1": ("c1", "c1")}
    _assert_view_threads_are_the_listed_threads(warehouse)


def test_the_export_carries_each_story_s_link_thread_and_publication_span(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load_flagged_joins(warehouse)  # e1 follows c1; c2, undated, joined c1's story
    with connect(warehouse, read_only=True) as con:
        export_parquet(con, tmp_path / "out")
    rows = duckdb.sql(
        "SELECT story_id, follows_story, thread_id, first_seen, first_published, last_published,"
        f" undated_count FROM read_parquet('{tmp_path}/out/stories/*/*.parquet') ORDER BY story_id"
    ).fetchall()
    assert rows == [
        # c2's load time, a month before c1's publication, is c1's first sighting, not its first publication.
        ("c1", None, "c1", R2_AT, day(4, 1), day(4, 1), 1),
        ("d1", None, "d1", day(4, 2), day(4, 2), day(4, 2), 0),
        ("e1", "c1", "c1", day(6, 3), day(6, 3), day(6, 3), 0),
    ]


def _follows_and_threads(warehouse: Warehouse) -> dict[str, tuple[str | None, str]]:
    with connect_locked(warehouse) as con:
        rows = con.execute("SELECT story_id, follows_story, thread_id FROM stories").fetchall()
    return {story: (follows, thread) for story, follows, thread in rows}


def _assert_view_threads_are_the_listed_threads(warehouse: Warehouse) -> None:
    """The stories a story shares its `thread_id` with are those `newsetl stories ID --thread` lists."""
    threads = _follows_and_threads(warehouse)
    with connect_locked(warehouse) as con:
        for story, (_, thread) in threads.items():
            listed = {s.story_id for s in stories_by_id(con, [story], threads=True)}
            assert listed == {other for other, (_, same) in threads.items() if same == thread}, story


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_the_listing_limit_is_checked(history: Warehouse, limit: int) -> None:
    with connect_locked(history) as con, pytest.raises(ValueError, match="limit must be between 1 and 1000"):
        list_stories(con, limit=limit)


def test_the_stories_of_at_least_some_articles_are_counted_whole(history: Warehouse) -> None:
    with connect_locked(history) as con:
        two = [s.story_id for s in list_stories(con, min_articles=2)]
        since = [s.story_id for s in list_stories(con, date(2025, 2, 15), min_articles=4)]
        with pytest.raises(ValueError, match="min_articles must be 1 or more, got 0"):
            list_stories(con, min_articles=0)
    assert two == ["b2", "a1"]
    assert since == ["a1"]  # one of its four articles was seen since the 15th


def test_a_run_s_stories_come_with_the_run_s_totals(history: Warehouse) -> None:
    with connect_locked(history) as con:
        r2 = run_stories(con, "r2")
        top = run_stories(con, "r2", limit=1)
        nothing = run_stories(con, "no such run")
    assert (r2.changed, r2.created, r2.articles_added) == (2, 1, 5)
    assert [(s.story.story_id, s.change, s.articles_added, s.story.article_count) for s in r2.stories] == [
        ("b2", "created", 3, 3),
        ("a1", "grew", 2, 4),
    ]
    assert [s.story.story_id for s in top.stories] == ["b2"]
    assert (top.changed, top.created, top.articles_added) == (2, 1, 5)
    assert nothing == RunStories((), 0, 0, 0)


def test_a_run_s_story_an_analyst_merged_away_says_where_its_articles_went(history: Warehouse) -> None:
    """A reprocess makes an analyst's merge again after its load: the run's report then reads a story the
    run created that holds no article. It is counted and said so, with the story that holds them now."""
    with connect(history) as con:
        merge_stories(con, ["a1", "b2"], datetime(2025, 3, 1, tzinfo=UTC))
    with connect_locked(history) as con:
        r2 = run_stories(con, "r2")
    assert (r2.changed, r2.created, r2.articles_added) == (2, 1, 5)
    assert [(s.story.story_id, s.change, s.articles_added, s.story.article_count) for s in r2.stories] == [
        ("a1", "grew", 2, 7)
    ]
    assert r2.gone == (GoneStory("b2", "created", 3, "a1"),)


def test_a_run_s_first_stories_of_two_articles_or_more_come_with_them(history: Warehouse) -> None:
    with connect_locked(history) as con:
        both = run_stories(con, "r2", with_articles=2)
        first = run_stories(con, "r2", with_articles=1)
        small = run_stories(con, "r2", with_articles=2, max_articles=3)
        listed = {s.story_id: s for s in list_stories(con)}
    assert [s.story for s in both.stories] == [listed["b2"], listed["a1"]]
    assert [len(s.story.articles) for s in first.stories] == [3, 0]
    assert [len(s.story.articles) for s in small.stories] == [3, 0]  # a1 holds four


def test_a_story_id_is_found_whole_or_by_its_start(history: Warehouse) -> None:
    with connect(history) as con:
        # Another story whose id starts with a whole one: "a1" still names a1.
        con.execute("UPDATE story_articles SET story_id = 'a10' WHERE story_id = 'a3'")
        whole = stories_by_id(con, ["a1"])
        started = stories_by_id(con, ["a10", "b"])
        listed = {s.story_id: s for s in list_stories(con)}
        with pytest.raises(
            UnknownStoryError, match=r"^'a' starts several story ids \(a1, a10\): give more of it$"
        ):
            stories_by_id(con, ["a"])
    assert whole == [listed["a1"]]
    assert started == [listed["a10"], listed["b2"]]


def test_a_file_from_before_story_changes_gets_its_history_from_story_articles(db_path: Path) -> None:
    """File-only (a file of an older schema, written by plain DuckDB). The migration back-fills
    story_changes: a run that loaded a story's first article created it, a later run that added articles
    grew it."""
    mine = next(version for version, name, _ in migrations() if name == "story_summaries")
    at = datetime(2025, 1, 2, tzinfo=UTC)
    con = duckdb.connect(str(db_path))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL)"
    )
    for version, name, sql in migrations():
        if version < mine:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, at])
    con.executemany(
        "INSERT INTO story_articles VALUES (?, ?, 1.0, NULL, ?, ?)",
        [
            ["a1", "a1", at, "old1"],
            ["a2", "a1", at, "old1"],
            ["a3", "a1", datetime(2025, 1, 3, tzinfo=UTC), "old2"],
            ["c1", "c1", datetime(2025, 1, 3, tzinfo=UTC), "old2"],
        ],
    )
    con.close()
    with connect(db_path) as con:
        rows = con.execute(
            "SELECT run_id, story_id, change, article_count, changed_at FROM story_changes ORDER BY ALL"
        ).fetchall()
    assert rows == [
        ("old1", "a1", "created", 2, at),
        ("old2", "a1", "grew", 1, datetime(2025, 1, 3, tzinfo=UTC)),
        ("old2", "c1", "created", 1, datetime(2025, 1, 3, tzinfo=UTC)),
    ]
