"""The locked connection (read-only, no files but the warehouse, no network, no settings) and the export
that writes through it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.warehouse.conftest import LAKE_KINDS
from tests.warehouse.test_search_and_export import load_articles
from warehouse.connection import Warehouse, WarehouseError, connect, connect_locked, is_refusal
from warehouse.exports import ExportError, export_parquet
from warehouse.search import search_articles


def refused(connection: duckdb.DuckDBPyConnection, sql: str) -> bool:
    try:
        connection.execute(sql)
    except duckdb.Error as error:
        return is_refusal(error)
    return False


def written_files(folder: Path) -> list[Path]:
    """The files under `folder` (a lake's commit lock file aside: a writer's, made when it is taken)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".commit.lock"))


def test_a_locked_connection_reads_the_warehouse_and_nothing_else(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    load_articles(warehouse)
    before = written_files(tmp_path)
    with connect_locked(warehouse) as connection:
        assert connection.execute("SELECT count(*) FROM unique_articles").fetchone() == (3,)
        assert [hit.article_id for hit in search_articles(connection, "iPhone")] == ["qwen"]
        for sql in (
            f"COPY (SELECT 1 AS a) TO '{tmp_path}/x.csv'",
            "SELECT * FROM read_text('/etc/hostname')",
            f"ATTACH '{tmp_path}/other.duckdb' AS other",
            "SET memory_limit = '1GB'",
            "RESET lock_configuration",
            "INSTALL json",
            "CREATE TABLE t AS SELECT 1 AS a",
        ):
            assert refused(connection, sql), sql
    assert written_files(tmp_path) == before
    if warehouse.lake is None:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]


@pytest.mark.parametrize("warehouse", LAKE_KINDS, indirect=True)
@pytest.mark.xfail(
    strict=True,
    reason="connect_locked puts the lake's data path in allowed_directories (to read its Parquet files), "
    "and DuckDB cannot allow a folder for reading only: the connection itself may COPY a file in among "
    "the lake's files. newsetl's own queries never do, and newsetl sql refuses every statement that is not "
    "a query before it runs (warehouse.connection.check_read_only; tests/flows/test_lake_commands.py)",
)
def test_a_locked_connection_writes_nothing_among_a_lake_s_files(warehouse: Warehouse) -> None:
    assert warehouse.lake is not None and warehouse.lake.data_path
    lake_files = Path(warehouse.lake.data_path)
    # A lake's reader may read its data files, never write among them.
    with connect_locked(warehouse) as connection:
        assert refused(connection, f"COPY (SELECT 1 AS a) TO '{lake_files}/x.parquet'")
        assert refused(connection, f"COPY (SELECT 1 AS a) TO '{lake_files}/main/articles/x.parquet'")
    assert not (lake_files / "x.parquet").exists()


def test_allowed_directories_open_that_folder_only(warehouse: Warehouse, tmp_path: Path) -> None:
    load_articles(warehouse)
    out = tmp_path / "out"
    out.mkdir()
    with connect_locked(warehouse, allowed_directories=[out]) as connection:
        connection.execute(f"COPY (SELECT 1 AS a) TO '{out}/ok.csv'")
        assert refused(connection, f"COPY (SELECT 1 AS a) TO '{out}/../escape.csv'")
        assert refused(connection, f"COPY (SELECT 1 AS a) TO '{tmp_path}/out2.csv'")
    assert (out / "ok.csv").exists()
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "out2.csv").exists()


# File-only: a lake's missing catalog is tested by tests/flows/test_lake_commands.py.
def test_a_locked_connection_needs_an_existing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="newsetl ingest"), connect_locked(tmp_path / "none.duckdb"):
        pass
    assert not (tmp_path / "none.duckdb").exists()


def test_search_limit_is_bounded(warehouse: Warehouse) -> None:
    load_articles(warehouse)
    with connect_locked(warehouse) as connection:
        for limit in (0, -1, 1001):
            with pytest.raises(ValueError, match="between 1 and 1000"):
                search_articles(connection, "qwen", limit)


def export(db: Warehouse, folder: Path) -> dict[str, int]:
    with connect_locked(db, allowed_directories=[folder]) as connection:
        return export_parquet(connection, folder)


def parquet_rows(folder: Path) -> int:
    row = duckdb.sql(f"SELECT count(*) FROM read_parquet('{folder}/*/*.parquet')").fetchone()
    return int(row[0]) if row else 0


def test_an_export_leaves_no_partition_of_the_previous_one(warehouse: Warehouse, tmp_path: Path) -> None:
    load_articles(warehouse)
    out = tmp_path / "out"
    assert export(warehouse, out) == {"articles": 3, "stories": 0, "document_dedup": 0}
    [day] = (out / "articles").iterdir()
    for n in range(3):
        (day.parent / f"day=2001-01-0{n + 1}").mkdir()
        for file in day.iterdir():
            (day.parent / f"day=2001-01-0{n + 1}" / file.name).write_bytes(file.read_bytes())
    assert parquet_rows(out / "articles") == 12
    (out / "document_dedup" / "day=2001-01-01").mkdir()
    (out / "document_dedup" / "day=2001-01-01" / "data_0.parquet").write_bytes(
        (next(day.iterdir())).read_bytes()
    )
    written = export(warehouse, out)
    assert parquet_rows(out / "articles") == written["articles"] == 3
    assert list((out / "document_dedup").iterdir()) == []  # no rows now: no stale partition either


def test_leftovers_of_an_interrupted_export_are_removed(warehouse: Warehouse, tmp_path: Path) -> None:
    load_articles(warehouse)
    out = tmp_path / "out"
    export(warehouse, out)
    (out / "stories").rename(out / ".stories.old-123")
    (out / ".articles.new-456" / "day=2025-02-13").mkdir(parents=True)
    (out / ".articles.new-456" / "day=2025-02-13" / "data_0.parquet").write_bytes(b"partial")
    (out / ".articles.new-789").mkdir()
    (out / ".articles.new-789" / "mine.txt").write_text("not an export")
    export(warehouse, out)
    names = sorted(p.name for p in out.iterdir())
    assert names == [".articles.new-789", ".newsetl-export.lock", "articles", "document_dedup", "stories"]


@pytest.mark.parametrize("intruder", ["notes.txt", "day=2025-02-13/readme.md", "subfolder/"])
def test_a_dataset_folder_with_foreign_files_is_left_alone(
    warehouse: Warehouse, tmp_path: Path, intruder: str
) -> None:
    load_articles(warehouse)
    out = tmp_path / "out"
    export(warehouse, out)
    target = out / "articles" / intruder
    if intruder.endswith("/"):
        target.mkdir()
    else:
        target.parent.mkdir(exist_ok=True)
        target.write_text("mine")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    with pytest.raises(ExportError, match=f"holds '{target.name}', which newsetl did not write"):
        export(warehouse, out)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_a_dataset_that_is_a_file_or_a_link_is_refused(warehouse: Warehouse, tmp_path: Path) -> None:
    load_articles(warehouse)
    out = tmp_path / "out"
    out.mkdir()
    (out / "stories").write_text("a file where a dataset goes")
    with pytest.raises(ExportError, match="stories"):
        export(warehouse, out)
    (out / "stories").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "stories").symlink_to(elsewhere)
    with pytest.raises(ExportError, match="stories"):
        export(warehouse, out)
    assert elsewhere.exists() and (out / "stories").is_symlink()


def test_a_failed_export_keeps_the_previous_one(warehouse: Warehouse, tmp_path: Path) -> None:
    load_articles(warehouse)
    out = tmp_path / "out"
    export(warehouse, out)
    before = sorted(out.rglob("*"))
    # A locked connection that may not write there: the COPY fails after the first dataset's count.
    with connect_locked(warehouse) as connection, pytest.raises(WarehouseError, match="cannot export"):
        export_parquet(connection, out)
    assert sorted(out.rglob("*")) == before


def test_an_export_folder_under_a_file_is_an_export_error(warehouse: Warehouse, tmp_path: Path) -> None:
    with connect(warehouse):
        pass
    (tmp_path / "somefile.txt").write_text("x")
    with pytest.raises(ExportError, match="a file is in the way"):
        export(warehouse, tmp_path / "somefile.txt" / "out")
