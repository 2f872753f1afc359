"""Arrow tables handed to DuckDB (warehouse/batches.py): in batches its threads share, rows kept in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.batches import SCAN_BATCH_ROWS, insert_rows, registered

ROWS = 3 * SCAN_BATCH_ROWS + 7


class _Recorder:
    """Stands in for a connection and keeps what `registered` hands it."""

    def __init__(self) -> None:
        self.tables: dict[str, pa.Table] = {}

    def register(self, name: str, rows: Any) -> None:
        self.tables[name] = rows

    def unregister(self, name: str) -> None:
        pass


def numbered(rows: int) -> pa.Table:
    return pa.table({"n": pa.array(range(rows), pa.int64()), "label": [f"row {i}" for i in range(rows)]})


def test_a_registered_table_reaches_duckdb_in_batches_of_scan_batch_rows() -> None:
    # One batch (what pa.table builds from lists) is scanned by one DuckDB thread.
    recorder = _Recorder()
    rows = numbered(ROWS)
    assert len(rows.to_batches()) == 1
    with registered(recorder, "_t", rows):  # type: ignore[arg-type]
        pass
    sizes = [batch.num_rows for batch in recorder.tables["_t"].to_batches()]
    assert sizes == [SCAN_BATCH_ROWS] * 3 + [7]
    assert recorder.tables["_t"].equals(rows)


def test_rows_inserted_from_many_batches_keep_their_order(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        connection.execute("CREATE TABLE plain (n BIGINT, label VARCHAR)")
        insert_rows(connection, "plain", numbered(ROWS))
        stored = connection.execute("SELECT n, label FROM plain ORDER BY rowid").fetchall()
        assert stored == [(i, f"row {i}") for i in range(ROWS)]


def test_skipping_stored_keys_across_batches_keeps_the_first_row_of_each_key(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        connection.execute("CREATE TABLE keyed (n BIGINT PRIMARY KEY, label VARCHAR)")
        insert_rows(
            connection, "keyed", pa.table({"n": pa.array([0, 1], pa.int64()), "label": ["old", "old"]})
        )
        later = numbered(ROWS).set_column(1, "label", pa.array([f"later {i}" for i in range(ROWS)]))
        # Each key of the first copy is in another batch than its repeat in the second.
        insert_rows(connection, "keyed", pa.concat_tables([numbered(ROWS), later]), skip_existing=["n"])
        stored = connection.execute("SELECT n, label FROM keyed ORDER BY n").fetchall()
        assert stored == [(0, "old"), (1, "old")] + [(i, f"row {i}") for i in range(2, ROWS)]
