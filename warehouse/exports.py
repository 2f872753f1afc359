"""Exports for other tools: Parquet files partitioned by day, written by DuckDB's COPY.

Each dataset folder (`<folder>/articles`, `<folder>/stories`, `<folder>/document_dedup`) holds exactly the
latest export. Every dataset is first written to a hidden sibling (`<folder>/.articles.new-<id>`); only
when all are written does each replace the previous export, which is then removed. So an export that
fails midway leaves the previous one whole, and no partition of an older export lingers.

Only an export of ours is ever removed: a dataset folder made of `day=...` folders of `.parquet` files.
A dataset folder holding anything else stops the export before anything is written (ExportError names
the file), and so does an export folder that cannot be created (under a file, say).
"""

from __future__ import annotations

import fcntl
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.connection import WarehouseError, require_schema, sql_string

# What each exported dataset holds; `day` is the partition column.
EXPORTS = {
    "articles": """
        SELECT u.*, CAST(coalesce(u.published_at, u.loaded_at) AS DATE) AS day
        FROM unique_articles AS u
    """,
    "stories": """
        SELECT s.*, CAST(s.first_seen AS DATE) AS day FROM stories AS s
    """,
    "document_dedup": """
        SELECT d.*, CAST(r.fetched_at AS DATE) AS day
        FROM document_dedup AS d JOIN raw_documents AS r ON r.doc_id = d.doc_id
    """,
}
# A partition folder as COPY ... PARTITION_BY (day) names it (day=NULL for rows without a day).
_PARTITION = re.compile(r"^day=[^/]+$")
# Held while exporting into a folder, so two exports never swap the same dataset at once.
_LOCK_FILE = ".newsetl-export.lock"


class ExportError(WarehouseError):
    """The export folder cannot take an export: it cannot be created, it holds files newsetl did not
    write where a dataset goes, or another export is writing there. The message says which and why."""


def export_parquet(connection: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Write every dataset as `folder/<name>/day=YYYY-MM-DD/*.parquet`, replacing the previous export of
    it whole; return rows per dataset. `connection` must be allowed to write under `folder` (see
    `connect_locked`'s `allowed_directories`). Raises ExportError before writing when `folder` cannot
    take the export, OutdatedWarehouseError before writing when the warehouse lacks what it exports (an
    older newsetl left it), WarehouseError when writing fails (the previous export is then left as it was).
    """
    require_schema(connection, "story_dated_span", "newsetl export")  # the stories' threads and span
    _create_folder(folder)
    root = folder.resolve()
    with _export_lock(root):
        for name in EXPORTS:
            target = root / name
            if target.exists() or target.is_symlink():
                _refuse_foreign(target)
        _remove_leftovers(root)
        token = uuid.uuid4().hex[:12]
        staged: dict[str, Path] = {}
        written: dict[str, int] = {}
        try:
            for name, query in EXPORTS.items():
                staging = root / f".{name}.new-{token}"
                staging.mkdir()
                staged[name] = staging
                written[name] = _write_dataset(connection, query, staging)
            for name, staging in staged.items():
                _swap(staging, root / name, token)
        except duckdb.Error as error:
            raise WarehouseError(f"cannot export to {folder}: {error}") from error
        finally:
            for staging in staged.values():
                if staging.exists():
                    shutil.rmtree(staging)
    return written


def _write_dataset(connection: duckdb.DuckDBPyConnection, query: str, staging: Path) -> int:
    row = connection.execute(f"SELECT count(*) FROM ({query})").fetchone()
    rows = int(row[0]) if row else 0
    if rows:
        target = sql_string(str(staging))
        connection.execute(
            f"COPY ({query}) TO {target} (FORMAT parquet, PARTITION_BY (day), OVERWRITE_OR_IGNORE)"
        )
    return rows


def _create_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(
            f"cannot use {folder} as the export folder: {error.strerror or error}"
            + (" (a file is in the way)" if isinstance(error, FileExistsError | NotADirectoryError) else "")
        ) from error


@contextmanager
def _export_lock(root: Path) -> Iterator[None]:
    try:
        handle = (root / _LOCK_FILE).open("a")
    except OSError as error:
        raise ExportError(f"cannot write to the export folder {root}: {error.strerror or error}") from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExportError(f"another export is writing to {root}: let it finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _foreign_entry(dataset: Path) -> Path | None:
    """The first entry of `dataset` that an export of ours does not hold, or None when it is ours."""
    if dataset.is_symlink() or not dataset.is_dir():
        return dataset
    for partition in dataset.iterdir():
        if partition.is_symlink() or not partition.is_dir() or not _PARTITION.match(partition.name):
            return partition
        for file in partition.iterdir():
            if file.is_symlink() or not file.is_file() or file.suffix != ".parquet":
                return file
    return None


def _refuse_foreign(dataset: Path) -> None:
    foreign = _foreign_entry(dataset)
    if foreign is not None:
        raise ExportError(
            f"{dataset} holds {foreign.name!r}, which newsetl did not write; an export replaces that "
            "folder whole, so move the file away or export to another folder"
        )


def _remove_leftovers(root: Path) -> None:
    """Staging and replaced folders an interrupted export left behind (only those that are ours)."""
    for name in EXPORTS:
        for leftover in [*root.glob(f".{name}.new-*"), *root.glob(f".{name}.old-*")]:
            if _foreign_entry(leftover) is None:
                shutil.rmtree(leftover)


def _swap(staging: Path, target: Path, token: str) -> None:
    old = target.with_name(f".{target.name}.old-{token}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)
