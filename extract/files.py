"""The local-file source: find supported files under the given paths and read them as raw documents.

A JSONL file is many documents (one per line) and a JSON array is one per element, so one broken line is
rejected alone while the good lines load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

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
FILE_SOURCE = "files"


def discover_files(paths: Iterable[Path]) -> tuple[list[Path], list[Reject]]:
    """Every file under `paths` (folders recursively, hidden entries skipped), sorted.

    Paths that do not exist and files of a type newsetl does not read come back as rejects, so a file
    dropped in the wrong format is reported instead of silently ignored.
    """
    found: set[Path] = set()
    rejects: list[Reject] = []
    for path in paths:
        if not path.exists():
            rejects.append(Reject(path.resolve().as_uri(), "discover", "no such file or folder"))
            continue
        candidates = (
            [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)]
        )
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.suffix.lower() in CONTENT_TYPES:
                found.add(resolved)
            else:
                rejects.append(
                    Reject(
                        resolved.as_uri(),
                        "discover",
                        f"unsupported file type {resolved.suffix or '(none)'!r}: "
                        f"newsetl reads {', '.join(CONTENT_TYPES)}",
                    )
                )
    return sorted(found), rejects


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_file(path: Path, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES) -> list[RawDocument]:
    """Read one file as raw documents. Raises ReadError when the file cannot be read at all.

    A file over `max_bytes` becomes one document with no content and a `refused_reason`, so it is still
    recorded (and rejected) without being loaded into memory.
    """
    uri = path.resolve().as_uri()
    content_type = CONTENT_TYPES[path.suffix.lower()]
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [_refused(uri, content_type, now, path, size, max_bytes)]
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from error
    if content_type == "application/x-ndjson":
        return list(_split_lines(uri, data, now))
    if content_type == "application/json":
        return list(_split_json_array(uri, data, now))
    return [_document(uri, content_type, data, now)]


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


def _refused(
    uri: str, content_type: str, now: datetime, path: Path, size: int, max_bytes: int
) -> RawDocument:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return RawDocument(
        source=FILE_SOURCE,
        source_kind=SourceKind.FILE,
        uri=uri,
        fetched_at=now,
        content_type=content_type,
        content=None,
        sha256=digest.hexdigest(),
        size_bytes=size,
        refused_reason=f"file is {size:,} bytes, over the {max_bytes:,}-byte limit",
    )


def _split_lines(uri: str, data: bytes, now: datetime) -> Iterator[RawDocument]:
    for number, line in enumerate(data.splitlines(), start=1):
        if line.strip():
            yield _document(f"{uri}#line={number}", "application/json", line, now)


def _split_json_array(uri: str, data: bytes, now: datetime) -> Iterator[RawDocument]:
    """A JSON array becomes one document per element; anything else stays one document (bad JSON included,
    so extraction rejects it with the parser's message)."""
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        parsed = None
    if not isinstance(parsed, list):
        yield _document(uri, "application/json", data, now)
        return
    for number, item in enumerate(parsed, start=1):
        element = json.dumps(item, ensure_ascii=False, sort_keys=True).encode()
        yield _document(f"{uri}#item={number}", "application/json", element, now)
