"""`newsetl stories` through Typer's runner: stories latest first with their articles, as plain text, read
through the locked connection; --since and --limit; clear errors."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.warehouse.stories_history import load_flagged_joins, load_history
from warehouse.connection import Warehouse, publish_read_copy, read_copy_path

runner = CliRunner()


def invoke(*args: str) -> Result:
    from flows.cli import app

    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stories") / "w.duckdb"
    load_history(db)
    return db


def test_stories_prints_each_story_then_its_articles(history: Path) -> None:
    result = invoke("stories", "--db", str(history))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split("\n\n")[1] == (
        "阿里巴巴确认与苹果合作 | East Brief\n"
        "  story a1\n"
        "  seen 2025-02-13 to 2025-02-15, 4 articles from 3 outlets: www.eastbrief.example, "
        "www.meridianwire.example, www.pacificcircuit.example\n"
        "  languages: en, zh\n"
        "  entities: Apple, Alibaba, Qwen\n"
        "    www.meridianwire.example    2025-02-13  Alibaba confirms AI partnership with Apple  "
        "https://www.meridianwire.example/alibaba-apple\n"
        "    www.eastbrief.example       2025-02-13  阿里巴巴确认与苹果合作 | East Brief  "
        "https://www.eastbrief.example/ali-apple\n"
        "    www.pacificcircuit.example  2025-02-14  Apple picks Qwen for China  "
        "https://www.pacificcircuit.example/apple-qwen\n"
        "    www.meridianwire.example    2025-02-15  Apple and Alibaba: what the deal means  "
        "https://www.meridianwire.example/apple-qwen-follow-up"
    )
    headlines = [block.split("\n")[0] for block in result.stdout.strip().split("\n\n")]
    # Without a title, a story and an article go by their first words.
    untitled = '(untitled: "Body of a3, long enough to be a report.")'
    assert headlines == ["DeepSeek halves API prices", "阿里巴巴确认与苹果合作 | East Brief", untitled]
    last = result.stdout.strip().split("\n\n")[2]
    # Undated: the day it was loaded, said to be that.
    assert "  undated, loaded 2025-02-14, 1 article from 1 outlet: files\n  languages: unknown\n" in last
    assert last.endswith(f"    files  undated     {untitled}  file:///in/untitled.txt")
    assert "\x1b[" not in result.stdout  # no terminal colours: the text survives a pipe


def test_since_and_limit_choose_the_stories(history: Path) -> None:
    since = invoke("stories", "--since", "2025-02-16", "--db", str(history))
    assert since.exit_code == 0, since.stderr
    assert since.stdout.startswith("DeepSeek halves API prices\n  story b2\n")
    assert "story a1" not in since.stdout
    one = invoke("stories", "--limit", "1", "--db", str(history))
    assert one.stdout.count("  story ") == 1
    nothing = invoke("stories", "--since", "2030-01-01", "--db", str(history))
    assert (nothing.exit_code, nothing.stdout) == (0, "No story has an article seen since 2030-01-01.\n")


def test_stories_named_by_their_ids_or_the_start_of_them_are_shown_in_that_order(history: Path) -> None:
    latest = invoke("stories", "--db", str(history)).stdout.split("\n\n")
    named = invoke("stories", "b", "a1", "--db", str(history))
    assert named.exit_code == 0, named.stderr
    # "b" starts one story id (b2); "a1" is an id, though no other starts with it either.
    assert named.stdout.split("\n\n") == [latest[0], latest[1].rstrip("\n") + "\n"]
    again = invoke("stories", "a1", "a1", "--db", str(history))
    assert again.stdout.count("  story a1\n") == 1


def test_a_story_id_that_names_none_or_several_is_an_error_that_says_which(history: Path) -> None:
    result = invoke("stories", "a", "zz", "--db", str(history))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: 'a' starts several story ids (a1, a3): give more of it; no story id starts with 'zz'\n"
    )
    both = invoke("stories", "a1", "--since", "2025-02-16", "--db", str(history))
    assert (both.exit_code, both.stderr) == (
        2,
        "error: give story ids or --since / --min-articles / --weakest, not both\n",
    )


def test_min_articles_keeps_the_stories_of_that_many_articles_counted_whole(history: Path) -> None:
    # a1 holds four articles, b2 three, a3 one.
    two = invoke("stories", "--min-articles", "2", "--db", str(history))
    assert two.exit_code == 0, two.stderr
    assert [line for line in two.stdout.splitlines() if line.startswith("  story ")] == [
        "  story b2",
        "  story a1",
    ]
    four = invoke("stories", "--min-articles", "4", "--db", str(history))
    assert [line for line in four.stdout.splitlines() if line.startswith("  story ")] == ["  story a1"]
    # Since the 15th a1 has one article seen, but it holds four: it is counted whole.
    since = invoke("stories", "--min-articles", "4", "--since", "2025-02-15", "--db", str(history))
    assert [line for line in since.stdout.splitlines() if line.startswith("  story ")] == ["  story a1"]
    none = invoke("stories", "--min-articles", "5", "--db", str(history))
    assert (none.exit_code, none.stdout) == (0, "No story of 5 articles or more.\n")
    bad = invoke("stories", "--min-articles", "0", "--db", str(history))
    assert (bad.exit_code, bad.stderr) == (2, "error: --min-articles must be 1 or more, got 0\n")


@pytest.mark.parametrize("limit", ["0", "-3", "1001"])
def test_the_limit_is_checked(history: Path, limit: str) -> None:
    result = invoke("stories", "--limit", limit, "--db", str(history))
    assert result.exit_code == 2
    assert result.stderr == f"error: --limit must be between 1 and 1000, got {limit}\n"


def test_a_bad_date_or_a_missing_warehouse_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    bad_date = invoke("stories", "--since", "yesterday", "--db", str(tmp_path / "w.duckdb"))
    assert bad_date.exit_code == 2 and "yesterday" in bad_date.output
    missing = invoke("stories", "--db", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: no database at")


def test_an_empty_warehouse_has_no_stories_yet(tmp_path: Path) -> None:
    from warehouse.connection import connect

    db = tmp_path / "w.duckdb"
    with connect(db):
        pass
    result = invoke("stories", "--db", str(db))
    assert (result.exit_code, result.stdout) == (0, "No stories yet.\n")


def test_stories_reads_the_read_copy(history: Path, tmp_path: Path) -> None:
    """Like `newsetl sql`, it reads the copy each run publishes, never the file a run writes."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(history, db)
    publish_read_copy(Warehouse(db))
    db.write_bytes(b"not a database: a reader must not open it")
    result = invoke("stories", "--limit", "1", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert read_copy_path(db).exists() and "story b2" in result.stdout


def test_stories_says_who_joined_without_a_date_and_which_story_a_story_continues_or_follows(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    load_flagged_joins(db)
    result = invoke("stories", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    blocks = {block.split("\n")[0]: block for block in result.stdout.strip().split("\n\n")}
    kimi, summit = blocks["Moonshot opens Kimi to developers"], blocks["Summit day three"]
    million = blocks["Kimi passes a million developers"]
    assert (
        "    files                     undated     Kimi opens to developers  file:///in/kimi.txt"
        "  (joined on content alone: no date to go by)\n"
    ) in kimi
    assert kimi.endswith("Moonshot opens Kimi to developers  https://www.meridianwire.example/kimi")
    assert "  continues story full-story, which reached the size limit\n" in summit
    assert "  follows story c1: the same evidence, too long after it to join\n" in million
    assert "  followed by story e1\n" in kimi
    assert "follows" not in kimi + summit and "followed by" not in summit + million


def test_thread_shows_every_story_a_story_follows_and_is_followed_by(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_flagged_joins(db)  # e1 follows c1
    result = invoke("stories", "e1", "--thread", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert [block.split("\n")[1] for block in result.stdout.strip().split("\n\n")] == [
        "  story c1",
        "  story e1",
    ]
    assert invoke("stories", "e1", "--db", str(db)).stdout.count("  story ") == 1


def test_thread_without_ids_shows_the_threads_of_the_latest_stories(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_flagged_joins(db)  # latest first: e1 (which follows c1), d1, c1

    def stories(*options: str) -> list[str]:
        result = invoke("stories", "--thread", *options, "--db", str(db))
        assert result.exit_code == 0, result.stderr
        return [block.split("\n")[1] for block in result.stdout.strip().split("\n\n")]

    # The latest story's thread first, in its order; c1 is listed once, in e1's thread.
    assert stories() == ["  story c1", "  story e1", "  story d1"]
    assert stories("--limit", "1") == ["  story c1", "  story e1"]
    # The options pick the stories whose threads are shown, not the rest of those threads: c1, seen before
    # April 2, comes with e1; and c1, the one story of two articles, brings e1.
    assert stories("--since", "2025-04-02") == ["  story c1", "  story e1", "  story d1"]
    assert stories("--min-articles", "2") == ["  story c1", "  story e1"]


def test_an_untitled_article_goes_by_its_first_twelve_words() -> None:
    from flows.story_text import story_lines
    from warehouse.stories import StoryArticle, StorySummary

    words = " ".join(f"w{i}" for i in range(1, 30))
    article = StoryArticle("x", "files", None, None, "file:///in/x.txt", None, words)
    at = datetime(2025, 2, 13, tzinfo=UTC)
    story = StorySummary("x", None, at, at, 1, 1, ("files",), (), (), None, 1, (article,))
    expected = '(untitled: "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 ...")'
    lines = story_lines(story)
    assert lines[0] == expected
    assert lines[-1] == f"    files  undated     {expected}  file:///in/x.txt"


def test_each_article_that_joined_says_what_it_shares_with_the_article_it_was_matched_with(
    tmp_path: Path,
) -> None:
    from tests.warehouse.stories_history import article, assign, batch, day
    from transform.near_duplicates import NearDuplicate
    from transform.stories import StoryFeatures
    from warehouse.connection import connect
    from warehouse.loads import load_outcomes

    first = article("e1", "https://www.meridianwire.example/atlas", "Alibaba launches Qwen Atlas", day(4, 1))
    joined = article(
        "e2", "https://www.eastbrief.example/atlas", "Qwen Atlas launch lifts Alibaba", day(4, 1, 11)
    )
    copy = article("e3", "https://www.pacificcircuit.example/atlas", "Alibaba launches Qwen Atlas", day(4, 2))

    def evidence(article_id: str, names: set[str], facts: set[str], headline: set[str]) -> StoryFeatures:
        return StoryFeatures(
            article_id,
            day(4, 1),
            frozenset({"Alibaba"}),
            frozenset(facts),
            {},
            frozenset(names),
            frozenset(headline),
        )

    outcome = dataclasses.replace(
        batch(
            [first, joined, copy],
            [assign("e1", "e1"), assign("e2", "e1", "e1"), assign("e3", "e1", "e1")],
        ),
        story_features=(
            evidence("e1", {"qwen", "atlas", "hangzhou"}, {"pct:8.5", "qty:km:12"}, {"launch", "qwen"}),
            evidence("e2", {"qwen", "atlas"}, {"pct:8.5", "qty:km:12", "date:04-01"}, {"launch", "lifts"}),
            evidence("e3", {"qwen", "atlas", "hangzhou"}, {"pct:8.5", "qty:km:12"}, {"launch", "qwen"}),
        ),
        near_duplicates=(NearDuplicate("e3", "e1", "e1", 0.93, 0.95),),
    )
    db = tmp_path / "w.duckdb"
    with connect(db) as connection:
        load_outcomes(connection, "r1", day(4, 3), outcome)

    result = invoke("stories", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # The story's first article started it: nothing to say. The second joined it on the evidence both
    # hold (watched entities, names, figures, headline words); the third copies the first.
    assert [line.strip() for line in lines if line.startswith("      ")] == [
        "joined the www.meridianwire.example article (2025-04-01) on: "
        "Alibaba, atlas, qwen, 8.5%, 12 km, launch (score 0.70)",
        "a near-copy of the www.meridianwire.example article (2025-04-01)",
    ]
    assert lines.index(next(line for line in lines if "joined the" in line)) == (
        lines.index(next(line for line in lines if "eastbrief.example/atlas" in line)) + 1
    )


def test_an_article_matched_with_one_of_the_same_outlet_and_day_is_named_by_its_url() -> None:
    from flows.story_text import story_lines
    from warehouse.stories import StoryArticle, StorySummary

    at = datetime(2025, 2, 13, tzinfo=UTC)
    full = StoryArticle("f", "files", None, "Huawei trains on Ascend", "file:///in/full.txt", "en")
    cut = StoryArticle(
        "c",
        "files",
        None,
        "Huawei trains on Ascend",
        "file:///in/cut.txt",
        "en",
        matched_article_id="f",
        near_copy=True,
    )
    story = StorySummary(
        "f", "Huawei trains on Ascend", at, at, 2, 1, ("files",), ("en",), (), None, 2, (full, cut)
    )
    assert story_lines(story)[-1] == "           a near-copy of file:///in/full.txt"


def test_weakest_lists_the_stories_with_a_join_on_evidence_the_weakest_join_first(tmp_path: Path) -> None:
    from tests.warehouse.stories_history import article, assign, batch, day
    from transform.near_duplicates import NearDuplicate
    from transform.stories import StoryAssignment
    from warehouse.connection import connect
    from warehouse.loads import load_outcomes

    def joined(article_id: str, story_id: str, score: float) -> StoryAssignment:
        return dataclasses.replace(assign(article_id, story_id, story_id), score=score)

    reports = [
        article(i, f"https://www.meridianwire.example/{i}", f"Report {i}", day(4, int(i[1]), 8 + n))
        for n, i in enumerate(["s1", "j1", "k1", "s2", "j2", "s3", "c3", "s4"])
    ]
    outcome = dataclasses.replace(
        batch(
            reports,
            [
                assign("s1", "s1"),
                joined("j1", "s1", 0.91),
                joined("k1", "s1", 0.58),  # the weakest join: its story first
                assign("s2", "s2"),
                joined("j2", "s2", 0.74),
                assign("s3", "s3"),
                joined("c3", "s3", 0.52),  # a near-copy joins on its text: no join to review
                assign("s4", "s4"),  # alone
            ],
        ),
        near_duplicates=(NearDuplicate("c3", "s3", "s3", 0.52, 0.6),),
    )
    db = tmp_path / "w.duckdb"
    with connect(db) as connection:
        load_outcomes(connection, "r1", day(4, 5), outcome)

    def listed(*options: str) -> list[str]:
        result = invoke("stories", "--weakest", *options, "--db", str(db))
        assert result.exit_code == 0, result.stderr
        return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  story ")]

    assert listed() == ["s1", "s2"]
    assert listed("--limit", "1") == ["s1"]
    assert listed("--since", "2025-04-02") == ["s2"]  # s1's joined articles were seen on 1 April
    assert listed("--min-articles", "3") == ["s1"]
    none = invoke("stories", "--weakest", "--since", "2025-04-04", "--db", str(db))
    assert none.stdout == (
        "No story has an article seen since 2025-04-04 that joined it on evidence (near-copies are no "
        "join).\n"
    )
    assert invoke("stories", "s1", "--weakest", "--db", str(db)).exit_code == 2
