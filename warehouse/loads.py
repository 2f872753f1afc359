"""Writes to the warehouse. Each function that writes does so in one transaction: all or nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb

from transform.dedup import Duplicate
from transform.errors import Reject
from transform.near_duplicates import Fingerprint, MinHashScheme, NearDuplicate, band_keys
from transform.records import Article, RawDocument, SourceKind
from transform.stories import StoryAssignment, StoryFeatures


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    connection.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def start_run(
    connection: duckdb.DuckDBPyConnection, run_id: str, flow_run_id: str | None, now: datetime
) -> None:
    connection.execute(
        "INSERT INTO runs (run_id, flow_run_id, started_at, status) VALUES (?, ?, ?, 'running')"
        " ON CONFLICT (run_id) DO NOTHING",
        [run_id, flow_run_id, now],
    )


@dataclass(frozen=True, slots=True)
class RunCounts:
    documents_seen: int
    documents_new: int
    new_articles: int
    exact_duplicates: int
    rejected: int
    near_duplicates: int = 0
    new_stories: int = 0


def finish_run(
    connection: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: RunCounts, now: datetime
) -> None:
    connection.execute(
        """
        UPDATE runs
        SET finished_at = ?, status = ?, documents_seen = ?, documents_new = ?, new_articles = ?,
            exact_duplicates = ?, rejected = ?, near_duplicates = ?, new_stories = ?
        WHERE run_id = ?
        """,
        [
            now,
            status,
            counts.documents_seen,
            counts.documents_new,
            counts.new_articles,
            counts.exact_duplicates,
            counts.rejected,
            counts.near_duplicates,
            counts.new_stories,
            run_id,
        ],
    )


def store_raw_documents(
    connection: duckdb.DuckDBPyConnection, documents: Sequence[RawDocument], run_id: str
) -> int:
    """Store documents not stored yet (by doc_id), in one transaction. Returns how many were new."""
    if not documents:
        return 0
    with transaction(connection):
        before = _count(connection, "raw_documents")
        connection.executemany(
            "INSERT OR IGNORE INTO raw_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc.doc_id,
                    doc.source,
                    str(doc.source_kind),
                    doc.uri,
                    doc.fetched_at,
                    doc.content_type,
                    doc.sha256,
                    doc.size_bytes,
                    doc.content,
                    doc.refused_reason,
                    run_id,
                )
                for doc in documents
            ],
        )
        return _count(connection, "raw_documents") - before


def load_outcomes(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    now: datetime,
    articles: Sequence[tuple[Article, str]],
    duplicates: Sequence[Duplicate],
    rejects: Sequence[Reject],
    *,
    scheme: MinHashScheme | None = None,
    fingerprints: Sequence[Fingerprint] = (),
    near_duplicates: Sequence[NearDuplicate] = (),
    story_features: Sequence[StoryFeatures] = (),
    stories: Sequence[StoryAssignment] = (),
) -> None:
    """Record what became of a batch of documents, in one transaction.

    `articles` pairs each article with the extractor that produced its text. Rejects of paths that never
    became documents (no doc_id) are recorded once, not again on every rerun. Signatures (with their
    band keys under `scheme`), near-duplicates and story assignments land in the same transaction, so
    an article never exists without its dedup and story rows.
    """
    with transaction(connection):
        if fingerprints:
            assert scheme is not None, "fingerprints need the scheme that made them"
            _insert_fingerprints(connection, scheme, fingerprints)
        if near_duplicates:
            connection.executemany(
                "INSERT INTO near_duplicates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        n.article_id,
                        n.group_id,
                        n.matched_article_id,
                        n.similarity,
                        n.containment,
                        scheme.scheme_id if scheme else "",
                        now,
                        run_id,
                    )
                    for n in near_duplicates
                ],
            )
        if story_features:
            connection.executemany(
                "INSERT INTO story_features VALUES (?, ?, ?, ?, MAP(?::VARCHAR[], ?::DOUBLE[]))",
                [
                    (
                        f.article_id,
                        f.event_time,
                        sorted(f.entities),
                        sorted(f.facts),
                        list(f.terms),
                        list(f.terms.values()),
                    )
                    for f in story_features
                ],
            )
        if stories:
            connection.executemany(
                "INSERT INTO story_articles VALUES (?, ?, ?, ?, ?, ?)",
                [(s.article_id, s.story_id, s.score, s.matched_article_id, now, run_id) for s in stories],
            )
        if articles:
            connection.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        a.article_id,
                        a.doc_id,
                        a.uri,
                        a.canonical_url,
                        a.source,
                        a.title,
                        list(a.authors),
                        a.published_at,
                        a.language,
                        a.body,
                        a.body_hash,
                        a.word_count,
                        extractor,
                        now,
                        run_id,
                    )
                    for a, extractor in articles
                ],
            )
            changes = [
                (a.article_id, step, count, [d for s, d in a.audit.details if s == step])
                for a, _ in articles
                for step, count in a.audit.changes
            ]
            if changes:
                connection.executemany("INSERT INTO cleaning_changes VALUES (?, ?, ?, ?)", changes)
        if duplicates:
            connection.executemany(
                "INSERT INTO document_duplicates VALUES (?, ?, ?, ?, ?, ?)",
                [(d.doc_id, d.uri, d.article_id, str(d.match), now, run_id) for d in duplicates],
            )
        for reject in rejects:
            connection.execute(
                """
                INSERT INTO rejects
                SELECT ?, ?, ?, ?, ?, ?
                WHERE NOT EXISTS (
                    SELECT 1 FROM rejects
                    WHERE doc_id IS NULL AND ? IS NULL AND uri = ? AND stage = ? AND reason = ?
                )
                """,
                [
                    reject.doc_id,
                    reject.uri,
                    reject.stage,
                    reject.reason,
                    now,
                    run_id,
                    reject.doc_id,
                    reject.uri,
                    reject.stage,
                    reject.reason,
                ],
            )


def _insert_fingerprints(
    connection: duckdb.DuckDBPyConnection, scheme: MinHashScheme, fingerprints: Sequence[Fingerprint]
) -> None:
    connection.execute(
        "INSERT OR IGNORE INTO dedup_schemes VALUES (?, ?, ?, ?, ?, now())",
        [scheme.scheme_id, scheme.num_perm, scheme.bands, scheme.shingle_words, scheme.seed],
    )
    connection.executemany(
        "INSERT INTO article_signatures VALUES (?, ?, ?, ?, ?)",
        [
            (f.article_id, scheme.scheme_id, f.signature.tolist(), f.shingle_count, f.group_id)
            for f in fingerprints
        ],
    )
    connection.executemany(
        "INSERT INTO lsh_bands VALUES (?, ?, ?)",
        [
            (scheme.scheme_id, key, f.article_id)
            for f in fingerprints
            for key in band_keys(f.signature, scheme)
        ],
    )


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


__all__ = ["RunCounts", "SourceKind", "finish_run", "load_outcomes", "start_run", "store_raw_documents"]
