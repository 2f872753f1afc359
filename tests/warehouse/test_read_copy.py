"""The read copy (warehouse.connection.publish_read_copy) is published again only when the warehouse
changed, and then shows the change; its copy (copy_file) asks the kernel, so a filesystem that can shares
the blocks."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse.connection import Warehouse, connect, publish_read_copy
from warehouse.read_copies import copy_file


def test_a_read_copy_is_copied_again_only_after_a_change(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    with connect(warehouse) as connection:
        connection.execute("CREATE TABLE notes (note VARCHAR)")
    first = publish_read_copy(warehouse)
    assert first.copied
    again = publish_read_copy(warehouse)
    assert not again.copied and again.path == first.path
    with connect(warehouse) as connection:
        connection.execute("INSERT INTO notes VALUES ('new')")
    changed = publish_read_copy(warehouse)
    assert changed.copied
    reader = duckdb.connect(str(changed.path), read_only=True)
    try:
        assert reader.execute("SELECT note FROM notes").fetchall() == [("new",)]
    finally:
        reader.close()


def _file(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def test_copy_file_asks_the_kernel_to_copy_so_a_filesystem_can_share_the_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _file(tmp_path / "source", 3 * 2**20 + 17)
    calls: list[int] = []
    real = os.copy_file_range

    def spy(source: int, target: int, count: int, *args: int) -> int:
        calls.append(count)
        return real(source, target, min(count, 2**20), *args)  # in parts, as the kernel may

    monkeypatch.setattr(os, "copy_file_range", spy)
    monkeypatch.setattr(shutil, "copyfile", _never)
    copy_file(tmp_path / "source", tmp_path / "target")
    assert (tmp_path / "target").read_bytes() == data
    assert len(calls) == 4


@pytest.mark.parametrize("refusal", [errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL])
def test_copy_file_falls_back_to_shutil_where_the_kernel_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusal: int
) -> None:
    data = _file(tmp_path / "source", 2**20)
    (tmp_path / "target").write_bytes(b"an older copy, longer than nothing")

    def refuse(*_: int) -> int:
        raise OSError(refusal, os.strerror(refusal))

    monkeypatch.setattr(os, "copy_file_range", refuse)
    copy_file(tmp_path / "source", tmp_path / "target")
    assert (tmp_path / "target").read_bytes() == data


def test_copy_file_does_not_hide_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _file(tmp_path / "source", 1024)

    def full(*_: int) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "copy_file_range", full)
    monkeypatch.setattr(shutil, "copyfile", _never)
    with pytest.raises(OSError, match="No space left"):
        copy_file(tmp_path / "source", tmp_path / "target")


def test_copy_file_copies_where_there_is_no_copy_file_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _file(tmp_path / "source", 4096)
    monkeypatch.delattr(os, "copy_file_range")
    copy_file(tmp_path / "source", tmp_path / "target")
    assert (tmp_path / "target").read_bytes() == data


def _never(*_: object) -> None:
    raise AssertionError("shutil.copyfile was not to be called")
