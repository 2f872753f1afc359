"""Moving many rows between Python and DuckDB as Arrow tables.

Binding Python values row by row (executemany, list parameters) costs about a millisecond a row; an
Arrow table registered for one INSERT ... SELECT or one join costs a few microseconds a row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")


@contextmanager
def registered(connection: duckdb.DuckDBPyConnection, name: str, rows: pa.Table) -> Iterator[str]:
    """`rows` visible to SQL as the view `name` for the duration of the block."""
    connection.register(name, rows)
    try:
        yield name
    finally:
        connection.unregister(name)


def insert_rows(
    connection: duckdb.DuckDBPyConnection, table: str, rows: pa.Table, *, or_ignore: bool = False
) -> None:
    """INSERT the Arrow table's rows into `table`, matching columns by name."""
    if rows.num_rows == 0:
        return
    columns = ", ".join(rows.column_names)
    verb = "INSERT OR IGNORE INTO" if or_ignore else "INSERT INTO"
    with registered(connection, "_newsetl_batch", rows):
        connection.execute(f"{verb} {table} ({columns}) SELECT {columns} FROM _newsetl_batch")
