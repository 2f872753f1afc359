"""newsetl's own Prefect server: started once in the background, found by later commands, stopped when idle.

Every command that runs a flow needs a Prefect API to record the run. Without PREFECT_API_URL, Prefect's
ephemeral mode starts a server in each process: the command imports Prefect's server modules (~3 s of CPU)
only to start a subprocess that imports them again (~4.5 s) before it answers, and stops it at the end,
sometimes while it is still recording the last task runs (its "Error flushing ... events" tracebacks
then land on the user's terminal). bench/cli_latency.py measures each way.

So when no PREFECT_API_URL is configured, the first command starts this module as a server in the
background (before its own heavy imports, which the server's start then overlaps), and later commands
find it:

- found through `newsetl-server.json` in PREFECT_HOME (URL, pid); alive while it holds an flock on
  `newsetl-server.alive`, which the kernel releases however it dies, so a stale file or a reused pid is
  never taken for a server;
- started under the flock of `newsetl-server.lock`, so two commands starting at once share one;
- the command that starts it binds a port the OS picks and hands the listening socket over: the URL is
  known at once, with no race for the port, and early requests wait in the socket's backlog;
- Prefect's own app (`create_app(ephemeral=True)`): the services an ephemeral server runs (task-run
  recorder, event persister, ...), no UI, the same database in PREFECT_HOME; its output goes to
  `newsetl-server.log` there, never to a command's terminal;
- it stops itself after NEWSETL_PREFECT_SERVER_IDLE_MINUTES (default 10) without a request or an open
  connection, on `newsetl server stop`, or on SIGTERM. Stopping for idleness, it first stops being found
  (never while a command holds the start lock: a command that finds it makes a request under that lock,
  which restarts the idle clock). A server that dies fails the run it was recording (the command says
  so); the next command starts another.

With NEWSETL_PREFECT_SERVER_IDLE_MINUTES=0 a command starts a private server (not shared, not advertised)
and stops it at its end, once the server has recorded the run's task runs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

STATE_FILE = "newsetl-server.json"
START_LOCK = "newsetl-server.lock"
ALIVE_LOCK = "newsetl-server.alive"
LOG_FILE = "newsetl-server.log"
# A private server whose command was killed (SIGKILL) stops itself after this long idle.
PRIVATE_IDLE_SECONDS = 60.0
# The log is started afresh when a server starts and it is over this size.
LOG_LIMIT_BYTES = 1_000_000
FINAL_STATES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})


class ServerError(Exception):
    """newsetl's Prefect server could not be started, or stopped answering."""


@dataclass(frozen=True)
class ServerState:
    """What `newsetl-server.json` says about the shared server."""

    url: str
    pid: int
    started_at: str
    idle_seconds: float
    prefect_version: str


@dataclass
class LocalServer:
    """A Prefect server newsetl started: the shared one (found or started) or a private one."""

    url: str
    pid: int
    log: Path
    private: bool = False
    process: subprocess.Popen[bytes] | None = None

    def wait_until_healthy(self, timeout: float) -> None:
        """Return once the API answers /health; ServerError if the process died or `timeout` passed."""
        deadline = time.monotonic() + timeout
        while True:
            if _healthy(self.url, min(5.0, max(0.1, deadline - time.monotonic()))):
                return
            if not self._running():
                raise ServerError(f"the Prefect server stopped while starting; see {self.log}")
            if time.monotonic() > deadline:
                raise ServerError(f"the Prefect server at {self.url} did not answer in {timeout:.0f} s")
            time.sleep(0.05)

    def healthy(self) -> bool:
        return _healthy(self.url, 2.0)

    def wait_until_recorded(self, since: datetime, timeout: float = 10.0) -> None:
        """Wait until the server has recorded every task run of the flow runs started since `since`.

        Task runs reach the server as events, which its task-run recorder writes a little later; a server
        stopped before then loses them (and logs "Error flushing ... events"). Done when every task run
        is in a final state and their number did not change over the last poll.
        """
        import httpx

        window = {"flow_runs": {"start_time": {"after_": since.isoformat()}}}
        deadline = time.monotonic() + timeout
        previous: tuple[int, int] | None = None
        with httpx.Client(base_url=self.url, timeout=5.0) as client:
            while time.monotonic() < deadline:
                try:
                    tasks = client.post("/task_runs/filter", json=window).raise_for_status().json()
                except httpx.HTTPError:
                    return
                unfinished = sum(1 for t in tasks if (t.get("state") or {}).get("type") not in FINAL_STATES)
                now = (len(tasks), unfinished)
                if unfinished == 0 and now == previous:
                    return
                previous = now
                time.sleep(0.2)

    def _running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return _pid_running(self.pid)

    def stop(self, wait: float = 30.0) -> None:
        """SIGTERM: the server finishes its requests and writes what its services hold, then exits."""
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            return
        deadline = time.monotonic() + wait
        while _pid_running(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)


def prefect_home() -> Path:
    """PREFECT_HOME as Prefect resolves it (default ~/.prefect), without importing Prefect."""
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active profile (`prefect config set ...`), read
    without importing Prefect. A quick guess: `run_flow` checks Prefect's own settings afterwards."""
    if url := os.environ.get("PREFECT_API_URL"):
        return url
    import tomllib

    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or prefect_home() / "profiles.toml")
    try:
        document = tomllib.loads(profiles.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or document.get("active") or "ephemeral"
    value = document.get("profiles", {}).get(active, {}).get("PREFECT_API_URL")
    return value if isinstance(value, str) and value else None


def start_or_find(idle_seconds: float, home: Path | None = None) -> LocalServer:
    """The shared server of `home` if one is running, else a new one, started now (not yet answering:
    see `LocalServer.wait_until_healthy`). With `idle_seconds` 0, a private server for this command."""
    home = home or prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    if idle_seconds <= 0:
        return _spawn(home, PRIVATE_IDLE_SECONDS, shared=False)
    with _flock(home / START_LOCK):
        state = read_state(home)
        if state is not None and _alive(home):
            found = LocalServer(state.url, state.pid, home / LOG_FILE)
            if state.prefect_version == _prefect_version():
                # A request while this lock is held restarts the server's idle clock, so it does not stop
                # while this command imports its flow (seconds, on a busy machine) before its first call.
                _healthy(found.url, 5.0)
                return found
            found.stop()  # started before Prefect was upgraded: its API may not match this client
        return _spawn(home, idle_seconds, shared=True)


def find(home: Path | None = None) -> LocalServer | None:
    """The shared server of `home`, when one is alive."""
    home = home or prefect_home()
    state = read_state(home)
    if state is None or not _alive(home):
        return None
    return LocalServer(state.url, state.pid, home / LOG_FILE)


def read_state(home: Path) -> ServerState | None:
    try:
        return ServerState(**json.loads((home / STATE_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def stop_shared(home: Path | None = None, wait: float = 30.0) -> ServerState | None:
    """Stop the shared server of `home`; what its state file said, or None when none was running."""
    home = home or prefect_home()
    state = read_state(home)
    if state is None or not _alive(home):
        return None
    LocalServer(state.url, state.pid, home / LOG_FILE).stop(wait)
    return state


def _prefect_version() -> str:
    from importlib.metadata import version

    return version("prefect")


def _spawn(home: Path, idle_seconds: float, shared: bool) -> LocalServer:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)  # requests sent before the server is up wait here
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/api"
    log_path = home / LOG_FILE
    with suppress(OSError):
        if log_path.stat().st_size > LOG_LIMIT_BYTES:
            log_path.unlink()
    command = [sys.executable, "-m", "flows.prefect_server", "--listen-fd", str(listener.fileno())]
    command += ["--idle-seconds", str(idle_seconds)]
    pass_fds = [listener.fileno()]
    alive = None
    if shared:
        # The server inherits this lock and holds it for as long as it lives.
        alive = os.open(home / ALIVE_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        _lock_alive(alive, home)
        command += ["--alive-fd", str(alive), "--state", str(home / STATE_FILE)]
        pass_fds.append(alive)
    try:
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=pass_fds,
                start_new_session=True,  # not stopped by the Ctrl-C of the command that started it
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
    finally:
        listener.close()
        if alive is not None:
            os.close(alive)
    server = LocalServer(url, process.pid, log_path, private=not shared, process=process)
    if shared:
        state = ServerState(url, process.pid, datetime.now(UTC).isoformat(), idle_seconds, _prefect_version())
        _write_state(home / STATE_FILE, state)
    return server


def _write_state(path: Path, state: ServerState) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(partial, path)


def _healthy(url: str, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _pid_running(pid: int) -> bool:
    with suppress(ChildProcessError):  # not our child: nothing to reap
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # our child, and it has exited (reaped now)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive(home: Path) -> bool:
    """True while some process (the shared server) holds the alive lock of `home`."""
    import fcntl

    try:
        descriptor = os.open(home / ALIVE_LOCK, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # also releases the lock, if this process got it
    return False


def _lock_alive(descriptor: int, home: Path, wait: float = 30.0) -> None:
    """Take the alive lock for a new server; a server that is stopping may hold it a moment longer."""
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(descriptor)
                raise ServerError(
                    f"a process holds {home / ALIVE_LOCK} but {home / STATE_FILE} names no server"
                ) from None
            time.sleep(0.1)


@contextmanager
def _flock(path: Path) -> Any:
    import fcntl

    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


# The server process.

ASGIApp = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]


class Activity:
    """ASGI middleware that counts open requests and connections and notes when the last one ended."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.open = 0
        self.last = time.monotonic()

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        self.open += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.open -= 1
            self.last = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self.open else time.monotonic() - self.last


class _Serving(Protocol):
    started: bool
    should_exit: bool


Retire = Callable[[Callable[[], bool]], bool]


async def stop_when_idle(
    server: _Serving, app: Activity, idle_seconds: float, retire: Retire | None = None
) -> None:
    """Have `server` exit once `app` has seen no request or connection for `idle_seconds`, and `retire`
    (given a check that it is still idle) agrees: see `SharedName.give_up`.

    Idleness counts only while the event loop runs on time: when the loop was held up (a busy machine,
    a slow start of Prefect's services), requests may be waiting in the socket's backlog, unseen, and a
    server that stopped then failed the command waiting for it ("did not answer", "stopped while
    starting": seen in CI on two busy cores). After such a hold-up, idleness counts from its end."""
    import asyncio

    while not server.started:  # requests wait in the socket's backlog meanwhile: not idle
        await asyncio.sleep(0.1)
    app.last = time.monotonic()
    pause = min(5.0, idle_seconds / 4)
    while not server.should_exit:
        before = time.monotonic()
        await asyncio.sleep(pause)
        if time.monotonic() - before > 2 * pause:  # held up: what waited meanwhile is not seen yet
            app.last = time.monotonic()
        elif app.idle_for() > idle_seconds and _may_retire(retire, app, idle_seconds):
            _note(f"idle for {idle_seconds:.0f} s, stopping")
            server.should_exit = True


def _may_retire(retire: Retire | None, app: Activity, idle_seconds: float) -> bool:
    return retire is None or retire(lambda: app.idle_for() > idle_seconds)


class SharedName:
    """What makes a server the shared one of its PREFECT_HOME: the alive lock it holds and the state file
    naming it. A server stopping for idleness gives them up before it shuts down, not after: a command
    that found it during the shutdown (up to uvicorn's graceful timeout) used to fail with "the Prefect
    server stopped while starting" (seen in CI); now it finds no server and starts another."""

    def __init__(self, alive_fd: int | None, state: Path | None) -> None:
        self.alive_fd = alive_fd
        self.state = state

    def give_up(self, still_idle: Callable[[], bool]) -> bool:
        """Give up the name and return True, unless a command holds the start lock (it is finding this
        server, and its request will make it busy again) or `still_idle()` no longer holds."""
        import fcntl

        if self.state is None:  # a private server: nobody finds it
            return still_idle()
        start_lock = os.open(self.state.parent / START_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(start_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            if not still_idle():
                return False
            self.release()
            return True
        finally:
            os.close(start_lock)

    def release(self) -> None:
        """The lock first: a command that then finds the state file without it starts a new server, whose
        state file this one leaves alone."""
        if self.alive_fd is not None:
            os.close(self.alive_fd)
            self.alive_fd = None
        if self.state is not None:
            with suppress(OSError, ValueError, TypeError):
                if json.loads(self.state.read_text(encoding="utf-8"))["pid"] == os.getpid():
                    self.state.unlink()
            self.state = None


def serve(listen_fd: int, idle_seconds: float, alive_fd: int | None, state: Path | None) -> None:
    """Serve Prefect's API on the inherited socket until idle for `idle_seconds`, or SIGTERM/SIGINT.

    A shared server holds the alive lock (`alive_fd`) while it serves, and names itself in `state`.
    """
    _note(f"Prefect server {os.getpid()} starting, idle timeout {idle_seconds:.0f} s")
    import asyncio

    import uvicorn
    from prefect.server.api.server import create_app

    app = Activity(create_app(ephemeral=True, final=True))
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="on", log_level="warning", timeout_graceful_shutdown=10)
    )
    listener = socket.socket(fileno=listen_fd)
    name = SharedName(alive_fd, state)

    async def main() -> None:
        watchdog = asyncio.create_task(stop_when_idle(server, app, idle_seconds, name.give_up))
        try:
            await server.serve(sockets=[listener])
        finally:
            watchdog.cancel()

    # uvicorn handles SIGTERM and SIGINT itself (an orderly shutdown), then raises the signal again for
    # the handler it found: this one, so the process reaches the clean-up below instead of dying there.
    for handled in (signal.SIGTERM, signal.SIGINT):
        signal.signal(handled, lambda number, frame: None)
    try:
        asyncio.run(main())
    finally:
        name.release()  # stopped by a signal, or by an error
        _note(f"Prefect server {os.getpid()} stopped")


def _note(message: str) -> None:
    print(f"{datetime.now().astimezone():%H:%M:%S.%f} newsetl: {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="newsetl's Prefect server (started by newsetl itself).")
    parser.add_argument("--listen-fd", type=int, required=True)
    parser.add_argument("--idle-seconds", type=float, required=True)
    parser.add_argument("--alive-fd", type=int)  # held open, so the lock lasts as long as this process
    parser.add_argument("--state", type=Path)
    arguments = parser.parse_args()
    serve(arguments.listen_fd, arguments.idle_seconds, arguments.alive_fd, arguments.state)


if __name__ == "__main__":
    main()
