"""Web archive bookkeeping (migration 014): how far each archive was read, and each stored page's record.

A backfill saves an archive's progress only after the pages read up to that point are loaded, in
`save_warc_progress`; a run killed before that reads those records again, and finds their documents
stored (nothing is added twice). A finished archive is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from warehouse.batches import TIMESTAMP, insert_rows, registered
from warehouse.loads import transaction


@dataclass(frozen=True, slots=True)
class WarcProgress:
    """How far an archive was read, and what its records were so far."""

    warc_file: str
    source: str
    next_offset: int = 0
    finished: bool = False
    records: int = 0
    pages: int = 0
    off_topic: int = 0
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class WarcCaptureRow:
    """Where a stored raw document was read in an archive."""

    warc_file: str
    record_offset: int
    record_id: str
    doc_id: str
    url: str
    captured_at: datetime


def warc_progress(connection: duckdb.DuckDBPyConnection, warc_file: str) -> WarcProgress | None:
    """The saved progress of one archive, or None when no run has read from it."""
    row = connection.execute(
        """
        SELECT warc_file, source, next_offset, finished, records, pages, off_topic, rejected
        FROM warc_files
        WHERE warc_file = ?
        """,
        [warc_file],
    ).fetchone()
    return WarcProgress(*row) if row else None


def save_warc_progress(
    connection: duckdb.DuckDBPyConnection, progress: WarcProgress, run_id: str, now: datetime
) -> None:
    """Record how far the archive was read (its counts are totals over every run)."""
    connection.execute(
        """
        MERGE INTO warc_files AS w
        USING (
            SELECT ?::VARCHAR AS warc_file, ?::VARCHAR AS source, ?::BIGINT AS next_offset,
                   ?::BOOLEAN AS finished, ?::BIGINT AS records, ?::BIGINT AS pages, ?::BIGINT AS off_topic,
                   ?::BIGINT AS rejected, ?::TIMESTAMPTZ AS started_at, ?::TIMESTAMPTZ AS updated_at,
                   CASE WHEN ? THEN ?::TIMESTAMPTZ END AS finished_at, ?::VARCHAR AS run_id
        ) AS n ON w.warc_file = n.warc_file
        WHEN MATCHED THEN UPDATE SET
            source = n.source, next_offset = n.next_offset, finished = n.finished, records = n.records,
            pages = n.pages, off_topic = n.off_topic, rejected = n.rejected, updated_at = n.updated_at,
            finished_at = n.finished_at, run_id = n.run_id
        WHEN NOT MATCHED THEN INSERT (warc_file, source, next_offset, finished, records, pages, off_topic,
                                      rejected, started_at, updated_at, finished_at, run_id)
            VALUES (n.warc_file, n.source, n.next_offset, n.finished, n.records, n.pages, n.off_topic,
                    n.rejected, n.started_at, n.updated_at, n.finished_at, n.run_id)
        """,
        [
            progress.warc_file,
            progress.source,
            progress.next_offset,
            progress.finished,
            progress.records,
            progress.pages,
            progress.off_topic,
            progress.rejected,
            now,
            now,
            progress.finished,
            now,
            run_id,
        ],
    )


def save_warc_captures(
    connection: duckdb.DuckDBPyConnection, captures: Sequence[WarcCaptureRow], run_id: str
) -> None:
    """The lineage of pages about to be stored as raw documents; a record seen before is kept as it was."""
    if not captures:
        return
    rows = pa.table(
        {
            "warc_file": [c.warc_file for c in captures],
            "record_offset": pa.array([c.record_offset for c in captures], pa.int64()),
            "record_id": [c.record_id for c in captures],
            "doc_id": [c.doc_id for c in captures],
            "url": [c.url for c in captures],
            "captured_at": pa.array([c.captured_at for c in captures], TIMESTAMP),
            "run_id": [run_id] * len(captures),
        }
    )
    with transaction(connection):
        insert_rows(connection, "warc_captures", rows, skip_existing=("warc_file", "record_offset"))


def warc_captures_of(connection: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[WarcCaptureRow]:
    """The archive records the given documents were read from (a document may be in several)."""
    if not doc_ids:
        return []
    wanted = pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})
    with registered(connection, "_newsetl_warc_docs", wanted):
        rows = connection.execute(
            """
            SELECT c.warc_file, c.record_offset, c.record_id, c.doc_id, c.url, c.captured_at
            FROM warc_captures AS c
            JOIN _newsetl_warc_docs AS w ON w.doc_id = c.doc_id
            ORDER BY c.warc_file, c.record_offset
            """
        ).fetchall()
    return [WarcCaptureRow(*row) for row in rows]
