"""A local team cluster in one command: `python -m flows.cluster up|down|status` (`make cluster-up`, `make
cluster-down`). What a team runs on several machines, on this one, on 127.0.0.1 only:

    PostgreSQL          one server, two databases: `prefect` (the Prefect server's) and `lake` (the
                        DuckLake catalog of the warehouse)
    Prefect server      on that PostgreSQL, with its UI
    work pool           `newsetl` (process), holding the deployments of prefect.yaml (`prefect deploy --all`)
    two workers         `prefect worker start --pool newsetl`, each running its flow runs as processes that
                        write to the lake: NEWSETL_DB=ducklake:postgres:..., files in .cluster/lake/

Everything lives in the state folder (default `.cluster/` in the checkout): `state.json` (ports, pids),
`postgres/` (the data folder, its log server.log), `prefect/` (PREFECT_HOME), `lake/` (the lake's Parquet
files), `logs/` (Prefect server, deploy, lake init, one log per worker). `up` starts what is not running and
deploys again; `down` stops workers, then the Prefect server, then PostgreSQL, and keeps the data unless
`--wipe`. docs/cluster.md walks through it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from flows.background import run_logged, stop_sessions
from flows.cluster_prefect import (
    POOL,
    api_url,
    create_work_pool,
    deploy_all,
    healthy,
    is_prefect_process,
    prefect_env,
    prefect_executable,
    start_prefect_server,
    start_worker,
    wait_for_workers,
)
from flows.postgres_server import (
    HOST,
    ClusterError,
    PostgresServer,
    create_database,
    find_postgres_bin_dir,
    free_port,
    port_is_free,
    running_postgres,
    start_postgres,
    stop_postgres,
)

CHECKOUT = Path(__file__).resolve().parents[1]
DATABASES = ("prefect", "lake")
DEFAULT_PREFECT_PORT = 4200
DEFAULT_WORKERS = 2
Warehouse = Literal["lake", "file"]


@dataclass(frozen=True)
class ClusterLayout:
    """Where a cluster keeps its state, and the checkout its deployments and workers run from."""

    root: Path
    checkout: Path = CHECKOUT

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    @property
    def postgres(self) -> Path:
        return self.root / "postgres"

    @property
    def prefect_home(self) -> Path:
        return self.root / "prefect"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def worker_log(self, number: int) -> Path:
        return self.logs / f"worker-{number}.log"


@dataclass(frozen=True)
class ClusterState:
    """What `state.json` records: enough for `down` and `status` to find every process."""

    postgres_port: int
    prefect_port: int = 0
    prefect_pid: int | None = None
    worker_pids: tuple[int, ...] = ()
    runs_per_worker: int = 1
    warehouse: str = ""  # NEWSETL_DB of the workers
    lake_data_path: str = ""  # NEWSETL_LAKE_DATA_PATH of the workers
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def prefect_url(self) -> str:
        return f"http://{HOST}:{self.prefect_port}"

    @property
    def api_url(self) -> str:
        return api_url(self.prefect_port)


def read_state(layout: ClusterLayout) -> ClusterState | None:
    """The recorded state, or None when the cluster was never started (or its file is unreadable)."""
    try:
        data: dict[str, Any] = json.loads(layout.state_file.read_text(encoding="utf-8"))
        data["worker_pids"] = tuple(data.get("worker_pids") or ())
        return ClusterState(**data)
    except (OSError, ValueError, TypeError):
        return None


def write_state(layout: ClusterLayout, state: ClusterState) -> None:
    layout.root.mkdir(parents=True, exist_ok=True)
    temporary = layout.state_file.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")
    temporary.replace(layout.state_file)


def cluster_up(
    layout: ClusterLayout,
    *,
    workers: int = DEFAULT_WORKERS,
    runs_per_worker: int = 1,
    prefect_port: int | None = None,
    postgres_port: int | None = None,
    warehouse: Warehouse = "lake",
    say: Callable[[str], None] = print,
) -> ClusterState:
    """Start what is not running of the cluster in `layout` (PostgreSQL, Prefect server, work pool and
    deployments, workers) and return its state. ClusterError, saying what to do, when a part cannot start."""
    prefect_executable()  # missing binaries stop `up` before anything starts
    bin_dir = find_postgres_bin_dir()
    for folder in (layout.root, layout.logs, layout.lake):
        folder.mkdir(parents=True, exist_ok=True)
    layout.root.chmod(0o755)  # the postgres account (under root) needs to reach postgres/
    previous = read_state(layout)
    running_server = (
        previous.prefect_pid if previous and is_prefect_process(previous.prefect_pid, "server") else None
    )
    # Chosen first, so that a busy port stops `up` before anything starts.
    port = previous.prefect_port if previous and running_server else _prefect_port(prefect_port, previous)

    server = _start_postgres(layout, bin_dir, postgres_port, previous)
    for name in DATABASES:
        create_database(server, name)
    state = ClusterState(
        postgres_port=server.port,
        prefect_port=port,
        prefect_pid=running_server,  # a server still running stays
        warehouse=_warehouse_spec(layout, server, warehouse),
        lake_data_path=f"{layout.lake}/",
    )
    if running_server is None:
        env = prefect_env(layout.prefect_home, state.api_url)
        log = layout.logs / "prefect-server.log"
        pid = start_prefect_server(env, server.url("prefect"), state.prefect_port, log, layout.root)
        state = replace(state, prefect_pid=pid)
    write_state(layout, state)
    say(f"PostgreSQL        {HOST}:{server.port}, databases {', '.join(DATABASES)}")
    say(f"Prefect server    {state.prefect_url} (pid {state.prefect_pid})")

    env = prefect_env(layout.prefect_home, state.api_url)
    create_work_pool(env, layout.logs / "work-pool.log", layout.root)
    if warehouse == "lake":
        _initialise_lake(layout, state, env)
    deploy_all(env, layout.logs / "deploy.log", layout.checkout)
    say(f"Deployments       of prefect.yaml, in work pool {POOL!r} (process)")

    state = replace(state, runs_per_worker=runs_per_worker)
    state = replace(state, worker_pids=_start_workers(layout, state, previous, workers, env))
    write_state(layout, state)
    wait_for_workers(
        state.api_url, [(pid, layout.worker_log(n)) for n, pid in enumerate(state.worker_pids, 1)]
    )
    say(f"Workers           {len(state.worker_pids)} online, writing to {state.warehouse}")
    return state


def cluster_down(layout: ClusterLayout, *, wipe: bool = False, say: Callable[[str], None] = print) -> None:
    """Stop the workers, then the Prefect server, then PostgreSQL; with `wipe`, delete the state folder.
    Nothing to do for what is not running."""
    state = read_state(layout)
    if state is not None:
        workers = tuple(pid for pid in state.worker_pids if is_prefect_process(pid, "worker"))
        stop_sessions(workers)  # a worker's session holds its flow runs too
        say(f"Workers           stopped ({len(workers)})" if workers else "Workers           not running")
        if is_prefect_process(state.prefect_pid, "server"):
            stop_sessions((state.prefect_pid,) if state.prefect_pid else ())
            say(f"Prefect server    stopped (pid {state.prefect_pid})")
        else:
            say("Prefect server    not running")
        write_state(layout, replace(state, prefect_pid=None, worker_pids=()))
    was_running = running_postgres(layout.postgres) is not None
    stop_postgres(layout.postgres)
    say("PostgreSQL        stopped" if was_running else "PostgreSQL        not running")
    if wipe and layout.root.exists():
        shutil.rmtree(layout.root)
        say(f"Deleted           {layout.root}")


@dataclass(frozen=True)
class ClusterStatus:
    """What is up, as `status` shows it."""

    postgres: PostgresServer | None
    prefect_healthy: bool
    prefect_url: str | None
    workers_alive: tuple[int, ...]
    workers_recorded: int
    warehouse: str

    @property
    def up(self) -> bool:
        workers_up = len(self.workers_alive) == self.workers_recorded > 0
        return self.postgres is not None and self.prefect_healthy and workers_up


def cluster_status(layout: ClusterLayout) -> ClusterStatus:
    """Which parts of the cluster in `layout` are running now."""
    state = read_state(layout)
    postgres = running_postgres(layout.postgres) if layout.postgres.exists() else None
    if state is None:
        return ClusterStatus(postgres, False, None, (), 0, "")
    return ClusterStatus(
        postgres=postgres,
        prefect_healthy=is_prefect_process(state.prefect_pid, "server") and healthy(state.api_url),
        prefect_url=state.prefect_url if state.prefect_port else None,
        workers_alive=tuple(pid for pid in state.worker_pids if is_prefect_process(pid, "worker")),
        workers_recorded=len(state.worker_pids),
        warehouse=state.warehouse,
    )


def _start_postgres(
    layout: ClusterLayout, bin_dir: Path, port: int | None, previous: ClusterState | None
) -> PostgresServer:
    running = running_postgres(layout.postgres, bin_dir)
    if running is not None:
        return running
    if port and not port_is_free(port):
        raise _port_busy(port, "--postgres-port")
    if port is None and previous is not None and port_is_free(previous.postgres_port):
        port = previous.postgres_port  # the same DSN as last time, when it can be
    return start_postgres(layout.postgres, port or None, bin_dir=bin_dir)


def _warehouse_spec(layout: ClusterLayout, server: PostgresServer, warehouse: Warehouse) -> str:
    """NEWSETL_DB of the workers: the DuckLake whose catalog is the `lake` database, or a DuckDB file."""
    if warehouse == "file":
        return str(layout.root / "newsetl.duckdb")
    return f"ducklake:postgres:{server.dsn('lake')}"


def _initialise_lake(layout: ClusterLayout, state: ClusterState, env: Mapping[str, str]) -> None:
    """Create the lake's catalog once, before any worker: two processes attaching a new catalog at the same
    moment race (one fails on a duplicate key in pg_type)."""
    newsetl = Path(sys.executable).with_name("newsetl")
    # `newsetl lake init` comes with the DuckLake warehouse mode (issue 17).
    command = [str(newsetl), "lake", "init", "--db", state.warehouse]
    command += ["--lake-data-path", state.lake_data_path]
    lake_env = {**env, "NEWSETL_DB": state.warehouse, "NEWSETL_LAKE_DATA_PATH": state.lake_data_path}
    run_logged(command, layout.logs / "lake-init.log", layout.checkout, lake_env, "the lake's initialisation")


def _start_workers(
    layout: ClusterLayout,
    state: ClusterState,
    previous: ClusterState | None,
    count: int,
    env: Mapping[str, str],
) -> tuple[int, ...]:
    """The workers' pids: those of `previous` when all of its workers still run, as many, alike (same
    warehouse, same runs at once); else new ones (after stopping any left)."""
    running = [pid for pid in (previous.worker_pids if previous else ()) if is_prefect_process(pid, "worker")]
    if (
        previous
        and len(running) == len(previous.worker_pids) == count
        and (previous.warehouse, previous.runs_per_worker) == (state.warehouse, state.runs_per_worker)
    ):
        return tuple(running)
    stop_sessions(running)
    worker_env = {
        **env,  # flow runs inherit it: the checkout, and the warehouse (prefect.yaml passes no `db`)
        "NEWSETL_HOME": str(layout.checkout),
        "NEWSETL_DB": state.warehouse,
        "NEWSETL_LAKE_DATA_PATH": state.lake_data_path,
    }
    return tuple(
        start_worker(number, worker_env, layout.worker_log(number), layout.checkout, state.runs_per_worker)
        for number in range(1, count + 1)
    )


def _prefect_port(requested: int | None, previous: ClusterState | None) -> int:
    """The port asked for (busy: ClusterError; 0: a free one), else last time's or 4200 when free."""
    if requested:
        if not port_is_free(requested):
            raise _port_busy(requested, "--prefect-port")
        return requested
    if requested is None:
        for candidate in (previous.prefect_port if previous else 0, DEFAULT_PREFECT_PORT):
            if candidate and port_is_free(candidate):
                return candidate
    return free_port()


def _port_busy(port: int, option: str) -> ClusterError:
    return ClusterError(
        f"port {port} on {HOST} is in use: stop what listens there (`ss -ltnp 'sport = :{port}'` shows it) "
        f"or pass {option} 0 for a free one"
    )


# --- command line ---------------------------------------------------------------------------------------


def describe(layout: ClusterLayout, state: ClusterState) -> str:
    """What runs where, and how to use it: what `up` prints at its end."""
    here = Path.cwd()

    def shown(path: Path) -> str:
        return str(path.relative_to(here)) if path.is_relative_to(here) else str(path)

    workers = "\n".join(
        f"  worker {number}          pid {pid}, log {shown(layout.worker_log(number))}"
        for number, pid in enumerate(state.worker_pids, start=1)
    )
    return f"""
newsetl cluster is up (state in {shown(layout.root)}/state.json)
  PostgreSQL        {HOST}:{state.postgres_port}, user postgres; databases prefect and lake; \
log {shown(layout.postgres / "server.log")}
  Prefect server    {state.prefect_url} (API {state.api_url}), pid {state.prefect_pid}, \
log {shown(layout.logs / "prefect-server.log")}
  work pool         {POOL} (process): the deployments of prefect.yaml
{workers}
  warehouse         NEWSETL_DB={state.warehouse}
                    NEWSETL_LAKE_DATA_PATH={state.lake_data_path}

Open the UI:        {state.prefect_url}
Run the ingest now: PREFECT_API_URL={state.api_url} \\
                      .venv/bin/prefect deployment run 'ingest/newsetl-ingest-pool'
Stop:               make cluster-down (keeps the data; WIPE=1 deletes {shown(layout.root)} too)"""


def describe_status(layout: ClusterLayout, status: ClusterStatus) -> str:
    postgres = f"up on {HOST}:{status.postgres.port}" if status.postgres else "down"
    prefect = f"up at {status.prefect_url}" if status.prefect_healthy else "down"
    workers = f"{len(status.workers_alive)} of {status.workers_recorded} running"
    if status.workers_alive:
        workers += f" (pids {', '.join(map(str, status.workers_alive))})"
    lines = [
        f"newsetl cluster in {layout.root}: {'up' if status.up else 'not (fully) up'}",
        f"  PostgreSQL        {postgres}",
        f"  Prefect server    {prefect}",
        f"  workers           {workers}",
    ]
    if status.warehouse:
        lines.append(f"  warehouse         {status.warehouse}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m flows.cluster up|down|status`: exit 0 on success, 1 on a ClusterError (its message on
    stderr), 3 from `status` when the cluster is not fully up."""
    parser = argparse.ArgumentParser(prog="python -m flows.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--state-dir", type=Path, default=CHECKOUT / ".cluster", help="where the cluster keeps its state"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start PostgreSQL, the Prefect server, deploy, start the workers")
    up.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="how many workers (default 2)")
    up.add_argument(
        "--runs-per-worker", type=int, default=1, help="flow runs a worker runs at once (default 1)"
    )
    up.add_argument(
        "--prefect-port", type=int, help="the Prefect server's port (default 4200, else a free one; 0: free)"
    )
    up.add_argument("--postgres-port", type=int, help="PostgreSQL's port (default: as last time, else free)")
    up.add_argument(
        "--warehouse",
        choices=["lake", "file"],
        default="lake",
        help="what the workers write to: the DuckLake on PostgreSQL (default) or a DuckDB file in the state "
        "folder (one writer at a time)",
    )
    down = commands.add_parser("down", help="stop the workers, the Prefect server and PostgreSQL")
    down.add_argument("--wipe", action="store_true", help="also delete the state folder and its data")
    commands.add_parser("status", help="show what is running (exit 3 when not fully up)")
    arguments = parser.parse_args(argv)
    layout = ClusterLayout(arguments.state_dir.absolute())
    started = time.monotonic()
    try:
        if arguments.command == "up":
            state = cluster_up(
                layout,
                workers=arguments.workers,
                runs_per_worker=arguments.runs_per_worker,
                prefect_port=arguments.prefect_port,
                postgres_port=arguments.postgres_port,
                warehouse=arguments.warehouse,
            )
            print(describe(layout, state))
            print(f"\nUp in {time.monotonic() - started:.0f} s.")
        elif arguments.command == "down":
            cluster_down(layout, wipe=arguments.wipe)
            print(f"Down in {time.monotonic() - started:.0f} s.")
        else:
            status = cluster_status(layout)
            print(describe_status(layout, status))
            return 0 if status.up else 3
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        if arguments.command == "up":
            print("What did start keeps running: `make cluster-down` stops it.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
