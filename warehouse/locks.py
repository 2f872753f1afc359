"""What a run holds while it runs. A DuckDB file: one writer at a time, by an advisory file lock beside
it naming the run that holds it (DuckDB itself refuses a second writing process with a terse IO error;
this lock lets a second run wait for the first, then fail saying who holds the file and since when).
A lake: runs in parallel, each holding a lease that says it is alive (see also
`warehouse.connection.commit_lock`, the turns writers take to decide and commit).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol, cast

from warehouse.connection import (
    Lake,
    Warehouse,
    WarehouseBusyError,
    WarehouseError,
    held_open,
    postgres_session,
)


def lock_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def writer_lock(db_path: Path | str, holder: str, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's writer lock for the block, waiting up to `wait_seconds` for it.

    Raises WarehouseBusyError naming the current holder when the wait runs out.
    """
    path = lock_path(db_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
    except OSError as error:
        raise WarehouseError(
            f"cannot write beside {db_path} ({error.strerror}): "
            "choose a writable place with --db or NEWSETL_DB"
        ) from error
    with handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    held_by = handle.read().strip() or "another process"
                    raise WarehouseBusyError(
                        f"{db_path} is being written by {held_by}; waited {wait_seconds:g} s. "
                        "Let that run finish, or raise the wait (--lock-wait / NEWSETL_LOCK_WAIT_SECONDS)."
                    ) from None
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
        handle.seek(0)
        handle.truncate()
        handle.write(f"run {holder} (pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC)")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def run_guard(warehouse: Warehouse, holder: str, wait_seconds: float = 0.0) -> Iterator[None]:
    """What a run holds from its start to its end. On a DuckDB file, the writer lock (one run at a time)
    and the file itself, open once for the run (`held_open`). On a lake, the run's lease: runs go on in
    parallel (taking turns at the commit lock to decide and commit), and each can tell whether a run
    left 'running' is still alive (`live_runs`)."""
    if warehouse.lake is None:
        with writer_lock(warehouse.path, holder, wait_seconds), held_open(warehouse):
            yield
        return
    lease = _take_lease(warehouse.lake, holder)
    try:
        yield
    finally:
        lease.close()


def live_runs(warehouse: Warehouse, run_ids: Sequence[str]) -> set[str]:
    """Which of these runs (marked 'running') are still alive. On a DuckDB file none other than the
    caller's can be (it holds the writer lock); on a lake, those whose lease is held: a process that dies
    drops its lease (its file lock, or its PostgreSQL session)."""
    lake = warehouse.lake
    if lake is None or not run_ids:
        return set()
    if lake.catalog_file is not None:
        alive = set()
        for run_id in run_ids:
            path = _lease_file(lake, run_id)
            if not path.exists():
                continue
            with path.open("a+", encoding="utf-8") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    alive.add(run_id)
                    continue
            path.unlink(missing_ok=True)  # the run is gone: so is its lease
        return alive
    with postgres_session(lake) as session:
        alive = set()
        for run_id in run_ids:
            row = session.execute("SELECT pg_try_advisory_lock(%s)", [_lease_key(run_id)]).fetchone()
            if row and row[0]:
                session.execute("SELECT pg_advisory_unlock(%s)", [_lease_key(run_id)])
            else:
                alive.add(run_id)
        return alive


class _Lease(Protocol):
    def close(self) -> None: ...


def _take_lease(lake: Lake, run_id: str) -> _Lease:
    if lake.catalog_file is not None:
        path = _lease_file(lake, run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
        fcntl.flock(handle, fcntl.LOCK_EX)
        return _FileLease(handle, path)
    session = postgres_session(lake)
    session.execute("SELECT pg_advisory_lock(%s)", [_lease_key(run_id)])
    return cast(_Lease, session)


@dataclass
class _FileLease:
    handle: IO[str]
    path: Path

    def close(self) -> None:
        self.path.unlink(missing_ok=True)
        self.handle.close()


def _lease_file(lake: Lake, run_id: str) -> Path:
    assert lake.catalog_file is not None
    name = hashlib.sha256(run_id.encode()).hexdigest()[:32]
    return lake.catalog_file.with_name(lake.catalog_file.name + ".runs") / f"{name}.lease"


def _lease_key(run_id: str) -> int:
    """The run's advisory lock key (a signed 64-bit number; 'news' keys the commit lock)."""
    return int.from_bytes(hashlib.sha256(run_id.encode()).digest()[:8], "big", signed=True)
