"""Every user-facing command on a DuckLake whose catalog is a real PostgreSQL (and one run on a SQLite
catalog): `newsetl lake init`, `newsetl ingest` of the shipped samples as a user runs it (a subprocess,
a real Prefect run), then sql, search, export, stories, sources, lake status and check_integrity on that
lake; an analyst's session held open through a load; a catalog nothing answers on.
"""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from flows.postgres_server import PostgresServer, create_database, free_port
from tests.conftest import SAMPLES
from tests.faults.conftest import write_news
from tests.flows.test_cli import invoke, newsetl
from tests.sessions import open_session
from warehouse.connection import Warehouse, attach_statements, connect
from warehouse.integrity import check_integrity
from warehouse.queries import table_counts


@dataclass(frozen=True)
class IngestedLake:
    """A lake made by `newsetl lake init` and loaded by `newsetl ingest samples`."""

    spec: str
    data: Path
    init: subprocess.CompletedProcess[str]
    ingest: subprocess.CompletedProcess[str]


def summary_lines(output: str) -> dict[str, str]:
    """The ingest summary's `label  value` lines."""
    return {" ".join(line.split()[:-1]): line.split()[-1] for line in output.splitlines() if line.strip()}


def init_and_ingest(spec: str, data: Path, *inputs: Path) -> IngestedLake:
    init = newsetl("lake", "init", "--db", spec, "--lake-data-path", f"{data}/")
    assert init.returncode == 0, init.stderr
    ingest = newsetl("ingest", *map(str, inputs), "--db", spec)
    assert ingest.returncode == 0, ingest.stderr
    return IngestedLake(spec, data, init, ingest)


@pytest.fixture(scope="module")
def lake(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> IngestedLake:
    create_database(postgres_server, "samples_lake")
    data = tmp_path_factory.mktemp("samples-lake-files")
    return init_and_ingest(f"ducklake:postgres:{postgres_server.dsn('samples_lake')}", data, SAMPLES)


def counts(spec: str) -> dict[str, int]:
    with connect(spec, read_only=True) as connection:
        return table_counts(connection)


@pytest.mark.slow  # a second `newsetl ingest` of the samples: ~40 s on a busy machine
def test_lake_init_then_ingest_of_the_samples_and_a_rerun_adds_nothing(lake: IngestedLake) -> None:
    assert lake.init.stdout.startswith("Lake ready: ducklake:postgres:dbname=samples_lake")
    lines = summary_lines(lake.ingest.stdout)
    stored = counts(lake.spec)
    assert int(lines["documents seen"]) == stored["raw_documents"] > 20
    assert int(lines["new articles"]) == stored["articles"] > 20
    assert sorted(lake.data.rglob("*.parquet"))  # the rows went to the lake's Parquet files

    again = newsetl("ingest", str(SAMPLES), "--db", lake.spec)
    assert again.returncode == 0, again.stderr
    assert "Nothing new" in again.stdout
    after = counts(lake.spec)
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in stored.items() if k != "runs"}
    assert after["runs"] == stored["runs"] + 1


def test_check_integrity_passes_on_the_lake(lake: IngestedLake) -> None:
    with connect(lake.spec, read_only=True) as connection:
        report = check_integrity(connection)
    assert report.ok, report.describe()
    assert report.articles > 20 and report.pending == 0


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT 1 AS a) TO '{tmp}/out.csv'",
        "SELECT * FROM read_text('/etc/passwd')",
        "ATTACH '{tmp}/other.duckdb' AS other",
        # Refused before DuckDB runs it (check_read_only): DuckLake would first make the table's folder
        # main/t/ among the lake's files, and only then meet the attach's READ_ONLY.
        "CREATE TABLE t AS SELECT 1 AS a",
        "DELETE FROM articles",
        "INSERT INTO rejects (uri) VALUES ('x')",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        # The lake's data folder is allowed to the connection (to read its Parquet files): newsetl sql
        # refuses the statement kind before it runs (check_read_only).
        "COPY (SELECT 1 AS a) TO '{data}/main/articles/x.parquet'",
    ],
)
def test_sql_on_the_lake_is_read_only(lake: IngestedLake, tmp_path: Path, statement: str) -> None:
    before = counts(lake.spec)
    files = sorted(lake.data.rglob("*"))
    result = invoke("sql", statement.format(tmp=tmp_path, data=lake.data), "--db", lake.spec)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: refused: newsetl sql is read-only"), result.stderr
    assert counts(lake.spec) == before
    assert sorted(lake.data.rglob("*")) == files  # nothing written among the lake's files
    assert list(tmp_path.iterdir()) == []
    assert "root:" not in result.output


def test_sql_search_stories_sources_and_status_read_the_lake(lake: IngestedLake) -> None:
    articles = counts(lake.spec)["articles"]
    query = invoke("sql", "SELECT count(*) AS n FROM articles", "--db", lake.spec)
    assert query.exit_code == 0, query.stderr
    assert [line.strip("│ ") for line in query.stdout.splitlines()][4] == str(articles)
    dictionary = invoke(
        "sql", "SELECT table_name FROM data_dictionary WHERE table_name = 'stories'", "--db", lake.spec
    )
    assert dictionary.exit_code == 0 and "stories" in dictionary.stdout, dictionary.stderr
    assert invoke("sql", "SELECT * FROM no_such_table", "--db", lake.spec).stderr.startswith(
        "error: Catalog Error"
    )

    found = invoke("search", "Qwen iPhone", "--db", lake.spec)
    assert found.exit_code == 0, found.stderr
    assert found.stdout.splitlines()[0].endswith("for 'Qwen iPhone', best first:")
    assert "Qwen" in found.stdout.splitlines()[1]

    stories = invoke("stories", "--limit", "3", "--db", lake.spec)
    assert stories.exit_code == 0, stories.stderr
    assert stories.stdout.strip() and "No stories yet" not in stories.stdout

    sources = invoke("sources", "--db", lake.spec)
    assert sources.exit_code == 0, sources.stderr
    assert "samples" in sources.stdout or "files" in sources.stdout

    status = invoke("lake", "status", "--db", lake.spec)
    assert status.exit_code == 0, status.stderr
    assert status.stdout.startswith("snapshots ") and "data files " in status.stdout


def test_export_writes_parquet_from_the_lake(lake: IngestedLake, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = invoke("export", str(out), "--db", lake.spec)
    assert result.exit_code == 0, result.stderr
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/articles/*/*.parquet')").fetchone()
    with connect(lake.spec, read_only=True) as connection:
        unique = connection.execute("SELECT count(*) FROM unique_articles").fetchone()
    assert rows == unique and rows is not None and rows[0] > 0
    assert sorted((out / "stories").rglob("*.parquet")) and sorted(
        (out / "document_dedup").rglob("*.parquet")
    )


def snapshots(spec: str) -> int:
    with connect(spec, read_only=True) as connection:
        row = connection.execute("SELECT count(*) FROM ducklake_snapshots('newsetl')").fetchone()
    assert row is not None
    return int(row[0])


def test_lake_init_on_an_existing_lake_is_a_no_op_upgrade(lake: IngestedLake) -> None:
    before, stored = snapshots(lake.spec), counts(lake.spec)
    again = newsetl("lake", "init", "--db", lake.spec, "--lake-data-path", f"{lake.data}/")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == lake.init.stdout.strip()  # the same schema version
    assert snapshots(lake.spec) == before  # nothing committed
    assert counts(lake.spec) == stored


def test_lake_init_again_needs_no_data_path(lake: IngestedLake) -> None:
    again = newsetl("lake", "init", "--db", lake.spec)  # the lake knows its own data path
    assert again.returncode == 0, again.stderr


def test_a_catalog_nothing_answers_on_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    port = free_port()
    spec = f"ducklake:postgres:dbname=lake host=127.0.0.1 port={port} user=postgres"
    data = tmp_path / "lake-files"
    result = newsetl(
        "ingest", str(SAMPLES), "--db", spec, env={"NEWSETL_LAKE_DATA_PATH": f"{data}/"}, timeout=300
    )
    assert result.returncode != 0
    # The command's own last words (Prefect's log of the failed flow run, traceback included, comes before).
    [said] = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert said.startswith(
        f"error: cannot reach the lake's catalog ducklake:postgres:dbname=lake host=127.0.0.1 port={port} "
    ), result.stderr
    assert not data.exists() or not any(data.rglob("*"))


@pytest.mark.slow
def test_a_lake_on_a_sqlite_catalog_takes_the_same_commands(tmp_path: Path) -> None:
    catalog = tmp_path / "lake" / "catalog.sqlite"
    lake = init_and_ingest(f"ducklake:sqlite:{catalog}", tmp_path / "lake-files", SAMPLES)
    stored = counts(lake.spec)
    assert int(summary_lines(lake.ingest.stdout)["new articles"]) == stored["articles"] > 20
    assert sorted(lake.data.rglob("*.parquet"))
    with connect(lake.spec, read_only=True) as connection:
        report = check_integrity(connection)
    assert report.ok, report.describe()
    found = invoke("search", "Qwen iPhone", "--db", lake.spec)
    assert found.exit_code == 0 and "Qwen" in found.stdout, found.stderr
    refused = invoke("sql", "DELETE FROM articles", "--db", lake.spec)
    assert refused.exit_code == 1 and "refused" in refused.stderr
    again = newsetl("lake", "init", "--db", lake.spec, "--lake-data-path", f"{lake.data}/")
    assert again.returncode == 0, again.stderr
    assert counts(lake.spec) == stored


# An analyst's plain `duckdb` session (no newsetl code: the statements of `newsetl lake attach`): one
# count, then a transaction held open while the loader runs, a count inside it after the load, and a
# count in a new transaction. argv[1] holds the statements, one per line.
READER = textwrap.dedent(
    """
    import sys, duckdb
    session = duckdb.connect()
    for statement in sys.argv[1].splitlines():
        session.execute(statement)
    count = lambda: session.execute("SELECT count(*) FROM articles").fetchone()[0]
    session.execute("BEGIN TRANSACTION")
    print(count(), flush=True)
    sys.stdin.readline()
    print(count(), flush=True)
    session.execute("COMMIT")
    print(count(), flush=True)
    """
)


@pytest.fixture
def reader_lake(postgres_database: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    yield f"ducklake:postgres:{postgres_database}", tmp_path / "lake-files"


@pytest.mark.slow  # two `newsetl ingest` runs
def test_a_reader_holding_a_session_open_does_not_block_an_ingest_on_a_lake(
    reader_lake: tuple[str, Path], tmp_path: Path
) -> None:
    spec, data = reader_lake
    write_news(tmp_path / "first", 6, seed=41, name="first.jsonl")
    write_news(tmp_path / "second", 6, seed=42, name="second.jsonl")
    init_and_ingest(spec, data, tmp_path / "first")
    first = counts(spec)["articles"]

    statements = "\n".join(attach_statements(Warehouse.at(spec)))
    reader = open_session(READER, statements)
    try:
        assert reader.stdout is not None
        before = int(reader.stdout.readline())
        second = newsetl("ingest", str(tmp_path / "second"), "--db", spec)
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert second.returncode == 0, second.stderr
    assert reader.returncode == 0, err
    inside, after = map(int, out.split())
    loaded = counts(spec)["articles"]
    assert loaded > first
    assert before == inside == first  # the open transaction kept its snapshot throughout the load
    assert after == loaded  # and the same session's next transaction sees the load
    with connect(spec, read_only=True) as connection:
        report = check_integrity(connection)
    assert report.ok, report.describe()
