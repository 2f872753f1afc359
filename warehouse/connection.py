"""The one connection factory. Every DuckDB connection in newsetl comes from `connect`, or from
`connect_locked` for queries newsetl does not control (`newsetl sql`) and every read a user can reach.

The warehouse is either one DuckDB file (the default: one writer at a time, readers use its read copy)
or a DuckLake: a catalog database (a SQLite file on one machine, PostgreSQL for a team) over Parquet
files, which any number of readers and several writers use at once (docs/scaling.md). Callers do not
see which: `connect` hands them a connection whose default database is the warehouse either way.

Opening a writable connection brings the schema up to date first, so an older warehouse upgrades itself.
"""

from __future__ import annotations

import base64
import fcntl
import functools
import hashlib
import importlib.metadata
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb

from transform.errors import NewsetlError, TransientError
from warehouse.read_copies import publish_copy

if TYPE_CHECKING:
    import psycopg

_MIGRATION_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")

LAKE_PREFIX = "ducklake:"
# The name the lake is attached under in every connection (and in the README's analyst session).
LAKE_NAME = "newsetl"


class WarehouseError(NewsetlError):
    """The database file cannot be used: it says which file and what to do."""


class WarehouseBusyError(WarehouseError, TransientError):
    """Another process holds the database file open for writing."""


class CatalogUnreachableError(WarehouseError, TransientError):
    """The lake's catalog database does not answer (PostgreSQL down or restarting): retried, then the
    run fails naming the catalog; nothing is half-written (every write is one catalog transaction)."""


@dataclass(frozen=True, slots=True)
class Lake:
    """A DuckLake: its catalog (`sqlite:PATH` or `postgres:DSN`, as DuckLake's ATTACH takes it) and
    where new Parquet files go (needed to create the lake; DuckLake keeps it in the catalog after)."""

    catalog: str
    data_path: str | None = None

    @property
    def engine(self) -> str:
        return self.catalog.split(":", 1)[0]

    @property
    def catalog_file(self) -> Path | None:
        """The SQLite catalog's file; None for a PostgreSQL catalog."""
        return Path(self.catalog.split(":", 1)[1]) if self.engine == "sqlite" else None

    @property
    def shown(self) -> str:
        """The catalog as messages name it: `ducklake:` + the catalog, any password masked."""
        return LAKE_PREFIX + re.sub(r"(password\s*=\s*)\S+", r"\1***", self.catalog)


@dataclass(frozen=True, slots=True)
class Warehouse:
    """Which warehouse to open and with which DuckDB settings: the value every run passes to `connect`.

    `path` is the DuckDB file; for a lake with a SQLite catalog, the catalog file; for a PostgreSQL
    catalog, the local folder of the run's own files (its locks are in PostgreSQL).
    `memory_limit` ("1GB") bounds DuckDB's memory, including its cache of the blocks queries read: without
    it the near-duplicate lookup keeps the band keys it scanned cached, ~400 MB at a million articles.
    None means DuckDB's default (80% of the machine's RAM).
    """

    path: Path
    memory_limit: str | None = None
    lake: Lake | None = None

    @classmethod
    def at(
        cls, spec: str | Path, memory_limit: str | None = None, lake_data_path: str | None = None
    ) -> Warehouse:
        """The warehouse `spec` names: a DuckDB file's path, or `ducklake:sqlite:PATH` /
        `ducklake:postgres:DSN` (with `lake_data_path`, where a new lake puts its files)."""
        text = str(spec)
        if not text.startswith(LAKE_PREFIX):
            return cls(Path(text), memory_limit)
        catalog = text[len(LAKE_PREFIX) :]
        engine, _, target = catalog.partition(":")
        if engine == "sqlite" and target:
            catalog_file = Path(target).resolve()
            data = lake_data_path or str(catalog_file.with_suffix(".files")) + os.sep
            return cls(catalog_file, memory_limit, Lake(f"sqlite:{catalog_file}", data))
        if engine == "postgres" and target:
            return cls(Path("."), memory_limit, Lake(catalog, lake_data_path))
        raise WarehouseError(
            f"{text!r} names no warehouse: give a DuckDB file's path, ducklake:sqlite:CATALOG_FILE or "
            "ducklake:postgres:'dbname=... host=... port=... user=...'"
        )

    @property
    def shown(self) -> str:
        """How messages and summaries name the warehouse."""
        return self.lake.shown if self.lake else str(self.path.resolve())

    @property
    def duckdb_config(self) -> dict[str, str | bool | int | float | list[str]]:
        """The settings, by DuckDB's own names."""
        return {"memory_limit": self.memory_limit} if self.memory_limit else {}


def as_warehouse(warehouse: Warehouse | Path | str) -> Warehouse:
    return warehouse if isinstance(warehouse, Warehouse) else Warehouse.at(warehouse)


@contextmanager
def connect(
    warehouse: Warehouse | Path | str, *, read_only: bool = False, run_reads: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, migrated to the latest schema (unless read-only), closed after.

    A bare path opens that DuckDB file with DuckDB's default settings. A writable connection to a lake
    holds the lake's commit lock for its block (see `commit_lock`): writers of one lake take turns to
    commit, readers never wait. `run_reads`: a read-only connection for an ingest run's own reads (the
    key lookups its decisions rest on, its reports), which on a lake run on one DuckDB thread as its
    writes do. While a run holds the DuckDB file open (`held_open`), every connection to it is a cursor
    of that open database.
    """
    warehouse = as_warehouse(warehouse)
    if warehouse.lake is not None:
        with _lake_connection(warehouse, read_only=read_only, run_reads=run_reads) as connection:
            yield connection
        return
    held = _held_files.get(_held_key(warehouse.path))
    if held is not None:
        with closing(_file_cursor(held, warehouse.path)) as cursor:
            yield cursor
        return
    if read_only and not warehouse.path.exists():
        raise WarehouseError(f"no database at {warehouse.path}: run `newsetl ingest` first or pass --db")
    connection = _open_migrated(warehouse, read_only)
    try:
        yield connection
    finally:
        connection.close()


# The DuckDB files held open by a run in this process (`held_open`), by absolute path.
_held_files: dict[str, duckdb.DuckDBPyConnection] = {}
_held_files_guard = threading.Lock()


def _held_key(path: Path) -> str:
    return os.path.abspath(path)


@contextmanager
def held_open(warehouse: Warehouse) -> Iterator[None]:
    """Keep a DuckDB file open (writable) for the block: every `connect` to it in this process, read-only
    or not, from any thread, is then a cursor of that one open database, and the file is checkpointed
    only when asked (a run's read copy asks, `publish_read_copy`) and when the block ends. A run holds its
    file so (`warehouse.locks.run_guard`); a lake is not held.

    Why: each opening and closing of the file has a cost that grows with the history. The first
    checkpoint of an opened file reads the metadata of every table's row groups (0.07-0.16 s at 1M
    articles, even for one row written), and each stage's queries read again what the stage before
    had cached. A 1k-article run against 1M stored, measured both ways on one synthesised history
    (docs/scaling-stories.md section 25): 4.15-4.17 s with each stage opening the file, 3.59-3.88 s held.
    Nothing is less durable: each commit is in the write-ahead log, which the next opening replays if the
    process dies before the block ends. Re-entrant: an inner block for a file already held changes nothing.
    """
    key = _held_key(warehouse.path)
    with _held_files_guard:
        if warehouse.lake is not None or key in _held_files:
            connection = None
        else:
            connection = _held_files[key] = _open_migrated(warehouse, read_only=False)
    if connection is None:
        yield
        return
    try:
        yield
    finally:
        with _held_files_guard:
            del _held_files[key]
        connection.close()


def _open_migrated(warehouse: Warehouse, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A new connection to the warehouse's DuckDB file, its schema brought up to date unless read-only.

    The migration reads and writes on a cursor, closed after: a read whose result is left unfetched
    keeps its transaction open, and on a file a run holds open (`held_open`) for its whole run, that
    transaction would keep every checkpoint of the run from running ("other write transactions
    active")."""
    path, config = warehouse.path, warehouse.duckdb_config
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = _open_file(path, read_only, config)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseBusyError(f"{path} is in use by another process: {error}") from error
        raise WarehouseError(f"cannot open {path}: {error}") from error
    except duckdb.Error as error:  # a bad setting, such as a memory limit DuckDB cannot parse
        raise WarehouseError(f"cannot open {path} with settings {config}: {error}") from error
    if not read_only:
        try:
            with closing(_file_cursor(connection, path)) as migrating:
                migrate(migrating)
        except BaseException:
            connection.close()
            raise
    return connection


# Rows per row group a writable connection gives the file (DuckDB's default: 122,880). A checkpoint
# rewrites the last row group of each table with a key or an index that gained rows (DuckDB 1.5 appends
# those into it; only tables without one get a row group of their own), so every run's checkpoint rewrote
# up to 122,880 rows of raw content, article bodies and versions, however few it added: measured, 2.3-3.5 s
# to checkpoint 1,000 rows added to a 100k-row keyed table of 2 KB rows, 0.13-0.17 s with 16,384, on a
# new file and on one written with the default. DuckDB does not keep the setting in the file: it holds
# for the connections that attach with it, which is why every writable connection does.
ROW_GROUP_ROWS = 16_384


def _open_file(
    path: Path, read_only: bool, config: dict[str, str | bool | int | float | list[str]]
) -> duckdb.DuckDBPyConnection:
    if read_only:
        return duckdb.connect(str(path), read_only=True, config=config)
    connection = duckdb.connect(":memory:", config=config)
    try:
        name = _file_alias(path)
        connection.execute(f"ATTACH {sql_string(str(path))} AS {name} (ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
        connection.execute(f"USE {name}")
    except BaseException:
        connection.close()
        raise
    return connection


def _file_alias(path: Path) -> str:
    """What a writable connection attaches the file as: DuckDB's own name for it (the file's stem), as
    duckdb.connect(path) would."""
    return '"' + (path.stem or "warehouse").replace('"', '""') + '"'


def _file_cursor(connection: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor of a writable connection to the file at `path`, on that file: a cursor starts in the
    connection's in-memory database, not in the one it USEs."""
    cursor = connection.cursor()
    try:
        cursor.execute(f"USE {_file_alias(path)}")
    except BaseException:
        cursor.close()
        raise
    return cursor


@contextmanager
def _lake_connection(
    warehouse: Warehouse, *, read_only: bool, run_reads: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    if read_only:
        with _lake_session(warehouse, read_only=True, one_thread=run_reads) as connection:
            yield connection
        return
    with commit_lock(warehouse), _lake_session(warehouse, read_only=False, one_thread=True) as connection:
        yield connection


# A lake's DuckDB instance, kept for the process: loading DuckLake's and the catalog scanner's extensions
# (35-40 MB each, signature-checked on every LOAD) and attaching the catalog cost 0.5-2 s, against ~0.1 s
# for opening a DuckDB file; each `connect` is a connection (cursor) of its own on the kept instance, and
# each of its transactions reads the lake's latest snapshot. Keyed by catalog, mode and settings; the
# least recently used beyond `_KEPT_LAKES` are closed when idle (each holds catalog connections).
_lake_instances: dict[tuple[str, bool, str], duckdb.DuckDBPyConnection] = {}
_lake_users: dict[tuple[str, bool, str], int] = {}
_lake_versions: dict[tuple[str, bool, str], int] = {}
_lake_instances_guard = threading.Lock()
_KEPT_LAKES = 4
# A writer's instance runs each statement on one thread, and so does the instance of an ingest run's own
# reads (`connect(..., run_reads=True)`). Its statements are a batch's rows and the catalog's small reads
# and writes, where DuckDB's second thread cost more CPU than it saved: measured on 2 cores, 150-page runs
# on a SQLite catalog spent 6.3-7.9 s of CPU holding the commit lock with one thread against 11.1-12.4 s
# with two (4 runs), and one 1,500-page run on PostgreSQL held it 6.8-7.4 s against 8.1-10.4 s. A run's
# reads are key lookups, made by each of a lake's workers side by side: with two threads each, two workers
# on 2 cores ingested 1,200 pages on PostgreSQL at 126-130 docs/s, with one at 140-144 (one worker: 82-83
# either way). Analysts' reads keep DuckDB's default: their queries scan.
_ONE_THREAD: dict[str, str | bool | int | float | list[str]] = {"threads": 1}


@contextmanager
def _lake_session(
    warehouse: Warehouse, *, read_only: bool, one_thread: bool
) -> Iterator[duckdb.DuckDBPyConnection]:
    lake = warehouse.lake
    assert lake is not None
    settings = _ONE_THREAD if one_thread else None
    key = (lake.catalog, read_only, repr(sorted({**warehouse.duckdb_config, **(settings or {})}.items())))
    with _lake_instances_guard:
        instance = _lake_instances.pop(key, None)
        if instance is None:
            instance = open_lake(warehouse, read_only=read_only, config=settings)
            _lake_versions[key] = 0
        if not read_only and _lake_versions[key] < migrations()[-1][0]:
            # Not again while the instance is up to date. On a cursor closed after: the instance's own
            # connection would keep the SQLite catalog's write lock, and every other commit would fail.
            with instance.cursor() as migrating:
                migrating.execute(f"USE {LAKE_NAME}")  # (a cursor starts in the in-memory database)
                _lake_versions[key] = migrate(migrating)
        _lake_instances[key] = instance  # (re)inserted last: the most recently used
        _lake_users[key] = _lake_users.get(key, 0) + 1
        idle = [k for k in _lake_instances if not _lake_users.get(k)]
        for old in idle[: max(0, len(_lake_instances) - _KEPT_LAKES)]:
            _lake_instances.pop(old).close()
        connection = instance.cursor()
    try:
        connection.execute(f"USE {LAKE_NAME}")
        yield connection
    except duckdb.Error as error:
        if _lost_catalog(error):
            # The catalog's server went away (restarted, failed over): forget the instance, so the
            # retry of the task attaches afresh.
            with _lake_instances_guard:
                if _lake_instances.get(key) is instance:
                    del _lake_instances[key]
            raise CatalogUnreachableError(
                f"lost the lake's catalog {lake.shown}: {str(error).strip()}"
            ) from error
        raise
    finally:
        connection.close()
        with _lake_instances_guard:
            _lake_users[key] -= 1


# A lost catalog session, a busy SQLite catalog, or inlined rows another process flushed to Parquet
# (ducklake_flush_inlined_data drops the catalog tables a kept instance read them from): attach afresh.
_LOST_CATALOG = (
    "connection",
    "server closed",
    "terminating",
    "could not",
    "timeout",
    "database is locked",
    "ducklake_inlined_data",
)


def _lost_catalog(error: duckdb.Error) -> bool:
    message = str(error).lower()
    return any(sign in message for sign in _LOST_CATALOG)


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
    warehouse: Warehouse | Path | str, *, allowed_directories: Sequence[Path] = ()
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that reads the warehouse and nothing else, closed after.

    For SQL newsetl did not write (`newsetl sql`) and for every read path a user reaches (search, export,
    sources), since even newsetl's own queries run the file's views. A DuckDB file is read through its
    read copy when there is one (see `publish_read_copy`), so a reader never holds the file a run writes;
    a lake is read at its latest snapshot (readers never block its writers). DuckDB opens the warehouse
    read-only, then refuses any other file (except under `allowed_directories`, where export writes, and
    the lake's data files), the network, installing or loading extensions, and changing any setting,
    this one included (`enable_external_access = false`, then `lock_configuration = true`). `is_refusal`
    tells those refusals apart from a mistake in the SQL.
    """
    warehouse = as_warehouse(warehouse)
    allowed = [str(Path(d).resolve()) for d in allowed_directories]
    if warehouse.lake is not None:
        connection = open_lake(warehouse, read_only=True, config=dict(_LOCKED_CONFIG))
        allowed.append(_lake_data_path(connection))
    else:
        path = readable_copy(warehouse.path)
        if not path.exists():
            raise WarehouseError(f"no database at {warehouse.path}: run `newsetl ingest` first or pass --db")
        try:
            connection = duckdb.connect(str(path), read_only=True, config=dict(_LOCKED_CONFIG))
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise WarehouseBusyError(f"{path} is in use by another process: {error}") from error
            raise WarehouseError(f"cannot open {path}: {error}") from error
    try:
        if allowed:
            listed = ", ".join(sql_string(directory) for directory in allowed)
            connection.execute(f"SET allowed_directories = [{listed}]")
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        yield connection
    finally:
        connection.close()


def open_lake(
    warehouse: Warehouse,
    *,
    read_only: bool,
    create: bool = False,
    config: dict[str, str | bool | int | float | list[str]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `newsetl` and in use. A lake is created only when
    `create` (`newsetl lake init`, or the first write to a SQLite catalog on this machine): two processes
    creating one catalog at once race, so a team's PostgreSQL catalog is initialised once, up front."""
    lake = warehouse.lake
    assert lake is not None
    catalog_file = lake.catalog_file
    if catalog_file is not None:
        if read_only and not catalog_file.exists():
            raise WarehouseError(f"no lake at {catalog_file}: run `newsetl ingest` first or pass --db")
        create = create or not catalog_file.exists()
        catalog_file.parent.mkdir(parents=True, exist_ok=True)
        if not read_only:
            _write_ahead_log(catalog_file)
    # The extensions' files were checked against pip's record (`extension_file`): no signature check.
    settings = {**warehouse.duckdb_config, **(config or {}), "allow_unsigned_extensions": "true"}
    try:
        connection = duckdb.connect(":memory:", config=settings)
    except duckdb.Error as error:  # a bad setting, such as a memory limit DuckDB cannot parse
        raise WarehouseError(f"cannot open {lake.shown} with settings {settings}: {error}") from error
    try:
        for extension in ("ducklake", lake.engine):
            connection.execute(f"LOAD {sql_string(str(extension_file(extension)))}")
        options = ["READ_ONLY"] if read_only else []
        if create:
            if not lake.data_path:
                raise WarehouseError(
                    f"{lake.shown} is a new lake: say where its data files go "
                    "(--lake-data-path / NEWSETL_LAKE_DATA_PATH, a folder or s3://bucket/prefix/)"
                )
            if "://" not in lake.data_path:
                Path(lake.data_path).mkdir(parents=True, exist_ok=True)
            options.append(f"DATA_PATH {sql_string(lake.data_path)}")
        else:
            options.append("CREATE_IF_NOT_EXISTS false")
        connection.execute(
            f"ATTACH {sql_string(LAKE_PREFIX + lake.catalog)} AS {LAKE_NAME} ({', '.join(options)})"
        )
        connection.execute(f"USE {LAKE_NAME}")
    except duckdb.Error as error:
        connection.close()
        message = str(error)
        if "does not exist" in message and "creating a new DuckLake" in message:
            raise WarehouseError(
                f"no lake in {lake.shown}: create it once, before any run, with "
                "`newsetl lake init --db ducklake:... --lake-data-path ...`"
            ) from error
        if "connection" in message.lower() or "could not" in message.lower() or "timeout" in message.lower():
            raise CatalogUnreachableError(
                f"cannot reach the lake's catalog {lake.shown}: {message.strip()}. Is the database up "
                "and the DSN right (host, port, dbname, user)?"
            ) from error
        raise WarehouseError(f"cannot open the lake {lake.shown}: {message.strip()}") from error
    return connection


def _write_ahead_log(catalog_file: Path) -> None:
    """Put a SQLite catalog in write-ahead-log mode (kept in the file; a new catalog is created in it).

    In SQLite's default mode a reader's transaction blocks a writer's commit: a writer of the lake, in
    its turn at the commit lock, waited for other workers deciding against a snapshot and for analysts'
    queries. With the log, readers and the writer no longer wait for each other. Measured, two workers on
    one catalog (bench/workers.py's batches, paired rounds): 88-90 -> 100-102 docs/s, their waits for the
    lock 1.5-1.9 -> 0.4-0.6 s. The catalog must then stay on one machine's disk (SQLite's log uses shared
    memory), as a SQLite catalog does anyway. If another process holds the file, the mode is left as it
    is: a later writer sets it."""
    try:
        with closing(sqlite3.connect(catalog_file, timeout=1.0)) as catalog:
            catalog.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error:
        pass


def attach_statements(warehouse: Warehouse | Path | str, *, read_only: bool = True) -> list[str]:
    """The statements that open the lake in any DuckDB session, as `connect` does (for analysts'
    `duckdb` shells: `newsetl lake attach`)."""
    warehouse = as_warehouse(warehouse)
    lake = warehouse.lake
    if lake is None:
        raise WarehouseError(f"{warehouse.shown} is a DuckDB file, not a lake: open it with duckdb directly")
    options = " (READ_ONLY)" if read_only else ""
    return [
        *(f"LOAD {sql_string(str(extension_file(name)))};" for name in ("ducklake", lake.engine)),
        f"ATTACH {sql_string(LAKE_PREFIX + lake.catalog)} AS {LAKE_NAME}{options};",
        f"USE {LAKE_NAME};",
    ]


def _lake_data_path(connection: duckdb.DuckDBPyConnection) -> str:
    row = connection.execute(
        f"SELECT value FROM __ducklake_metadata_{LAKE_NAME}.ducklake_metadata WHERE key = 'data_path'"
    ).fetchone()
    return str(row[0]) if row else ""


def create_lake(warehouse: Warehouse) -> int:
    """Create the lake's catalog and schema (once, before workers start), or bring an existing lake's
    schema up to date (its data path is the one it was created with). Returns the schema version."""
    if warehouse.lake is None:
        raise WarehouseError("newsetl lake init creates a DuckLake: give --db ducklake:...")
    with commit_lock(warehouse):
        try:
            connection = open_lake(warehouse, read_only=False)
        except WarehouseError as error:
            if "no lake in" not in str(error):
                raise
            connection = open_lake(warehouse, read_only=False, create=True)
        try:
            return migrate(connection)
        except duckdb.Error as error:
            raise WarehouseError(f"cannot create the lake {warehouse.lake.shown}: {error}") from error
        finally:
            connection.close()


# DuckLake's catalogs do not ship the scanners under the names DuckDB loads them by: the wheels of PyPI's
# duckdb-extension-* packages hold `sqlite.duckdb_extension` whose entry point is `sqlite_scanner`.
_EXTENSIONS = {
    "ducklake": ("duckdb_extension_ducklake", "ducklake"),
    "sqlite": ("duckdb_extension_sqlite", "sqlite_scanner"),
    "postgres": ("duckdb_extension_postgres", "postgres_scanner"),
}
_extension_files: dict[str, Path] = {}


def extension_file(name: str) -> Path:
    """The extension's file from its pinned PyPI wheel (no download at run time), under the file name
    its entry point needs: a copy beside the shipped file, or in ~/.cache/newsetl if the wheel's folder
    is read-only. Checked once per process against the sha256 pip recorded when it installed the wheel
    (and the copy against the same digest), which is what lets `open_lake` skip DuckDB's own signature
    check on every LOAD: that check hashes the 35-40 MB file each time (0.4-1 s per connection)."""
    if name in _extension_files:
        return _extension_files[name]
    package, entry = _EXTENSIONS[name]
    shipped, recorded = _shipped_file(package)
    found = shipped
    if shipped.stem != entry:
        found = _named_copy(shipped, shipped.with_name(f"{entry}.duckdb_extension"), recorded)
    if _digest(found) != recorded:
        raise WarehouseError(
            f"{found} is not the file pip installed from {_wheel(package)} (its sha256 differs): "
            f"reinstall it (pip install --force-reinstall {_wheel(package)})"
        )
    _extension_files[name] = found
    return found


def _wheel(package: str) -> str:
    return package.replace("_", "-")


def _digest(path: Path) -> str:
    """The file's sha256 as pip's RECORD writes it (urlsafe base64, no padding)."""
    with path.open("rb") as handle:
        raw = hashlib.file_digest(handle, "sha256").digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _shipped_file(package: str) -> tuple[Path, str]:
    """The extension file the wheel installed, and the sha256 pip recorded for it."""
    try:
        entries = importlib.metadata.files(_wheel(package)) or []
    except importlib.metadata.PackageNotFoundError:
        entries = []
    for entry in entries:
        if entry.name.endswith(".duckdb_extension") and entry.hash is not None:
            return Path(str(entry.locate())).resolve(), entry.hash.value
    raise WarehouseError(f"the DuckDB extension of {_wheel(package)} is not installed: pip install it")


def _named_copy(shipped: Path, named: Path, digest: str) -> Path:
    cache = (
        Path.home() / ".cache" / "newsetl" / "duckdb-extensions" / hashlib.sha256(digest.encode()).hexdigest()
    )
    for target in (named, cache / named.name):
        if target.exists() and _digest(target) == digest:
            return target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
            shutil.copyfile(shipped, partial)
            os.replace(partial, target)
            return target
        except OSError:
            continue
    raise WarehouseError(f"cannot write a copy of {shipped} named {named.name}")


# The commit lock: a lake's writers take turns to decide and commit (dedup decisions read what is
# stored, then write), while each one's extraction and cleaning run in parallel. Held per process and
# reentrant: a flow that holds it around a decision runs tasks that open writable connections inside.
class _Closable(Protocol):
    def close(self) -> None: ...


_held: dict[str, tuple[int, _Closable]] = {}
_held_guard = threading.Lock()


@contextmanager
def commit_lock(warehouse: Warehouse, holder: str = "", wait_seconds: float = 600.0) -> Iterator[None]:
    """Hold the lake's commit lock for the block: a PostgreSQL advisory lock on the catalog (released by
    PostgreSQL if this process dies), or a file lock beside a SQLite catalog. A DuckDB file needs none
    (its writer lock covers the whole run)."""
    lake = warehouse.lake
    if lake is None:
        yield
        return
    key = lake.catalog
    with _held_guard:
        held = _held.get(key)
        if held:
            _held[key] = (held[0] + 1, held[1])
    if held:
        try:
            yield
        finally:
            _release(key)
        return
    handle = _acquire(lake, holder, wait_seconds)
    with _held_guard:
        _held[key] = (1, handle)
    try:
        yield
    finally:
        _release(key)


def holds_commit_lock(warehouse: Warehouse) -> bool:
    """Whether this process holds the lake's commit lock now (never for a DuckDB file, which has none)."""
    lake = warehouse.lake
    with _held_guard:
        return lake is not None and lake.catalog in _held


def _release(key: str) -> None:
    with _held_guard:
        count, handle = _held[key]
        if count > 1:
            _held[key] = (count - 1, handle)
            return
        del _held[key]
    handle.close()  # a file (flock goes with it) or a PostgreSQL session (its locks go with it)


COMMIT_LOCK_KEY = 0x6E657773  # 'news': the advisory lock every writer of a PostgreSQL-catalog lake takes


def _acquire(lake: Lake, holder: str, wait_seconds: float) -> _Closable:
    deadline = time.monotonic() + wait_seconds
    if lake.catalog_file is not None:
        path = lake.catalog_file.with_name(lake.catalog_file.name + ".commit.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise WarehouseBusyError(
                        f"{lake.shown}: another writer kept the commit lock for {wait_seconds:g} s"
                    ) from None
                time.sleep(0.05)
    session = postgres_session(lake)
    while True:
        row = session.execute("SELECT pg_try_advisory_lock(%s)", [COMMIT_LOCK_KEY]).fetchone()
        if row and row[0]:
            return session
        if time.monotonic() >= deadline:
            session.close()
            raise WarehouseBusyError(
                f"{lake.shown}: another writer kept the commit lock for {wait_seconds:g} s"
            )
        time.sleep(0.05)


def postgres_session(lake: Lake) -> psycopg.Connection[Any]:
    """A PostgreSQL session on the lake's catalog database (for its locks), in autocommit."""
    import psycopg  # here: a DuckDB file never needs it

    dsn = lake.catalog.split(":", 1)[1]
    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise CatalogUnreachableError(
            f"cannot reach the lake's catalog {lake.shown}: {str(error).strip()}. Is the database up and "
            "the DSN right (host, port, dbname, user)?"
        ) from error


@dataclass(frozen=True, slots=True)
class ReadCopy:
    """A read copy just published: where, how large, what publishing it cost and wrote."""

    path: Path
    size_bytes: int
    seconds: float
    copied: bool = True  # False when the warehouse had not changed since the copy was made
    written_bytes: int = 0  # the changed blocks, or the whole file
    whole_copy_reason: str | None = None  # why the older copy could not be updated in place


def read_copy_path(path: Path) -> Path:
    """Where the read copy of the warehouse file at `path` lives: data/newsetl.duckdb ->
    data/newsetl.read.duckdb."""
    return path.with_name(f"{path.stem}.read{path.suffix or '.duckdb'}")


def readable_copy(path: Path) -> Path:
    """The file a reader should open: the read copy when there is one, else the warehouse itself."""
    copy = read_copy_path(path)
    return copy if copy.exists() else path


def publish_read_copy(warehouse: Warehouse) -> ReadCopy:
    """Checkpoint the warehouse and publish its read copy, atomically replacing the previous one.

    DuckDB lets one process write a file only while no other process has it open, even read-only: an
    analyst's open `duckdb` session would block every scheduled load. Readers open the read copy
    instead. Replacing it is a rename, which never waits for a reader: one holding the old copy open
    keeps reading that snapshot until it reconnects. Call it holding the writer lock, after the run's
    last write. Two copies take turns and the older is updated with the blocks that changed
    (`warehouse.read_copies`); a run that changed nothing (the checkpointed file has the size and
    modification time the copy was stamped with) publishes nothing.
    """
    started = time.perf_counter()
    if warehouse.lake is not None:
        raise WarehouseError("a lake has no read copy: its readers never block its writers")
    with connect(warehouse) as connection:
        try:
            connection.execute("CHECKPOINT")
        except duckdb.TransactionException as error:
            # Another connection of the run (a cursor of the held file) still has a transaction open: the
            # run's writes are committed, only the copy waits for the next run.
            raise WarehouseError(f"cannot checkpoint {warehouse.path} for its read copy: {error}") from error
    target = read_copy_path(warehouse.path)
    source = warehouse.path.stat()
    if target.exists() and _stamp(target.stat()) == _stamp(source):
        return ReadCopy(target, source.st_size, time.perf_counter() - started, copied=False)
    published = publish_copy(warehouse.path, target)
    return ReadCopy(
        target,
        target.stat().st_size,
        time.perf_counter() - started,
        written_bytes=published.written_bytes,
        whole_copy_reason=published.whole_copy_reason,
    )


def _stamp(status: os.stat_result) -> tuple[int, int]:
    return status.st_size, status.st_mtime_ns


class QueryRefusedError(WarehouseError):
    """A statement of a kind that writes or reaches outside the warehouse, refused before it runs."""


# What `newsetl sql` runs: queries (SELECT, FROM, DESCRIBE, SUMMARIZE, PRAGMA, WITH ...), EXPLAIN and
# table functions (CALL). A locked connection refuses the rest too; this check refuses it before DuckDB
# sees it, because a lake's connection must be allowed into the lake's data folder to read its files, and
# DuckDB's allowed_directories cannot tell reading from writing (a COPY ... TO there would land).
_READ_STATEMENTS = frozenset(
    {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN, duckdb.StatementType.CALL}
)


def check_read_only(sql: str) -> None:
    """Raise QueryRefusedError unless every statement of `sql` only reads."""
    for statement in duckdb.extract_statements(sql):
        if statement.type not in _READ_STATEMENTS:
            raise QueryRefusedError(
                f"refused: newsetl sql is read-only; it reads the warehouse and nothing else (a "
                f"{statement.type.name} statement: no writes, other files, network, extensions or settings)"
            )


def is_refusal(error: duckdb.Error) -> bool:
    """Whether DuckDB refused a statement because the connection is locked (not a mistake in the SQL)."""
    message = str(error)
    return isinstance(error, duckdb.PermissionException) or any(r in message for r in _REFUSALS)


def sql_string(value: str) -> str:
    """`value` as an SQL string literal, for the places a statement cannot take a parameter (ATTACH,
    LOAD, COPY ... TO, queries printed for users)."""
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
        "SELECT count(*) FROM information_schema.tables"
        " WHERE table_name = 'schema_version' AND table_catalog = current_database()"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = connection.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


@functools.cache
def _versions() -> dict[str, int]:
    """{migration name: its version}, read once (a search asks on every query)."""
    return {name: version for version, name, _ in migrations()}


class OutdatedWarehouseError(WarehouseError):
    """A read needs a newer schema than the warehouse has: an older newsetl last wrote it (a read-only
    connection, as readers open, does not migrate)."""


def require_schema(connection: duckdb.DuckDBPyConnection, migration: str, reading: str) -> None:
    """Raise OutdatedWarehouseError, saying what to do, unless the warehouse has the migration named
    `migration` (warehouse/migrations/NNN_<migration>.sql), the newest that `reading` reads."""
    needed = _versions()[migration]
    found = schema_version(connection)
    if found < needed:
        raise OutdatedWarehouseError(
            f"{reading} needs the warehouse at schema version {needed} or later, and it is at {found}, as "
            "an older newsetl left it: run `newsetl maintenance` to bring it up to date (it also indexes "
            "for search what was stored before the index)"
        )


def is_lake(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's default database is a DuckLake."""
    row = connection.execute(
        "SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return bool(row and row[0] == "ducklake")


# DuckLake has no keys or indexes: a lake's tables are created without them. What they guarded is kept
# by the writes themselves (every insert skips the keys already stored, `warehouse.batches`) and by the
# commit lock (one writer decides and commits at a time). Tested: every migration applies to a lake.
_KEY_COLUMN = re.compile(r"(\w+\s+[A-Z]+(?:\[\])?)\s+PRIMARY KEY", re.IGNORECASE)
_KEY_CLAUSE = re.compile(r",\s*PRIMARY KEY\s*\([^)]*\)", re.IGNORECASE)
_INDEX = re.compile(r"^\s*(?:CREATE\s+(?:UNIQUE\s+)?|DROP\s+)INDEX\b[^;]*;", re.IGNORECASE | re.MULTILINE)


_MACRO_COMMENT = re.compile(r"^COMMENT ON MACRO (?:TABLE )?\w+ IS '(?:[^']|'')*';", re.MULTILINE)
_VIEW = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(\w+)", re.IGNORECASE)


def for_lake(sql: str) -> str:
    """A migration as a DuckLake takes it: the same tables without primary keys and indexes (nor the
    statements that drop an index), and views without column comments (DuckLake comments tables, views
    and table columns only)."""
    views = {name for _, _, text in migrations() for name in _VIEW.findall(text)}
    view_columns = re.compile(
        rf"^COMMENT ON COLUMN ({'|'.join(sorted(views))})\.\w+ IS '(?:[^']|'')*';", re.MULTILINE
    )
    sql = view_columns.sub("", _INDEX.sub("", _KEY_CLAUSE.sub("", _KEY_COLUMN.sub(r"\1", sql))))
    # A backfill's ON CONFLICT DO NOTHING has no key to go by on a lake; a lake is migrated from empty.
    return _MACRO_COMMENT.sub("", sql).replace("\nON CONFLICT DO NOTHING;", ";")


def migrate(connection: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the warehouse's schema, each in one transaction. Returns the
    version. On a lake, call it holding the commit lock (`connect` does)."""
    lake = is_lake(connection)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        + ("version INTEGER" if lake else "version INTEGER PRIMARY KEY")
        + ", name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    current = schema_version(connection)
    applied = False
    for version, name, sql in migrations():
        if version <= current:
            continue
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(for_lake(sql) if lake else sql)
            connection.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, datetime.now(UTC)]
            )
            connection.execute("COMMIT")
        except Exception:
            connection.execute("ROLLBACK")
            raise
        current = version
        applied = True
    if applied and not lake:
        # Schema changes go to the file now, not the write-ahead log: DuckDB 1.5 fails to replay a WAL
        # holding a view replaced under a dependent view ("Failure while replaying WAL file"), which a
        # run killed right after upgrading a file would otherwise leave behind. (A lake has no WAL: each
        # migration is one catalog commit.)
        connection.execute("CHECKPOINT")
    return current
