"""The maintenance flow on a lake (a SQLite catalog, and a real PostgreSQL one), run for real under the
Prefect test harness after several small ingests: fewer files, the same rows, old snapshots gone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from flows.maintenance import maintenance
from tests.postgres import postgres_database, postgres_server  # noqa: F401  (fixtures, used by name)
from warehouse.connection import Warehouse, connect, connect_locked, create_lake
from warehouse.integrity import check_integrity
from warehouse.maintenance import lake_figures
from warehouse.search import search_articles

pytestmark = pytest.mark.usefixtures("prefect_harness")

# Each batch is one run, so one commit of small files per table it writes.
BATCHES = (
    ("Harbour cranes return", "The port of Arlen restored its three cranes after the winter storms."),
    ("Rail line reopens", "Trains between Ostby and Mellin run again after the bridge repair."),
    ("Library extends hours", "The city library now opens until ten on weekdays for students."),
    ("Ferry fares frozen", "The island ferry keeps last year's fares for residents and freight."),
)

# What analysts read, compared row by row before and after maintenance.
QUERIES = (
    "SELECT * FROM unique_articles ORDER BY article_id",
    "SELECT * FROM document_status ORDER BY doc_id",
    "SELECT article_id, story_id FROM story_articles ORDER BY article_id",
    "SELECT count(*), count(DISTINCT run_id) FROM runs",
)


def ingest_batches(tmp_path: Path, spec: str) -> None:
    for number, (title, body) in enumerate(BATCHES):
        folder = tmp_path / f"batch-{number}"
        folder.mkdir()
        (folder / "story.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        (folder / "copy.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        summary = ingest([str(folder)], db=spec)
        assert summary.new_articles == 1


def answers(spec: str) -> list[list[tuple[object, ...]]]:
    with connect_locked(spec) as connection:
        return [connection.execute(sql).fetchall() for sql in QUERIES]


def most_files_in_a_table(spec: str) -> int:
    """The most data files one table reads at the latest snapshot: what small commits pile up."""
    with connect_locked(spec) as connection:
        [(most,)] = connection.execute(
            "SELECT max(files) FROM (SELECT count(*) AS files"
            " FROM __ducklake_metadata_newsetl.ducklake_data_file"
            " WHERE end_snapshot IS NULL GROUP BY table_id)"
        ).fetchall()
    return int(most)


def snapshots_older_than(connection: duckdb.DuckDBPyConnection, moment: datetime) -> int:
    """Snapshots taken before `moment`, but the latest (the lake as it is, which never expires)."""
    [(count,)] = connection.execute(
        "SELECT count(*) FROM ducklake_snapshots('newsetl') WHERE snapshot_time < ?"
        " AND snapshot_id < (SELECT max(snapshot_id) FROM ducklake_snapshots('newsetl'))",
        [moment],
    ).fetchall()
    return int(count)


def parquet_files(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.parquet"))


def test_maintenance_compacts_a_sqlite_lake_and_keeps_its_snapshots_for_the_retention(tmp_path: Path) -> None:
    catalog = tmp_path / "lake.sqlite"
    spec = f"ducklake:sqlite:{catalog}"
    create_lake(Warehouse.at(spec))  # as `newsetl lake init`
    ingest_batches(tmp_path, spec)
    before = answers(spec)
    assert most_files_in_a_table(spec) >= len(BATCHES) - 1  # a file a run, in the tables runs write
    with connect_locked(spec) as connection:
        # The lake as the last run left it: maintenance commits snapshots of its own after it.
        last_run = connection.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('newsetl')").fetchone()

    kept = maintenance(spec, str(tmp_path / "exports"))

    assert kept.lake is not None and kept.before is None
    # Each table one file: the small files merged (rows small commits inlined in the catalog stay there).
    assert most_files_in_a_table(spec) == 1
    assert kept.lake.after.data_files < kept.lake.before.data_files
    assert kept.lake.merged_files > kept.lake.merged_into > 0
    # Within the (default, 7-day) retention nothing expires: readers can still go back to any snapshot.
    assert kept.lake.expired_snapshots == 0
    assert kept.lake.after.snapshots > kept.lake.before.snapshots
    assert answers(spec) == before
    assert kept.exported["articles"] == len(BATCHES)
    with connect_locked(spec) as connection:
        assert last_run is not None
        travelled = f"SELECT count(*) FROM runs AT (VERSION => {last_run[0]})"
        assert connection.execute(travelled).fetchall() == [(len(BATCHES),)]
        assert check_integrity(connection).ok, check_integrity(connection).describe()
        hits = search_articles(connection, "ferry fares")
    assert hits and hits[0].title == "Ferry fares frozen"

    started = datetime.now(UTC)
    expired = maintenance(spec, str(tmp_path / "exports"), snapshot_retention_days=0)

    assert expired.lake is not None
    assert expired.lake.expired_snapshots >= kept.lake.after.snapshots - 1
    assert expired.lake.deleted_files > 0
    assert answers(spec) == before
    with connect_locked(spec) as connection:
        assert snapshots_older_than(connection, started) == 0
        with pytest.raises(duckdb.Error):
            connection.execute(travelled).fetchall()
        assert check_integrity(connection).ok
        figures = lake_figures(connection)
    # The files the catalog keeps are the files in the data folder: nothing left over, nothing missing.
    assert parquet_files(Path(f"{catalog.with_suffix('.files')}")) == figures.stored_files

    markdown = expired.to_markdown()
    assert "| data files |" in markdown and "| snapshots |" in markdown and "expired" in markdown
    assert spec.removeprefix("ducklake:sqlite:") in expired.db_path


def test_maintenance_compacts_a_lake_on_postgresql(tmp_path: Path, postgres_database: str) -> None:  # noqa: F811
    spec = f"ducklake:postgres:{postgres_database}"
    create_lake(Warehouse.at(spec, None, f"{tmp_path / 'files'}/"))
    ingest_batches(tmp_path, spec)
    before = answers(spec)
    assert most_files_in_a_table(spec) >= len(BATCHES) - 1
    started = datetime.now(UTC)

    report = maintenance(spec, str(tmp_path / "exports"), snapshot_retention_days=0)

    assert report.lake is not None
    assert most_files_in_a_table(spec) == 1
    assert report.lake.after.data_files < report.lake.before.data_files
    assert report.lake.merged_files > report.lake.merged_into > 0
    assert report.lake.expired_snapshots > 0 and report.lake.deleted_files > 0
    assert answers(spec) == before
    with connect(Warehouse.at(spec), read_only=True) as connection:
        assert snapshots_older_than(connection, started) == 0
        assert check_integrity(connection).ok, check_integrity(connection).describe()
        figures = lake_figures(connection)
    assert parquet_files(tmp_path / "files") == figures.stored_files
    assert "***" not in report.db_path or "password" in postgres_database
