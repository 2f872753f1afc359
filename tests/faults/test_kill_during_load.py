"""SIGKILL in the middle of a write, then a rerun: nothing lost, nothing twice, the file opens and adds up."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from flows.ingest import IngestSummary, ingest
from tests.faults.conftest import Child, Ledger, integrity, jsonl_uris, lost_rows, raw_uris, write_news

pytestmark = pytest.mark.usefixtures("prefect_harness")

ORIGINALS, SEED = 80, 3


@pytest.fixture(scope="module")
def uninterrupted(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> IngestSummary:
    """The same corpus ingested by a run that was never interrupted: what the rerun must arrive at."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    write_news(folder / "in", ORIGINALS, seed=SEED)
    return ingest([str(folder / "in")], db=str(folder / "clean.duckdb"))


@pytest.mark.parametrize(
    "table",
    [
        "raw_documents",  # while storing the batch raw (store_raw's transaction)
        "article_signatures",  # halfway through load_outcomes: articles and duplicates already inserted
    ],
)
def test_a_run_killed_mid_write_then_rerun_loses_and_duplicates_nothing(
    table: str,
    tmp_path: Path,
    db_path: Path,
    child_env: dict[str, str],
    children: list[Child],
    ledger: Ledger,
    uninterrupted: IngestSummary,
) -> None:
    inbox = tmp_path / "in"
    documents = write_news(inbox, ORIGINALS, seed=SEED)
    expected = jsonl_uris(inbox / "news.jsonl")
    assert len(expected) == documents

    child = Child([str(inbox), "--db", str(db_path), "--pause-before", table], child_env)
    children.append(child)
    child.wait_for(f"PAUSED {table}")
    os.kill(child.process.pid, signal.SIGKILL)
    assert child.process.wait(timeout=30) == -signal.SIGKILL

    # The file opens after the kill, and the killed transaction left nothing behind.
    after_kill = integrity(db_path)
    # The killed run never recorded its end: the one problem, which the next run repairs.
    assert after_kill.problems == {"unfinished_runs": 1}, after_kill.describe()
    assert after_kill.articles == 0
    if table == "raw_documents":
        assert after_kill.raw_documents == 0
    else:
        assert (after_kill.raw_documents, after_kill.pending) == (documents, documents)

    summary = ingest([str(inbox)], db=str(db_path))
    assert summary.documents_new == (documents if table == "raw_documents" else 0)

    report = integrity(db_path)
    assert report.ok, report.describe()
    assert report.pending == 0
    assert report.raw_documents == documents
    assert raw_uris(db_path) == expected
    assert report.articles + report.duplicates + report.rejected_documents == documents
    assert (report.articles, report.duplicates) == (summary.new_articles, summary.exact_duplicates)

    # The same outcome as a run that was never interrupted.
    assert (
        summary.new_articles,
        summary.exact_duplicates,
        summary.near_duplicates,
        summary.new_stories,
        len(summary.rejects),
    ) == (
        uninterrupted.new_articles,
        uninterrupted.exact_duplicates,
        uninterrupted.near_duplicates,
        uninterrupted.new_stories,
        len(uninterrupted.rejects),
    )
    ledger.record(inputs=documents, lost=lost_rows(expected, db_path))
