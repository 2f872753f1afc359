"""The read copy's two files take turns (warehouse.read_copies): the older is updated in place with the
blocks that changed when nothing can be reading it and its manifest describes it, and copied whole
otherwise; the public name always ends as a byte-for-byte copy of the source. A whole copy (copy_file)
asks the kernel, so a filesystem that can shares the blocks."""

from __future__ import annotations

import errno
import os
import shutil
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.sessions import open_session
from warehouse import read_copies
from warehouse.read_copies import BLOCK_BYTES, Published, copy_file, publish_copy, slot_paths

BLOCKS = 40


def _source(path: Path, blocks: int = BLOCKS) -> bytearray:
    return bytearray(_file(path, blocks * BLOCK_BYTES + 123))


def _change(path: Path, data: bytearray, *blocks: int) -> None:
    for block in blocks:
        data[block * BLOCK_BYTES : block * BLOCK_BYTES + 10] = os.urandom(10)
    path.write_bytes(data)


@pytest.fixture
def two_copies(tmp_path: Path) -> tuple[Path, Path, bytearray]:
    """A source, its public copy's path and its bytes, published twice: both copies exist, each with its
    manifest."""
    source, public = tmp_path / "w.duckdb", tmp_path / "w.read.duckdb"
    data = _source(source)
    _publish(source, public)
    _publish(source, public)
    return source, public, data


def _publish(source: Path, public: Path) -> Published:
    published = publish_copy(source, public)
    assert public.read_bytes() == source.read_bytes()
    assert public.stat().st_mtime_ns == source.stat().st_mtime_ns  # the stamp the next publish compares
    return published


def test_the_older_copy_is_updated_with_the_changed_blocks_only(tmp_path: Path) -> None:
    source, public = tmp_path / "w.duckdb", tmp_path / "w.read.duckdb"
    data = _source(source)
    first = _publish(source, public)
    assert first == Published(len(data), "no earlier copy to update")
    _change(source, data, 3)
    second = _publish(source, public)  # the other copy does not exist yet
    assert second.whole_copy_reason == "no earlier copy to update"
    _change(source, data, 7, 30)
    third = _publish(source, public)
    # The first copy is two publishes old: blocks 3, 7 and 30 changed since.
    assert third == Published(3 * BLOCK_BYTES)
    older, newer = slot_paths(public)
    assert os.path.samefile(public, older) and not os.path.samefile(public, newer)
    _change(source, data, 30)
    assert _publish(source, public) == Published(2 * BLOCK_BYTES)  # 7 and 30 since the second copy


def test_a_source_that_grows_or_shrinks_is_copied_exactly(
    two_copies: tuple[Path, Path, bytearray],
) -> None:
    source, public, _ = two_copies
    longer = bytearray(source.read_bytes()) + os.urandom(3 * BLOCK_BYTES)
    source.write_bytes(longer)
    assert _publish(source, public).whole_copy_reason is None
    _publish(source, public)
    source.write_bytes(longer[: 5 * BLOCK_BYTES + 1])
    assert _publish(source, public).whole_copy_reason is None
    source.write_bytes(b"")
    assert _publish(source, public).written_bytes == 0


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda copy: read_copies._manifest_path(copy).unlink(), "no earlier copy to update"),
        (lambda copy: copy.write_bytes(b"edited"), "the earlier copy changed since it was written"),
        (
            lambda copy: read_copies._manifest_path(copy).write_bytes(b'{"format": 0}\n'),
            "the earlier copy's manifest is of another format",
        ),
        # Whatever else lies in a manifest's place: never trusted, never a failed run.
        (
            lambda copy: read_copies._manifest_path(copy).write_bytes(b"[1, 2]\n"),
            "the earlier copy's manifest is of another format",
        ),
        (
            lambda copy: read_copies._manifest_path(copy).write_bytes(b"\xff\xfe\x00garbage"),
            "no earlier copy to update",
        ),
        (
            lambda copy: read_copies._manifest_path(copy).write_bytes(b'{"format": 1, "block_bytes": '),
            "no earlier copy to update",
        ),
    ],
)
def test_an_older_copy_its_manifest_does_not_describe_is_copied_whole(
    two_copies: tuple[Path, Path, bytearray], spoil: object, reason: str
) -> None:
    source, public, data = two_copies
    spoil(slot_paths(public)[0])  # type: ignore[operator]
    _change(source, data, 1)
    assert _publish(source, public) == Published(len(data), reason)


def test_after_a_restart_the_older_copy_is_copied_whole(
    two_copies: tuple[Path, Path, bytearray], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, public, data = two_copies
    boot = tmp_path / "boot_id"
    boot.write_text("another boot\n")
    monkeypatch.setattr(read_copies, "_BOOT_ID", boot)
    _change(source, data, 1)
    assert _publish(source, public).whole_copy_reason == "the machine restarted since the earlier copy"
    _change(source, data, 2)
    _publish(source, public)
    _change(source, data, 5)
    assert _publish(source, public) == Published(2 * BLOCK_BYTES)  # since this boot's copies: in place


def test_a_crash_while_updating_leaves_a_copy_that_is_copied_whole_next_time(
    two_copies: tuple[Path, Path, bytearray], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, public, data = two_copies
    shown = public.read_bytes()
    _change(source, data, 2, 9)
    real_pwrite = os.pwrite
    writes: list[int] = []

    def crash_after_one(handle: int, block: bytes, offset: int) -> int:
        if writes:
            raise OSError("the process died here")
        writes.append(offset)
        return real_pwrite(handle, block, offset)

    monkeypatch.setattr(os, "pwrite", crash_after_one)
    with pytest.raises(OSError, match="died"):
        publish_copy(source, public)
    monkeypatch.setattr(os, "pwrite", real_pwrite)
    assert public.read_bytes() == shown  # readers still see the previous copy, whole
    assert _publish(source, public).whole_copy_reason == "no earlier copy to update"


# Holds a DuckDB session on the file it is given until it reads a line, then counts again.
READER = textwrap.dedent(
    """
    import sys, duckdb
    session = duckdb.connect(sys.argv[1], read_only=True)
    count = lambda: session.execute("SELECT count(*) FROM notes").fetchone()[0]
    print(count(), flush=True)
    sys.stdin.readline()
    print(count(), flush=True)
    """
)


def _notes(path: Path, count: int) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS notes (note VARCHAR)")
        connection.execute("INSERT INTO notes SELECT 'note ' || i FROM range(?) t(i)", [count])
        connection.execute("CHECKPOINT")


def test_an_older_copy_a_reader_still_holds_is_replaced_not_changed(tmp_path: Path) -> None:
    source, public = tmp_path / "w.duckdb", tmp_path / "w.read.duckdb"
    _notes(source, 1000)
    _publish(source, public)
    reader = open_session(READER, str(public))
    try:
        assert reader.stdout is not None
        assert int(reader.stdout.readline()) == 1000
        _notes(source, 50_000)
        _publish(source, public)  # into the other copy: the reader's is now the older
        _notes(source, 50_000)
        published = _publish(source, public)
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert published.whole_copy_reason == "a reader holds the older copy"
    assert reader.returncode == 0, err
    assert int(out) == 1000  # the reader's session read its own snapshot throughout
    with duckdb.connect(str(public), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM notes").fetchone() == (101_000,)


def test_an_older_copy_this_process_has_open_is_replaced_not_changed(tmp_path: Path) -> None:
    source, public = tmp_path / "w.duckdb", tmp_path / "w.read.duckdb"
    _notes(source, 10)
    _publish(source, public)
    with duckdb.connect(str(public), read_only=True) as session:
        _notes(source, 10)
        _publish(source, public)
        _notes(source, 10)
        assert _publish(source, public).whole_copy_reason == "this process has the older copy open"
        assert session.execute("SELECT count(*) FROM notes").fetchone() == (10,)
    _notes(source, 10)
    assert _publish(source, public).whole_copy_reason is None
    with duckdb.connect(str(public), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM notes").fetchone() == (40,)


def test_a_write_that_takes_part_of_a_block_is_finished(
    two_copies: tuple[Path, Path, bytearray], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, public, data = two_copies
    real_pwrite = os.pwrite

    def in_parts(handle: int, block: bytes, offset: int) -> int:
        return real_pwrite(handle, bytes(block)[:1000], offset)

    monkeypatch.setattr(os, "pwrite", in_parts)
    _change(source, data, 4, 40)
    assert _publish(source, public) == Published(BLOCK_BYTES + 123)  # block 4, and the last one


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


@pytest.mark.parametrize("processes", [2, 3, BLOCKS + 5])
def test_blocks_hashed_by_several_processes_have_the_digests_of_one(tmp_path: Path, processes: int) -> None:
    # 40 full blocks and a part of one: split two or three ways, the last range ends mid-block; with more
    # processes than blocks, each hashes one.
    source = tmp_path / "w.duckdb"
    _source(source)
    alone = read_copies.block_digests(source, processes=1)
    assert alone.shape == (BLOCKS + 1, 16)
    assert (read_copies.block_digests(source, processes=processes) == alone).all()


def test_an_empty_file_has_no_blocks(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    assert read_copies.block_digests(tmp_path / "empty").shape == (0, 16)


_HASHED_BY = "hashed_by"


def _recording_range_digests(path: Path, first: int, end: int) -> bytes:
    with (path.parent / _HASHED_BY).open("a") as record:
        record.write(f"{os.getpid()}\n")
    return _RANGE_DIGESTS(path, first, end)


_RANGE_DIGESTS = read_copies._range_digests


def _large_recorded_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file taken for large enough to hash in several processes, each process that hashes a range of it
    recording its pid in the file `_HASHED_BY` beside it."""
    source = tmp_path / "w.duckdb"
    _source(source)
    monkeypatch.setattr(read_copies, "_range_digests", _recording_range_digests)
    monkeypatch.setattr(read_copies, "PARALLEL_BYTES", BLOCK_BYTES)
    return source


def test_a_large_file_is_hashed_by_one_process_per_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _large_recorded_source(tmp_path, monkeypatch)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    read_copies.block_digests(source)
    hashed_by = (tmp_path / _HASHED_BY).read_text().split()
    assert len(hashed_by) == 2 and str(os.getpid()) not in hashed_by


def test_where_the_platform_does_not_say_which_cores_a_large_file_is_hashed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _large_recorded_source(tmp_path, monkeypatch)
    monkeypatch.delattr(os, "sched_getaffinity")
    digests = read_copies.block_digests(source)
    assert (tmp_path / _HASHED_BY).read_text().split() == [str(os.getpid())]
    assert (digests == read_copies.block_digests(source, processes=1)).all()
