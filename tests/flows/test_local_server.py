"""newsetl's own Prefect server (flows/prefect_server.py): found, shared, stopped, never mistaken."""

from __future__ import annotations

import asyncio
import fcntl
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from flows.prefect_server import (
    ALIVE_LOCK,
    START_LOCK,
    STATE_FILE,
    Activity,
    SharedName,
    _alive,
    _flock,
    _pid_running,
    _prefect_version,
    configured_api_url,
    find,
    start_or_find,
    stop_shared,
    stop_when_idle,
)
from tests.conftest import SAMPLES

STARTUP = 180.0  # a fresh PREFECT_HOME migrates its database first; slow on a busy machine


@pytest.fixture(scope="module")
def migrated_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PREFECT_HOME for the module: its database is created by the first server only."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture
def home(migrated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PREFECT_HOME", str(migrated_home))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    return migrated_home


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not _pid_running(pid):
            return True
        time.sleep(0.1)
    return False


def _state(home: Path, url: str, pid: int) -> None:
    """The state file a shared server writes, naming `url` and `pid`."""
    state = {"url": url, "pid": pid, "started_at": "2026-01-01T00:00:00+00:00", "idle_seconds": 600}
    (home / STATE_FILE).write_text(json.dumps({**state, "prefect_version": _prefect_version()}))


@pytest.mark.slow  # starts a real Prefect server
def test_commands_share_one_server_until_it_is_stopped(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = start_or_find(600)
    try:
        first.wait_until_healthy(STARTUP)
        again = start_or_find(600)
        assert (again.url, again.pid) == (first.url, first.pid)
        assert not again.private
        state = json.loads((home / STATE_FILE).read_text())
        assert state["url"] == first.url and state["pid"] == first.pid
        _a_bare_command_points_at_the_server_make_started(home, first.pid, monkeypatch, tmp_path)
    finally:
        stopped = stop_shared()
    assert stopped is not None and stopped.pid == first.pid
    assert _gone(first.pid, 30)
    assert find() is None
    assert not (home / STATE_FILE).exists()  # the server removed its own state file on SIGTERM
    assert stop_shared() is None


def _a_bare_command_points_at_the_server_make_started(
    home: Path, pid: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The Makefile runs its commands with PREFECT_HOME=./.prefect; a bare `newsetl server stop` in the
    # project looks in the user's own PREFECT_HOME, stops nothing there, and says where the server is.
    from typer.testing import CliRunner

    from flows.cli import app

    project = tmp_path / "project"
    project.mkdir()
    (project / ".prefect").symlink_to(home, target_is_directory=True)
    monkeypatch.chdir(project)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "users-home"))
    for command in ("stop", "status"):
        result = CliRunner().invoke(app, ["server", command])
        said = " ".join(result.output.split())
        assert f"No newsetl Prefect server is running for PREFECT_HOME={tmp_path / 'users-home'}" in said or (
            f"No server was running for PREFECT_HOME={tmp_path / 'users-home'}" in said
        ), said
        assert f"runs for PREFECT_HOME={project / '.prefect'}" in said and f"pid {pid}" in said, said
        assert "make server-stop" in said
    assert _pid_running(pid) and find(home) is not None  # pointed at, not stopped
    monkeypatch.setenv("PREFECT_HOME", str(home))


@pytest.mark.slow  # starts a real Prefect server
def test_a_server_stops_itself_when_idle(home: Path) -> None:
    server = start_or_find(3)
    try:
        server.wait_until_healthy(STARTUP)
        assert _gone(server.pid, 60), "still running a minute after 3 idle seconds"
        assert find() is None
    finally:
        server.stop(5)


def test_a_stale_state_file_is_not_taken_for_a_server(home: Path) -> None:
    # What a server killed with SIGKILL leaves: its state file, naming a pid that may be reused.
    _state(home, "http://127.0.0.1:9/api", os.getpid())  # alive, but not a server: it holds no alive lock
    (home / ALIVE_LOCK).touch()
    assert find() is None
    assert stop_shared() is None  # and nothing is signalled
    (home / STATE_FILE).unlink()


@pytest.mark.slow  # starts a real Prefect server
def test_a_private_server_is_not_shared(home: Path) -> None:
    server = start_or_find(0)
    try:
        assert server.private
        server.wait_until_healthy(STARTUP)
        assert find() is None  # not advertised: no other command uses it, or stops it
    finally:
        server.stop()
    assert server.process is not None and server.process.returncode is not None


def test_a_configured_api_url_is_read_from_the_environment_or_the_active_profile(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert configured_api_url() is None
    (home / "profiles.toml").write_text(
        'active = "local"\n[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n[profiles.other]\n'
    )
    assert configured_api_url() == "http://127.0.0.1:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "other")
    assert configured_api_url() is None
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4300/api")
    assert configured_api_url() == "http://127.0.0.1:4300/api"
    (home / "profiles.toml").unlink()


def test_runs_on_newsetl_s_own_server_send_no_heartbeats() -> None:
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.settings import one_shot_run_settings

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        with one_shot_run_settings(own_server=True):
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
        with one_shot_run_settings():  # the user's server
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 180


NEWSETL = shutil.which("newsetl", path=str(Path(sys.executable).parent)) or "newsetl"


@pytest.mark.slow  # five `newsetl ingest` processes, a Prefect server for each private one
def test_ingest_ends_cleanly_and_its_task_runs_are_recorded(home: Path, tmp_path: Path) -> None:
    """Prefect's temporary server was stopped while it still recorded the last task runs: about one
    run in eight ended with "Error flushing ... events" and a CancelledError traceback after the summary,
    and those task runs stayed unfinished in Prefect. Each way newsetl runs a server now ends cleanly."""
    db = tmp_path / "w.duckdb"
    for idle_minutes in ("0", "0", "0", "10", "10"):  # private servers, then the shared one
        done = subprocess.run(
            [NEWSETL, "ingest", str(SAMPLES), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "NEWSETL_PREFECT_SERVER_IDLE_MINUTES": idle_minutes},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
        assert "Database:" in done.stdout
    server = find()
    assert server is not None
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            runs = client.post("/flow_runs/filter", json={"flows": {"name": {"any_": ["ingest"]}}}).json()
            assert len(runs) == 5 and {run["name"] for run in runs} == {"ingest samples"}
            assert {run["state"]["type"] for run in runs} == {"COMPLETED"}
            tasks = client.post("/task_runs/filter", json={}).json()
    finally:
        stop_shared()
    assert tasks and {task["state"]["type"] for task in tasks} <= {"COMPLETED", "FAILED"}
    per_run = Counter(task["flow_run_id"] for task in tasks)
    assert len(set(per_run.values())) == 1, per_run  # every run's task runs, none missing


@pytest.mark.slow  # starts a real Prefect server
def test_newsetl_server_starts_shows_and_stops_it(home: Path) -> None:
    def newsetl(*arguments: str) -> subprocess.CompletedProcess[str]:
        # Run outside the project: a server `make run` left for ./.prefect would add its hint to the output.
        return subprocess.run(
            [NEWSETL, "server", *arguments],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=home,
        )

    started = newsetl("start")
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/api")
    shown = newsetl("status")
    assert shown.returncode == 0 and shown.stdout.startswith(url) and "newsetl-server.log" in shown.stdout
    assert newsetl("stop").stdout.startswith(f"Stopped {url}")
    assert newsetl("status").returncode == 1
    assert newsetl("stop").stdout.strip() == f"No server was running for PREFECT_HOME={home}."


def test_a_server_held_up_longer_than_its_idle_timeout_does_not_stop_before_seeing_its_requests() -> None:
    # Under load the event loop can be held up past the idle timeout while requests wait in the socket's
    # backlog; the server used to stop on waking, failing the command waiting for it (seen in CI).
    async def nothing(scope: Any, receive: Any, send: Any) -> None:
        return None

    app = Activity(nothing)
    server = SimpleNamespace(started=True, should_exit=False)

    async def scenario() -> tuple[bool, bool]:
        watchdog = asyncio.create_task(stop_when_idle(server, app, idle_seconds=0.4))
        await asyncio.sleep(0.05)
        time.sleep(1.0)  # the loop held up, longer than the idle timeout
        await asyncio.sleep(0.15)
        stopped_on_waking = server.should_exit
        deadline = time.monotonic() + 10
        while not server.should_exit and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        watchdog.cancel()
        return stopped_on_waking, server.should_exit

    stopped_on_waking, stopped_when_idle = asyncio.run(scenario())
    assert not stopped_on_waking
    assert stopped_when_idle  # and it still stops once idle for the timeout


def test_an_idle_server_gives_up_its_name_first_unless_a_command_is_finding_it(tmp_path: Path) -> None:
    # A server found while it shut down for idleness failed the command that found it ("the Prefect
    # server stopped while starting", seen in CI). Now it stops being findable first, and not while a
    # command holds the start lock (that command's request makes it busy again).
    alive = os.open(tmp_path / ALIVE_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(alive, fcntl.LOCK_EX)
    _state(tmp_path, "http://127.0.0.1:9/api", os.getpid())
    name = SharedName(alive, tmp_path / STATE_FILE)
    with _flock(tmp_path / START_LOCK):  # a command finding the server
        assert not name.give_up(lambda: True)
    assert _alive(tmp_path) and (tmp_path / STATE_FILE).exists()
    assert not name.give_up(lambda: False)  # a request came meanwhile
    assert _alive(tmp_path) and (tmp_path / STATE_FILE).exists()
    assert name.give_up(lambda: True)
    assert not _alive(tmp_path) and not (tmp_path / STATE_FILE).exists()
    name.release()  # again, at the process's end: nothing left to do, no error


def test_a_server_that_may_not_give_up_its_name_keeps_serving() -> None:
    async def nothing(scope: Any, receive: Any, send: Any) -> None:
        return None

    app = Activity(nothing)
    server = SimpleNamespace(started=True, should_exit=False)
    asked: list[bool] = []

    def retire(still_idle: Any) -> bool:
        asked.append(still_idle())
        return len(asked) > 3

    async def scenario() -> None:
        watchdog = asyncio.create_task(stop_when_idle(server, app, idle_seconds=0.2, retire=retire))
        deadline = time.monotonic() + 10
        while not server.should_exit and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        watchdog.cancel()

    asyncio.run(scenario())
    assert server.should_exit and asked == [True] * 4  # asked, refused three times, then stopped


def test_finding_the_shared_server_makes_it_busy_before_the_command_imports_its_flow(tmp_path: Path) -> None:
    # The idle clock restarts with a request made while the start lock is held, so a server found near the
    # end of its idle timeout does not stop during the command's imports (seconds on a busy machine).
    home = tmp_path  # a home of its own: no real server of this module holds its alive lock
    seen: list[str] = []

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    listener = http.server.HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    alive = os.open(home / ALIVE_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(alive, fcntl.LOCK_EX)  # this process plays the server
    try:
        _state(home, f"http://127.0.0.1:{listener.server_port}/api", os.getpid())
        found = start_or_find(600, home)
        assert found.url == f"http://127.0.0.1:{listener.server_port}/api" and found.process is None
        assert seen == ["/api/health"]
    finally:
        os.close(alive)
        listener.shutdown()
