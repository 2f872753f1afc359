"""The files of the warehouse's read copy: two copies that take turns, updated with what changed.

Copying the whole warehouse after every run costs its size (3.1 GB at 1M articles: 4.4-10 s on these
machines' ext4, where copy_file_range cannot share blocks), while a run of 1,000 articles changes about a
thirtieth of the file. A copy cannot be changed in place while a reader holds it, so there are two, in
hidden files beside the public name (data/.newsetl.read.duckdb.0 and .1), and the public name is a hard
link to the newer one. Publishing updates the older one in place, then moves the public name to it with
a rename, which never waits for a reader: one holding the other copy keeps reading it.

Which blocks changed is known without reading the copy: each copy has a manifest of its blocks' hashes
(xxh3-128, 64 KiB blocks), so publishing reads the warehouse once (3.1 GB from the page cache: 0.27 s
in one process, 0.17 s in one process per core of two) and writes only the blocks whose hash differs.
The older copy is updated in place only when nothing can be reading it (no process holds DuckDB's lock
on it, no file of this process has it open) and its manifest describes it (same file, size and time,
written since the machine last started); otherwise it is copied whole, as before, into a new file that
replaces it (a reader of the old one keeps its file).

On XFS or btrfs a whole copy may be a reflink, nearly free, and the hashing (about 0.05 s a GB) would then
cost more than it saves; not measured: these machines have ext4 only.
"""

from __future__ import annotations

import errno
import fcntl
import json
import mmap
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import xxhash

BLOCK_BYTES = 64 * 1024
# From this size a file's blocks are hashed by one forked process per core (xxhash holds the GIL, so
# threads do not help): 3.1 GB in 0.17 s on two cores against 0.27 in one process; forking costs more than
# it saves on a small file.
PARALLEL_BYTES = 256 * 2**20
_DIGEST_BYTES = 16
_MANIFEST_FORMAT = 1
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
_OPEN_FILES = Path("/proc/self/fd")


@dataclass(frozen=True, slots=True)
class Published:
    """What publishing a copy wrote: the bytes written, and why it was a whole copy when it was one."""

    written_bytes: int
    whole_copy_reason: str | None = None  # None: the older copy was updated in place


def slot_paths(public: Path) -> tuple[Path, Path]:
    """The two copies behind the public name: data/newsetl.read.duckdb -> data/.newsetl.read.duckdb.0
    and .1."""
    return public.with_name(f".{public.name}.0"), public.with_name(f".{public.name}.1")


def publish_copy(source: Path, public: Path) -> Published:
    """Make `public` a copy of `source` (which must not change meanwhile: the caller holds the writer
    lock, after a checkpoint), carrying its size and modification time."""
    target = _older_slot(public)
    status = source.stat()
    digests = block_digests(source)
    written = _update_in_place(target, source, digests, status.st_size)
    reason = None
    if isinstance(written, str):
        reason = written
        partial = target.with_name(f"{target.name}.partial")
        copy_file(source, partial)
        os.replace(partial, target)  # a reader of the old file keeps it
        written = status.st_size
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    _write_manifest(target, digests)
    _point(public, target)
    return Published(written, reason)


def block_digests(path: Path, processes: int | None = None) -> npt.NDArray[np.uint8]:
    """The xxh3-128 digest of each BLOCK_BYTES block of the file at `path`, one row of 16 bytes each:
    hashed in `processes` forked processes, by default one per core for a file of PARALLEL_BYTES or
    more, else in this process."""
    size = path.stat().st_size
    blocks = -(-size // BLOCK_BYTES)
    if processes is None:
        processes = _processes_for(size)
    processes = max(1, min(processes, blocks))
    if processes == 1:
        return _as_rows(_range_digests(path, 0, blocks))
    step = -(-blocks // processes)
    starts = range(0, blocks, step)
    try:
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = pool.map(_range_digests, [path] * len(starts), starts, [start + step for start in starts])
            return _as_rows(b"".join(parts))
    except BrokenProcessPool:  # a process killed: hashed here instead
        return _as_rows(_range_digests(path, 0, blocks))


def _processes_for(size: int) -> int:
    """One process per core this one may run on for a file of PARALLEL_BYTES or more, else one. Where the
    platform does not say which cores (no sched_getaffinity, as without /proc below), one: the copy is
    still right, only slower. `flows.pipeline.usable_cores` counts cores for the pipeline's workers; this
    layer does not import flows."""
    if size < PARALLEL_BYTES or not hasattr(os, "sched_getaffinity"):
        return 1
    return len(os.sched_getaffinity(0))


def _range_digests(path: Path, first: int, end: int) -> bytes:
    """The digests of blocks `first` to `end` (exclusive) of the file, one after the other."""
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size == 0:
            return b""
        with mmap.mmap(file.fileno(), 0, prot=mmap.PROT_READ) as mapped:
            view = memoryview(mapped)
            try:
                offsets = range(first * BLOCK_BYTES, min(end * BLOCK_BYTES, size), BLOCK_BYTES)
                return b"".join(xxhash.xxh3_128_digest(view[o : o + BLOCK_BYTES]) for o in offsets)
            finally:
                view.release()


def _as_rows(digests: bytes) -> npt.NDArray[np.uint8]:
    return np.frombuffer(digests, dtype=np.uint8).reshape(-1, _DIGEST_BYTES)


def _older_slot(public: Path) -> Path:
    """The copy the public name does not point to (the first when it points to neither)."""
    first, second = slot_paths(public)
    try:
        shown = public.stat()
        held = first.stat()
    except FileNotFoundError:
        return first
    return second if (held.st_dev, held.st_ino) == (shown.st_dev, shown.st_ino) else first


def _update_in_place(target: Path, source: Path, digests: npt.NDArray[np.uint8], size: int) -> int | str:
    """Write into `target` the blocks of `source` whose digests differ from its manifest's; the bytes
    written, or why it cannot be updated in place (then it is copied whole)."""
    known = _manifest_digests(target)
    if isinstance(known, str):
        return known
    if _open_in_this_process(target):
        return "this process has the older copy open"
    with _exclusive(target) as handle:
        if handle is None:
            return "a reader holds the older copy"
        # Without its manifest, a copy left half-updated by a crash is copied whole next time.
        _manifest_path(target).unlink()
        common = min(len(known), len(digests))
        changed = np.flatnonzero((known[:common] != digests[:common]).any(axis=1))
        blocks = [*changed.tolist(), *range(common, len(digests))]
        written = 0
        with source.open("rb") as reading:
            for block in blocks:
                offset = block * BLOCK_BYTES
                written += _write_at(handle, os.pread(reading.fileno(), BLOCK_BYTES, offset), offset)
        os.ftruncate(handle, size)
    return written


def _write_at(handle: int, data: bytes, offset: int) -> int:
    """Write all of `data` at `offset` (a write may take only part of it: a full disk, a signal)."""
    view, done = memoryview(data), 0
    while done < len(data):
        done += os.pwrite(handle, view[done:], offset + done)
    return done


def _manifest_path(copy: Path) -> Path:
    return copy.with_name(f"{copy.name}.blocks")


def _manifest_digests(copy: Path) -> npt.NDArray[np.uint8] | str:
    """The block digests the manifest of `copy` records, or why they cannot be trusted."""
    try:
        header, _, body = _manifest_path(copy).read_bytes().partition(b"\n")
        described = json.loads(header)
        status = copy.stat()
    except (FileNotFoundError, ValueError):
        return "no earlier copy to update"
    boot = _boot_id()
    if (
        not isinstance(described, dict)
        or described.get("format") != _MANIFEST_FORMAT
        or described.get("block_bytes") != BLOCK_BYTES
    ):
        return "the earlier copy's manifest is of another format"
    # A copy is written without waiting for the disk: after a machine's restart, its blocks on disk may
    # not be the ones its manifest describes.
    if boot is None or described.get("boot_id") != boot:
        return "the machine restarted since the earlier copy"
    if described.get("file") != [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns]:
        return "the earlier copy changed since it was written"
    if len(body) % _DIGEST_BYTES:
        return "the earlier copy's manifest is incomplete"
    return np.frombuffer(body, dtype=np.uint8).reshape(-1, _DIGEST_BYTES)


def _write_manifest(copy: Path, digests: npt.NDArray[np.uint8]) -> None:
    status = copy.stat()
    header = {
        "format": _MANIFEST_FORMAT,
        "block_bytes": BLOCK_BYTES,
        "boot_id": _boot_id(),
        "file": [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns],
    }
    partial = copy.with_name(f"{copy.name}.blocks.partial")
    partial.write_bytes(json.dumps(header).encode() + b"\n" + digests.tobytes())
    os.replace(partial, _manifest_path(copy))


def _boot_id() -> str | None:
    try:
        return _BOOT_ID.read_text().strip()
    except OSError:
        return None


def _open_in_this_process(path: Path) -> bool:
    """Whether a file descriptor of this process refers to `path`'s file (a DuckDB session here on the
    read copy: another process's shows as its lock, but a process never conflicts with its own locks).
    Where the process's open files cannot be listed, assume so."""
    try:
        wanted = path.stat()
        descriptors = os.listdir(_OPEN_FILES)
    except FileNotFoundError:
        return False  # no older copy: nothing to have open
    except OSError:
        return True
    for descriptor in descriptors:
        try:
            status = os.stat(_OPEN_FILES / descriptor)
        except OSError:
            continue  # closed meanwhile, or not a file
        if (status.st_dev, status.st_ino) == (wanted.st_dev, wanted.st_ino):
            return True
    return False


@contextmanager
def _exclusive(path: Path) -> Iterator[int | None]:
    """`path` open for writing under an exclusive lock of the kind DuckDB takes (fcntl), or None when
    another process holds one: a reader's session on it. Holding it keeps a new reader out meanwhile."""
    handle = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            yield None
            return
        yield handle
    finally:
        os.close(handle)  # closing releases the lock


def _point(public: Path, target: Path) -> None:
    """Make `public` name `target`'s file, atomically: a reader opening it meanwhile gets one or the
    other, never nothing (which would send it to the warehouse itself)."""
    link = public.with_name(f".{public.name}.link")
    link.unlink(missing_ok=True)
    try:
        os.link(target, link)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
            raise
        copy_file(target, link)  # a filesystem without hard links: the public name gets its own copy
        status = target.stat()
        os.utime(link, ns=(status.st_atime_ns, status.st_mtime_ns))
    os.replace(link, public)


# What copy_file_range(2) answers when it cannot copy between these two files (another filesystem, a
# kernel or filesystem without it, a seccomp filter): the copy is then shutil's.
_NO_KERNEL_COPY = frozenset(
    {errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM, errno.EBADF}
)


def copy_file(source: Path, target: Path) -> None:
    """Copy `source` to `target` with copy_file_range(2), which lets the filesystem share the blocks
    instead (a reflink on XFS and btrfs from Linux 5.3, as the kernel documents it: not measured, these
    machines have ext4) and copies in the kernel elsewhere (ext4: 0.5-1.4 s a GB here, as fast as
    shutil's sendfile, which never reflinks). Where the call is missing or refused, shutil copies."""
    try:
        with source.open("rb") as reading, target.open("wb") as writing:
            remaining = os.fstat(reading.fileno()).st_size
            while remaining > 0:
                copied = os.copy_file_range(reading.fileno(), writing.fileno(), remaining)
                if copied == 0:  # the source shrank: nothing more to copy
                    break
                remaining -= copied
        return
    except AttributeError:  # not Linux: no copy_file_range
        pass
    except OSError as error:
        if error.errno not in _NO_KERNEL_COPY:
            raise  # disk full, I/O error: shutil would fail the same way
    shutil.copyfile(source, target)
