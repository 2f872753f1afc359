"""The maintenance flow, run for real under the Prefect test harness, on a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.ingest import IngestSummary, ingest
from flows.maintenance import MaintenanceReport, maintenance
from tests.flows.corpus import write_corpus
from warehouse.connection import WarehouseBusyError, WarehouseError, connect
from warehouse.locks import writer_lock
from warehouse.search import search_articles

pytestmark = pytest.mark.usefixtures("prefect_harness")


def ingested(tmp_path: Path, db_path: Path) -> IngestSummary:
    write_corpus(tmp_path / "in")
    return ingest([str(tmp_path / "in")], db=str(db_path))


def test_maintenance_exports_what_the_warehouse_holds(tmp_path: Path, db_path: Path) -> None:
    summary = ingested(tmp_path, db_path)
    exports = tmp_path / "exports"

    report = maintenance(str(db_path), str(exports))

    assert report.exported["articles"] == summary.new_articles - summary.near_duplicates
    # One row per ingested document: articles, exact copies and newer versions of a stored article.
    assert (
        report.exported["document_dedup"]
        == summary.new_articles + summary.exact_duplicates + summary.new_versions
    )
    assert summary.new_versions == 1
    assert report.exported["stories"] >= 1
    for name, rows in report.exported.items():
        files = list((exports / name).glob("day=*/*.parquet"))
        assert files, f"no Parquet partitions for {name}"
        assert ds.dataset(exports / name, format="parquet", partitioning="hive").count_rows() == rows
    assert report.export_dir == str(exports.resolve())
    assert report.db_path == str(db_path.resolve())


def test_maintenance_leaves_a_checkpointed_file_and_a_working_index(tmp_path: Path, db_path: Path) -> None:
    ingested(tmp_path, db_path)

    report = maintenance(str(db_path), str(tmp_path / "exports"))

    assert report.after is not None  # a DuckDB file is checkpointed (a lake is not)
    assert report.after.wal_size == "0 bytes"
    assert report.after.total_blocks > 0
    assert not Path(f"{db_path}.wal").exists()
    with connect(db_path, read_only=True) as connection:
        hits = search_articles(connection, "Qwen iPhone")
    assert hits and hits[0].title == "Qwen models head to iPhones in China"


def test_maintenance_is_safe_to_rerun(tmp_path: Path, db_path: Path) -> None:
    ingested(tmp_path, db_path)
    first = maintenance(str(db_path), str(tmp_path / "exports"))
    again = maintenance(str(db_path), str(tmp_path / "exports"))
    assert again.exported == first.exported


def test_the_run_publishes_a_markdown_summary(tmp_path: Path, db_path: Path) -> None:
    ingested(tmp_path, db_path)

    state = maintenance(str(db_path), str(tmp_path / "exports"), return_state=True)

    assert state.is_completed()
    report = state.result()
    assert isinstance(report, MaintenanceReport)
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["maintenance-summary"]))
        )
    [mine] = [a for a in artifacts if a.flow_run_id == state.state_details.flow_run_id]
    assert mine.type == "markdown"
    text = str(mine.data)
    assert "# newsetl maintenance" in text
    assert f"| articles | {report.exported['articles']} |" in text
    assert "write-ahead log" in text and report.db_path in text


def test_maintenance_waits_for_the_writer_lock_and_names_its_holder(tmp_path: Path, db_path: Path) -> None:
    ingested(tmp_path, db_path)
    with (
        writer_lock(db_path, holder="other-run"),
        pytest.raises(WarehouseBusyError, match="run other-run"),
    ):
        maintenance(str(db_path), str(tmp_path / "exports"), lock_wait_seconds=0.2)
    assert not (tmp_path / "exports").exists()


def test_maintenance_of_a_missing_database_fails_without_creating_one(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(WarehouseError, match="no database at"):
        maintenance(str(missing), str(tmp_path / "exports"))
    assert not missing.exists()
