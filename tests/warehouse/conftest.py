"""The `warehouse` fixture: each warehouse test runs against the DuckDB file and against DuckLakes (a
catalog in a real PostgreSQL, and one in a SQLite file), since the README promises the same warehouse on
both (issue 17).

Creating a lake runs every migration (seconds), so each kind is created once per session as a template
and every test gets its own copy: `CREATE DATABASE ... TEMPLATE` on PostgreSQL, a file copy for SQLite.
The copy's catalog is then pointed at a data folder of its own under the test's tmp_path, so no test sees
(or compacts, or deletes) another's Parquet files. The PostgreSQL server is tests/postgres.py's session
server (a plugin of tests/conftest.py).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.postgres_server import PostgresServer, create_database
from warehouse.connection import Warehouse, create_lake

# The kinds a warehouse test runs on: the DuckDB file, a lake on PostgreSQL, a lake on a SQLite file. A
# lake's test costs several times the file's (each connection loads DuckLake's extensions and attaches the
# catalog), so the SQLite catalog, the same DuckLake code over another catalog, runs with the slow tests.
LAKE_KINDS = ("lake-postgres", pytest.param("lake-sqlite", marks=pytest.mark.slow))
KINDS = ("file", *LAKE_KINDS)
# The SQLite catalog runs the warehouse's own module (test_warehouse.py: schema, loads, outcomes, runs) and
# the lake's commands and maintenance (tests/flows/test_lake_*.py); the other modules' queries are the same
# DuckLake code over another catalog, proven on PostgreSQL, and would add ~2 minutes to the suite.
SQLITE_CATALOG_MODULES = ("test_warehouse.py",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept = [
        item
        for item in items
        if "[lake-sqlite" not in item.nodeid
        or item.path.parent.name != "warehouse"
        or item.path.name in SQLITE_CATALOG_MODULES
    ]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@dataclass(frozen=True)
class LakeTemplate:
    """A migrated, empty lake that tests copy: its catalog (a PostgreSQL database or a SQLite file)."""

    database: str = ""
    catalog_file: Path | None = None


@pytest.fixture(scope="session")
def postgres_lake_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> LakeTemplate:
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = "template_lake"
    create_database(server, name)
    data = tmp_path_factory.mktemp("template-lake-postgres")
    create_lake(Warehouse.at(f"ducklake:postgres:{server.dsn(name)}", None, f"{data}/"))
    return LakeTemplate(database=name)


@pytest.fixture(scope="session")
def sqlite_lake_template(tmp_path_factory: pytest.TempPathFactory) -> LakeTemplate:
    catalog = tmp_path_factory.mktemp("template-lake-sqlite") / "catalog.sqlite"
    create_lake(Warehouse.at(f"ducklake:sqlite:{catalog}"))
    return LakeTemplate(catalog_file=catalog)


def postgres_lake(server: PostgresServer, template: LakeTemplate, data: Path) -> Warehouse:
    """A new lake of its own on `server`: a copy of the template database, its files under `data`."""
    import psycopg
    from psycopg import sql

    name = f"lake_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server.dsn("postgres"), autocommit=True, connect_timeout=10) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template.database)
            )
        )
    with psycopg.connect(server.dsn(name), autocommit=True, connect_timeout=10) as catalog:
        catalog.execute(_POINT_AT_DATA.replace("?", "%s"), [f"{data}/"])
    return Warehouse.at(f"ducklake:postgres:{server.dsn(name)}", None, f"{data}/")


def sqlite_lake(template: LakeTemplate, folder: Path) -> Warehouse:
    """A new lake of its own: a copy of the template's catalog file, its files beside it."""
    assert template.catalog_file is not None
    folder.mkdir(parents=True, exist_ok=True)
    catalog = folder / "catalog.sqlite"
    # SQLite's own copy: the template's catalog is in write-ahead-log mode, whose last commits may still
    # be in its log file.
    with closing(sqlite3.connect(template.catalog_file)) as source, closing(sqlite3.connect(catalog)) as copy:
        source.backup(copy)
    warehouse = Warehouse.at(f"ducklake:sqlite:{catalog}")
    assert warehouse.lake is not None and warehouse.lake.data_path
    with sqlite3.connect(catalog) as connection:
        connection.execute(_POINT_AT_DATA, [warehouse.lake.data_path])
    connection.close()
    return warehouse


# Where the lake writes new Parquet files: DuckLake keeps it in its catalog, so a copy would share it.
_POINT_AT_DATA = "UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path'"


@pytest.fixture(params=KINDS)
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Warehouse]:
    """An empty, migrated warehouse of this test's own: a DuckDB file, or a lake on PostgreSQL or SQLite."""
    kind = request.param
    if kind == "file":
        yield Warehouse(tmp_path / "warehouse.duckdb")
    elif kind == "lake-postgres":
        server = request.getfixturevalue("postgres_server")
        template = request.getfixturevalue("postgres_lake_template")
        yield postgres_lake(server, template, tmp_path / "lake-files")
    else:
        yield sqlite_lake(request.getfixturevalue("sqlite_lake_template"), tmp_path / "lake")
