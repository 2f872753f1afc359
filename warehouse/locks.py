"""One writer at a time: an advisory file lock beside the DuckDB file, naming the run that holds it.

DuckDB itself refuses a second writing process with a terse IO error; this lock lets a second run wait
for the first, then fail with a message that says who holds the file and since when.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from warehouse.connection import WarehouseBusyError, WarehouseError


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
