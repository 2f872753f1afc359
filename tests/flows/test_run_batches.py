"""A run processes what is pending in batches of at most NEWSETL_MAX_BATCH_DOCUMENTS documents, each
loaded before the next: the same outcome as one batch, and a batch that fails is isolated on its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import ingest as ingest_module
from flows import pipeline
from flows.ingest import ingest
from tests.faults.conftest import integrity, refuse_to_load, write_news
from tests.flows.corpus import write_corpus
from transform.outcomes import BatchOutcome
from transform.records import RawDocument
from warehouse.connection import connect
from warehouse.queries import table_counts

pytestmark = pytest.mark.usefixtures("prefect_harness")


def counts(db: Path) -> dict[str, int]:
    with connect(db, read_only=True) as connection:
        table = table_counts(connection)
        [pending] = connection.execute("SELECT count(*) FROM pending_documents").fetchone() or [None]
    return {**table, "pending": int(pending or 0)}


def batches_of_the_run(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The documents (URIs) of each batch `process_batch` is given, as the run goes."""
    batches: list[list[str]] = []
    real = ingest_module.process_batch

    def recording(
        db: Any, run_id: str, now: datetime, pending: list[RawDocument], *args: Any, **kwargs: Any
    ) -> Any:
        batches.append([document.uri for document in pending])
        return real(db, run_id, now, pending, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "process_batch", recording)
    return batches


def test_a_run_in_batches_loads_what_one_batch_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = write_corpus(tmp_path / "in")
    whole, in_batches = tmp_path / "whole.duckdb", tmp_path / "batches.duckdb"
    one = ingest([str(tmp_path / "in")], db=str(whole))

    batches = batches_of_the_run(monkeypatch)
    monkeypatch.setenv("NEWSETL_MAX_BATCH_DOCUMENTS", "2")
    several = ingest([str(tmp_path / "in")], db=str(in_batches))

    sizes = [len(batch) for batch in batches]
    assert len(sizes) >= 3 and set(sizes[:-1]) == {2} and sizes[-1] in (1, 2)
    # The copies of one text fall in different batches, and are found as in one batch.
    copies = {"a.txt", "a-copy.txt", "a-respaced.txt"}
    assert len({n for n, batch in enumerate(batches) for uri in batch if Path(uri).name in copies}) >= 2
    for summary in (one, several):
        assert summary.new_articles == expected["new_articles"]
        assert summary.exact_duplicates == expected["exact_duplicates"]
        assert summary.new_versions == expected["new_versions"]
        assert len(summary.rejects) == expected["rejected"]
    runs = {"runs"}
    assert {k: v for k, v in counts(in_batches).items() if k not in runs} == {
        k: v for k, v in counts(whole).items() if k not in runs
    }
    assert counts(in_batches)["pending"] == 0
    assert ingest([str(tmp_path / "in")], db=str(in_batches)).nothing_new


def test_a_failing_batch_is_isolated_alone_and_the_batches_after_it_load(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "in"
    documents = write_news(inbox, 16, seed=33, name="news.jsonl")
    poisoned = f"{(inbox / 'news.jsonl').resolve().as_uri()}#line=5"
    real_isolating = pipeline.load_isolating
    isolated: list[list[str]] = []
    batches = batches_of_the_run(monkeypatch)

    def isolating(
        connection: duckdb.DuckDBPyConnection, run_id: str, batch: Sequence[RawDocument], *args: Any
    ) -> BatchOutcome:
        isolated.append([document.uri for document in batch])  # the first: the failed batch, whole
        return real_isolating(connection, run_id, batch, *args)

    refuse_to_load(monkeypatch, poisoned)
    monkeypatch.setattr(pipeline, "load_isolating", isolating)
    monkeypatch.setenv("NEWSETL_MAX_BATCH_DOCUMENTS", "4")

    summary = ingest([str(inbox)], db=str(db_path))

    [reject] = summary.rejects
    assert (reject.uri, reject.stage) == (poisoned, "process")
    # Only the failing batch is split: the batches before and after it load as they are.
    assert [len(batch) for batch in batches] == [4] * (documents // 4) + [documents % 4] * (documents % 4 > 0)
    assert len(batches) >= 3
    [failed] = [batch for batch in batches if poisoned in batch]
    assert isolated[0] == failed
    assert all(set(call) <= set(failed) for call in isolated)
    report = integrity(db_path)
    assert report.ok, report.describe()
    assert report.articles + report.duplicates == documents - 1
    assert counts(db_path)["pending"] == 0
    monkeypatch.undo()
    assert ingest([str(inbox)], db=str(db_path)).nothing_new


def test_the_summary_of_a_loaded_batch_keeps_what_the_run_reports() -> None:
    outcome = BatchOutcome(warnings=("analysis failed for x",), line_keys=(("src", frozenset({"k"})),))
    kept = outcome.summarised()
    assert kept.warnings == outcome.warnings
    assert kept.line_keys == ()
