"""The Prefect side of the local cluster (flows/cluster.py): a Prefect server on PostgreSQL, the `newsetl`
process work pool, the deployments of prefect.yaml and the workers. Started through Prefect's own CLI, as a
team would by hand; the server's REST API says when it is healthy and which workers are online.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from flows.background import is_running, run_logged, start_in_background, stop_sessions
from flows.postgres_server import HOST, ClusterError

POOL = "newsetl"
# The first start on an empty `prefect` database migrates it: ~20 s on 2 idle cores, more when busy.
SERVER_START_SECONDS = 240.0
WORKER_START_SECONDS = 120.0
# Inherited settings that would point the cluster's processes at another Prefect or another warehouse.
NOT_INHERITED = frozenset(
    {
        "PREFECT_API_URL",
        "PREFECT_API_KEY",
        "PREFECT_HOME",
        "PREFECT_PROFILE",
        "PREFECT_API_DATABASE_CONNECTION_URL",
        "NEWSETL_DB",
        "NEWSETL_LAKE_DATA_PATH",
        "NEWSETL_HOME",
    }
)


def prefect_executable() -> Path:
    """The `prefect` command of this environment."""
    prefect = Path(sys.executable).with_name("prefect")
    if not prefect.exists():
        raise ClusterError(f"no prefect command beside {sys.executable}: install newsetl first (make run)")
    return prefect


def prefect_env(home: Path, api_url: str) -> dict[str, str]:
    """The environment of every Prefect process of the cluster: ours, with its own PREFECT_HOME and API."""
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    return env | {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }


def api_url(port: int) -> str:
    return f"http://{HOST}:{port}/api"


def start_prefect_server(env: Mapping[str, str], database_url: str, port: int, log: Path, cwd: Path) -> int:
    """Start `prefect server start` on 127.0.0.1:`port` with its database at `database_url`; return its
    pid once /api/health answers. ClusterError naming `log` when it exits or stays silent."""
    server_env = {**env, "PREFECT_API_DATABASE_CONNECTION_URL": database_url}
    command = [str(prefect_executable()), "server", "start", "--host", HOST, "--port", str(port)]
    process = start_in_background(command, log, cwd, server_env)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not healthy(api_url(port)):
        if process.poll() is not None:
            raise ClusterError(f"the Prefect server exited ({process.returncode}) while starting; see {log}")
        if time.monotonic() > deadline:
            stop_sessions((process.pid,))
            raise ClusterError(
                f"the Prefect server did not answer in {SERVER_START_SECONDS:.0f} s; see {log}"
            )
        time.sleep(0.5)
    return process.pid


def create_work_pool(env: Mapping[str, str], log: Path, cwd: Path) -> None:
    """Create the `newsetl` process work pool, unless the server has it already."""
    import httpx

    if httpx.get(f"{env['PREFECT_API_URL']}/work_pools/{POOL}", timeout=10).status_code == 200:
        return
    command = [str(prefect_executable()), "work-pool", "create", POOL, "--type", "process"]
    run_logged(command, log, cwd, env, f"creating the work pool {POOL!r}")


def deploy_all(env: Mapping[str, str], log: Path, checkout: Path) -> None:
    """`prefect deploy --all` from the checkout: the deployments of its prefect.yaml, created or updated."""
    command = [str(prefect_executable()), "--no-prompt", "deploy", "--all"]
    run_logged(command, log, checkout, env, "`prefect deploy --all`")


def start_worker(number: int, env: Mapping[str, str], log: Path, checkout: Path, runs: int = 1) -> int:
    """Start process worker `number` of the pool, running at most `runs` flow runs at once (so that runs
    spread over the workers); its flow runs inherit `env`. Returns its pid."""
    command = [str(prefect_executable()), "worker", "start", "--pool", POOL, "--type", "process"]
    command += ["--name", worker_name(number), "--limit", str(runs)]
    process = start_in_background(command, log, checkout, env)
    # Until the child has exec'd, its /proc command line is still ours: checked that early, a worker that
    # is starting looked like one that had exited (seen in CI). Wait for the exec (or the exit).
    deadline = time.monotonic() + 30
    while process.poll() is None and not is_prefect_process(process.pid, "worker"):
        if time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    return process.pid


def worker_name(number: int) -> str:
    return f"{POOL}-worker-{number}"


def wait_for_workers(url: str, workers: Sequence[tuple[int, Path]]) -> None:
    """Return once the server at `url` lists each worker (pid, log), in order, as online."""
    import httpx

    expected = {worker_name(number) for number in range(1, len(workers) + 1)}
    deadline = time.monotonic() + WORKER_START_SECONDS
    while True:
        for number, (pid, log) in enumerate(workers, start=1):
            if not is_prefect_process(pid, "worker"):
                raise ClusterError(f"worker {number} exited while starting; see {log}")
        try:
            answer = httpx.post(f"{url}/work_pools/{POOL}/workers/filter", json={}, timeout=10)
            online = {worker["name"] for worker in answer.json() if worker.get("status") == "ONLINE"}
        except (httpx.HTTPError, ValueError):
            online = set()
        if expected <= online:
            return
        if time.monotonic() > deadline:
            missing = ", ".join(sorted(expected - online))
            raise ClusterError(
                f"{missing} did not come online in {WORKER_START_SECONDS:.0f} s; see their logs"
            )
        time.sleep(1.0)


def healthy(url: str) -> bool:
    """Whether the Prefect API at `url` answers /health."""
    import httpx

    try:
        return httpx.get(f"{url}/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def is_prefect_process(pid: int | None, role: str) -> bool:
    """Whether `pid` is still a `prefect server start` ("server") or `prefect worker start` ("worker")."""
    return is_running(pid, role, "start")
