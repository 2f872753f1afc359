"""A session held open in another process, as an analyst's `duckdb` shell holds one while loads run."""

from __future__ import annotations

import subprocess
import sys


def open_session(script: str, argument: str) -> subprocess.Popen[str]:
    """`script` (Python) run in a child process with `argument`, its stdin, stdout and stderr pipes of
    text: the test reads what it prints and writes a line when the session may go on."""
    return subprocess.Popen(
        [sys.executable, "-c", script, argument],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
