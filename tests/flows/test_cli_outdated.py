"""Readers open the warehouse read-only, which migrates nothing: after an upgrade of newsetl, until the next
run or `newsetl maintenance`, the warehouse can lack what a read needs. Each read command says which schema
it needs and what to do, rather than failing on a missing table. File-only: files of older schemas,
written by plain DuckDB from the shipped migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from warehouse.connection import connect, migrations

runner = CliRunner()
TO_DO = "as an older newsetl left it: run `newsetl maintenance` to bring it up to date"


def _migrated(db: Path, migration: str, including: bool) -> duckdb.DuckDBPyConnection:
    """A new warehouse file with every shipped migration before the one named `migration` (and it, when
    `including`), as plain DuckDB runs them, open."""
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL)"
    )
    for version, name, sql in migrations():
        if name == migration and not including:
            break
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
        if name == migration:
            break
    return con


def _file_before(db: Path, migration: str) -> Path:
    """A warehouse file with every migration before the one named `migration`, and no rows."""
    _migrated(db, migration, including=False).close()
    return db


def _error(*args: str) -> str:
    from flows.cli import app

    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    return result.stderr


def test_stories_says_which_schema_it_needs_and_works_once_migrated(tmp_path: Path) -> None:
    from flows.cli import app

    db = _file_before(tmp_path / "w.duckdb", "story_threads")  # schema 26: the links, not their macro
    for command in (["stories", "--thread"], ["stories"]):
        assert _error(*command, "--db", str(db)) == (
            f"error: newsetl {' '.join(command)} needs the warehouse at schema version 30 or later, and it "
            f"is at 26, {TO_DO} (it also indexes for search what was stored before the index)\n"
        )
    with connect(db):  # as `newsetl maintenance` or a run opens it: migrated
        pass
    assert runner.invoke(app, ["stories", "--thread", "--db", str(db)]).stdout == "No stories yet.\n"


@pytest.mark.parametrize(
    ("command", "needed"),
    [
        (["search", "qwen"], "newsetl search needs the warehouse at schema version 12 or later"),
        (["export", "{out}"], "newsetl export needs the warehouse at schema version 30 or later"),
        (
            ["report", "--out", "{out}/r.html"],
            "the digest (newsetl report) needs the warehouse at schema version 26 or later",
        ),
    ],
)
def test_search_export_and_the_report_say_so_too(tmp_path: Path, command: list[str], needed: str) -> None:
    db = _file_before(tmp_path / "w.duckdb", "search_index")  # schema 11
    (tmp_path / "out").mkdir()
    stderr = _error(*[part.format(out=tmp_path / "out") for part in command], "--db", str(db))
    assert needed in stderr and f"and it is at 11, {TO_DO}" in stderr


def _file_through(db: Path, migration: str, rows_of: Path) -> Path:
    """A warehouse file with every migration up to and including `migration`, holding the rows of the
    (current) warehouse `rows_of` in the columns both schemas have."""
    con = _migrated(db, migration, including=True)
    con.execute(f"ATTACH '{rows_of}' AS current (READ_ONLY)")
    common = con.execute(
        """SELECT o.table_name, list(o.column_name ORDER BY o.column_index)
        FROM duckdb_columns() AS o JOIN duckdb_columns() AS n USING (table_name, column_name)
        WHERE o.database_name = current_database() AND n.database_name = 'current'
            AND o.table_name <> 'schema_version' AND o.table_name IN (SELECT table_name FROM duckdb_tables())
        GROUP BY o.table_name"""
    ).fetchall()
    for table, columns in common:
        names = ", ".join(f'"{c}"' for c in columns)
        con.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM current."{table}"')
    con.close()
    return db


# Each read at the schema version it says it needs, and no later: a read that comes to need a newer
# migration's table, column or macro fails here on DuckDB's catalog error until its requirement says so.
@pytest.mark.parametrize(
    ("command", "migration", "shows"),
    [
        (["stories"], "story_dated_span", "story c1"),
        (["stories", "--thread"], "story_dated_span", "follows story c1"),
        (["search", "Kimi"], "search_index", "Moonshot opens Kimi to developers"),
        (["export", "{out}"], "story_dated_span", "stories "),
        (
            ["report", "--since", "2025-03-01", "--until", "2025-06-30", "--out", "{out}/r.html"],
            "story_follows",
            "4 articles, 3 stories",
        ),
    ],
)
def test_each_read_works_at_the_schema_it_asks_for(
    tmp_path: Path, command: list[str], migration: str, shows: str
) -> None:
    from flows.cli import app
    from tests.warehouse.stories_history import load_flagged_joins

    load_flagged_joins(tmp_path / "current.duckdb")
    db = _file_through(tmp_path / "w.duckdb", migration, rows_of=tmp_path / "current.duckdb")
    (tmp_path / "out").mkdir()
    result = runner.invoke(app, [*[p.format(out=tmp_path / "out") for p in command], "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert shows in result.stdout


def test_the_upgrade_logs_the_edits_made_before_it_as_far_as_they_were_recorded(tmp_path: Path) -> None:
    from warehouse.reprocess import forget_derived
    from warehouse.story_edits import UNRECORDED_SPLIT, replay_story_edits

    con = _migrated(tmp_path / "w.duckdb", "story_edits", including=True)  # schema 28: edits, no log
    con.execute(
        """INSERT INTO story_changes VALUES
        ('edit-1', 'b2', 'merged_into', 'a1', 3, '2025-07-01 09:00:00+00'),
        ('edit-1', 'a3', 'merged_into', 'a1', 1, '2025-07-01 09:00:00+00'),
        ('edit-2', 'a4', 'split_from', 'a1', 2, '2025-07-01 10:00:00+00'),
        ('r1', 'a1', 'created', NULL, 2, '2025-02-14 09:00:00+00')"""
    )
    con.close()
    with connect(tmp_path / "w.duckdb") as connection:  # as a run or `newsetl maintenance` opens it
        # A merge's stories are its first articles' ids; a split did not record which articles went.
        assert connection.execute(
            "SELECT edit_id, kind, articles FROM story_edits ORDER BY ALL"
        ).fetchall() == [
            ("edit-1", "merge", ["a1", "a3", "b2"]),
            ("edit-2", "split", None),
        ]
        forget_derived(connection)  # as `newsetl reprocess` begins: every edit owed
        replayed = replay_story_edits(connection, datetime(2025, 8, 1, tzinfo=UTC)).edits
    assert [(r.edit_id, r.skipped) for r in replayed] == [
        ("edit-1", "its articles are in no story now"),  # this file holds no articles
        ("edit-2", UNRECORDED_SPLIT),
    ]
