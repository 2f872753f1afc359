"""Writers of one lake make deduplication's decisions side by side, each against a snapshot, and take
turns at the commit lock to load: a run whose decisions another writer's commit made stale leaves its turn
and decides again (in the turn, once it has done so `DECISIONS_OUTSIDE_THE_TURN` times); one that others
only touched in their bookkeeping (runs, raw documents, claims) does not.

Here the other writer's work happens, whole, between one run's decisions and its turn, in this process,
on a lake with a SQLite catalog (no server)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from extract.files import DEFAULT_MAX_BYTES
from flows import ingest
from flows.pipeline import Deduplicated
from transform.outcomes import BatchOutcome
from warehouse.connection import LAKE_NAME, Warehouse, connect, create_lake, holds_commit_lock
from warehouse.locks import run_guard
from warehouse.queries import changes_since, lake_snapshot
from warehouse.story_edits import merge_stories

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
# Our own short report.
REPORT = (
    "Harbour crane order\n\nThe port authority of Velmora ordered six electric cranes from Tarsk Heavy "
    "Industries for 84 million euros. The first two cranes arrive in May, the port said on Monday. "
    "Dockworkers welcomed the order.\n"
)
# Other writers' loads, unrelated to it.
OTHER_REPORTS = [
    "Library hours extended\n\nThe city library of Orsk will open until ten at night from April, its "
    "director said. Students had asked for longer hours during exams.\n",
    "Ferry line resumes\n\nThe ferry between Lunde and Karsholm sails again after a winter pause of three "
    "months. Tickets cost 12 crowns, the operator said on Tuesday.\n",
    "Bakery wins prize\n\nA family bakery in Dorne won the regional bread prize for its rye loaf. The "
    "jury tasted 140 loaves over two days.\n",
]


@pytest.fixture
def lake(tmp_path: Path) -> Warehouse:
    db = Warehouse.at(f"ducklake:sqlite:{tmp_path / 'lake' / 'catalog.sqlite'}")
    create_lake(db)
    return db


def folder_with(path: Path, name: str) -> Path:
    path.mkdir()
    (path / name).write_text(REPORT, encoding="utf-8")
    return path


def store(db: Warehouse, folder: Path) -> ingest.Stored:
    files, _ = ingest.discover.fn([str(folder)])
    documents, rejects = ingest.read.fn(files, NOW, DEFAULT_MAX_BYTES)
    return ingest.store_raw.fn(db, documents, f"run-{folder.name}", None, NOW, rejects)


def run(db: Warehouse, folder: Path, stages: ingest.Stages) -> BatchOutcome:
    """One ingest run of `folder`, under its lease as the flow's (so other runs know it is alive)."""
    with run_guard(db, holder=f"run-{folder.name}"):
        stored = store(db, folder)
        outcome, _ = ingest.process_batch(db, f"run-{folder.name}", NOW, stored.pending, None, 1, stages)
    return outcome


def deciding(*meanwhile: Callable[[], Any]) -> tuple[ingest.Stages, list[Deduplicated], list[bool]]:
    """The plain stages, recording each set of decisions and whether it was made holding the commit
    lock, with `meanwhile[i]` run (another writer's work) right after the (i+1)th: between those decisions
    and the run's next turn at the commit lock."""
    plain = ingest.Stages.plain()
    decided: list[Deduplicated] = []
    in_turn: list[bool] = []

    def deduplicate(db: Warehouse, *args: Any, **kwargs: Any) -> Deduplicated:
        in_turn.append(holds_commit_lock(db))
        dedup = plain.deduplicate(db, *args, **kwargs)
        decided.append(dedup)
        if len(decided) <= len(meanwhile):
            meanwhile[len(decided) - 1]()
        return dedup

    return dataclasses.replace(plain, deduplicate=deduplicate), decided, in_turn


def articles(db: Warehouse) -> int:
    with connect(db, read_only=True) as connection:
        found = connection.execute("SELECT count(*) FROM articles").fetchone()
    assert found is not None
    return int(found[0])


def test_decisions_another_writer_made_stale_are_made_again_outside_the_turn(
    lake: Warehouse, tmp_path: Path
) -> None:
    first = folder_with(tmp_path / "first", "harbour.txt")
    second = folder_with(tmp_path / "second", "harbour-copy.txt")  # the same text at another address
    stages, decided, in_turn = deciding(lambda: run(lake, first, ingest.Stages.plain()))

    outcome = run(lake, second, stages)

    assert len(decided) == 2
    assert in_turn == [False, False]  # other writers' turns never wait for this run's decisions
    assert [a.uri.rsplit("/", 1)[-1] for a in decided[0].exact.new_articles] == ["harbour-copy.txt"]
    assert not outcome.articles
    assert [d.uri.rsplit("/", 1)[-1] for d in outcome.duplicates] == ["harbour-copy.txt"]
    assert articles(lake) == 1


def test_decisions_that_keep_going_stale_are_made_in_the_turn_at_last(
    lake: Warehouse, tmp_path: Path
) -> None:
    def other_writer(number: int) -> Callable[[], Any]:
        folder = tmp_path / f"other{number}"
        folder.mkdir()
        (folder / "report.txt").write_text(OTHER_REPORTS[number], encoding="utf-8")
        return lambda: run(lake, folder, ingest.Stages.plain())

    first = folder_with(tmp_path / "first", "harbour.txt")
    second = folder_with(tmp_path / "second", "harbour-copy.txt")
    others = [other_writer(n) for n in range(ingest.DECISIONS_OUTSIDE_THE_TURN)]
    # Another writer commits after each set of decisions made outside the turn: the original of this
    # run's copy comes last, so only decisions made after it see it.
    stages, _, in_turn = deciding(*others, lambda: run(lake, first, ingest.Stages.plain()))

    outcome = run(lake, second, stages)

    assert in_turn == [False] * (ingest.DECISIONS_OUTSIDE_THE_TURN + 1) + [True]
    assert not outcome.articles
    assert [d.uri.rsplit("/", 1)[-1] for d in outcome.duplicates] == ["harbour-copy.txt"]
    assert articles(lake) == 1 + ingest.DECISIONS_OUTSIDE_THE_TURN


def test_decisions_hold_when_others_only_stored_documents_and_ran(lake: Warehouse, tmp_path: Path) -> None:
    other = folder_with(tmp_path / "other", "harbour.txt")
    second = folder_with(tmp_path / "second", "harbour-copy.txt")
    stages, decided, _ = deciding(lambda: store(lake, other))  # a run's start, its raw documents, its claims

    outcome = run(lake, second, stages)

    assert len(decided) == 1
    assert len(outcome.articles) == 1
    assert articles(lake) == 1


def test_changes_since_names_what_deduplication_reads(lake: Warehouse, tmp_path: Path) -> None:
    with connect(lake, read_only=True) as connection:
        before = lake_snapshot(connection)
    assert before is not None
    store(lake, folder_with(tmp_path / "stored", "harbour.txt"))
    with connect(lake, read_only=True) as connection:
        assert changes_since(connection, before) == []
    run(lake, folder_with(tmp_path / "loaded", "harbour-copy.txt"), ingest.Stages.plain())
    with connect(lake, read_only=True) as connection:
        changed = changes_since(connection, before)
    assert {"articles", "lsh_bands", "story_postings"} <= set(changed)
    assert not {"runs", "raw_documents", "pending_documents", "processing_attempts"} & set(changed)


def test_a_file_has_no_snapshot_to_go_stale(tmp_path: Path) -> None:
    db = Warehouse.at(str(tmp_path / "newsetl.duckdb"))
    with connect(db) as connection:
        assert lake_snapshot(connection) is None


def test_snapshots_expired_since_the_decisions_make_them_stale(lake: Warehouse, tmp_path: Path) -> None:
    with connect(lake, read_only=True) as connection:
        before = lake_snapshot(connection)
    assert before is not None
    run(lake, folder_with(tmp_path / "loaded", "harbour.txt"), ingest.Stages.plain())
    store(lake, folder_with(tmp_path / "stored", "harbour-copy.txt"))  # the latest snapshot: bookkeeping
    with connect(lake) as connection:  # maintenance with a retention of nothing: all but the latest go
        connection.execute(f"CALL ducklake_expire_snapshots('{LAKE_NAME}', older_than => now())")
    with connect(lake, read_only=True) as connection:
        assert changes_since(connection, before) == ["expired snapshots"]


def test_an_analyst_s_edit_between_the_decisions_and_the_turn_makes_them_stale(
    lake: Warehouse, tmp_path: Path
) -> None:
    def report(url: str, text: str, published: str) -> str:
        title, _, body = text.partition("\n\n")
        return json.dumps({"url": url, "title": title, "text": body, "published": published})

    first = tmp_path / "first"
    first.mkdir()
    (first / "reports.jsonl").write_text(
        report("https://a.example/library", OTHER_REPORTS[0], "2025-02-27T08:00:00+00:00")
        + "\n"
        + report("https://a.example/harbour", REPORT, "2025-02-28T08:00:00+00:00")
        + "\n",
        encoding="utf-8",
    )
    run(lake, first, ingest.Stages.plain())
    with connect(lake, read_only=True) as connection:
        stories = dict(
            connection.execute(
                "SELECT a.canonical_url, s.story_id"
                " FROM story_articles AS s JOIN articles AS a USING (article_id)"
            ).fetchall()
        )
    harbour, library = stories["https://a.example/harbour"], stories["https://a.example/library"]
    assert harbour != library

    def merge() -> None:  # the harbour's story into the library's, seen first: the harbour's id goes
        with connect(lake) as connection:
            merge_stories(connection, [harbour, library], NOW)

    # Another outlet's copy of the harbour report, decided first against the harbour's story.
    second = tmp_path / "second"
    second.mkdir()
    (second / "copy.jsonl").write_text(
        report(
            "https://b.example/harbour", REPORT.replace("welcomed", "cheered"), "2025-02-28T09:00:00+00:00"
        )
        + "\n",
        encoding="utf-8",
    )
    stages, decided, _ = deciding(merge)

    run(lake, second, stages)

    assert [s.story_id for s in decided[0].stories] == [harbour]
    assert [s.story_id for s in decided[1].stories] == [library]  # decided again, against the merged story
    with connect(lake, read_only=True) as connection:
        found = connection.execute("SELECT DISTINCT story_id FROM story_articles").fetchall()
    assert found == [(library,)]
