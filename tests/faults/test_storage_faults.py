"""Storage that refuses writes: a read-only place, a full disk. A clear error, and nothing half-written.

What is simulated, and how:
- read-only: a tmpfs remounted read-only when this process may mount (root with CAP_SYS_ADMIN); otherwise
  a folder and files without write permission (chmod), which does not stop root, so the test skips then.
- full disk: a tmpfs shrunk to leave 256 KB free, then given a larger batch, when this process may mount;
  and, everywhere, a child process under RLIMIT_FSIZE (no file may be written past 128 KB: writes fail
  with EFBIG, as on a full disk, SIGXFSZ being ignored).
After each failure the warehouse file must open, pass the integrity check and hold the same rows as before;
once the storage is writable again, a rerun loads everything.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.faults.conftest import (
    Child,
    Ledger,
    integrity,
    jsonl_uris,
    lost_rows,
    raw_uris,
    write_news,
)
from warehouse.connection import WarehouseError
from warehouse.integrity import IntegrityReport

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe = Path(f"/tmp/newsetl-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)], capture_output=True
        )
        if mounted.returncode != 0:
            return False
        subprocess.run(["umount", str(probe)], check=True)
        return True
    finally:
        probe.rmdir()


CAN_MOUNT = _can_mount()


def _mount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", options, "-t", "tmpfs", "tmpfs", str(folder)], check=True)


def _remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB tmpfs mounted for the test (unmounted after)."""
    if not CAN_MOUNT:
        pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)")
    folder = tmp_path / "disk"
    folder.mkdir()
    _mount(folder, "size=64m")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _whole(before: IntegrityReport, after: IntegrityReport, batch: int = 0) -> None:
    """Nothing half-written: the outcomes are as before, and the failed batch is stored whole or not at all.

    Raw documents are stored in a transaction of their own before processing, so a failure later in the
    run may leave the whole batch stored and pending (the next run processes it), never part of it.
    """
    assert after.ok, after.describe()
    assert (after.articles, after.duplicates, after.rejected_documents) == (
        before.articles,
        before.duplicates,
        before.rejected_documents,
    )
    assert after.raw_documents in (before.raw_documents, before.raw_documents + batch)
    assert after.pending == after.raw_documents - before.raw_documents


def _make_read_only(folder: Path) -> None:
    if CAN_MOUNT:
        _remount(folder, "ro")
        return
    for entry in folder.iterdir():
        entry.chmod(stat.S_IRUSR | stat.S_IRGRP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)


def test_a_read_only_warehouse_is_a_clear_error_and_stays_whole(tmp_path: Path, ledger: Ledger) -> None:
    if not CAN_MOUNT and os.geteuid() == 0:
        pytest.skip("root ignores file permissions and cannot mount here: no read-only storage to test")
    folder = tmp_path / "disk"
    folder.mkdir()
    if CAN_MOUNT:
        _mount(folder, "size=64m")
    try:
        first = write_news(tmp_path / "first", 10, seed=6, name="first.jsonl")
        write_news(tmp_path / "second", 10, seed=7, name="second.jsonl")
        db = folder / "warehouse.duckdb"
        ingest([str(tmp_path / "first")], db=str(db))
        before = integrity(db)
        _make_read_only(folder)

        # An existing warehouse on read-only storage.
        # A clear error that says what to do, not a bare OSError from the lock file.
        with pytest.raises(
            WarehouseError, match=r"(Read-only file system|Permission denied).*--db"
        ) as raised:
            ingest([str(tmp_path / "second")], db=str(db), lock_wait_seconds=0)
        assert str(folder) in str(raised.value)
        _whole(before, integrity(db))
        # A new warehouse that cannot be created there: nothing is left behind.
        with pytest.raises(WarehouseError, match=r"Read-only file system|Permission denied"):
            ingest([str(tmp_path / "second")], db=str(folder / "new.duckdb"), lock_wait_seconds=0)
        assert not (folder / "new.duckdb").exists()
        ledger.record(inputs=first, lost=lost_rows(jsonl_uris(tmp_path / "first" / "first.jsonl"), db))
    finally:
        if CAN_MOUNT:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        else:
            folder.chmod(stat.S_IRWXU)


def test_a_full_disk_is_a_clear_error_and_a_rerun_with_space_loads_everything(
    tmpfs: Path, tmp_path: Path, ledger: Ledger
) -> None:
    small = write_news(tmp_path / "small", 10, seed=8, name="small.jsonl")
    big = write_news(tmp_path / "big", 80, seed=9, name="big.jsonl", words=400)
    db = tmpfs / "warehouse.duckdb"
    ingest([str(tmp_path / "small")], db=str(db))
    before = integrity(db)
    # Leave 256 KB free: the batch (about 300 KB of JSON) no longer fits.
    disk = os.statvfs(tmpfs)
    _remount(tmpfs, f"size={(disk.f_blocks - disk.f_bfree) * disk.f_frsize // 1024 + 256}k")

    with pytest.raises(Exception, match="No space left on device"):
        ingest([str(tmp_path / "big")], db=str(db))
    _whole(before, integrity(db), big)

    _remount(tmpfs, "size=256m")
    ingest([str(tmp_path / "big")], db=str(db))
    expected = jsonl_uris(tmp_path / "small" / "small.jsonl") | jsonl_uris(tmp_path / "big" / "big.jsonl")
    assert raw_uris(db) == expected
    report = integrity(db)
    assert report.ok and report.pending == 0, report.describe()
    ledger.record(inputs=small + big, lost=lost_rows(expected, db))


def test_a_file_size_limit_is_a_clear_error_and_leaves_the_warehouse_whole(
    tmp_path: Path, db_path: Path, child_env: dict[str, str], ledger: Ledger
) -> None:
    small = write_news(tmp_path / "small", 10, seed=10, name="small.jsonl")
    big = write_news(tmp_path / "big", 80, seed=11, name="big.jsonl", words=400)
    ingest([str(tmp_path / "small")], db=str(db_path))
    before = integrity(db_path)
    # No file may grow past 128 KB: the write-ahead log of the batch (about 300 KB of JSON) cannot.
    limit = 128 * 1024

    child = Child([str(tmp_path / "big"), "--db", str(db_path), "--max-file-size", str(limit)], child_env)
    code, out, err = child.finish()
    assert code == 1, out + err
    assert "ERROR" in out
    assert "File too large" in out, out
    _whole(before, integrity(db_path), big)

    ingest([str(tmp_path / "big")], db=str(db_path))  # no limit: everything loads
    expected = jsonl_uris(tmp_path / "small" / "small.jsonl") | jsonl_uris(tmp_path / "big" / "big.jsonl")
    assert raw_uris(db_path) == expected
    assert integrity(db_path).ok
    ledger.record(inputs=small + big, lost=lost_rows(expected, db_path))
