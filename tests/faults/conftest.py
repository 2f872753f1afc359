"""Fault injection: real DuckDB files, real processes killed for real, real unwritable storage.

Every test here is marked `fault` and records in the ledger how many inputs it tried and how many rows it
lost; at the end of the session one line sums them up:

    faults: 9 passed, 0 failed
    inputs tried: 1234, rows lost: 0

Child processes run the ingest flow against the session's Prefect test server (its API URL is passed
down), so they pay the Python imports but not a server start of their own.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from bench.corpus import generate
from flows import pipeline
from tests.faults.summary import LEDGER_PROPERTY
from transform.outcomes import BatchOutcome
from warehouse.connection import connect
from warehouse.integrity import IntegrityReport, check_integrity
from warehouse.loads import load_outcomes

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class Ledger:
    """Where a fault test records how many inputs it tried and how many rows it lost.

    The figures travel with the test's report (its user_properties), so tests/faults/summary.py adds them
    up in the process that prints the summary: pytest's own, or the controller under pytest-xdist.
    """

    item: pytest.Item

    def record(self, inputs: int, lost: int) -> None:
        self.item.user_properties.append((LEDGER_PROPERTY, (inputs, lost)))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fault: a fault-injection scenario (counted in the faults summary)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.resolve().parents:
            item.add_marker(pytest.mark.fault)


@pytest.fixture
def ledger(request: pytest.FixtureRequest) -> Ledger:
    return Ledger(request.node)


@pytest.fixture
def child_env(prefect_harness: None) -> dict[str, str]:
    """The environment of a child process that runs flows against this session's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ)
    env.update(
        PREFECT_API_URL=str(PREFECT_API_URL.value()),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def write_news(
    folder: Path, originals: int, seed: int = 1, name: str = "news.jsonl", words: int = 150
) -> int:
    """Generated news articles with their copies as one JSONL file; returns the number of documents.

    URLs carry the file's name, so two files written with different names never share a URL.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tag = Path(name).stem
    lines = [
        json.dumps(
            {
                "url": f"{d.url}/{tag}",
                "title": d.title,
                "text": d.text,
                "published": d.published_at.isoformat(),
            }
        )
        for d in generate(originals, seed=seed, copy_rate=0.4, words=words)
    ]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def ingest_command(*args: str) -> list[str]:
    """The command line of the fault-injecting ingest wrapper (tests/faults/run_ingest.py)."""
    return [sys.executable, "-m", "tests.faults.run_ingest", *args]


def refuse_to_load(monkeypatch: pytest.MonkeyPatch, uri: str) -> None:
    """Make every load of a batch whose new articles include the document at `uri` fail, as a defect only
    that document triggers would: the flow's load task and the halving fallback share the function."""

    def load_refusing_one(
        connection: duckdb.DuckDBPyConnection, run_id: str, now: datetime, outcome: BatchOutcome
    ) -> None:
        if any(article.uri == uri for article in outcome.new_articles):
            raise ValueError("a defect that only this document triggers")
        load_outcomes(connection, run_id, now, outcome)

    monkeypatch.setattr(pipeline, "load_outcomes", load_refusing_one)
    monkeypatch.setattr("flows.ingest.load_outcomes", load_refusing_one)


def integrity(db: Path) -> IntegrityReport:
    """The integrity report of the warehouse at `db`, opened read-only (so it must open)."""
    with connect(db, read_only=True) as connection:
        return check_integrity(connection)


def raw_uris(db: Path) -> set[str]:
    with connect(db, read_only=True) as connection:
        return {uri for (uri,) in connection.execute("SELECT uri FROM raw_documents").fetchall()}


def lost_rows(expected_uris: set[str], db: Path) -> int:
    """Inputs that are not stored, or stored but with no single outcome: what a fault lost."""
    report = integrity(db)
    return len(expected_uris - raw_uris(db)) + report.pending + report.several_outcomes


def jsonl_uris(path: Path) -> set[str]:
    """The URIs the ingest gives the non-blank lines of a JSONL file."""
    lines = path.read_bytes().splitlines()
    return {f"{path.resolve().as_uri()}#line={n}" for n, line in enumerate(lines, start=1) if line.strip()}


class Child:
    """A child process running the ingest wrapper, whose stdout is read line by line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            ingest_command(*args),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []

    def wait_for(self, marker: str, timeout: float = 60.0) -> None:
        """Read stdout until a line starts with `marker`; fail with the child's output if it never does."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                if not line:
                    break
                self.lines.append(line)
                if line.startswith(marker):
                    return
        self.process.kill()
        _, err = self.process.communicate()
        pytest.fail(f"child never printed {marker!r}; stdout={''.join(self.lines)!r} stderr={err[-3000:]}")

    def finish(self, timeout: float = 120.0) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, "".join(self.lines) + out, err


@pytest.fixture
def children() -> Iterator[list[Child]]:
    """Children started by a test; any still running at its end are killed."""
    started: list[Child] = []
    yield started
    for child in started:
        if child.process.poll() is None:
            child.process.kill()
            child.process.communicate()
