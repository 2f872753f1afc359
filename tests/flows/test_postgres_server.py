"""flows/postgres_server.py against the machine's real PostgreSQL binaries."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from flows.postgres_server import (
    ClusterError,
    PostgresServer,
    create_database,
    find_postgres_bin_dir,
    port_is_free,
    restart_postgres,
    running_postgres,
    start_postgres,
    stop_postgres,
    stop_postgres_when_gone,
)
from transform.errors import NewsetlError


@pytest.fixture
def reachable_dir() -> Iterator[Path]:
    """A folder the server's account can reach (see tests/postgres.py)."""
    base = Path(tempfile.mkdtemp(prefix="newsetl-pg-test-", dir="/tmp"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        stop_postgres(base / "data")
        shutil.rmtree(base, ignore_errors=True)


def test_a_fresh_database_takes_connections(postgres_database: str) -> None:
    assert "host=127.0.0.1" in postgres_database
    with psycopg.connect(postgres_database) as connection:
        connection.execute("CREATE TABLE notes (body text)")
        connection.execute("INSERT INTO notes VALUES ('kept')")
        assert connection.execute("SELECT count(*) FROM notes").fetchone() == (1,)


def test_each_test_gets_its_own_database(postgres_server: PostgresServer, postgres_database: str) -> None:
    with psycopg.connect(postgres_database) as connection:
        tables = connection.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'notes'").fetchone()
    assert tables == (0,)
    assert postgres_database != postgres_server.dsn("postgres")


def test_create_database_is_idempotent(postgres_server: PostgresServer) -> None:
    create_database(postgres_server, "twice")
    create_database(postgres_server, "twice")
    with psycopg.connect(postgres_server.dsn("twice")) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == ("twice",)


def test_url_is_what_sqlalchemy_takes(postgres_server: PostgresServer) -> None:
    port = postgres_server.port
    assert postgres_server.url("prefect") == f"postgresql+asyncpg://postgres@127.0.0.1:{port}/prefect"
    assert postgres_server.url("lake", driver="postgresql") == f"postgresql://postgres@127.0.0.1:{port}/lake"


def test_listens_on_loopback_only(postgres_server: PostgresServer) -> None:
    with psycopg.connect(postgres_server.dsn()) as connection:
        row = connection.execute("SHOW listen_addresses").fetchone()
    assert row == ("127.0.0.1",)


def test_restart_keeps_the_data_and_the_port(reachable_dir: Path) -> None:
    server = start_postgres(reachable_dir / "data", durable=False)
    create_database(server, "lake")
    with psycopg.connect(server.dsn("lake")) as connection:
        connection.execute("CREATE TABLE kept (n int)")
        connection.execute("INSERT INTO kept VALUES (1), (2)")

    again = restart_postgres(server)

    assert again.port == server.port
    with psycopg.connect(again.dsn("lake")) as connection:
        assert connection.execute("SELECT sum(n) FROM kept").fetchone() == (3,)


def test_stop_is_idempotent_and_start_finds_the_data_again(reachable_dir: Path) -> None:
    data_dir = reachable_dir / "data"
    server = start_postgres(data_dir, durable=False)
    create_database(server, "lake")

    stop_postgres(data_dir)
    stop_postgres(data_dir)

    assert running_postgres(data_dir) is None
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.dsn("lake"), connect_timeout=2)
    again = start_postgres(data_dir)
    with psycopg.connect(again.dsn("lake")) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def test_start_of_a_running_server_returns_it(reachable_dir: Path) -> None:
    server = start_postgres(reachable_dir / "data", durable=False)
    assert start_postgres(reachable_dir / "data") == server


def test_stop_of_a_missing_folder_does_nothing(tmp_path: Path) -> None:
    stop_postgres(tmp_path / "never-created")


def test_a_busy_port_is_a_clear_error_naming_the_log(reachable_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ClusterError, match=r"server\.log") as raised:
            start_postgres(reachable_dir / "data", port, durable=False)
    assert isinstance(raised.value, NewsetlError)
    assert "Address already in use" in str(raised.value)


def test_a_folder_that_is_not_a_data_folder_is_refused(reachable_dir: Path) -> None:
    (reachable_dir / "data").mkdir()
    (reachable_dir / "data" / "notes.txt").write_text("someone's file", encoding="utf-8")
    with pytest.raises(ClusterError, match="neither empty nor a PostgreSQL data folder"):
        start_postgres(reachable_dir / "data")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the folder to the postgres user")
def test_a_folder_the_server_account_cannot_reach_is_a_clear_error(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)  # as pytest's own folders are: closed to other users
    with pytest.raises(ClusterError, match="cannot write"):
        start_postgres(tmp_path / "data")


def fake_binaries(bin_dir: Path) -> Path:
    bin_dir.mkdir(parents=True)
    for name in ("initdb", "pg_ctl", "postgres"):
        (bin_dir / name).write_text("#!/bin/sh\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def test_the_newest_installed_version_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    fake_binaries(tmp_path / "9.6" / "bin")
    newest = fake_binaries(tmp_path / "16" / "bin")
    fake_binaries(tmp_path / "15" / "bin")
    (tmp_path / "17" / "bin").mkdir(parents=True)  # a client-only install: no server binaries
    assert find_postgres_bin_dir(tmp_path) == newest


def test_missing_binaries_say_how_to_install_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ClusterError, match=r"not installed.*apt-get install postgresql"):
        find_postgres_bin_dir(tmp_path)


def test_a_port_in_use_is_not_free() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert not port_is_free(taken.getsockname()[1])


def test_the_watchdog_stops_the_server_when_its_session_dies(reachable_dir: Path) -> None:
    session = subprocess.Popen(["sleep", "600"])  # stands for a pytest session that gets killed
    data_dir = reachable_dir / "data"
    start_postgres(data_dir, durable=False)
    watchdog = stop_postgres_when_gone(session.pid, data_dir, remove=data_dir)
    assert running_postgres(data_dir) is not None

    session.kill()
    session.wait()
    watchdog.wait(timeout=60)

    assert running_postgres(data_dir) is None
    assert not data_dir.exists()


def test_the_watchdog_leaves_when_the_folder_goes_first(reachable_dir: Path) -> None:
    watchdog = stop_postgres_when_gone(os.getpid(), reachable_dir / "never-created")
    assert watchdog.wait(timeout=30) == 0
