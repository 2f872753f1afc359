"""flows/cluster.py for real: `up` starts PostgreSQL, a Prefect server on it and two workers; a deployment
of prefect.yaml runs on a worker and writes to the warehouse the workers' environment names; `down` leaves
no process behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from flows.cluster import ClusterLayout, read_state
from flows.postgres_server import running_postgres

ROOT = Path(__file__).resolve().parents[2]
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def lake_mode_available() -> bool:
    """Whether this newsetl has `newsetl lake init` (the DuckLake mode), which the lake warehouse needs."""
    newsetl = Path(sys.executable).with_name("newsetl")
    found = subprocess.run([str(newsetl), "lake", "init", "--help"], capture_output=True, check=False)
    return found.returncode == 0


def cluster(state_dir: Path, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_WORKER_QUERY_SECONDS": "2"}  # a run is picked up in ~2 s, not ~10
    return subprocess.run(
        [sys.executable, "-m", "flows.cluster", "--state-dir", str(state_dir), *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def state_dir() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="newsetl-cluster-", dir="/tmp"))
    base.chmod(0o755)  # the postgres account must reach the data folder inside
    try:
        yield base / "cluster"
    finally:
        cluster(base / "cluster", "down", "--wipe")
        shutil.rmtree(base, ignore_errors=True)


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in arguments:
            found.append(f"{cmdline.parent.name}: {arguments}")
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def run_deployment(api: str, name: str, timeout: float = 120) -> dict[str, Any]:
    with httpx.Client(base_url=api, timeout=10) as client:
        deployment = client.get(f"/deployments/name/{name}").raise_for_status().json()
        run = (
            client.post(f"/deployments/{deployment['id']}/create_flow_run", json={}).raise_for_status().json()
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found: dict[str, Any] = client.get(f"/flow_runs/{run['id']}").raise_for_status().json()
            if found["state_type"] in FINAL:
                return found
            time.sleep(1)
    raise AssertionError(f"the run of {name} did not finish in {timeout:.0f} s: {found['state_type']}")


@pytest.mark.slow
def test_up_runs_a_deployment_on_a_worker_and_down_leaves_nothing(state_dir: Path) -> None:
    warehouse = "lake" if lake_mode_available() else "file"
    up = cluster(state_dir, "up", "--prefect-port", "0", "--warehouse", warehouse)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "newsetl cluster is up" in up.stdout
    layout = ClusterLayout(state_dir)
    state = read_state(layout)
    assert state is not None and len(state.worker_pids) == 2
    assert state.prefect_pid is not None
    assert cluster(state_dir, "status").returncode == 0

    run = run_deployment(state.api_url, "ingest/newsetl-ingest-pool")

    assert run["state_type"] == "COMPLETED", run["state"]
    worker_logs = [layout.worker_log(number).read_text() for number in (1, 2)]
    assert any(run["id"] in log for log in worker_logs), "no worker says it ran the flow run"
    # The run wrote where the workers' NEWSETL_DB points, not to data/newsetl.duckdb of the checkout.
    if warehouse == "lake":
        assert list(layout.lake.rglob("*.parquet")), "no Parquet file in the lake's data path"
    else:
        assert (state_dir / "newsetl.duckdb").exists()

    down = cluster(state_dir, "down")

    assert down.returncode == 0, down.stdout + down.stderr
    assert not [pid for pid in (state.prefect_pid, *state.worker_pids) if alive(pid)]
    assert running_postgres(layout.postgres) is None
    assert processes_mentioning(str(state_dir)) == []
    assert cluster(state_dir, "status").returncode == 3
    again = cluster(state_dir, "down")
    assert again.returncode == 0 and "not running" in again.stdout
    assert (layout.postgres / "PG_VERSION").exists()  # down keeps the data
