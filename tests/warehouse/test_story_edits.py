"""An analyst's splits and merges of stories (warehouse/story_edits.py), on a DuckDB file and on lakes: the
articles moved, the ids kept, the matches and follow-up links left right, and story_changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import duckdb
import pytest

from tests.warehouse.stories_history import load_flagged_joins, load_history
from warehouse import story_edits
from warehouse.connection import Warehouse, connect
from warehouse.reprocess import forget_derived
from warehouse.stories import UnknownStoryError, stories_by_id
from warehouse.story_edits import StoryEditError, merge_stories, split_story

NOW = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
A4_URL = "https://www.pacificcircuit.example/apple-qwen"


@pytest.fixture
def history(warehouse: Warehouse) -> Warehouse:
    load_history(warehouse)  # a1: a1 <- a2 <- a4, a5; a3 alone; b2: b2 <- b1 <- b3
    return warehouse


def rows(warehouse: Warehouse, *articles: str) -> dict[str, tuple[str, str | None, float, str | None]]:
    """{article: (story, matched article, score, placed by)}."""
    with connect(warehouse, read_only=True) as connection:
        found = connection.execute(
            "SELECT article_id, story_id, matched_article_id, score, placed_by FROM story_articles"
            " WHERE article_id IN (SELECT unnest($ids))",
            {"ids": list(articles)},
        ).fetchall()
    return {article: (story, matched, score, placed) for article, story, matched, score, placed in found}


def changes(warehouse: Warehouse, edit_id: str) -> set[tuple[str, str, str | None, int]]:
    with connect(warehouse, read_only=True) as connection:
        found = connection.execute(
            "SELECT story_id, change, other_story_id, article_count FROM story_changes WHERE run_id = ?",
            [edit_id],
        ).fetchall()
    return set(found)


def test_articles_split_out_start_a_story_of_their_own_and_the_rest_keeps_its_id(history: Warehouse) -> None:
    with connect(history) as connection:
        edit = split_story(connection, [A4_URL, "a5"], NOW)  # by its URL, as listed, or by its id
        stories = {
            s.story_id: [a.article_id for a in s.articles] for s in stories_by_id(connection, edit.stories)
        }
    assert edit.stories == ("a1", "a4") and edit.edit_id.startswith("edit-")
    assert stories == {"a1": ["a1", "a2"], "a4": ["a4", "a5"]}
    # a4, the first of the two, starts the new story; a5 had matched a2, which stayed: placed by the split.
    assert rows(history, "a4", "a5") == {"a4": ("a4", None, 1.0, None), "a5": ("a4", None, 0.7, "split")}
    assert changes(history, edit.edit_id) == {("a4", "split_from", "a1", 2)}


def test_the_part_holding_the_first_article_keeps_the_id_and_matches_within_a_part_stay(
    history: Warehouse,
) -> None:
    with connect(history) as connection:
        edit = split_story(connection, ["a1"], NOW)
    # a1 keeps story a1; the others go with a2, the first of them, and a4 and a5 still match a2.
    assert edit.stories == ("a1", "a2")
    assert rows(history, "a1", "a2", "a4", "a5") == {
        "a1": ("a1", None, 1.0, None),
        "a2": ("a2", None, 1.0, None),
        "a4": ("a2", "a2", 0.7, None),
        "a5": ("a2", "a2", 0.7, None),
    }
    assert changes(history, edit.edit_id) == {("a2", "split_from", "a1", 3)}


def test_an_article_left_behind_whose_match_moved_is_placed_by_the_split(history: Warehouse) -> None:
    with connect(history) as connection:
        edit = split_story(connection, ["b1"], NOW)  # b3 had matched b1
        [left, moved] = stories_by_id(connection, edit.stories)
    assert [a.article_id for a in left.articles] == ["b2", "b3"] and left.story_id == "b2"
    assert [a.article_id for a in moved.articles] == ["b1"] and moved.story_id == "b1"
    assert rows(history, "b3")["b3"][1:] == (None, 0.7, "split")
    assert [a.placed_by for a in left.articles] == [None, "split"]


def test_a_split_says_what_is_wrong_and_changes_nothing(history: Warehouse) -> None:
    before = rows(history, "a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3")
    with connect(history) as connection:
        with pytest.raises(StoryEditError, match="those are all 4 articles of story a1: nothing to split"):
            split_story(connection, ["a1", "a2", "a4", "a5"], NOW)
        with pytest.raises(StoryEditError, match=r"in 2 stories \(a1, b2\): split one story at a time"):
            split_story(connection, ["a4", "b1"], NOW)
        with pytest.raises(
            StoryEditError, match=re.escape("no article in a story has the id or URL 'https://x.example/'")
        ):
            split_story(connection, ["a4", "https://x.example/"], NOW)
    assert rows(history, "a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3") == before


def test_stories_merge_into_the_one_seen_first(history: Warehouse) -> None:
    with connect(history) as connection:
        edit = merge_stories(connection, ["b", "a3", "a1"], NOW)  # ids or their starts, in any order
        [merged] = stories_by_id(connection, edit.stories)
    assert merged.story_id == "a1" and merged.article_count == 8
    # Each merged story's first article matched nothing here: placed by the merge. The others keep theirs.
    assert rows(history, "a3", "b1", "b2", "b3") == {
        "a3": ("a1", None, 1.0, "merge"),
        "b1": ("a1", "b2", 0.7, None),
        "b2": ("a1", None, 1.0, "merge"),
        "b3": ("a1", "b1", 0.7, None),
    }
    assert changes(history, edit.edit_id) == {("b2", "merged_into", "a1", 3), ("a3", "merged_into", "a1", 1)}
    with connect(history, read_only=True) as connection:
        # An id seen before the merge (whole or its start) leads to the story that holds its articles.
        assert [s.story_id for s in stories_by_id(connection, ["b2", "a3", "a1"])] == ["a1"]
        assert [s.story_id for s in stories_by_id(connection, ["b"])] == ["a1"]


def test_merging_keeps_follow_up_links_pointing_at_stories_that_exist(warehouse: Warehouse) -> None:
    load_history(warehouse)
    load_flagged_joins(warehouse)  # c1 <- c2; d1; e1 follows c1
    with connect(warehouse) as connection:
        merge_stories(connection, ["c1", "a1"], NOW)  # c1 into a1, seen first: e1 now follows a1
        followed = connection.execute(
            "SELECT story_id, follows_story, thread_id FROM story_threads()"
        ).fetchall()
        assert followed == [("e1", "a1", "a1")]
        merge_stories(connection, ["e1", "a1"], NOW)  # the follow-up into what it follows: no link is left
        assert connection.execute("FROM story_threads()").fetchall() == []
        assert connection.execute(
            "SELECT count(*) FROM story_articles WHERE follows_story IS NOT NULL"
        ).fetchone() == (0,)


def test_a_merged_story_brings_its_link_to_a_story_that_followed_none(warehouse: Warehouse) -> None:
    load_history(warehouse)
    load_flagged_joins(warehouse)
    with connect(warehouse) as connection:
        merge_stories(connection, ["e1", "d1"], NOW)  # d1, seen first, followed none; e1 followed c1
        assert connection.execute("SELECT story_id, follows_story FROM story_threads()").fetchall() == [
            ("d1", "c1")
        ]


def test_a_merge_past_the_size_limit_is_refused(history: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(story_edits, "MAX_STORY_ARTICLES", 6)
    with connect(history) as connection:
        with pytest.raises(StoryEditError, match="would hold 7 articles, more than a story may \\(6\\)"):
            merge_stories(connection, ["a1", "b2"], NOW)
        with pytest.raises(StoryEditError, match="give two stories or more to merge, not only a1"):
            merge_stories(connection, ["a1", "a1"], NOW)
        with pytest.raises(UnknownStoryError, match="no story id starts with 'zz'"):
            merge_stories(connection, ["a1", "zz"], NOW)
    assert {story for story, *_ in rows(history, "a1", "b2").values()} == {"a1", "b2"}


def test_an_article_merged_in_then_split_out_again_starts_its_story_unmarked(history: Warehouse) -> None:
    with connect(history) as connection:
        merge_stories(connection, ["a1", "a3"], NOW)
    assert rows(history, "a3")["a3"] == ("a1", None, 1.0, "merge")
    with connect(history) as connection:
        split_story(connection, ["a3"], NOW)
    assert rows(history, "a3")["a3"] == ("a3", None, 1.0, None)  # the first of its story: placed by nothing


def test_an_id_merged_twice_leads_to_the_last_story_and_one_split_out_again_to_itself(
    history: Warehouse,
) -> None:
    load_flagged_joins(history)  # c1 (1 April), d1, e1
    with connect(history) as connection:
        merge_stories(connection, ["d1", "c1"], NOW)  # d1 into c1
        merge_stories(connection, ["c1", "b2"], NOW)  # c1 into b2 (1 March)
        assert [s.story_id for s in stories_by_id(connection, ["d1"])] == ["b2"]
        split_story(connection, ["d1"], NOW)  # d1 is a story again, under its own id
        assert [s.story_id for s in stories_by_id(connection, ["d1", "c1"])] == ["d1", "b2"]
        with pytest.raises(UnknownStoryError, match="no story id starts with 'zz'"):
            stories_by_id(connection, ["zz"])


def members(warehouse: Warehouse) -> dict[str, list[str]]:
    """{story: its articles}, every story."""
    with connect(warehouse, read_only=True) as connection:
        found = connection.execute(
            "SELECT story_id, list(article_id ORDER BY article_id) FROM story_articles GROUP BY story_id"
        ).fetchall()
    return dict(found)


def rebuild(warehouse: Warehouse, stories: list[tuple[object, ...]]) -> None:
    """Put back story_articles as the rules made them, the edits owed: what `newsetl reprocess` does to
    stories (warehouse.reprocess.forget_derived forgets them and marks the edits owed, the load rebuilds)."""
    with connect(warehouse) as connection:
        connection.execute("DELETE FROM story_articles")
        connection.executemany(
            f"INSERT INTO story_articles VALUES ({', '.join('?' * len(stories[0]))})", stories
        )
        story_edits.owe_story_edits(connection)


def replay(connection: duckdb.DuckDBPyConnection) -> list[story_edits.ReplayedEdit]:
    replays = story_edits.replay_story_edits(connection, NOW)
    assert replays.waiting == 0
    return list(replays.edits)


def test_a_rebuild_of_the_stories_gets_the_edits_made_again_in_order(history: Warehouse) -> None:
    with connect(history) as connection:
        by_rules = connection.execute("FROM story_articles").fetchall()
        split = split_story(connection, [A4_URL, "a5"], NOW)
        merge = merge_stories(connection, ["b2", "a3"], NOW.replace(hour=10))
        later = split_story(connection, ["b3"], NOW.replace(hour=11))  # out of the story the merge made
        assert connection.execute(
            "SELECT edit_id, kind, articles FROM story_edits ORDER BY made_at"
        ).fetchall() == [
            (split.edit_id, "split", ["a4", "a5"]),
            (merge.edit_id, "merge", ["a3", "b2"]),
            (later.edit_id, "split", ["b3"]),
        ]
    edited = members(history)
    # a3, undated, was loaded before b1 was published: its story is the one seen first.
    assert edited == {"a1": ["a1", "a2"], "a4": ["a4", "a5"], "a3": ["a3", "b1", "b2"], "b3": ["b3"]}
    rebuild(history, by_rules)
    assert members(history) != edited
    with connect(history) as connection:
        replayed = replay(connection)
    assert [(r.edit_id, r.kind, r.skipped) for r in replayed] == [
        (split.edit_id, "split", None),
        (merge.edit_id, "merge", None),
        (later.edit_id, "split", None),
    ]
    assert members(history) == edited
    # Each made again under an id of its own, as story_changes rows like the edit's.
    assert [changes(history, r.replay_id or "") for r in replayed] == [
        {("a4", "split_from", "a1", 2)},
        {("b2", "merged_into", "a3", 3)},
        {("b3", "split_from", "a3", 1)},
    ]
    assert all(r.replay_id and r.replay_id.startswith("replay-") for r in replayed)


def test_edits_made_at_one_time_are_made_again_in_the_order_they_were_made(history: Warehouse) -> None:
    # One clock for all three (a script's edits, or a test's): ordered by time and then by their random
    # ids, they came back in one of six orders.
    with connect(history) as connection:
        by_rules = connection.execute("FROM story_articles").fetchall()
        made = [
            split_story(connection, [A4_URL, "a5"], NOW),
            merge_stories(connection, ["b2", "a3"], NOW),
            split_story(connection, ["b3"], NOW),
        ]
        assert connection.execute(
            "SELECT edit_id, made_order FROM story_edits ORDER BY made_order"
        ).fetchall() == [(edit.edit_id, number) for number, edit in enumerate(made, start=1)]
    edited = members(history)
    rebuild(history, by_rules)
    with connect(history) as connection:
        replayed = replay(connection)
    assert [r.edit_id for r in replayed] == [edit.edit_id for edit in made]
    assert all(r.skipped is None for r in replayed)
    assert members(history) == edited


def test_an_edit_the_stories_already_agree_with_is_skipped_with_its_reason(history: Warehouse) -> None:
    with connect(history) as connection:
        split_story(connection, ["a5"], NOW)
        merge_stories(connection, ["a1", "a3"], NOW.replace(hour=10))
        # Made again on the stories as they are: nothing left to do.
        story_edits.owe_story_edits(connection)
        replayed = replay(connection)
        assert [r.skipped for r in replayed] == [
            "its articles are a story of their own already",
            "its articles are in one story already",
        ]
        assert [r.replay_id for r in replayed] == [None, None]
        # Articles that are in no story now (a rebuild made them duplicates of others).
        connection.execute("DELETE FROM story_articles WHERE article_id IN ('a5', 'a3')")
        story_edits.owe_story_edits(connection)
        assert [r.skipped for r in replay(connection)] == [
            "its articles are in no story now",
            "its articles are in one story already",  # a1 is still in its story
        ]


def test_a_split_whose_articles_the_rebuild_put_in_two_stories_makes_them_one_of_their_own(
    history: Warehouse,
) -> None:
    with connect(history) as connection:
        by_rules = connection.execute("FROM story_articles").fetchall()
        split_story(connection, ["a4", "a5"], NOW)
        # The story's first article and another: they keep the story's id, and the rest go.
        split_story(connection, ["b2", "b3"], NOW.replace(hour=10))
    corrected = {"a1": ["a1", "a2"], "a3": ["a3"], "a4": ["a4", "a5"], "b1": ["b1"], "b2": ["b2", "b3"]}
    assert members(history) == corrected
    # The rules now join a5 to b2's story and b3 to a1's instead.
    moved = {"a5": "b2", "b3": "a1"}
    rebuild(history, [(row[0], moved.get(str(row[0]), row[1]), *row[2:]) for row in by_rules])
    with connect(history) as connection:
        replayed = replay(connection)
    assert [r.skipped for r in replayed] == [None, None]
    assert members(history) == corrected


def test_an_edit_refused_on_the_rebuilt_stories_is_skipped_and_changes_nothing(
    history: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with connect(history) as connection:
        by_rules = connection.execute("FROM story_articles").fetchall()
        merge_stories(connection, ["a1", "b2"], NOW)
    rebuild(history, by_rules)
    monkeypatch.setattr(story_edits, "MAX_STORY_ARTICLES", 6)  # the rules' stories grew meanwhile
    with connect(history) as connection:
        [replayed] = replay(connection)
    assert replayed.replay_id is None
    assert (
        replayed.skipped
        == "the merged story would hold 7 articles, more than a story may (6): merge fewer stories"
    )
    assert members(history) == {"a1": ["a1", "a2", "a4", "a5"], "a3": ["a3"], "b2": ["b1", "b2", "b3"]}


def test_edits_are_made_again_once_no_document_is_pending_and_only_once(history: Warehouse) -> None:
    with connect(history) as connection:
        by_rules = connection.execute("FROM story_articles").fetchall()
        split_story(connection, ["a5"], NOW)
        assert not story_edits.owes_story_edits(connection)  # an edit is made, not owed
        assert story_edits.replay_story_edits(connection, NOW) == story_edits.EditReplays()
    rebuild(history, by_rules)
    with connect(history) as connection:
        assert story_edits.owes_story_edits(connection)
        # A document of the reprocess still waits: some articles may not be in their stories yet.
        connection.execute("INSERT INTO pending_documents VALUES ('doc-waiting')")
        assert story_edits.replay_story_edits(connection, NOW) == story_edits.EditReplays(
            waiting=1, pending_documents=1
        )
        story_of_a5 = "SELECT story_id FROM story_articles WHERE article_id = 'a5'"
        assert connection.execute(story_of_a5).fetchone() == ("a1",)
        connection.execute("DELETE FROM pending_documents")
        [made] = replay(connection)
        assert made.replay_id and connection.execute(story_of_a5).fetchone() == ("a5",)
        # Paid: the next run makes nothing again.
        assert not story_edits.owes_story_edits(connection)
        assert replay(connection) == []


def test_forgetting_the_derived_rows_owes_every_edit(history: Warehouse) -> None:
    with connect(history) as connection:
        split_story(connection, ["a5"], NOW)
        merge_stories(connection, ["a1", "a3"], NOW)
        forget_derived(connection)
        assert connection.execute("SELECT count(*) FILTER (owed), count(*) FROM story_edits").fetchone() == (
            2,
            2,
        )
        assert connection.execute("SELECT count(*) FROM story_articles").fetchone() == (0,)
