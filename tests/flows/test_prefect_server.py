"""newsetl against a real Prefect server: `prefect server start` on a free local port, the CLI run against
it as a user runs it, and what the UI would show checked through the server's REST API. Then the server is
stopped. The first start of a fresh server migrates its database (~25 s on 2 cores)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
T = TypeVar("T")


@dataclass(frozen=True)
class Server:
    api_url: str
    env: dict[str, str]  # for clients: PREFECT_API_URL pointing here, a private PREFECT_HOME
    log: Path

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._call("POST", path, body or {})

    def get(self, path: str) -> Any:
        return self._call("GET", path, None)

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        # The server answers 503 when its SQLite database is busy (the scheduler writing, say); Prefect's
        # own client retries those, and so do we.
        for attempt in range(5):
            response = httpx.request(method, f"{self.api_url}{path}", json=body, timeout=10)
            if response.status_code not in (429, 502, 503) or attempt == 4:
                break
            time.sleep(1 + attempt)
        response.raise_for_status()
        return response.json()

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        # A guard against a hang, not a speed test: on a busy machine (pytest-xdist workers and other
        # jobs), `newsetl ingest` took over 60 s to hand its last events to this server and exit.
        done = subprocess.run(
            command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
        return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], T | None], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except httpx.HTTPError:
            found = None
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop(process: subprocess.Popen[bytes], grace: float = 20, how: signal.Signals = signal.SIGTERM) -> None:
    """Send `how` (SIGTERM, or SIGINT as Ctrl-C does), then SIGKILL if still running after `grace` s."""
    if process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home / "server"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # What the UI calls (4200 by default, whatever --port says): right if someone opens it to debug.
        "PREFECT_SERVER_API_PORT": str(port),
    }
    env.pop("PREFECT_API_URL", None)
    log = home / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    api_url = f"http://127.0.0.1:{port}/api"
    try:

        def healthy() -> bool:
            assert process.poll() is None, f"the server exited:\n{log.read_text()}"
            return httpx.get(f"{api_url}/health", timeout=2).json() is True

        wait_for(healthy, timeout=90, what="the Prefect server's /api/health")
        yield Server(api_url, {**env, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(home / "client")}, log)
    finally:
        stop(process)
    assert process.returncode is not None


def flow_runs(server: Server, flow_name: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = server.post(
        "/flow_runs/filter", {"flows": {"name": {"any_": [flow_name]}}, "sort": "START_TIME_DESC"}
    )
    return runs


def task_names(server: Server, flow_run_id: str) -> set[str]:
    runs = server.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run_id]}}})
    return {run["name"].rsplit("-", 1)[0] for run in runs}  # "store_raw-635" → "store_raw"


def artifacts(server: Server, flow_run_id: str) -> dict[str, dict[str, Any]]:
    found = server.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})
    return {artifact["key"]: artifact for artifact in found if artifact["key"]}


def test_an_ingest_run_shows_its_tasks_artifacts_and_logs(server: Server, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    server.run(str(BIN / "newsetl"), "ingest", "samples", "--db", str(db))

    [run] = flow_runs(server, "ingest")
    assert run["state_type"] == "COMPLETED"
    assert {
        "discover",
        "read",
        "store_raw",
        "learned_lines",
        "extract_and_clean",
        "copies_and_versions",
        "gather_evidence",
        "deduplicate",
        "load",
        "record_run_end",
    } <= task_names(server, run["id"])
    published = artifacts(server, run["id"])
    assert published["ingest-summary"]["type"] == "markdown"
    assert "# newsetl ingest" in published["ingest-summary"]["data"]
    assert published["new-articles"]["type"] == "table"
    assert "Qwen" in str(published["new-articles"]["data"])
    logs = server.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}})
    assert any(log["message"].startswith("Found 26 files under samples") for log in logs)

    server.run(str(BIN / "newsetl"), "maintenance", "--db", str(db), "--export-dir", str(tmp_path / "out"))

    [maintenance] = flow_runs(server, "maintenance")
    assert maintenance["state_type"] == "COMPLETED"
    assert {"refresh_search", "checkpoint_database", "export"} <= task_names(server, maintenance["id"])
    assert "| articles |" in artifacts(server, maintenance["id"])["maintenance-summary"]["data"]
    assert list((tmp_path / "out" / "articles").glob("day=*/*.parquet"))


def deployments(server: Server) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in server.post("/deployments/filter") if d["name"].startswith("newsetl-")}


def crons(deployment: dict[str, Any]) -> list[str]:
    return [schedule["schedule"]["cron"] for schedule in deployment["schedules"]]


@pytest.fixture(scope="module")
def deployed(server: Server) -> dict[str, dict[str, Any]]:
    """The deployments of prefect.yaml, deployed the documented way to the `newsetl` process pool."""
    server.run(str(BIN / "prefect"), "work-pool", "create", "newsetl", "--type", "process", "--overwrite")
    done = server.run(str(BIN / "prefect"), "--no-prompt", "deploy", "--all", timeout=120)
    # Without a sources file the web deployment's build step says its schedule is off (docs/monitoring.md).
    said = "newsetl-web-pool is deployed with its schedule off" in " ".join(done.stdout.split())
    assert said == (not (ROOT / "newsetl.toml").is_file()), done.stdout
    return deployments(server)


POOL = ("newsetl-ingest-pool", "newsetl-web-pool", "newsetl-maintenance-pool")
ENTER_HOME = {"flows.operations.enter_newsetl_home": {"id": "home", "directory": "{{ $NEWSETL_HOME }}"}}
SET_DIRECTORY = {"prefect.deployments.steps.set_working_directory": {"directory": "{{ home.directory }}"}}


def test_prefect_deploy_all_creates_the_scheduled_deployments(deployed: dict[str, dict[str, Any]]) -> None:
    assert set(deployed) == set(POOL)
    assert crons(deployed["newsetl-ingest-pool"]) == ["0 * * * *"]
    assert crons(deployed["newsetl-web-pool"]) == ["15 * * * *"]
    assert crons(deployed["newsetl-maintenance-pool"]) == ["30 3 * * *"]
    for deployment in deployed.values():
        assert deployment["work_pool_name"] == "newsetl"
        assert not deployment["paused"]
    for name in ("newsetl-ingest-pool", "newsetl-maintenance-pool"):
        assert deployed[name]["pull_steps"] == [ENTER_HOME, SET_DIRECTORY]
        assert [schedule["active"] for schedule in deployed[name]["schedules"]] == [True]
    web_home = {
        "flows.operations.enter_newsetl_home": {
            "id": "home",
            "directory": "{{ $NEWSETL_HOME }}",
            "require": ["newsetl.toml"],
        }
    }
    assert deployed["newsetl-web-pool"]["pull_steps"] == [web_home, SET_DIRECTORY]
    # Like `newsetl serve`: no sources file where `prefect deploy` ran, no scheduled web runs.
    web_active = [schedule["active"] for schedule in deployed["newsetl-web-pool"]["schedules"]]
    assert web_active == [(ROOT / "newsetl.toml").is_file()]
    assert deployed["newsetl-ingest-pool"]["entrypoint"] == "flows/ingest.py:ingest"
    # No `db`: each worker's NEWSETL_DB picks the warehouse (flows/cluster.py points its workers at the lake).
    assert deployed["newsetl-ingest-pool"]["parameters"] == {"paths": ["samples"]}
    assert deployed["newsetl-maintenance-pool"]["entrypoint"] == "flows/maintenance.py:maintenance"


def test_the_server_schedules_runs_of_the_deployments(
    server: Server, deployed: dict[str, dict[str, Any]]
) -> None:
    ingest_id = deployed["newsetl-ingest-pool"]["id"]

    def scheduled() -> list[dict[str, Any]] | None:
        assert "Can't evaluate bulk DML statement" not in server.log.read_text(), "the scheduler failed"
        runs: list[dict[str, Any]] = server.post(
            "/flow_runs/filter",
            {
                "deployments": {"id": {"any_": [ingest_id]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            },
        )
        return runs or None

    runs = wait_for(scheduled, timeout=20, what="the scheduler to create runs of newsetl-ingest")
    assert all(run["expected_start_time"].endswith(":00:00Z") for run in runs)  # "0 * * * *", UTC


def test_a_worker_without_newsetl_home_stops_the_run_naming_it(
    server: Server, deployed: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    run = server.post(f"/deployments/{deployed['newsetl-ingest-pool']['id']}/create_flow_run")
    env = {key: value for key, value in server.env.items() if key != "NEWSETL_HOME"}
    worker = subprocess.run(
        [str(BIN / "prefect"), "worker", "start", "--pool", "newsetl", "--run-once"],
        cwd=tmp_path,  # a worker started anywhere: runs must not depend on its folder
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    def finished() -> dict[str, Any] | None:
        state: dict[str, Any] = server.get(f"/flow_runs/{run['id']}")
        return state if state["state_type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None

    done = wait_for(finished, timeout=60, what=f"the worker's run\n{worker.stdout}\n{worker.stderr}")
    assert done["state_type"] in {"FAILED", "CRASHED"}
    logs = server.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}})
    messages = "\n".join(log["message"] for log in logs)
    assert "NEWSETL_HOME is not set in the worker's environment" in messages, messages
    assert "flows/ingest.py" not in messages  # it stopped before looking for the code


SERVED = {
    "newsetl-ingest": "flows.ingest.ingest",
    "newsetl-web": "flows.web.web",
    "newsetl-maintenance": "flows.maintenance.maintenance",
}


def test_newsetl_serve_serves_the_deployments_and_runs_them(
    server: Server, deployed: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    db = tmp_path / "served.duckdb"
    log = tmp_path / "serve.log"
    command = [
        str(BIN / "newsetl"),
        "serve",
        *("--path", "samples", "--db", str(db), "--export-dir", str(tmp_path / "out")),
        *("--config", "newsetl.example.toml", "--cron", "5 * * * *"),
    ]
    with log.open("wb") as output:
        # Ctrl-C's default action restored in the child: a shell's background job (the suite started with
        # `&`) ignores SIGINT, and a process started ignoring it never sees a KeyboardInterrupt.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=_default_sigint,
        )
    try:

        def served() -> dict[str, dict[str, Any]] | None:
            assert process.poll() is None, f"newsetl serve exited:\n{log.read_text()}"
            found = deployments(server)
            entrypoints = {found[name]["entrypoint"] for name in SERVED if name in found}
            return found if entrypoints == set(SERVED.values()) else None

        found = wait_for(served, timeout=60, what="newsetl serve to register its deployments")
        assert crons(found["newsetl-ingest"]) == ["5 * * * *"]
        assert crons(found["newsetl-maintenance"]) == ["30 3 * * *"]
        assert found["newsetl-ingest"]["parameters"]["paths"] == [str(ROOT / "samples")]
        assert found["newsetl-ingest"]["parameters"]["db"] == str(db)

        run = server.post(f"/deployments/{found['newsetl-ingest']['id']}/create_flow_run")

        def finished() -> dict[str, Any] | None:
            state: dict[str, Any] = server.get(f"/flow_runs/{run['id']}")
            return state if state["state_type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None

        done = wait_for(finished, timeout=90, what="the served ingest run")
        assert done["state_type"] == "COMPLETED", log.read_text()
        assert "ingest-summary" in artifacts(server, run["id"])
        assert db.exists()
    finally:
        stop(process, how=signal.SIGINT)
    # On Ctrl-C the runner pauses the schedules it served: nothing runs while nobody serves them. The work
    # pool's deployments of prefect.yaml, under their own names, go on.
    paused = {name: d["paused"] for name, d in deployments(server).items()}
    assert paused == {
        "newsetl-ingest": True,
        "newsetl-web": True,
        "newsetl-maintenance": True,
        "newsetl-ingest-pool": False,
        "newsetl-web-pool": False,
        "newsetl-maintenance-pool": False,
    }
    assert deployments(server)["newsetl-ingest-pool"]["entrypoint"] == "flows/ingest.py:ingest"
