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


@dataclass(frozen=True, slots=True)
class LakeFigures:
    """What a lake's catalog holds: its snapshots and the files of its current tables."""

    snapshots: int
    data_files: int
    data_bytes: int
    delete_files: int
    latest_commit: str  # as the catalog keeps it (a SQLite catalog keeps text)


def lake_figures(connection: duckdb.DuckDBPyConnection) -> LakeFigures:
    """The lake's figures, from its catalog (the connection's default database must be the lake)."""
    catalog = f"__ducklake_metadata_{connection.execute('SELECT current_database()').fetchone()[0]}"  # type: ignore[index]
    row = connection.execute(
        f"""
        SELECT (SELECT count(*) FROM {catalog}.ducklake_snapshot),
               (SELECT count(*) FROM {catalog}.ducklake_data_file WHERE end_snapshot IS NULL),
               (SELECT coalesce(sum(file_size_bytes), 0) FROM {catalog}.ducklake_data_file
                WHERE end_snapshot IS NULL),
               (SELECT count(*) FROM {catalog}.ducklake_delete_file WHERE end_snapshot IS NULL),
               (SELECT CAST(max(snapshot_time) AS VARCHAR) FROM {catalog}.ducklake_snapshot)
        """
    ).fetchone()
    assert row is not None
    return LakeFigures(int(row[0]), int(row[1]), int(row[2]), int(row[3]), str(row[4]))
