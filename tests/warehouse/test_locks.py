from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.connection import WarehouseBusyError
from warehouse.locks import lock_path, writer_lock

HOLD = """
import sys, time
from warehouse.locks import writer_lock
with writer_lock(sys.argv[1], holder="flow-run-A"):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_second_writer_fails_with_the_holder_named(db_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        with (
            pytest.raises(WarehouseBusyError, match=r"written by run flow-run-A \(pid \d+"),
            writer_lock(db_path, holder="flow-run-B", wait_seconds=0.6),
        ):
            pass
        assert time.monotonic() - start >= 0.5  # it waited before giving up
    finally:
        holder.communicate("")
    with writer_lock(db_path, holder="flow-run-B"):
        assert "flow-run-B" in lock_path(db_path).read_text()
    assert lock_path(db_path).read_text() == ""


def test_the_lock_is_released_when_the_block_fails(db_path: Path) -> None:
    with pytest.raises(RuntimeError), writer_lock(db_path, holder="x"):
        raise RuntimeError("boom")
    with writer_lock(db_path, holder="y"):
        pass


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    from warehouse.connection import WarehouseError

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    with (
        pytest.raises(WarehouseError, match="choose a writable place with --db"),
        writer_lock(blocker / "warehouse.duckdb", holder="x"),
    ):
        pass
