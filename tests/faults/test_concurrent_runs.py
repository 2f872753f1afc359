"""Two runs at once against one warehouse: the second fails clearly or waits its turn; nothing corrupts."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.faults.conftest import Child, Ledger, integrity, jsonl_uris, lost_rows, raw_uris, write_news
from warehouse.connection import WarehouseBusyError, connect

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_a_second_run_fails_clearly_then_waits_for_the_first(
    tmp_path: Path, db_path: Path, child_env: dict[str, str], children: list[Child], ledger: Ledger
) -> None:
    first_docs = write_news(tmp_path / "first", 40, seed=4, name="first.jsonl")
    second_docs = write_news(tmp_path / "second", 40, seed=5, name="second.jsonl")
    expected = jsonl_uris(tmp_path / "first" / "first.jsonl") | jsonl_uris(
        tmp_path / "second" / "second.jsonl"
    )

    # The first run stops for a few seconds inside its load transaction, holding the writer lock.
    first = Child(
        [str(tmp_path / "first"), "--db", str(db_path), "--pause-before", "articles", "--pause-seconds", "4"],
        child_env,
    )
    children.append(first)
    first.wait_for("PAUSED articles")

    # A run that will not wait fails at once, naming the run that holds the warehouse; it wrote nothing.
    with pytest.raises(WarehouseBusyError, match=r"being written by run .* \(pid \d+"):
        ingest([str(tmp_path / "second")], db=str(db_path), lock_wait_seconds=0.5)
    # Around the lock, DuckDB itself refuses a second process, with an error that says so.
    with pytest.raises(WarehouseBusyError, match="in use by another process"), connect(db_path):
        pass

    # A run that may wait gets the warehouse when the first one is done.
    second = ingest([str(tmp_path / "second")], db=str(db_path), lock_wait_seconds=60)
    code, out, err = first.finish()
    assert code == 0, out + err
    assert "RESULT" in out
    assert second.documents_new == second_docs

    report = integrity(db_path)
    assert report.ok, report.describe()
    assert report.raw_documents == first_docs + second_docs
    assert raw_uris(db_path) == expected
    assert report.pending == 0
    assert report.unfinished_runs == 0
    with connect(db_path, read_only=True) as connection:
        statuses = connection.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall()
    assert statuses == [("completed", 2)]  # the refused run left no trace
    ledger.record(inputs=first_docs + second_docs, lost=lost_rows(expected, db_path))
