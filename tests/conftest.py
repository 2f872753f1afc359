"""Shared fixtures: one Prefect test harness per session, paths to the shipped samples and the seeds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEEDS = ROOT.parent / "shared" / "seeds"

# Before Prefect is imported anywhere: no analytics job (it races the fresh test database), and time for
# the first start of the embedded server on a slow machine.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# `newsetl` commands run by the tests share one Prefect server (flows/prefect_server.py), gone a minute
# after the last of them.
os.environ.setdefault("NEWSETL_PREFECT_SERVER_IDLE_MINUTES", "1")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real (temporary) Prefect API for the whole session: flows run for real, started once (~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=None):
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"
