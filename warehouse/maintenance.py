"""Housekeeping of the warehouse, and the storage figures that show what it did.

A DuckDB file: a checkpoint writes the write-ahead log (`<db>.wal`) into the database file and truncates
it, so the file alone is a complete copy (for backups and for readers on another machine) and the next
open replays nothing.

A lake (`tend_lake`): every commit adds a snapshot and small Parquet files (or rows inlined into the
catalog), so a lake written by many small runs reads many small files. Tending it merges adjacent small
files, rewrites files mostly deleted, expires the snapshots older than the retention (the time-travel
window readers keep), and deletes the files no kept snapshot needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from warehouse.connection import sql_string

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
    """What a lake's catalog holds: its snapshots and the files of its current tables, and every file it
    still keeps (for older snapshots, or scheduled for deletion)."""

    snapshots: int
    data_files: int
    data_bytes: int
    delete_files: int
    latest_commit: str  # as the catalog keeps it (a SQLite catalog keeps text)
    # Every data and delete file any kept snapshot reads, plus those scheduled for deletion: the files in
    # the data path. Bytes count the tracked ones (the catalog keeps no size for scheduled ones).
    stored_files: int = 0
    stored_bytes: int = 0


def _metadata(connection: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """The lake's name and its catalog's (the connection's default database must be the lake)."""
    [(name,)] = connection.execute("SELECT current_database()").fetchall()
    return str(name), f"__ducklake_metadata_{name}"


def lake_figures(connection: duckdb.DuckDBPyConnection) -> LakeFigures:
    """The lake's figures, from its catalog (the connection's default database must be the lake)."""
    _, catalog = _metadata(connection)
    row = connection.execute(
        f"""
        SELECT (SELECT count(*) FROM {catalog}.ducklake_snapshot),
               (SELECT count(*) FROM {catalog}.ducklake_data_file WHERE end_snapshot IS NULL),
               (SELECT coalesce(sum(file_size_bytes), 0) FROM {catalog}.ducklake_data_file
                WHERE end_snapshot IS NULL),
               (SELECT count(*) FROM {catalog}.ducklake_delete_file WHERE end_snapshot IS NULL),
               (SELECT CAST(max(snapshot_time) AS VARCHAR) FROM {catalog}.ducklake_snapshot),
               (SELECT count(*) FROM {catalog}.ducklake_data_file)
                 + (SELECT count(*) FROM {catalog}.ducklake_delete_file)
                 + (SELECT count(*) FROM {catalog}.ducklake_files_scheduled_for_deletion),
               (SELECT coalesce(sum(file_size_bytes), 0) FROM {catalog}.ducklake_data_file)
                 + (SELECT coalesce(sum(file_size_bytes), 0) FROM {catalog}.ducklake_delete_file)
        """
    ).fetchall()[0]  # read whole: see _rows
    return LakeFigures(
        int(row[0]), int(row[1]), int(row[2]), int(row[3]), str(row[4]), int(row[5]), int(row[6])
    )


# A file in the data path that no snapshot knows is a leftover of a write that never committed (a process
# killed mid-commit) only once it is this old: a writer outside newsetl's commit lock may be writing it.
ORPHAN_GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class LakeUpkeep:
    """What `tend_lake` did, step by step, and the lake's figures before and after."""

    before: LakeFigures
    after: LakeFigures
    retention: timedelta
    merged_files: int  # small files merged ...
    merged_into: int  # ... into these
    rewritten_files: int  # files rewritten without their deleted rows
    expired_snapshots: int
    deleted_files: int  # files no kept snapshot needs, deleted
    orphans_deleted: int  # files no snapshot ever committed, deleted


def tend_lake(
    connection: duckdb.DuckDBPyConnection,
    now: datetime,
    retention: timedelta,
    orphan_grace: timedelta = ORPHAN_GRACE,
) -> LakeUpkeep:
    """Compact the lake, expire its snapshots older than `now - retention`, delete the files nothing
    needs; return what each step did. Call it holding the lake's commit lock (a writable `connect`
    does): compaction commits snapshots of its own, and a file being written by a run would look
    orphaned. Readers are never blocked: they read the snapshot they started on, whose files stay until
    it is older than the retention.
    """
    lake, _ = _metadata(connection)
    name = sql_string(lake)
    before = lake_figures(connection)
    # Rows small commits inlined into the catalog stay there (DuckLake reads them in place):
    # ducklake_flush_inlined_data would write them out, but it drops the catalog tables that held them,
    # and a reader session attached before then fails on its next query (measured, DuckLake 1.5.5).
    [merged] = connection.execute(
        "SELECT coalesce(sum(files_processed), 0), coalesce(sum(files_created), 0)"
        f" FROM ducklake_merge_adjacent_files({name})"
    ).fetchall()
    rewritten = _rows(
        connection, f"SELECT coalesce(sum(files_processed), 0) FROM ducklake_rewrite_data_files({name})"
    )
    expired = _rows(
        connection,
        f"SELECT count(*) FROM ducklake_expire_snapshots({name}, older_than => ?)",
        now - retention,
    )
    # Scheduled files belong to expired snapshots (older than the retention) or to merges whose last
    # snapshot just expired: no reader is on them unless it time-travels past the retention.
    deleted = _rows(
        connection, f"SELECT count(*) FROM ducklake_cleanup_old_files({name}, cleanup_all => true)"
    )
    orphans = _rows(
        connection,
        f"SELECT count(*) FROM ducklake_delete_orphaned_files({name}, older_than => ?)",
        now - orphan_grace,
    )
    return LakeUpkeep(
        before,
        lake_figures(connection),
        retention,
        int(merged[0]),
        int(merged[1]),
        rewritten,
        expired,
        deleted,
        orphans,
    )


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, *parameters: object) -> int:
    # fetchall, never fetchone: a result left unread keeps its transaction open, and DuckLake's
    # functions commit only with it (measured: a merge or expiry read with fetchone was rolled
    # back when the connection closed, though it had returned its figures).
    [(count,)] = connection.execute(sql, list(parameters)).fetchall()
    return int(count or 0)
