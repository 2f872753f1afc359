"""Moving many rows between Python and DuckDB as Arrow tables.

Binding Python values row by row (executemany, list parameters) costs about a millisecond a row; an
Arrow table registered for one INSERT ... SELECT or one join costs a few microseconds a row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa

# DuckDB imports pyarrow.dataset (and pyarrow.compute) the first time a connection registers an Arrow table:
# 0.07 s, which a new process (each Prefect flow run) paid inside its first turn at a lake's commit lock.
# Imported with this module instead, before any turn.
import pyarrow.dataset

TIMESTAMP = pa.timestamp("us", tz="UTC")

# DuckDB's threads share an Arrow table's scan by record batch, and a table built from Python lists is one
# batch: one thread read it and ran the whole INSERT ... SELECT. Sliced into batches (no copy), both cores
# take part, in the rows' order (DuckDB keeps insertion order): 3M search postings inserted in 3.3 s
# against 5.4, 80k articles with their bodies in 1.9 s against 2.5.
SCAN_BATCH_ROWS = 16_384


@contextmanager
def registered(connection: duckdb.DuckDBPyConnection, name: str, rows: pa.Table) -> Iterator[str]:
    """`rows` visible to SQL as the view `name` for the duration of the block, in batches of
    SCAN_BATCH_ROWS rows that DuckDB's threads scan in parallel."""
    connection.register(
        name, pa.Table.from_batches(rows.to_batches(max_chunksize=SCAN_BATCH_ROWS), rows.schema)
    )
    try:
        yield name
    finally:
        connection.unregister(name)


def insert_rows(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    rows: pa.Table,
    *,
    skip_existing: Sequence[str] = (),
) -> None:
    """INSERT the Arrow table's rows into `table`, matching columns by name.

    With `skip_existing` (the table's key columns), a row whose key is stored already, or repeats an
    earlier row of the batch, is left out: what INSERT OR IGNORE does on a key, written so that it also
    holds on a DuckLake, which has no keys (the commit lock keeps two writers from racing past it).
    """
    if rows.num_rows == 0:
        return
    columns = ", ".join(rows.column_names)
    if not skip_existing:
        with registered(connection, "_newsetl_batch", rows):
            connection.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _newsetl_batch")
        return
    ordered = rows.append_column("_newsetl_order", pa.array(range(rows.num_rows), pa.int64()))
    stored = " AND ".join(f"s.{key} = b.{key}" for key in skip_existing)
    with registered(connection, "_newsetl_batch", ordered):
        connection.execute(
            f"""
            INSERT INTO {table} ({columns})
            SELECT {", ".join(f"b.{column}" for column in rows.column_names)} FROM _newsetl_batch AS b
            WHERE NOT EXISTS (SELECT 1 FROM {table} AS s WHERE {stored})
            QUALIFY row_number() OVER (PARTITION BY {", ".join(f"b.{key}" for key in skip_existing)}
                                       ORDER BY b._newsetl_order) = 1
            """
        )
