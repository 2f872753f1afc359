"""A run holds its DuckDB file open from start to end (`held_open`, taken by `run_guard`): every connection
in between is a cursor of that one open database, and the file is checkpointed once, at the end."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from warehouse.connection import Warehouse, WarehouseError, connect, held_open, publish_read_copy
from warehouse.loads import transaction
from warehouse.locks import run_guard


def wal(db: Warehouse) -> Path:
    return Path(f"{db.path}.wal")


def count(db: Warehouse, table: str = "notes") -> int:
    with connect(db, read_only=True) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def make(db: Warehouse) -> None:
    with connect(db) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text VARCHAR)")
        connection.execute("INSERT INTO notes VALUES (1, 'first')")


def test_a_run_s_writes_are_checkpointed_once_at_its_end(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    make(db)
    assert not wal(db).exists()  # a connection of its own checkpoints when it closes

    with run_guard(db, holder="test-run"):
        with connect(db) as connection, transaction(connection):
            connection.execute("INSERT INTO notes VALUES (2, 'second')")
        # Still in the write-ahead log: the file was not closed, so not checkpointed.
        assert wal(db).exists()
        # The next stage's connection, read-only or not, is the same open database: it sees the write.
        assert count(db) == 2
        with connect(db) as connection:
            connection.execute("INSERT INTO notes VALUES (3, 'third')")
        assert wal(db).exists()

    assert not wal(db).exists()
    assert count(db) == 3


def test_a_checkpoint_inside_a_held_run_is_not_kept_from_running(tmp_path: Path) -> None:
    # A file migrated before: opening it only reads its schema version. That read, left unfetched on the
    # held connection, kept its transaction open, and the read copy's checkpoint failed ("other write
    # transactions active") after a run updated a row.
    db = Warehouse(tmp_path / "w.duckdb")
    make(db)
    with held_open(db):
        with connect(db) as connection, transaction(connection):
            connection.execute("UPDATE notes SET text = 'changed' WHERE id = 1")
        published = publish_read_copy(db)
    assert published.copied
    assert not wal(db).exists()


def test_cursors_from_several_threads_write_to_the_one_held_file(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    make(db)
    errors: list[BaseException] = []

    def write(first: int) -> None:
        try:
            for key in range(first, first + 20):
                with connect(db) as connection, transaction(connection):
                    connection.execute("INSERT INTO notes VALUES (?, 'threaded')", [key])
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)

    with held_open(db):
        threads = [threading.Thread(target=write, args=(first,)) for first in (100, 200)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert count(db) == 41
    assert errors == []
    assert count(db) == 41


def test_an_inner_hold_leaves_the_outer_one_open(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    make(db)
    with held_open(db):
        with held_open(db), connect(db) as connection:
            connection.execute("INSERT INTO notes VALUES (2, 'inner')")
        with connect(db) as connection:  # the outer hold still serves it
            connection.execute("INSERT INTO notes VALUES (3, 'outer')")
        assert wal(db).exists()
    assert count(db) == 3


def test_a_run_that_dies_holding_the_file_keeps_each_commit_and_nothing_else(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    make(db)
    # A process that commits one row, starts writing another, and dies without closing anything.
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from warehouse.connection import Warehouse, connect, held_open
        db = Warehouse(Path({str(db.path)!r}))
        with held_open(db):
            with connect(db) as connection:
                connection.execute("INSERT INTO notes VALUES (2, 'committed')")
            with connect(db) as connection:
                connection.execute("BEGIN TRANSACTION")
                connection.execute("INSERT INTO notes VALUES (3, 'never committed')")
                os._exit(9)
        """
    )
    died = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2], capture_output=True)
    assert died.returncode == 9, died.stderr.decode()
    assert wal(db).exists()

    with connect(db, read_only=True) as connection:
        rows = connection.execute("SELECT id, text FROM notes ORDER BY id").fetchall()
    assert rows == [(1, "first"), (2, "committed")]


def test_a_transaction_left_open_keeps_the_read_copy_back_with_a_clear_error(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    make(db)
    with held_open(db), connect(db) as writing:
        writing.execute("BEGIN TRANSACTION")
        writing.execute("UPDATE notes SET text = 'pending' WHERE id = 1")
        with pytest.raises(WarehouseError, match=r"cannot checkpoint .* for its read copy"):
            publish_read_copy(db)
        writing.execute("ROLLBACK")
    with connect(db, read_only=True) as connection:
        assert connection.execute("SELECT text FROM notes").fetchall() == [("first",)]
