"""pytest plugin: a real PostgreSQL server per session (one per xdist worker), a fresh database per test.

Enabled from tests/conftest.py with `pytest_plugins = ["tests.postgres"]`. The server runs from a folder
under /tmp that the `postgres` user can reach (pytest's own tmp folders are private to root), with fsync
off, and is stopped at the end of the session whatever the tests did (by a watchdog process when the
session itself is killed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.postgres_server import (
    PostgresServer,
    create_database,
    start_postgres,
    stop_postgres,
    stop_postgres_when_gone,
)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server on 127.0.0.1 (a free port, trust auth, superuser `postgres`) for the session."""
    base = Path(tempfile.mkdtemp(prefix="newsetl-postgres-", dir="/tmp"))
    base.chmod(0o755)  # mkdtemp's 0700 would keep the server's account out when we run as root
    data_dir = base / "data"
    watchdog: subprocess.Popen[bytes] | None = None
    try:
        server = start_postgres(data_dir, durable=False)
        # A session killed by a timeout runs no teardown: the watchdog stops the server then.
        watchdog = stop_postgres_when_gone(os.getpid(), data_dir, remove=base)
        yield server
    finally:
        stop_postgres(data_dir)
        shutil.rmtree(base, ignore_errors=True)
        if watchdog is not None:
            watchdog.terminate()
            watchdog.wait()


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> str:
    """A new, empty database of its own for this test: its libpq DSN ('dbname=... host=127.0.0.1 ...')."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    create_database(postgres_server, name)
    return postgres_server.dsn(name)
