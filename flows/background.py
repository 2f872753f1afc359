"""Processes started in the background, each in a session of its own, and stopped with all they started.

flows/cluster.py runs the Prefect server and the workers this way: a worker's flow runs are its children,
so stopping the worker's session stops them too, and nothing is left behind. A recorded pid is only
trusted while the process still has the command line it was started with (pids are reused).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path

from flows.postgres_server import ClusterError

PROC = Path("/proc")


def start_in_background(
    command: Sequence[str], log: Path, cwd: Path, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """Start `command` in a new session (its pid is its group id), its output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def run_logged(
    command: Sequence[str], log: Path, cwd: Path, env: Mapping[str, str], what: str, timeout: float = 600
) -> None:
    """Run `command` to its end, its output in `log`; ClusterError naming `what` and the log (with its last
    lines) when it fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as output:
        result = subprocess.run(
            command,
            cwd=cwd,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=timeout,
        )
    if result.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-12:])
        raise ClusterError(f"{what} failed (exit {result.returncode}); see {log}:\n{tail}")


def stop_sessions(pids: Sequence[int], wait: float = 30.0) -> None:
    """Stop each of `pids` with all it started: SIGTERM to its session first, so it can stop its children
    its own way; then SIGTERM to any descendant still running (a Prefect worker starts each flow run in a
    session of its own); SIGKILL to what is left after `wait` seconds."""
    descendants = [child for pid in pids for child in _descendants(pid)]  # before they are re-parented
    for pid in pids:
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while any(map(session_alive, pids)) and time.monotonic() < deadline - wait / 2:
        time.sleep(0.2)
    leftovers = [child for child in descendants if _alive(child)]
    for child in leftovers:
        _signal(child, signal.SIGTERM)

    def running() -> list[int]:
        return [pid for pid in pids if session_alive(pid)] + [child for child in leftovers if _alive(child)]

    while running() and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in running():
        if pid in pids:
            _signal_group(pid, signal.SIGKILL)
        else:
            _signal(pid, signal.SIGKILL)
    killed = time.monotonic() + 5.0  # SIGKILL is not instant on a busy machine
    while running() and time.monotonic() < killed:
        time.sleep(0.05)
    for pid in pids:  # reap them when they are our own children
        with suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def session_alive(pgid: int) -> bool:
    """Whether a process of group `pgid` still runs (an unreaped zombie does not count)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if not PROC.is_dir():
        return True
    for stat in PROC.glob("[0-9]*/stat"):
        with suppress(OSError, IndexError, ValueError):  # gone meanwhile
            fields = stat.read_text().rsplit(")", 1)[-1].split()  # state, ppid, pgrp, ...
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def is_running(pid: int | None, *arguments: str) -> bool:
    """Whether `pid` runs and its command line still holds each of `arguments` (so it is the process we
    started, not another that got its pid). Without /proc, whether the pid runs."""
    if not pid:
        return False
    if not PROC.is_dir():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    try:
        command = Path(PROC / str(pid) / "cmdline").read_bytes().decode(errors="replace").split("\0")
        state = Path(PROC / str(pid) / "stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z" and all(argument in command for argument in arguments)


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def _signal(pid: int, signum: signal.Signals) -> None:
    """`signum` to the group `pid` leads, or to `pid` alone when it leads none."""
    if _group_of(pid) == pid:
        _signal_group(pid, signum)
    else:
        with suppress(ProcessLookupError):
            os.kill(pid, signum)


def _alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and len(fields) > 0 and fields[0] != "Z"


def _group_of(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[2]) if fields and len(fields) > 2 else None


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, pgrp, ...), or None."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return None


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children, ...), from /proc; [] without /proc."""
    children: dict[int, list[int]] = {}
    for stat in PROC.glob("[0-9]*/stat") if PROC.is_dir() else ():
        with suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[-1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = [], list(children.get(pid, []))
    while pending:
        child = pending.pop()
        found.append(child)
        pending.extend(children.get(child, []))
    return found
