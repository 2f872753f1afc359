"""Later runs build on an analyst's corrections: a run looks stored articles' stories up in story_articles,
so a new report of a moved article joins the story the analyst put it in, and `newsetl reprocess`, which
rebuilds every story, makes the corrections again. The ingest's steps run as plain functions on a DuckDB
file (no Prefect server), on reports written for this test; the reprocess is the real command."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from extract.files import DEFAULT_MAX_BYTES
from flows import ingest
from tests.flows.test_cli import newsetl
from warehouse.connection import Warehouse, connect, connect_locked
from warehouse.integrity import check_integrity
from warehouse.locks import run_guard
from warehouse.reprocess import forget_derived
from warehouse.story_edits import UNRECORDED_SPLIT, merge_stories, split_story

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
# Three undated reports of one ferry fire: the rules join the first two and keep the third apart.
REPORTS = [
    "Ferry fire off Skelholm\n\nA fire broke out on the ferry Nordvik Star off Skelholm on Sunday, "
    "and all 212 passengers were taken off by lifeboats, the Skelholm coastguard said. The blaze "
    "started in the engine room at 06:40. Captain Irma Velde said nobody was hurt.\n",
    "Nordvik Star passengers rescued\n\nAll 212 passengers of the Nordvik Star were rescued after a "
    "fire in its engine room off Skelholm, the coastguard said on Sunday. Captain Irma Velde "
    "praised the crew. The ferry line Halsen Sjø suspended the route.\n",
    "Halsen Sjø suspends Skelholm route after Nordvik Star fire\n\nThe ferry operator Halsen Sjø "
    "suspended its Skelholm crossings after the engine-room fire on the Nordvik Star on Sunday, in "
    "which 212 passengers were evacuated. Inspectors from the maritime authority boarded the ship "
    "in Skelholm harbour.\n",
]


def run(db: Warehouse, folder: Path, texts: dict[str, str], now: datetime = NOW) -> None:
    """One ingest run, at `now`, of `texts` written as files in `folder`."""
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    with run_guard(db, holder=folder.name):
        files, _ = ingest.discover.fn([str(folder)])
        documents, rejects = ingest.read.fn(files, now, DEFAULT_MAX_BYTES)
        stored = ingest.store_raw.fn(db, documents, folder.name, None, now, rejects)
        ingest.process_batch(db, folder.name, now, stored.pending, None, 1, ingest.Stages.plain())


def stories(db: Warehouse, read_copy: bool = False) -> dict[str, tuple[str, bool]]:
    """{file name: (its story, whether it is a near-copy of a stored article)}, in the warehouse or in the
    read copy that analysts read (`connect_locked`)."""
    with (connect_locked if read_copy else partial(connect, read_only=True))(db) as connection:
        found = connection.execute(
            """SELECT regexp_extract(a.uri, '[^/]+$'), s.story_id,
                      EXISTS (SELECT 1 FROM near_duplicates AS n WHERE n.article_id = s.article_id)
            FROM story_articles AS s JOIN articles AS a USING (article_id)"""
        ).fetchall()
    return {name: (story, copy) for name, story, copy in found}


def test_a_later_run_joins_reports_to_the_stories_an_analyst_corrected(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    run(db, tmp_path / "first", {f"r{i}.txt": text for i, text in enumerate(REPORTS)})
    before = stories(db)
    assert before["r0.txt"][0] == before["r1.txt"][0] != before["r2.txt"][0]
    with run_guard(db, holder="edit"), connect(db) as connection:
        ids = dict(
            connection.execute("SELECT regexp_extract(uri, '[^/]+$'), article_id FROM articles").fetchall()
        )
        [merged] = merge_stories(connection, [before["r0.txt"][0], before["r2.txt"][0]], NOW).stories
        _, split_off = split_story(connection, [ids["r1.txt"]], NOW).stories
    # Another outlet's copies of the second and third reports, a few words changed.
    run(
        db,
        tmp_path / "second",
        {
            "copy1.txt": REPORTS[1].replace("praised the crew", "thanked the crew"),
            "copy2.txt": REPORTS[2].replace("boarded the ship", "went aboard the ship"),
        },
    )
    after = stories(db)
    assert after["r0.txt"] == after["r2.txt"] == (merged, False) and after["r1.txt"] == (split_off, False)
    # Each copy joins the story its original is in now: before the edits, the first copy's original was
    # in the first story, and the second's had a story of its own.
    assert after["copy1.txt"] == (split_off, True) and after["copy2.txt"] == (merged, True)
    with connect(db, read_only=True) as connection:
        # The story checks of the integrity query (the runs here are the plain steps: no run end recorded).
        checked = check_integrity(connection)
        assert (checked.articles_without_one_story, checked.stories_of_missing_articles) == (0, 0)
        # A story's id is one of its articles' (its first's), whatever the edits did.
        assert connection.execute(
            "SELECT count(DISTINCT story_id) FILTER (WHERE story_id NOT IN (SELECT article_id FROM"
            " story_articles AS o WHERE o.story_id = s.story_id)) FROM story_articles AS s"
        ).fetchone() == (0,)


def test_a_rebuild_takes_the_documents_in_the_order_the_runs_took_them_so_story_ids_stay(
    tmp_path: Path,
) -> None:
    # A story's id is the id of the first article a run gave it. The rebuild takes every document at
    # once: in the order of their paths, the second report (in a folder whose path sorts first) would
    # start the story and name it.
    db = Warehouse(tmp_path / "w.duckdb")
    run(db, tmp_path / "z-sunday", {"fire.txt": REPORTS[0]})
    run(db, tmp_path / "a-monday", {"rescued.txt": REPORTS[1]}, NOW + timedelta(days=1))
    before = stories(db)
    with connect(db, read_only=True) as connection:
        [(first,)] = connection.execute(
            "SELECT article_id FROM articles WHERE uri LIKE '%fire.txt'"
        ).fetchall()
    assert before["fire.txt"] == before["rescued.txt"] == (first, False)
    with run_guard(db, holder="reprocess"), connect(db) as connection:
        forget_derived(connection)
    run(db, tmp_path / "rebuild", {}, NOW + timedelta(days=2))
    assert stories(db) == before


def together(found: dict[str, tuple[str, bool]], names: Iterable[str]) -> set[frozenset[str]]:
    """Which of `names` share a story in `found`."""
    by_story: dict[str, set[str]] = {}
    for name in names:
        by_story.setdefault(found[name][0], set()).add(name)
    return {frozenset(group) for group in by_story.values()}


def edited(tmp_path: Path) -> tuple[Warehouse, dict[str, tuple[str, bool]]]:
    """A warehouse of the three reports whose stories an analyst corrected (a merge and a split), with a
    split from before schema 29 in its log; and its stories as corrected."""
    db = Warehouse(tmp_path / "w.duckdb")
    run(db, tmp_path / "first", {f"r{i}.txt": text for i, text in enumerate(REPORTS)})
    by_rules = stories(db)
    with run_guard(db, holder="edit"), connect(db) as connection:
        ids = dict(
            connection.execute("SELECT regexp_extract(uri, '[^/]+$'), article_id FROM articles").fetchall()
        )
        # A minute apart, as an analyst's two commands are: edits are made again in the order they were made.
        merge_stories(connection, [by_rules["r0.txt"][0], by_rules["r2.txt"][0]], NOW)
        split_story(connection, [ids["r1.txt"]], NOW + timedelta(minutes=1))
        # A split made before newsetl recorded a split's articles, as the upgrades to schemas 29 and 32 log
        # it: numbered by its time, before the edits made since.
        connection.execute(
            "INSERT INTO story_edits (edit_id, kind, made_at, articles, owed, made_order)"
            " VALUES ('edit-old', 'split', '2025-01-01 00:00:00+00', NULL, false, 0)"
        )
    corrected = stories(db)
    assert corrected != by_rules
    return db, corrected


@pytest.mark.slow
def test_reprocess_makes_the_edits_again_on_the_stories_it_rebuilds(tmp_path: Path) -> None:
    db, corrected = edited(tmp_path)
    done = newsetl("reprocess", "--db", str(db.path))
    assert done.returncode == 0, done.stderr
    # The same stories, with the same ids: the rebuild takes the documents in the order the run took
    # them, so each story's first report is the same.
    assert together(corrected, corrected) == {frozenset({"r0.txt", "r2.txt"}), frozenset({"r1.txt"})}
    assert stories(db) == corrected
    lines = done.stdout.splitlines()
    assert "Story edits made again: 2 of 3." in lines
    assert "Story edit edit-old (split) not made again: " + UNRECORDED_SPLIT in lines
    # Readers see the corrected stories: the read copy is published after the edits are made again.
    assert stories(db, read_copy=True) == stories(db)


@pytest.mark.slow
def test_a_reprocess_that_died_leaves_its_edits_to_the_run_that_finishes_the_rebuild(tmp_path: Path) -> None:
    db, corrected = edited(tmp_path)
    # The reprocess died after forgetting the derived rows: every document pending, every edit owed.
    with run_guard(db, holder="reprocess"), connect(db) as connection:
        forget_derived(connection)
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "other.txt").write_text(
        "Harbour dredging begins\n\n"
        + " ".join(["Dredgers from Velsen began work in the Skelholm harbour on Monday."] * 3)
        + "\n",
        encoding="utf-8",
    )
    done = newsetl("ingest", str(tmp_path / "later"), "--db", str(db.path))
    assert done.returncode == 0, done.stderr
    assert "Story edits made again: 2 of 3." in done.stdout.splitlines()
    # The same stories, with the same ids, as above.
    rebuilt = stories(db)
    assert {name: rebuilt[name] for name in corrected} == corrected
    # The next run owes nothing.
    again = newsetl("ingest", str(tmp_path / "later"), "--db", str(db.path))
    assert again.returncode == 0, again.stderr
    assert "Story edits" not in again.stdout
