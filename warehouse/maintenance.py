"""Housekeeping of the DuckDB file: checkpoints, and the storage figures that show what they did.

A checkpoint writes the write-ahead log (`<db>.wal`) into the database file and truncates it, so the file
alone is a complete copy (for backups and for readers on another machine) and the next open replays
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

# One row per attached database; the warehouse is the current one. Sizes come formatted ("1.5 MiB").
STORAGE_FIGURES = """
SELECT database_size, wal_size, total_blocks, free_blocks
FROM pragma_database_size()
WHERE database_name = current_database()
"""


@dataclass(frozen=True, slots=True)
class StorageFigures:
    """How big the file and its write-ahead log are, as DuckDB reports them."""

    database_size: str
    wal_size: str
    total_blocks: int
    free_blocks: int


def read_storage_figures(connection: duckdb.DuckDBPyConnection) -> StorageFigures:
    """The current database's size, write-ahead log size and block counts."""
    row = connection.execute(STORAGE_FIGURES).fetchone()
    if row is None:
        return StorageFigures("0 bytes", "0 bytes", 0, 0)
    return StorageFigures(str(row[0]), str(row[1]), int(row[2]), int(row[3]))


def checkpoint(connection: duckdb.DuckDBPyConnection) -> tuple[StorageFigures, StorageFigures]:
    """Write the write-ahead log into the database file; return the storage figures before and after.

    Needs a writable connection; it waits for no other writer, so hold the warehouse's writer lock.
    """
    before = read_storage_figures(connection)
    connection.execute("CHECKPOINT")
    return before, read_storage_figures(connection)
