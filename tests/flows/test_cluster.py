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


# Takes the cluster down when the test session dies without its teardown (a timeout, SIGKILL).
WATCHDOG = """
import os, shutil, subprocess, sys, time
session, state_dir, base = sys.stdin.read().splitlines()  # not in its command line (processes_mentioning)
session = int(session)
while os.path.exists(base):
    try:
        os.kill(session, 0)
    except ProcessLookupError:
        subprocess.run([sys.executable, "-m", "flows.cluster", "--state-dir", state_dir, "down", "--wipe"])
        shutil.rmtree(base, ignore_errors=True)
        break
    time.sleep(1)
"""


@pytest.fixture
def state_dir() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="newsetl-cluster-", dir="/tmp"))
    base.chmod(0o755)  # the postgres account must reach the data folder inside
    watchdog = subprocess.Popen(
        [sys.executable, "-c", WATCHDOG], stdin=subprocess.PIPE, cwd=ROOT, start_new_session=True, text=True
    )
    assert watchdog.stdin is not None
    watchdog.stdin.write(f"{os.getpid()}\n{base / 'cluster'}\n{base}")
    watchdog.stdin.close()
    try:
        yield base / "cluster"
    finally:
        cluster(base / "cluster", "down", "--wipe")
        shutil.rmtree(base, ignore_errors=True)
        watchdog.terminate()
        watchdog.wait()


def processes_mentioning(text: str) -> list[str]:
    """Processes whose command line or environment holds `text` (the cluster's own hold its folder: in
    PostgreSQL's -D, in PREFECT_HOME of the server, the workers and their flow runs)."""
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            seen = (process / "cmdline").read_bytes() + (process / "environ").read_bytes()
        except OSError:
            continue
        if text.encode() in seen and process.name != str(os.getpid()):
            found.append(f"{process.name}: {(process / 'cmdline').read_bytes()[:200]!r}")
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def run_deployment(
    api: str, name: str, runs: list[dict[str, Any]], timeout: float = 150
) -> list[dict[str, Any]]:
    """Start runs of deployment `name` at once, one per parameters of `runs`; their final flow runs."""
    with httpx.Client(base_url=api, timeout=10) as client:
        deployment = client.get(f"/deployments/name/{name}").raise_for_status().json()
        started = [
            client.post(f"/deployments/{deployment['id']}/create_flow_run", json={"parameters": parameters})
            .raise_for_status()
            .json()
            for parameters in runs
        ]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [client.get(f"/flow_runs/{run['id']}").raise_for_status().json() for run in started]
            if all(run["state_type"] in FINAL for run in found):
                return found
            time.sleep(1)
    raise AssertionError(
        f"runs of {name} unfinished after {timeout:.0f} s: {[r['state_type'] for r in found]}"
    )


def wait_until_running(client: httpx.Client, run_id: str, timeout: float = 120) -> str:
    """The run's state once it is running (or already final)."""
    deadline = time.monotonic() + timeout
    while (state := client.get(f"/flow_runs/{run_id}").json()["state_type"]) not in FINAL | {"RUNNING"}:
        assert time.monotonic() < deadline, f"run {run_id} still {state} after {timeout:.0f} s"
        time.sleep(0.5)
    return str(state)


def ran_by(worker_log: str, runs: list[dict[str, Any]]) -> list[str]:
    """The runs a worker's log says it submitted, less those it lost to the other worker (it logs
    "Aborted submission" when the server tells it the run is taken)."""
    return [
        run["id"]
        for run in runs
        if f"submitting flow run '{run['id']}'" in worker_log
        and f"Aborted submission of flow run '{run['id']}'" not in worker_log
    ]


@pytest.mark.slow
def test_up_runs_deployments_on_two_workers_and_down_leaves_nothing(state_dir: Path) -> None:
    warehouse = "lake" if lake_mode_available() else "file"
    up = cluster(state_dir, "up", "--prefect-port", "0", "--warehouse", warehouse)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "newsetl cluster is up" in up.stdout
    layout = ClusterLayout(state_dir)
    state = read_state(layout)
    assert state is not None and len(state.worker_pids) == 2
    assert state.prefect_pid is not None
    assert cluster(state_dir, "status").returncode == 0

    # One small file each (the deployment's default is all of samples/): the test is about where runs go.
    files = ["samples/baidu-ernie-free-chatbot.txt", "samples/moonshot-kimi-long-context.txt"]
    runs = run_deployment(state.api_url, "ingest/newsetl-ingest-pool", [{"paths": [f]} for f in files])

    assert [run["state_type"] for run in runs] == ["COMPLETED", "COMPLETED"], [run["state"] for run in runs]
    # One run at a time per worker: two runs at once went one to each worker.
    ran = [ran_by(layout.worker_log(number).read_text(), runs) for number in (1, 2)]
    assert sorted(map(len, ran)) == [1, 1], ran
    # The run wrote where the workers' NEWSETL_DB points, not to data/newsetl.duckdb of the checkout.
    if warehouse == "lake":
        assert list(layout.lake.rglob("*.parquet")), "no Parquet file in the lake's data path"
    else:
        assert (state_dir / "newsetl.duckdb").exists()

    # A run still going when the cluster goes down goes with it: nothing is left running.
    with httpx.Client(base_url=state.api_url, timeout=10) as client:
        deployment = client.get("/deployments/name/ingest/newsetl-ingest-pool").raise_for_status().json()
        late = client.post(f"/deployments/{deployment['id']}/create_flow_run", json={}).raise_for_status()
        assert wait_until_running(client, late.json()["id"]) == "RUNNING"

    down = cluster(state_dir, "down")

    assert down.returncode == 0, down.stdout + down.stderr
    assert not [pid for pid in (state.prefect_pid, *state.worker_pids) if alive(pid)]
    assert running_postgres(layout.postgres) is None
    assert processes_mentioning(str(state_dir)) == []
    assert cluster(state_dir, "status").returncode == 3
    again = cluster(state_dir, "down")
    assert again.returncode == 0 and "not running" in again.stdout
    assert (layout.postgres / "PG_VERSION").exists()  # down keeps the data
