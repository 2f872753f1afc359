"""Shared fixtures: one Prefect test harness per session, paths to the shipped samples and the seeds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEEDS = ROOT.parent / "shared" / "seeds"

# The fault tests' summary line (a plugin so that the xdist controller prints it too) and the PostgreSQL
# server fixtures.
pytest_plugins = ["tests.faults.summary", "tests.postgres"]

# Before Prefect is imported anywhere: no analytics job (it races the fresh test database), and time for
# the first start of the embedded server on a slow machine.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# `newsetl` commands run by the tests share one Prefect server (flows/prefect_server.py), gone a minute
# after the last of them.
os.environ.setdefault("NEWSETL_PREFECT_SERVER_IDLE_MINUTES", "1")


def _give_the_xdist_worker_its_own_prefect_home() -> None:
    """Under pytest-xdist, each worker (gw0, gw1, ...) a PREFECT_HOME of its own, under the one it was given.

    Prefect keeps state there (results storage, profiles), and so does newsetl's shared server: a test that
    stops or waits for that server, or reads its runs, must not see another worker's. The folder is kept
    between sessions, so its server's database is migrated once, not on every run. Set before anything
    imports Prefect; the subprocesses the tests start inherit it.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        given = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
        home = given / "xdist" / worker
        home.mkdir(parents=True, exist_ok=True)  # Prefect makes only the last folder
        os.environ["PREFECT_HOME"] = str(home)


_give_the_xdist_worker_its_own_prefect_home()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real (temporary) Prefect API for the whole session: flows run for real, started once (~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=None):
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"
