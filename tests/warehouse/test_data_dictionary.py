"""The data dictionary keeps the README's promise: every table, view and column of the warehouse carries a
comment once every migration has run, and `data_dictionary` shows them, views' included."""

from __future__ import annotations

from warehouse.connection import Warehouse, connect, connect_locked
from warehouse.search import refresh_search_index

# DuckDB's own catalog views (duckdb_tables, sqlite_master, ...) live in the system database, not ours.
OURS = "schema_name = 'main' AND database_name = current_database() AND NOT internal"


def test_every_table_view_and_column_has_a_comment(warehouse: Warehouse) -> None:
    # DuckLake keeps comments on tables, views and table columns, not on a view's columns (for_lake):
    # on a lake those are the view's own comment's business.
    lake = warehouse.lake is not None
    with connect(warehouse) as con:
        refresh_search_index(con)  # what a run adds besides the migrations (in its own schema)
        tables = con.execute(f"SELECT table_name FROM duckdb_tables() WHERE {OURS} AND comment IS NULL")
        bare_tables = sorted(row[0] for row in tables.fetchall())
        views = con.execute(f"SELECT view_name FROM duckdb_views() WHERE {OURS} AND comment IS NULL")
        bare_views = sorted(row[0] for row in views.fetchall())
        columns = con.execute(
            f"SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE {OURS} AND comment IS NULL"
            + (f" AND table_name NOT IN (SELECT view_name FROM duckdb_views() WHERE {OURS})" if lake else "")
        )
        bare_columns = sorted(row[0] for row in columns.fetchall())
        counted = con.execute(
            f"SELECT (SELECT count(*) FROM duckdb_tables() WHERE {OURS}),"
            f" (SELECT count(*) FROM duckdb_views() WHERE {OURS})"
        ).fetchone()
    assert counted is not None and counted[0] >= 20 and counted[1] >= 10  # the catalog was read
    assert bare_tables == [], f"tables without COMMENT ON TABLE: {bare_tables}"
    assert bare_views == [], f"views without COMMENT ON VIEW: {bare_views}"
    assert bare_columns == [], f"columns without COMMENT ON COLUMN: {bare_columns}"


def test_the_dictionary_lists_every_column_with_its_table_or_view_comment(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        catalog = con.execute(f"SELECT count(*) FROM duckdb_columns() WHERE {OURS}").fetchone()
    with connect_locked(warehouse) as con:  # as `newsetl sql "FROM data_dictionary"` reads it
        rows = con.execute(
            "SELECT table_name, column_name, comment, table_comment, table_type FROM data_dictionary"
        ).fetchall()
    assert catalog is not None and len(rows) == catalog[0]
    by_table = {table: (table_comment, kind) for table, _, _, table_comment, kind in rows}
    assert by_table["stories"][1] == "view" and by_table["articles"][1] == "table"
    assert "story" in (by_table["stories"][0] or "")
    assert all(table_comment for _, _, _, table_comment, _ in rows)
    # Every column's own comment; on a lake, every table column's (DuckLake comments no view column).
    assert all(comment for _, _, comment, _, kind in rows if warehouse.lake is None or kind == "table")
    assert not any(table.startswith(("duckdb_", "sqlite_")) for table in by_table)
