"""Throwaway PostgreSQL servers, each in a folder of its own: for the tests and flows/cluster.py.

It runs the machine's PostgreSQL binaries (the newest /usr/lib/postgresql/N/bin, else initdb on PATH) on a
data folder it creates: listening on 127.0.0.1 only, on a free port unless one is given, its unix socket
inside the data folder (never /var/run), trusting every connection from 127.0.0.1 (the superuser is
`postgres`, no password). It is a development server, not a hardened one: anyone on this machine can
connect to it as superuser.

initdb refuses to run as root, so under root (CI, containers) the folder is given to the `postgres` user
and the binaries run as that user (`runuser -u postgres`); otherwise as the current user.

    server = start_postgres(Path("/tmp/pg"))     # initdb on the first start, then pg_ctl start -w
    create_database(server, "lake")               # idempotent
    server.dsn("lake")                            # 'dbname=lake host=127.0.0.1 port=54321 user=postgres'
    server.url("prefect")                         # 'postgresql+asyncpg://postgres@127.0.0.1:54321/prefect'
    restart_postgres(server)                      # same port, same data
    stop_postgres(Path("/tmp/pg"))                # idempotent
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from transform.errors import NewsetlError

HOST = "127.0.0.1"
SUPERUSER = "postgres"
# The unprivileged account the server runs as when we are root (initdb refuses root).
SERVICE_ACCOUNT = "postgres"
LOG_NAME = "server.log"
START_TIMEOUT_SECONDS = 60
REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")


class ClusterError(NewsetlError):
    """A local server (PostgreSQL, the Prefect server, a worker) cannot be started, found or stopped.

    The message names the server, its log file when there is one, and what to do.
    """


@dataclass(frozen=True)
class PostgresServer:
    """A running PostgreSQL server started by `start_postgres`."""

    data_dir: Path
    port: int
    bin_dir: Path
    host: str = HOST
    user: str = SUPERUSER

    @property
    def log(self) -> Path:
        """The server's log file (inside its data folder)."""
        return self.data_dir / LOG_NAME

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq connection string, as psycopg and DuckDB's postgres/ducklake extensions take it."""
        return f"dbname={dbname} host={self.host} port={self.port} user={self.user}"

    def url(self, dbname: str = "postgres", driver: str = "postgresql+asyncpg") -> str:
        """A SQLAlchemy URL (what PREFECT_API_DATABASE_CONNECTION_URL takes)."""
        return f"{driver}://{self.user}@{self.host}:{self.port}/{dbname}"


def find_postgres_bin_dir(installed_under: Path = Path("/usr/lib/postgresql")) -> Path:
    """The folder of the newest PostgreSQL server binaries: <installed_under>/<N>/bin (Debian, Ubuntu),
    else the one holding `initdb` on PATH. ClusterError, saying how to install them, when there is none."""
    candidates = sorted(
        (path for path in installed_under.glob("*/bin") if _has_binaries(path)),
        key=lambda path: _version_key(path.parent.name),
        reverse=True,
    )
    if candidates:
        return candidates[0]
    on_path = shutil.which("initdb")
    if on_path and _has_binaries(Path(on_path).parent):
        return Path(on_path).parent
    raise ClusterError(
        "PostgreSQL's server binaries (initdb, pg_ctl, postgres) are not installed: none in "
        f"{installed_under}/*/bin nor on PATH. Install PostgreSQL 15 or newer "
        "(e.g. `apt-get install postgresql`) or put its bin folder on PATH."
    )


def start_postgres(
    data_dir: Path, port: int | None = None, *, durable: bool = True, bin_dir: Path | None = None
) -> PostgresServer:
    """Start the server of `data_dir` (created with initdb the first time) and return once it accepts
    connections. `port` None picks a free one. `durable=False` turns fsync off (faster, for tests; it
    takes effect when the folder is created). Already running: returns that server as it is.

    ClusterError, naming the log file, when it does not start."""
    bin_dir = bin_dir or find_postgres_bin_dir()
    data_dir = data_dir.absolute()
    running = running_postgres(data_dir, bin_dir)
    if running is not None:
        return running
    if not (data_dir / "PG_VERSION").exists():
        _initdb(data_dir, bin_dir, durable)
    server = PostgresServer(data_dir, port or free_port(), bin_dir)
    try:
        _pg_ctl(server, "start", "-o", f"-p {server.port}", "-l", str(server.log))
    except ClusterError:
        if port is None and _port_was_taken(server.log):  # another process took the free port first
            server = PostgresServer(data_dir, free_port(), bin_dir)
            _pg_ctl(server, "start", "-o", f"-p {server.port}", "-l", str(server.log))
        else:
            raise
    return server


def restart_postgres(server: PostgresServer) -> PostgresServer:
    """Stop the server (fast: open sessions are cut) and start it again on the same port and data."""
    stop_postgres(server.data_dir, server.bin_dir)
    return start_postgres(server.data_dir, server.port, bin_dir=server.bin_dir)


def stop_postgres(data_dir: Path, bin_dir: Path | None = None) -> None:
    """Stop the server of `data_dir` (fast shutdown: sessions are cut, committed data kept). Nothing to
    do when it is not running or the folder does not exist."""
    data_dir = data_dir.absolute()
    if not (data_dir / "postmaster.pid").exists():
        return
    bin_dir = bin_dir or find_postgres_bin_dir()
    server = running_postgres(data_dir, bin_dir)
    if server is not None:
        _pg_ctl(server, "stop", "-m", "fast")


def running_postgres(data_dir: Path, bin_dir: Path | None = None) -> PostgresServer | None:
    """The server running on `data_dir`, or None (no folder, stopped, or a stale postmaster.pid)."""
    pid_file = data_dir.absolute() / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    # postmaster.pid: pid, data folder, start time, port, socket folder, listen address, ...
    if len(lines) < 4 or not lines[0].strip().isdigit() or not lines[3].strip().isdigit():
        return None
    if not _pid_alive(int(lines[0])):
        return None
    return PostgresServer(data_dir.absolute(), int(lines[3]), bin_dir or find_postgres_bin_dir())


def create_database(server: PostgresServer, name: str) -> None:
    """Create database `name` on `server`; nothing to do when it exists."""
    import psycopg
    from psycopg import errors, sql

    connect = psycopg.connect(server.dsn("postgres"), autocommit=True, connect_timeout=10)
    with connect as connection, suppress(errors.DuplicateDatabase):
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def stop_postgres_when_gone(pid: int, data_dir: Path, remove: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a watchdog that stops the server of `data_dir` (then deletes `remove`) once process `pid`
    has exited: a test session killed by a timeout or SIGKILL, whose fixtures never tear down, leaves no
    server running. It exits by itself when the data folder goes first (a normal teardown)."""
    command = [sys.executable, "-m", "flows.postgres_server", str(pid), str(data_dir.absolute())]
    return subprocess.Popen(
        [*command, *([str(remove)] if remove else [])],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not stopped with the session's process group
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` of 127.0.0.1 now. As servers do (PostgreSQL, uvicorn), with
    SO_REUSEADDR: a port whose last server just stopped, its connections in TIME_WAIT, counts as free."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
        return True


def _initdb(data_dir: Path, bin_dir: Path, durable: bool) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    if any(data_dir.iterdir()):
        raise ClusterError(
            f"{data_dir} is neither empty nor a PostgreSQL data folder: pass an empty or new folder"
        )
    _give_to_service_account(data_dir)
    _run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        data_dir,
        f"initdb of {data_dir}",
    )
    # Only 127.0.0.1 (no IPv6, no other interface), and the socket in the data folder, which belongs to
    # the server's account alone.
    settings = {
        "listen_addresses": f"'{HOST}'",
        "unix_socket_directories": f"'{data_dir}'",
        "logging_collector": "off",
    }
    if not durable:
        settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
    with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# newsetl (flows/postgres_server.py)\n")
        conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
    (data_dir / "pg_hba.conf").write_text(
        "# newsetl (flows/postgres_server.py): a development server, trusted from this machine only.\n"
        "local all all trust\n"
        f"host all all {HOST}/32 trust\n",
        encoding="utf-8",
    )


def _pg_ctl(server: PostgresServer, action: str, *options: str) -> None:
    command = [str(server.bin_dir / "pg_ctl"), action, "-D", str(server.data_dir), "-w"]
    command += ["-t", str(START_TIMEOUT_SECONDS), *options]
    _run(
        command,
        server.data_dir,
        f"PostgreSQL ({action} on {server.data_dir}, port {server.port})",
        server.log,
    )


def _run(command: Sequence[str], cwd: Path, what: str, log: Path | None = None) -> None:
    """Run a PostgreSQL binary as the service account when we are root; ClusterError when it fails."""
    result = subprocess.run(
        [*_as_service_account(), *command],
        cwd=cwd,  # the account may not be allowed into ours
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return
    output = (result.stderr or result.stdout).strip()
    where = f"; the server's log is {log}" if log is not None and log.exists() else ""
    tail = _tail(log) if log is not None else ""
    raise ClusterError(
        f"{what} failed (exit {result.returncode}): {output}{where}"
        + (f"\nlast lines of the log:\n{tail}" if tail else "")
    )


def _as_service_account() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", SERVICE_ACCOUNT, "--"]


def _give_to_service_account(data_dir: Path) -> None:
    """As root, hand the new data folder to the service account and check it can reach it: every folder
    above must be open to others (o+x), which a private temporary folder is not."""
    data_dir.chmod(0o700)
    if os.geteuid() != 0:
        return
    try:
        shutil.chown(data_dir, SERVICE_ACCOUNT, SERVICE_ACCOUNT)
    except LookupError as error:
        raise ClusterError(
            f"no '{SERVICE_ACCOUNT}' user to run PostgreSQL as (initdb refuses root): create one "
            f"(`useradd --system {SERVICE_ACCOUNT}`) or run as an unprivileged user"
        ) from error
    reachable = subprocess.run([*_as_service_account(), "test", "-w", str(data_dir)], check=False)
    if reachable.returncode != 0:
        raise ClusterError(
            f"the '{SERVICE_ACCOUNT}' user cannot write {data_dir}: a folder above it is closed to other "
            "users. Open them (chmod o+x) or put the data folder elsewhere, e.g. under /tmp"
        )


def _port_was_taken(log: Path) -> bool:
    return "Address already in use" in _tail(log)


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's (the service account's, when we are not root)
        return True
    return True


def _has_binaries(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / name, os.X_OK) for name in REQUIRED_BINARIES)


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name)) or (0,)


def _watch(pid: int, data_dir: Path, remove: Path | None) -> None:
    while _pid_alive(pid) and data_dir.exists():
        time.sleep(1.0)
    if data_dir.exists():
        stop_postgres(data_dir)
        if remove is not None:
            shutil.rmtree(remove, ignore_errors=True)


if __name__ == "__main__":  # the watchdog of stop_postgres_when_gone: PID DATA_DIR [REMOVE]
    _watch(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
