"""The one connection factory. Every DuckDB connection in newsetl comes from `connect`, or from
`connect_locked` for queries newsetl does not control (`newsetl sql`) and every read a user can reach.

Opening a writable connection brings the schema up to date first, so an older file upgrades itself.
Moving to DuckLake (a PostgreSQL catalog over Parquet) later changes this module, not its callers.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from transform.errors import NewsetlError, TransientError

_MIGRATION_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")


class WarehouseError(NewsetlError):
    """The database file cannot be used: it says which file and what to do."""


class WarehouseBusyError(WarehouseError, TransientError):
    """Another process holds the database file open for writing."""


@dataclass(frozen=True, slots=True)
class Warehouse:
    """Which warehouse to open and with which DuckDB settings: the value every run passes to `connect`.

    `memory_limit` ("1GB") bounds DuckDB's memory, including its cache of the blocks queries read: without
    it the near-duplicate lookup keeps the band keys it scanned cached, ~400 MB at a million articles.
    None means DuckDB's default (80% of the machine's RAM).
    """

    path: Path
    memory_limit: str | None = None

    @property
    def duckdb_config(self) -> dict[str, str | bool | int | float | list[str]]:
        """The settings, by DuckDB's own names."""
        return {"memory_limit": self.memory_limit} if self.memory_limit else {}


@contextmanager
def connect(
    warehouse: Warehouse | Path | str, *, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file, migrated to the latest schema (unless read-only), closed after.

    A bare path opens it with DuckDB's default settings.
    """
    if not isinstance(warehouse, Warehouse):
        warehouse = Warehouse(Path(warehouse))
    path, config = warehouse.path, warehouse.duckdb_config
    if read_only and not path.exists():
        raise WarehouseError(f"no database at {path}: run `newsetl ingest` first or pass --db")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseBusyError(f"{path} is in use by another process: {error}") from error
        raise WarehouseError(f"cannot open {path}: {error}") from error
    except duckdb.Error as error:  # a bad setting, such as a memory limit DuckDB cannot parse
        raise WarehouseError(f"cannot open {path} with settings {config}: {error}") from error
    try:
        if not read_only:
            migrate(connection)
        yield connection
    finally:
        connection.close()


# A locked connection starts with no extension it could fetch or load on its own (json, parquet and icu
# are linked into DuckDB; search is plain SQL over the warehouse's tables).
_LOCKED_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
# What DuckDB says when a locked connection refuses a statement (besides a PermissionException).
_REFUSALS = (
    "disabled by configuration",
    "disabled through configuration",
    "configuration has been locked",
    "read-only mode",
)


@contextmanager
def connect_locked(
    db_path: Path | str, *, allowed_directories: Sequence[Path] = ()
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that reads the warehouse and nothing else, closed after.

    For SQL newsetl did not write (`newsetl sql`) and for every read path a user reaches (search, export,
    sources), since even newsetl's own queries run the file's views. It opens the warehouse's read copy
    when there is one (see `publish_read_copy`), so a reader never holds the file a run writes. DuckDB
    opens the file read-only, then refuses any other file (except under `allowed_directories`, where
    export writes), the network, installing or loading extensions, and changing any setting, this one
    included
    (`enable_external_access = false`, then `lock_configuration = true`). `is_refusal` tells those
    refusals apart from a mistake in the SQL.
    """
    path = readable_copy(Path(db_path))
    if not path.exists():
        raise WarehouseError(f"no database at {db_path}: run `newsetl ingest` first or pass --db")
    try:
        connection = duckdb.connect(str(path), read_only=True, config=dict(_LOCKED_CONFIG))
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseBusyError(f"{path} is in use by another process: {error}") from error
        raise WarehouseError(f"cannot open {path}: {error}") from error
    try:
        if allowed_directories:
            listed = ", ".join(_sql_string(str(Path(d).resolve())) for d in allowed_directories)
            connection.execute(f"SET allowed_directories = [{listed}]")
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        yield connection
    finally:
        connection.close()


@dataclass(frozen=True, slots=True)
class ReadCopy:
    """A read copy just published: where, how large, and what publishing it cost."""

    path: Path
    size_bytes: int
    seconds: float
    copied: bool = True  # False when the warehouse had not changed since the copy was made


def read_copy_path(path: Path) -> Path:
    """Where the read copy of the warehouse file at `path` lives: data/newsetl.duckdb ->
    data/newsetl.read.duckdb."""
    return path.with_name(f"{path.stem}.read{path.suffix or '.duckdb'}")


def readable_copy(path: Path) -> Path:
    """The file a reader should open: the read copy when there is one, else the warehouse itself."""
    copy = read_copy_path(path)
    return copy if copy.exists() else path


def publish_read_copy(warehouse: Warehouse) -> ReadCopy:
    """Checkpoint the warehouse and copy it to its read copy, atomically replacing the previous one.

    DuckDB lets one process write a file only while no other process has it open, even read-only: an
    analyst's open `duckdb` session would block every scheduled load. Readers open the read copy
    instead. Replacing it is a rename, which never waits for a reader: one holding the old copy open
    keeps reading that snapshot until it reconnects. Call it holding the writer lock, after the run's
    last write. The copy is a kernel copy (reflinked where the filesystem can), measured in the bench:
    its cost follows the file's size, so a run that changed nothing (the checkpointed file has the size
    and modification time the copy was stamped with) publishes nothing.
    """
    started = time.perf_counter()
    with connect(warehouse) as connection:
        connection.execute("CHECKPOINT")
    target = read_copy_path(warehouse.path)
    source = warehouse.path.stat()
    if target.exists() and _stamp(target.stat()) == _stamp(source):
        return ReadCopy(target, source.st_size, time.perf_counter() - started, copied=False)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(warehouse.path, partial)
    # The copy carries the warehouse's modification time: the stamp the next publish compares.
    os.utime(partial, ns=(source.st_atime_ns, source.st_mtime_ns))
    os.replace(partial, target)
    return ReadCopy(target, target.stat().st_size, time.perf_counter() - started)


def _stamp(status: os.stat_result) -> tuple[int, int]:
    return status.st_size, status.st_mtime_ns


def is_refusal(error: duckdb.Error) -> bool:
    """Whether DuckDB refused a statement because the connection is locked (not a mistake in the SQL)."""
    message = str(error)
    return isinstance(error, duckdb.PermissionException) or any(r in message for r in _REFUSALS)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# DuckDB errors that say the storage failed (disk full, file gone, database invalidated, out of memory),
# or that a statement does not fit the schema (a defect, or a file of another version): not that one
# batch of rows was wrong. Retrying with fewer rows cannot help, and would reject every document.
_STORAGE_FAILURES: tuple[type[BaseException], ...] = (
    duckdb.IOException,
    duckdb.FatalException,
    duckdb.OutOfMemoryException,
    duckdb.InterruptException,
    duckdb.BinderException,
    duckdb.CatalogException,
    duckdb.ParserException,
)


def is_storage_failure(error: BaseException) -> bool:
    """True when `error` comes from the warehouse itself (its storage, its memory, its schema), not from
    the data being loaded."""
    return isinstance(error, (*_STORAGE_FAILURES, WarehouseError))


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped in warehouse/migrations, in order."""
    found = []
    for entry in resources.files("warehouse").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def schema_version(connection: duckdb.DuckDBPyConnection) -> int:
    exists = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = connection.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(connection: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the file's schema, each in one transaction. Returns the version."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    current = schema_version(connection)
    applied = False
    for version, name, sql in migrations():
        if version <= current:
            continue
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(sql)
            connection.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, datetime.now(UTC)]
            )
            connection.execute("COMMIT")
        except Exception:
            connection.execute("ROLLBACK")
            raise
        current = version
        applied = True
    if applied:
        # Schema changes go to the file now, not the write-ahead log: DuckDB 1.5 fails to replay a WAL
        # holding a view replaced under a dependent view ("Failure while replaying WAL file"), which a
        # run killed right after upgrading a file would otherwise leave behind.
        connection.execute("CHECKPOINT")
    return current
