"""An analyst's open session never blocks a load, and a load never breaks a reader.

Readers open the read copy a run publishes (warehouse.connection.publish_read_copy); the child process
here holds a DuckDB session on it for the whole of a second ingest, as an analyst's `duckdb` shell would.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.faults.conftest import integrity, write_news
from tests.sessions import open_session
from warehouse.connection import connect_locked, read_copy_path

pytestmark = pytest.mark.usefixtures("prefect_harness")

# Opens a session, answers one count, then waits for a line on stdin before counting again in the same
# session. (A second connection in the same process would share the open instance, so the fresh look is
# taken from the test's own process.)
READER = textwrap.dedent(
    """
    import sys, duckdb
    path = sys.argv[1]
    session = duckdb.connect(path, read_only=True)
    count = lambda c: c.execute("SELECT count(*) FROM articles").fetchone()[0]
    print(count(session), flush=True)
    sys.stdin.readline()
    print(count(session), flush=True)
    """
)


def test_a_reader_holding_a_session_open_does_not_block_an_ingest(tmp_path: Path, db_path: Path) -> None:
    write_news(tmp_path / "first", 6, seed=41, name="first.jsonl")
    first = ingest([str(tmp_path / "first")], db=str(db_path))
    copy = read_copy_path(db_path)
    assert copy.exists()

    reader = open_session(READER, str(copy))
    try:
        assert reader.stdout is not None
        before = int(reader.stdout.readline())
        write_news(tmp_path / "second", 6, seed=42, name="second.jsonl")
        # No waiting for the reader: the lock wait is a fraction of a second.
        second = ingest([str(tmp_path / "second")], db=str(db_path), lock_wait_seconds=0.5)
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert reader.returncode == 0, err
    assert before == int(out) == first.new_articles  # the open session kept its snapshot throughout
    with connect_locked(db_path) as connection:  # a new session sees the second run
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (
            first.new_articles + second.new_articles,
        )
    assert integrity(db_path).ok


def test_newsetl_readers_open_the_read_copy(tmp_path: Path, db_path: Path) -> None:
    write_news(tmp_path / "in", 4, seed=43, name="in.jsonl")
    summary = ingest([str(tmp_path / "in")], db=str(db_path))
    # The writer's file is held open for writing, as during a run: a reader still answers.
    import duckdb

    writer = duckdb.connect(str(db_path))
    try:
        with connect_locked(db_path) as connection:
            row = connection.execute("SELECT count(*) FROM articles").fetchone()
    finally:
        writer.close()
    assert row == (summary.new_articles,)
