"""flows/background.py: what it starts in the background, it stops whole (real processes)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from flows.background import is_running, run_logged, session_alive, start_in_background, stop_sessions
from flows.postgres_server import ClusterError

# A parent that starts a child in a session of its own, as a Prefect worker starts a flow run, and prints
# the child's pid.
PARENT = """
import signal, subprocess, sys, time
if sys.argv[1] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
print(child.pid, flush=True)
time.sleep(300)
"""


def started(tmp_path: Path, mode: str) -> tuple[int, int]:
    log = tmp_path / "parent.log"
    parent = start_in_background([sys.executable, "-c", PARENT, mode], log, tmp_path, {})
    deadline = time.monotonic() + 30
    while not log.read_text().strip():
        assert time.monotonic() < deadline, "the parent never started its child"
        time.sleep(0.05)
    return parent.pid, int(log.read_text().split()[0])


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return True
    return state == "Z"


def test_stop_reaches_a_child_in_a_session_of_its_own(tmp_path: Path) -> None:
    parent, child = started(tmp_path, "polite")
    assert is_running(parent, "-c") and not gone(child)

    stop_sessions([parent], wait=10)

    assert not session_alive(parent)
    assert gone(child)


def test_what_ignores_sigterm_is_killed_after_the_wait(tmp_path: Path) -> None:
    parent, child = started(tmp_path, "stubborn")

    stop_sessions([parent], wait=2)

    assert not session_alive(parent)
    assert gone(child)


def test_is_running_checks_the_command_line(tmp_path: Path) -> None:
    parent, _ = started(tmp_path, "polite")
    try:
        assert is_running(parent, "polite")
        assert not is_running(parent, "worker")  # a reused pid is not taken for ours
    finally:
        stop_sessions([parent], wait=5)
    assert not is_running(parent, "polite")


def test_a_failing_command_names_its_log_and_its_last_lines(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "print('the reason it failed'); raise SystemExit(3)"]
    with pytest.raises(
        ClusterError, match=r"(?s)step failed \(exit 3\); see .*step\.log.*the reason it failed"
    ):
        run_logged(command, tmp_path / "step.log", tmp_path, {}, "step")
