"""The `maintenance` flow: tend the search index, checkpoint DuckDB (or compact a lake), export Parquet.

Served daily by `newsetl serve` and deployed by prefect.yaml; `newsetl maintenance` runs it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.ingest import current_run_id, io_task, refresh_read_copy, run_name
from flows.settings import DEFAULT_EXPORT_DIR, DEFAULT_SNAPSHOT_RETENTION_DAYS, warehouse_for
from warehouse.connection import Warehouse, WarehouseError, commit_lock, connect, connect_locked
from warehouse.exports import export_parquet
from warehouse.locks import run_guard
from warehouse.maintenance import LakeUpkeep, StorageFigures, checkpoint, tend_lake
from warehouse.search import SegmentMerge, refresh_search_index


@dataclass(frozen=True)
class MaintenanceReport:
    """What one maintenance run did; printed by the CLI and published as a Prefect artifact."""

    db_path: str
    export_dir: str
    # The DuckDB file's checkpoint; None on a lake, which has `lake` instead.
    before: StorageFigures | None
    after: StorageFigures | None
    exported: dict[str, int] = field(default_factory=dict)
    # Articles the search index lacked (loaded before it existed), and the merge of its segments.
    indexed: int = 0
    merge: SegmentMerge = field(default_factory=lambda: SegmentMerge(0, 0, 0))
    lake: LakeUpkeep | None = None

    @property
    def search_index(self) -> str:
        """The search index step in a few words."""
        return (
            f"{self.indexed} articles added; {self.merge.rows:,} postings sorted into a segment"
            f" (segments: {self.merge.segments})"
        )

    def storage_steps(self) -> list[tuple[str, str]]:
        """(step, what it did) for the storage: the checkpoint of a DuckDB file, or a lake's upkeep."""
        if self.lake is not None:
            return lake_steps(self.lake)
        assert self.before is not None and self.after is not None
        return [
            ("write-ahead log", f"{self.before.wal_size} → {self.after.wal_size}"),
            (
                "database size",
                f"{self.before.database_size} → {self.after.database_size} "
                f"({self.after.total_blocks} blocks, {self.after.free_blocks} free)",
            ),
        ]

    def to_markdown(self) -> str:
        lines = [
            "# newsetl maintenance",
            "",
            "| step | result |",
            "|---|---|",
            f"| search index | {self.search_index} |",
            *(f"| {step} | {result} |" for step, result in self.storage_steps()),
            f"| export | Parquet under `{self.export_dir}`, partitioned by day |",
            "",
            "| dataset | rows |",
            "|---|---:|",
            *(f"| {name} | {rows} |" for name, rows in self.exported.items()),
            "",
            f"Database: `{self.db_path}`",
        ]
        return "\n".join(lines)


def lake_steps(upkeep: LakeUpkeep) -> list[tuple[str, str]]:
    """What a lake's upkeep did, as (step, result) rows."""
    before, after = upkeep.before, upkeep.after
    return [
        (
            "data files",
            f"{before.data_files:,} → {after.data_files:,} "
            f"({_megabytes(before.data_bytes)} → {_megabytes(after.data_bytes)}); "
            f"{upkeep.merged_files:,} small files merged "
            f"into {upkeep.merged_into:,}, {upkeep.rewritten_files:,} rewritten without deleted rows",
        ),
        (
            "snapshots",
            f"{before.snapshots:,} → {after.snapshots:,} "
            f"({upkeep.expired_snapshots:,} older than {_retention(upkeep.retention)} expired)",
        ),
        (
            "files stored",
            f"{before.stored_files:,} → {after.stored_files:,} "
            f"({_megabytes(before.stored_bytes)} → {_megabytes(after.stored_bytes)}); "
            f"{upkeep.deleted_files:,} no kept snapshot needs deleted, {upkeep.orphans_deleted:,} orphaned",
        ),
    ]


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.2f} MB"


def _retention(retention: timedelta) -> str:
    days = retention / timedelta(days=1)
    return f"{days:g} days" if days >= 1 else f"{retention.total_seconds():g} s"


@io_task
def refresh_search(db: Warehouse) -> tuple[int, SegmentMerge]:
    """Index the articles the search index lacks and merge the rows loaded since into a sorted segment,
    so queries read only the row groups of their terms (see warehouse/search.py)."""
    with connect(db) as connection:
        return refresh_search_index(connection)


@io_task
def checkpoint_database(db: Warehouse) -> tuple[StorageFigures, StorageFigures]:
    with connect(db) as connection:
        return checkpoint(connection)


@io_task
def tend_the_lake(db: Warehouse, retention: timedelta) -> LakeUpkeep:
    """Compact the lake, expire its snapshots older than `retention`, delete the files nothing needs
    (warehouse/maintenance.py). Holds the commit lock: writers wait, readers go on."""
    with connect(db) as connection:
        return tend_lake(connection, datetime.now(UTC), retention)


@io_task
def export(db: Warehouse, folder: str) -> dict[str, int]:
    # As `newsetl export`: the queries read only the warehouse and write only under the folder.
    with connect_locked(db, allowed_directories=[Path(folder)]) as connection:
        return export_parquet(connection, Path(folder))


def _maintenance_run_name() -> str:
    db = flow_run.parameters.get("db")
    return run_name("maintenance", [str(db)] if db else [])


@flow(
    name="maintenance",
    flow_run_name=_maintenance_run_name,
    description="Tend the search index, checkpoint DuckDB or compact a lake, export Parquet.",
)
def maintenance(
    db: str | None = None,
    export_dir: str = DEFAULT_EXPORT_DIR,
    lock_wait_seconds: float = 60.0,
    memory_limit: str | None = None,
    snapshot_retention_days: float = DEFAULT_SNAPSHOT_RETENTION_DAYS,
) -> MaintenanceReport:
    """Housekeeping for the warehouse at `db` (default: NEWSETL_DB where the run executes). A DuckDB
    file: holding its writer lock so no ingest writes meanwhile, checkpoint it. A lake: holding its
    commit lock (writers wait their turn, readers go on), compact its files and expire its snapshots
    older than `snapshot_retention_days` (how far back readers can time-travel), deleting the files no
    kept snapshot needs."""
    warehouse = warehouse_for(db, memory_limit)
    if warehouse.lake is None and not warehouse.path.exists():
        raise WarehouseError(f"no database at {warehouse.path}: run `newsetl ingest` first or pass --db")
    if snapshot_retention_days < 0:
        raise WarehouseError(f"snapshot retention must be 0 days or more, not {snapshot_retention_days:g}")
    before = after = None
    upkeep = None
    with run_guard(warehouse, holder=current_run_id(), wait_seconds=lock_wait_seconds):
        if warehouse.lake is None:
            indexed, merge = refresh_search(warehouse)
            before, after = checkpoint_database(warehouse)
            refresh_read_copy(warehouse)  # the export reads the read copy
        else:
            with commit_lock(warehouse, holder=current_run_id(), wait_seconds=lock_wait_seconds):
                indexed, merge = refresh_search(warehouse)
                upkeep = tend_the_lake(warehouse, timedelta(days=snapshot_retention_days))
        exported = export(warehouse, export_dir)
    report = MaintenanceReport(
        warehouse.shown,
        str(Path(export_dir).resolve()),
        before,
        after,
        exported,
        indexed,
        merge,
        upkeep,
    )
    create_markdown_artifact(
        report.to_markdown(), key="maintenance-summary", description="What the maintenance run did"
    )
    get_run_logger().info(
        "Search index: %s; %s; exported %s",
        report.search_index,
        "; ".join(f"{step} {result}" for step, result in report.storage_steps()),
        ", ".join(f"{rows} {name}" for name, rows in exported.items()),
    )
    return report
