"""How long `newsetl ingest` takes from the shell, each way it can reach a Prefect API (`cli_latency`).

A fresh process per command, as a user runs it, on two inputs: the samples again (nothing new) and one
new file. The ways, run in turns so that the load of the machine falls on all of them alike:

- `prefect-ephemeral`: Prefect's own temporary server in each process, as newsetl did before
  (flows/prefect_server.py); the command is driven through flows.cli with newsetl's server turned off;
- `private`: NEWSETL_PREFECT_SERVER_IDLE_MINUTES=0, newsetl's server started for the command, before its
  imports, and stopped at its end once it has recorded the run;
- `shared-cold`: the shared server is not running, so the command starts it (the first command of a
  session);
- `shared-warm`: the shared server is running (every later command);
- `api-url`: PREFECT_API_URL names a running server (a `prefect server start` of the user's), where
  runs send heartbeats.

Each figure is the median of the repeats: wall seconds, and CPU seconds of the command together with
the Prefect server's work for it, which depends far less on what else the machine is doing. Every run
is recorded in Prefect; the bench checks that the commands succeed.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
NEWSETL = shutil.which("newsetl", path=str(Path(sys.executable).parent)) or "newsetl"
WAYS = ("prefect-ephemeral", "private", "shared-cold", "shared-warm", "api-url")
# The CLI as it was: no server of newsetl's, so Prefect starts its temporary one in the process.
_EPHEMERAL_DRIVER = """
import sys
import flows.cli, flows.terminal
from flows.settings import apply_prefect_defaults

def no_server(settings):
    apply_prefect_defaults()
    return None

flows.cli.start_prefect_server = flows.terminal.start_prefect_server = no_server
sys.argv[0] = "newsetl"
flows.cli.main()
"""


def _server_cpu(home: Path) -> float:
    """CPU seconds the shared server of `home` has used so far (0 when none is running)."""
    from flows.prefect_server import find

    server = find(home)
    if server is None:
        return 0.0
    try:
        fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _command(way: str, arguments: list[str], env: dict[str, str], home: Path) -> tuple[float, float]:
    """One command: wall seconds, CPU seconds (the command, its children, and the shared server)."""
    from flows.prefect_server import stop_shared

    if way == "shared-cold":
        stop_shared(home)
    if way == "prefect-ephemeral":
        command = [sys.executable, "-c", _EPHEMERAL_DRIVER, *arguments]
    else:
        command = [NEWSETL, *arguments]
    if way == "private":
        env = {**env, "NEWSETL_PREFECT_SERVER_IDLE_MINUTES": "0"}
    server_before = 0.0 if way == "shared-cold" else _server_cpu(home)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=900)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{way}: {' '.join(arguments)} exited {done.returncode}: {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if way in ("shared-cold", "shared-warm", "api-url"):
        cpu += _server_cpu(home) - server_before
    return wall, cpu


def measure(repeats: int = 3, ways: tuple[str, ...] = WAYS) -> dict[str, Any]:
    """Median wall and CPU seconds of `newsetl ingest`, nothing new and one new file, for each way."""
    from flows.prefect_server import find, start_or_find, stop_shared

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        home = root / "prefect-home"
        env = {
            key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "NEWSETL_"))
        }
        env |= {
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
            "NEWSETL_PREFECT_SERVER_IDLE_MINUTES": "10",
        }
        db = str(root / "bench.duckdb")
        # Not measured: the first start on a fresh PREFECT_HOME creates Prefect's database, and the
        # first ingest loads the samples.
        done = subprocess.run([NEWSETL, "ingest", str(SAMPLES), "--db", db], env=env, capture_output=True)
        done.check_returncode()
        walls: dict[tuple[str, str], list[float]] = {}
        cpus: dict[tuple[str, str], list[float]] = {}
        for repeat in range(repeats):
            for way in ways:
                way_env = dict(env)
                if way == "api-url":
                    server = find(home) or start_or_find(600, home)
                    server.wait_until_healthy(180)
                    way_env["PREFECT_API_URL"] = server.url
                elif way == "shared-warm" and find(home) is None:
                    start_or_find(600, home).wait_until_healthy(180)
                elif way in ("prefect-ephemeral", "private"):
                    stop_shared(home)  # alone on the machine, as such a user's commands are
                new = root / f"new-{way}-{repeat}.txt"
                new.write_text(
                    f"Alibaba and Apple, {way} {repeat}\n\nQwen models reach iPhones in China ({way}, "
                    f"run {repeat}): a new document every time.",
                    encoding="utf-8",
                )
                for case, path in (("nothing_new", str(SAMPLES)), ("one_file", str(new))):
                    wall, cpu = _command(way, ["ingest", path, "--db", db], way_env, home)
                    walls.setdefault((way, case), []).append(wall)
                    cpus.setdefault((way, case), []).append(cpu)
        stop_shared(home)
    load = os.getloadavg()[0]
    return {
        "repeats": repeats,
        "load_average_after": round(load, 1),
        "ways": {
            way: {
                case: {
                    "wall_s": round(median(walls[way, case]), 2),
                    "cpu_s": round(median(cpus[way, case]), 2),
                    "wall_s_runs": [round(w, 2) for w in walls[way, case]],
                }
                for case in ("nothing_new", "one_file")
            }
            for way in ways
        },
    }


def main(quick: bool = False) -> dict[str, Any]:
    return measure(repeats=1 if quick else 3)


if __name__ == "__main__":
    import json

    print(json.dumps(main(quick="--quick" in sys.argv), indent=2))
