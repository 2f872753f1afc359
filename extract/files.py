"""The local-file source: find supported files under the given paths and read them as raw documents.

A JSONL file is many documents (one per line) and a JSON array is one per element, so one broken line is
rejected alone while the good lines load.

Limits, each turning what exceeds it into one reject with the reason (nothing is half loaded):
- a file over `max_bytes` (NEWSETL_MAX_FILE_BYTES, 10 MB) is refused unread;
- a .txt or JSON document over MAX_DOCUMENT_BYTES (1 MiB, some 150,000 words, ten times a long feature)
  is refused: cleaning, analysis and dedup cost about 10 s of CPU per MB of text (a 9 MB text took
  47 s and 640 MB through `newsetl ingest`). HTML pages are bounded by `max_bytes` only: markup is
  most of their bytes;
- a .jsonl or JSON array file of more than MAX_DOCUMENTS_PER_FILE (10,000) documents is refused whole:
  split it into several files;
- JSON nested more than MAX_JSON_DEPTH (100) levels is refused (articles nest a few levels; parsing
  deeper input recursively would exhaust Python's stack).
Only regular files and folders are read: a FIFO, socket or device is refused without being opened (a
FIFO would block the read forever), and so are broken and looping symbolic links.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from transform.errors import ReadError, Reject
from transform.records import RawDocument, SourceKind, sha256_hex

CONTENT_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_DOCUMENTS_PER_FILE = 10_000
MAX_JSON_DEPTH = 100
FILE_SOURCE = "files"

# JSON strings (their brackets do not nest) and every byte but a bracket, for measuring nesting depth.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_FILE_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def discover_files(paths: Iterable[Path]) -> tuple[list[Path], list[Reject]]:
    """Every file under `paths` (folders recursively, hidden entries skipped), sorted.

    Paths that do not exist, that are not regular files or folders (a FIFO, a device, a broken or looping
    symbolic link) and files of a type newsetl does not read come back as rejects (once each), so a file
    dropped in the wrong format is reported instead of silently ignored.
    """
    found: set[Path] = set()
    rejects: dict[str, Reject] = {}
    for path in paths:
        if problem := unusable_path(path):
            rejects.setdefault(path_uri(path), Reject(path_uri(path), "discover", problem))
            continue
        if path.is_dir():
            candidates = [p for p in path.rglob("*") if not _hidden(p, path) and not p.is_dir()]
        else:
            candidates = [path]
        for candidate in candidates:
            uri = path_uri(candidate)
            if problem := unusable_path(candidate):
                rejects.setdefault(uri, Reject(uri, "discover", problem))
            elif candidate.suffix.lower() not in CONTENT_TYPES:
                reason = (
                    f"unsupported file type {candidate.suffix or '(none)'!r}: "
                    f"newsetl reads {', '.join(CONTENT_TYPES)}"
                )
                rejects.setdefault(uri, Reject(uri, "discover", reason))
            else:
                found.add(candidate.resolve())
    return sorted(found), list(rejects.values())


def unusable_path(path: Path) -> str | None:
    """Why `path` cannot be read as a file or a folder (without opening it), or None when it can."""
    try:
        info = path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop: the link never reaches a file"
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return (
                "broken symbolic link: it points to nothing"
                if path.is_symlink()
                else "no such file or folder"
            )
        return f"cannot read: {error.strerror or error}"
    if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
        return None
    return f"not a regular file ({_file_kind(info.st_mode)}): newsetl reads regular files and folders only"


def _file_kind(mode: int) -> str:
    return _FILE_KINDS.get(stat.S_IFMT(mode), "a special file")


def path_uri(path: Path) -> str:
    """The file: URI of `path` itself: its folder resolved, but not a symbolic link at its end (which
    may point to nothing, or loop)."""
    try:
        return (path.absolute().parent.resolve() / path.name).as_uri()
    except (OSError, RuntimeError):  # a loop in the folders above: Python 3.11 raises RuntimeError
        return path.absolute().as_uri()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_file(path: Path, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES) -> list[RawDocument]:
    """Read one file as raw documents. Raises ReadError when the file cannot be read at all (missing, not
    a regular file: a FIFO is refused before it is opened, so it can never block).

    What is over a limit (see the module docstring) becomes one document with no content and a
    `refused_reason`, so it is still recorded (and rejected) without being loaded whole.
    """
    uri = path.resolve().as_uri() if path.is_file() else path_uri(path)
    content_type = CONTENT_TYPES[path.suffix.lower()]
    if problem := unusable_path(path):
        raise ReadError(f"cannot read file: {problem}")
    try:
        # Non-blocking, and checked again once open: the path may have become a FIFO since.
        handle = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from error
    with handle:
        try:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ReadError(f"cannot read file: not a regular file ({_file_kind(info.st_mode)})")
            if info.st_size > max_bytes:
                reason = f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit"
                return [_refused(uri, content_type, now, _file_sha256(handle), info.st_size, reason)]
            data = handle.read()
        except OSError as error:
            raise ReadError(f"cannot read file: {error.strerror or error}") from error
    if content_type == "application/x-ndjson":
        return _split_lines(uri, data, now)
    if content_type == "application/json":
        return _split_json(uri, data, now)
    return [_checked_document(uri, content_type, data, now)]


def _document(uri: str, content_type: str, data: bytes, now: datetime) -> RawDocument:
    return RawDocument(
        source=FILE_SOURCE,
        source_kind=SourceKind.FILE,
        uri=uri,
        fetched_at=now,
        content_type=content_type,
        content=data,
        sha256=sha256_hex(data),
        size_bytes=len(data),
    )


def _checked_document(uri: str, content_type: str, data: bytes, now: datetime) -> RawDocument:
    """One document, or its refusal when it is over a per-document limit."""
    if len(data) > MAX_DOCUMENT_BYTES:
        reason = (
            f"document is {len(data):,} bytes, over the {MAX_DOCUMENT_BYTES:,}-byte limit for one article"
        )
        return _refused(uri, content_type, now, sha256_hex(data), len(data), reason)
    if content_type == "application/json" and (depth := json_depth(data)) > MAX_JSON_DEPTH:
        reason = f"JSON nested {depth:,} levels deep, over the limit of {MAX_JSON_DEPTH}"
        return _refused(uri, content_type, now, sha256_hex(data), len(data), reason)
    return _document(uri, content_type, data, now)


def _file_sha256(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _refused(uri: str, content_type: str, now: datetime, sha256: str, size: int, reason: str) -> RawDocument:
    return RawDocument(
        source=FILE_SOURCE,
        source_kind=SourceKind.FILE,
        uri=uri,
        fetched_at=now,
        content_type=content_type,
        content=None,
        sha256=sha256,
        size_bytes=size,
        refused_reason=reason,
    )


def _too_many(uri: str, content_type: str, now: datetime, data: bytes, count: int, what: str) -> RawDocument:
    reason = (
        f"file holds {count:,} {what}, over the limit of {MAX_DOCUMENTS_PER_FILE:,} documents per file: "
        "split it into several files"
    )
    return _refused(uri, content_type, now, sha256_hex(data), len(data), reason)


def _split_lines(uri: str, data: bytes, now: datetime) -> list[RawDocument]:
    lines = [(number, line) for number, line in enumerate(data.splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_DOCUMENTS_PER_FILE:
        return [_too_many(uri, "application/x-ndjson", now, data, len(lines), "lines")]
    return [
        _checked_document(f"{uri}#line={number}", "application/json", line, now) for number, line in lines
    ]


def _split_json(uri: str, data: bytes, now: datetime) -> list[RawDocument]:
    """A JSON array becomes one document per element; anything else stays one document (bad JSON included,
    so extraction rejects it with the parser's message)."""
    whole = _checked_document(uri, "application/json", data, now)
    if whole.refused_reason and len(data) <= MAX_DOCUMENT_BYTES:
        return [whole]  # nested too deep: not parsed at all
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, list):
        return [whole]
    if len(parsed) > MAX_DOCUMENTS_PER_FILE:
        return [_too_many(uri, "application/json", now, data, len(parsed), "array items")]
    return [
        _checked_document(
            f"{uri}#item={number}",
            "application/json",
            json.dumps(item, ensure_ascii=False, sort_keys=True).encode(),
            now,
        )
        for number, item in enumerate(parsed, start=1)
    ]


def json_depth(data: bytes) -> int:
    """How deep arrays and objects nest in `data` (strings skipped), without parsing it recursively."""
    brackets = data.count(b"[") + data.count(b"{")
    if brackets <= MAX_JSON_DEPTH:
        return brackets  # an upper bound, enough to know it is within the limit
    depth = deepest = 0
    for byte in _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest
