"""The `maintenance` flow: tend the search index, checkpoint DuckDB, export Parquet.

Served daily by `newsetl serve` and deployed by prefect.yaml; `newsetl maintenance` runs it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.ingest import current_run_id, io_task, refresh_read_copy, run_name
from flows.settings import DEFAULT_EXPORT_DIR, warehouse_for
from warehouse.connection import Warehouse, WarehouseError, connect, connect_locked
from warehouse.exports import export_parquet
from warehouse.locks import writer_lock
from warehouse.maintenance import StorageFigures, checkpoint
from warehouse.search import SegmentMerge, refresh_search_index


@dataclass(frozen=True)
class MaintenanceReport:
    """What one maintenance run did; printed by the CLI and published as a Prefect artifact."""

    db_path: str
    export_dir: str
    before: StorageFigures
    after: StorageFigures
    exported: dict[str, int] = field(default_factory=dict)
    # Articles the search index lacked (loaded before it existed), and the merge of its segments.
    indexed: int = 0
    merge: SegmentMerge = field(default_factory=lambda: SegmentMerge(0, 0, 0))

    @property
    def search_index(self) -> str:
        """The search index step in a few words."""
        return (
            f"{self.indexed} articles added; {self.merge.rows:,} postings sorted into a segment"
            f" (segments: {self.merge.segments})"
        )

    def to_markdown(self) -> str:
        lines = [
            "# newsetl maintenance",
            "",
            "| step | result |",
            "|---|---|",
            f"| search index | {self.search_index} |",
            f"| checkpoint | write-ahead log {self.before.wal_size} → {self.after.wal_size}; "
            f"database {self.before.database_size} → {self.after.database_size} "
            f"({self.after.total_blocks} blocks, {self.after.free_blocks} free) |",
            f"| export | Parquet under `{self.export_dir}`, partitioned by day |",
            "",
            "| dataset | rows |",
            "|---|---:|",
            *(f"| {name} | {rows} |" for name, rows in self.exported.items()),
            "",
            f"Database: `{self.db_path}`",
        ]
        return "\n".join(lines)


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
def export(db: Warehouse, folder: str) -> dict[str, int]:
    # As `newsetl export`: the queries read only the warehouse and write only under the folder.
    with connect_locked(db.path, allowed_directories=[Path(folder)]) as connection:
        return export_parquet(connection, Path(folder))


def _maintenance_run_name() -> str:
    db = flow_run.parameters.get("db")
    return run_name("maintenance", [str(db)] if db else [])


@flow(
    name="maintenance",
    flow_run_name=_maintenance_run_name,
    description="Tend the search index, checkpoint DuckDB, export Parquet.",
)
def maintenance(
    db: str | None = None,
    export_dir: str = DEFAULT_EXPORT_DIR,
    lock_wait_seconds: float = 60.0,
    memory_limit: str | None = None,
) -> MaintenanceReport:
    """Housekeeping for the warehouse at `db` (default: NEWSETL_DB where the run executes), holding its
    writer lock so no ingest writes meanwhile."""
    warehouse = warehouse_for(db, memory_limit)
    if not warehouse.path.exists():
        raise WarehouseError(f"no database at {warehouse.path}: run `newsetl ingest` first or pass --db")
    with writer_lock(warehouse.path, holder=current_run_id(), wait_seconds=lock_wait_seconds):
        indexed, merge = refresh_search(warehouse)
        before, after = checkpoint_database(warehouse)
        refresh_read_copy(warehouse)  # the export reads the read copy
        exported = export(warehouse, export_dir)
    report = MaintenanceReport(
        str(warehouse.path.resolve()),
        str(Path(export_dir).resolve()),
        before,
        after,
        exported,
        indexed,
        merge,
    )
    create_markdown_artifact(
        report.to_markdown(), key="maintenance-summary", description="What the maintenance run did"
    )
    get_run_logger().info(
        "Search index: %s; write-ahead log %s → %s; exported %s",
        report.search_index,
        before.wal_size,
        after.wal_size,
        ", ".join(f"{rows} {name}" for name, rows in exported.items()),
    )
    return report
