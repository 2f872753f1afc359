"""The ingest flow, run for real under a Prefect test harness, into a real DuckDB file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows import ingest as ingest_module
from flows.ingest import extract_and_clean, ingest
from tests.flows.corpus import write_corpus
from warehouse.connection import WarehouseBusyError, connect
from warehouse.integrity import check_integrity
from warehouse.locks import writer_lock
from warehouse.queries import table_counts

pytestmark = pytest.mark.usefixtures("prefect_harness")


def counts(db: Path) -> dict[str, int]:
    with connect(db, read_only=True) as con:
        return table_counts(con)


def test_ingest_loads_the_corpus_and_a_rerun_adds_nothing(tmp_path: Path, db_path: Path) -> None:
    expected = write_corpus(tmp_path / "in")
    summary = ingest([str(tmp_path / "in")], db=str(db_path))
    assert summary.documents_seen == expected["documents_seen"]
    assert summary.documents_new == expected["documents_seen"]
    assert summary.new_articles == expected["new_articles"]
    assert summary.exact_duplicates == expected["exact_duplicates"]
    assert summary.new_versions == expected["new_versions"]
    assert len(summary.rejects) == expected["rejected"]
    reasons = {Path(r.uri).name: (r.stage, r.reason) for r in summary.rejects}
    assert reasons["empty.txt"] == ("read", "empty document")
    assert reasons["image.txt"][1].startswith("binary content")
    assert reasons["latin1.txt"][1].startswith("not valid UTF-8")
    assert reasons["notes.pdf"][0] == "discover"
    assert reasons["feed.jsonl#line=2"][1].startswith("invalid JSON")

    first = counts(db_path)
    assert first["raw_documents"] == expected["documents_seen"]
    assert first["articles"] == expected["new_articles"]
    assert first["document_duplicates"] == expected["exact_duplicates"]
    assert first["rejects"] == expected["rejected"]

    again = ingest([str(tmp_path / "in")], db=str(db_path))
    assert again.nothing_new
    assert (again.documents_new, again.new_articles, again.exact_duplicates) == (0, 0, 0)
    assert {k: v for k, v in counts(db_path).items() if k != "runs"} == {
        k: v for k, v in first.items() if k != "runs"
    }
    assert counts(db_path)["runs"] == 2


def test_bodies_are_cleaned_and_every_document_has_one_outcome(tmp_path: Path, db_path: Path) -> None:
    write_corpus(tmp_path / "in")
    ingest([str(tmp_path / "in")], db=str(db_path))
    with connect(db_path, read_only=True) as con:
        bodies = [row[0] for row in con.execute("SELECT body FROM articles").fetchall()]
        statuses = dict(
            con.execute("SELECT status, count(*) FROM document_status GROUP BY status").fetchall()
        )
        run = con.execute("SELECT status, new_articles, rejected FROM runs").fetchone()
    assert all("advertisement" not in body.lower() for body in bodies)
    assert statuses == {"article": 4, "version": 1, "duplicate": 2, "rejected": 4}
    assert run == ("completed", 4, 5)
    # An article and its newer version arrived in one batch: version 1 is closed, version 2 current.
    with connect(db_path, read_only=True) as con:
        report = check_integrity(con)
    assert report.ok, report.describe()


def test_a_run_that_dies_before_loading_loses_nothing(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = write_corpus(tmp_path / "in")

    def crash(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException("power cut")  # the storage failing, not a document: nothing to isolate

    monkeypatch.setattr(ingest_module, "load_outcomes", crash)
    with pytest.raises(duckdb.IOException, match="power cut"):
        ingest([str(tmp_path / "in")], db=str(db_path))
    with connect(db_path, read_only=True) as con:
        assert table_counts(con)["raw_documents"] == expected["documents_seen"]
        assert table_counts(con)["articles"] == 0
        assert con.execute("SELECT status FROM runs").fetchall() == [("failed",)]

    monkeypatch.undo()
    summary = ingest([str(tmp_path / "in")], db=str(db_path))
    assert summary.documents_new == 0  # the raw documents were already safe
    assert summary.new_articles == expected["new_articles"]
    assert counts(db_path)["articles"] == expected["new_articles"]
    assert counts(db_path)["document_duplicates"] == expected["exact_duplicates"]


def test_a_second_writer_fails_and_names_the_run_holding_the_warehouse(tmp_path: Path, db_path: Path) -> None:
    write_corpus(tmp_path / "in")
    with writer_lock(db_path, holder="other-run"), pytest.raises(WarehouseBusyError, match="run other-run"):
        ingest([str(tmp_path / "in")], db=str(db_path), lock_wait_seconds=0.2)
    summary = ingest([str(tmp_path / "in")], db=str(db_path), lock_wait_seconds=0.2)
    assert summary.new_articles == 4


def test_the_run_publishes_a_summary_artifact(tmp_path: Path, db_path: Path) -> None:
    write_corpus(tmp_path / "in")
    summary = ingest([str(tmp_path / "in")], db=str(db_path))
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-summary"]))
        )
    mine = [a for a in artifacts if str(a.flow_run_id) == summary.run_id]
    assert len(mine) == 1
    with get_client(sync_client=True) as client:
        tables = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["new-articles"]))
        )
    [table] = [a for a in tables if str(a.flow_run_id) == summary.run_id]
    assert "Qwen models head to iPhones in China" in str(table.data)
    assert "| 11 | 11 | 4 | 1 | 2 | 0 | 4 | 5 |" in str(mine[0].data)
    assert "invalid JSON" in str(mine[0].data)


def test_extract_and_clean_keeps_going_after_a_bad_document(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from extract.files import read_file

    write_corpus(tmp_path / "in")
    docs = [
        *read_file(tmp_path / "in" / "empty.txt", datetime.now(UTC)),
        *read_file(tmp_path / "in" / "b.txt", datetime.now(UTC)),
    ]
    processed = extract_and_clean.fn(docs)
    assert [a.title for a, _ in processed.articles] == ["Alibaba lifts its AI budget"]
    assert [r.reason for r in processed.rejects] == ["empty document"]


def test_the_memory_limit_setting_reaches_the_warehouse(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import pipeline

    # No parameter, as a prefect.yaml deployment runs it: the worker's environment gives the limit.
    monkeypatch.setenv("NEWSETL_MEMORY_LIMIT", "200MB")
    expected = write_corpus(tmp_path / "corpus")
    seen: list[object] = []
    real_deduplicate = pipeline.deduplicate

    def deduplicate(connection: duckdb.DuckDBPyConnection, *args: Any, **kwargs: Any) -> Any:
        seen.append(connection.execute("SELECT current_setting('memory_limit')").fetchone())
        return real_deduplicate(connection, *args, **kwargs)

    monkeypatch.setattr(pipeline, "deduplicate", deduplicate)
    summary = ingest([str(tmp_path / "corpus")], db=str(db_path))
    assert summary.new_articles == expected["new_articles"]
    assert seen == [("190.7 MiB",)]  # the run's own connection, not a process-wide setting
