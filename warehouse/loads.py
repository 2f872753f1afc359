"""Writes to the warehouse. Each function that writes does so in one transaction: all or nothing.

Rows travel to DuckDB as Arrow tables, one INSERT ... SELECT per table and batch (see batches.py).
"""

from __future__ import annotations

import gzip
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa

from transform.article_rows import ArticleRows
from transform.boilerplate import LEARN_MIN_DOCS, learn_boilerplate
from transform.cleaning import RULES_VERSION
from transform.dedup import first_version
from transform.errors import Reject
from transform.near_duplicates import Fingerprint, MinHashScheme, band_key_rows
from transform.outcomes import BatchOutcome
from transform.records import Article, HttpCacheEntry, RawDocument, SourceKind
from transform.search_terms import search_document
from transform.stories import StoryFeatures, counted
from transform.story_changes import story_changes
from transform.versions import ArticleVersion
from warehouse.batches import TIMESTAMP, insert_rows, registered
from warehouse.stories import insert_story_changes
from warehouse.story_counts import add_key_counts
from warehouse.story_index import insert_story_postings


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
        "INSERT INTO runs (run_id, flow_run_id, started_at, status) SELECT $run_id, $flow_run_id, $now,"
        " 'running' WHERE NOT EXISTS (SELECT 1 FROM runs WHERE run_id = $run_id)",
        {"run_id": run_id, "flow_run_id": flow_run_id, "now": now},
    )


def run_status(connection: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The run's status (running, completed, failed, abandoned); None for a run never started."""
    row = connection.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchone()
    return str(row[0]) if row else None


def running_runs(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The runs marked 'running': live, or left so by a process that died."""
    rows = connection.execute("SELECT run_id FROM runs WHERE status = 'running'").fetchall()
    return [row[0] for row in rows]


def close_abandoned_runs(connection: duckdb.DuckDBPyConnection, dead: Sequence[str], now: datetime) -> int:
    """Mark these runs, left 'running' by a process that died, as 'abandoned' (the caller tells them from
    the live ones: `running_runs` and `warehouse.locks.live_runs`). Returns how many there were."""
    if dead:  # (a lake has no UPDATE ... RETURNING)
        connection.execute(
            "UPDATE runs SET status = 'abandoned', finished_at = $now WHERE list_contains($dead, run_id)",
            {"now": now, "dead": dead},
        )
    return len(dead)


def record_attempts(
    connection: duckdb.DuckDBPyConnection, run_id: str, doc_ids: Sequence[str], now: datetime
) -> None:
    """Remember that this run is about to process these pending documents (see processing_attempts)."""
    if not doc_ids:
        return
    rows = pa.table(
        {
            "doc_id": pa.array(list(doc_ids), pa.string()),
            "run_id": [run_id] * len(doc_ids),
            "started_at": pa.array([now] * len(doc_ids), TIMESTAMP),
        }
    )
    with transaction(connection):
        insert_rows(connection, "processing_attempts", rows, skip_existing=("doc_id", "run_id"))


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


@dataclass(frozen=True, slots=True)
class RawRows:
    """Documents as `raw_documents` rows, web pages compressed (`raw_rows`)."""

    table: pa.Table


def raw_rows(documents: Sequence[RawDocument], run_id: str) -> RawRows:
    """The rows `store_raw_documents` stores. Built before a lake's turn at the commit lock: compressing a
    web page costs ~4 ms (72 real pages of 285 KB on average: 0.28 s), which a 150-page run would
    otherwise spend holding the lock every other writer waits for."""
    return RawRows(
        pa.table(
            {
                "doc_id": pa.array([d.doc_id for d in documents], pa.string()),
                "source": pa.array([d.source for d in documents], pa.string()),
                "source_kind": pa.array([str(d.source_kind) for d in documents], pa.string()),
                "uri": pa.array([d.uri for d in documents], pa.string()),
                "fetched_at": pa.array([d.fetched_at for d in documents], TIMESTAMP),
                "content_type": pa.array([d.content_type for d in documents], pa.string()),
                "sha256": pa.array([d.sha256 for d in documents], pa.string()),
                "size_bytes": pa.array([d.size_bytes for d in documents], pa.int64()),
                "content": pa.array([_stored_content(d) for d in documents], pa.binary()),
                "content_encoding": pa.array([_content_encoding(d) for d in documents], pa.string()),
                "refused_reason": pa.array([d.refused_reason for d in documents], pa.string()),
                "run_id": pa.array([run_id] * len(documents), pa.string()),
                "http_status": pa.array([d.http_status for d in documents], pa.int32()),
                "requested_url": pa.array([d.requested_url for d in documents], pa.string()),
                "etag": pa.array([d.etag for d in documents], pa.string()),
                "last_modified": pa.array([d.last_modified for d in documents], pa.string()),
            }
        )
    )


def store_raw_documents(connection: duckdb.DuckDBPyConnection, rows: RawRows) -> int:
    """Store documents not stored yet (by doc_id), listed as pending, in one transaction. Returns how many
    were new."""
    if not rows.table.num_rows:
        return 0
    with transaction(connection):
        with registered(connection, "_newsetl_docs", rows.table.select(["doc_id"])):
            listed = connection.execute(
                """
                INSERT INTO pending_documents (doc_id)
                SELECT DISTINCT n.doc_id FROM _newsetl_docs AS n
                WHERE NOT EXISTS (SELECT 1 FROM raw_documents AS d WHERE d.doc_id = n.doc_id)
                """
            ).fetchone()
        insert_rows(connection, "raw_documents", rows.table, skip_existing=("doc_id",))
        return int(listed[0]) if listed else 0


def _content_encoding(document: RawDocument) -> str | None:
    # Web pages are mostly markup and are kept forever: compress them. Files stay as read, so an analyst
    # can look at them in SQL.
    return "gzip" if document.content and document.source_kind != SourceKind.FILE else None


def _stored_content(document: RawDocument) -> bytes | None:
    if _content_encoding(document) == "gzip" and document.content:
        return gzip.compress(document.content, compresslevel=6, mtime=0)
    return document.content


def save_http_validators(
    connection: duckdb.DuckDBPyConnection, entries: Sequence[HttpCacheEntry], run_id: str
) -> None:
    """Remember each URL's ETag/Last-Modified (latest wins), for conditional requests next run."""
    if not entries:
        return
    rows = pa.table(
        {
            "url": [e.url for e in entries],
            "etag": pa.array([e.etag for e in entries], pa.string()),
            "last_modified": pa.array([e.last_modified for e in entries], pa.string()),
            "status": pa.array([e.status for e in entries], pa.int32()),
            "fetched_at": pa.array([e.fetched_at for e in entries], TIMESTAMP),
            "run_id": [run_id] * len(entries),
            "role": [e.role for e in entries],
        }
    )
    with transaction(connection), registered(connection, "_newsetl_http", rows):
        connection.execute(
            """
            MERGE INTO http_cache AS c
            USING (
                SELECT DISTINCT ON (url) url, etag, last_modified, status, fetched_at, run_id, role
                FROM _newsetl_http ORDER BY url, fetched_at DESC
            ) AS n ON c.url = n.url
            WHEN MATCHED THEN UPDATE SET etag = n.etag, last_modified = n.last_modified,
                status = n.status, fetched_at = n.fetched_at, run_id = n.run_id, role = n.role
            WHEN NOT MATCHED THEN INSERT (url, etag, last_modified, status, fetched_at, run_id, role)
                VALUES (n.url, n.etag, n.last_modified, n.status, n.fetched_at, n.run_id, n.role)
            """
        )


def load_outcomes(
    connection: duckdb.DuckDBPyConnection, run_id: str, now: datetime, outcome: BatchOutcome
) -> None:
    """Record what became of a batch of documents, in one transaction.

    Rejects of paths that never became documents (no doc_id) are recorded once, not again on every
    rerun. Signatures (with their band keys under the outcome's scheme), near-duplicates and story
    assignments land in the same transaction, so an article never exists without its dedup and story
    rows. Their full-text index rows (`warehouse.search`) too: a load's index cost grows with its
    articles, not with the history.
    """
    articles, duplicates, rejects = outcome.articles, outcome.duplicates, outcome.rejects
    off_topic, fingerprints = outcome.off_topic, outcome.fingerprints
    near_duplicates = outcome.near_duplicates
    story_features, stories, rows = outcome.story_features, outcome.stories, outcome.rows
    line_keys, versions, scheme = outcome.line_keys, outcome.versions, outcome.scheme
    with transaction(connection):
        if articles:
            insert_rows(connection, "articles", _article_rows(articles, now, run_id))
            insert_rows(connection, "cleaning_changes", _cleaning_rows([a for a, _ in articles]))
            batch, indexed = {a.article_id for a, _ in articles}, rows.indexed()
            tokenized = [
                search_document(a.article_id, a.title, a.body)
                for a, _ in articles
                if a.article_id not in indexed
            ]
            # Deduplication kept the batch's rows alone (`Deduplicated.rows`): filtered again only when an
            # outcome brings entries of other articles.
            index_rows = rows if indexed <= batch else rows.only(batch)
            insert_index_rows(connection, index_rows + ArticleRows.of(documents=tokenized))
        _insert_versions(connection, [first_version(a) for a, _ in articles], versions, now, run_id)
        _insert_analyses(connection, rows)
        if line_keys:
            _count_lines_and_learn(connection, line_keys, now)
        if duplicates:
            insert_rows(
                connection,
                "document_duplicates",
                pa.table(
                    {
                        "doc_id": [d.doc_id for d in duplicates],
                        "uri": [d.uri for d in duplicates],
                        "article_id": [d.article_id for d in duplicates],
                        "match_kind": [str(d.match) for d in duplicates],
                        "detected_at": pa.array([now] * len(duplicates), TIMESTAMP),
                        "run_id": [run_id] * len(duplicates),
                    }
                ),
            )
        if rejects:
            _insert_rejects(connection, rejects, now, run_id)
        if off_topic:
            insert_rows(
                connection,
                "off_topic_documents",
                pa.table(
                    {
                        "doc_id": [o.doc_id for o in off_topic],
                        "uri": [o.uri for o in off_topic],
                        "source": [o.source for o in off_topic],
                        "reason": [o.reason for o in off_topic],
                        "decided_at": pa.array([now] * len(off_topic), TIMESTAMP),
                        "run_id": [run_id] * len(off_topic),
                    }
                ),
            )
        if fingerprints:
            _insert_fingerprints(connection, scheme, fingerprints)
        if near_duplicates:
            insert_rows(
                connection,
                "near_duplicates",
                pa.table(
                    {
                        "article_id": [n.article_id for n in near_duplicates],
                        "group_id": [n.group_id for n in near_duplicates],
                        "matched_article_id": [n.matched_article_id for n in near_duplicates],
                        "similarity": pa.array([n.similarity for n in near_duplicates], pa.float64()),
                        "containment": pa.array([n.containment for n in near_duplicates], pa.float64()),
                        "scheme_id": [scheme.scheme_id] * len(near_duplicates),
                        "detected_at": pa.array([now] * len(near_duplicates), TIMESTAMP),
                        "run_id": [run_id] * len(near_duplicates),
                    }
                ),
            )
        if story_features:
            _insert_story_features(connection, story_features)
            insert_story_postings(connection, story_features, now)
            add_key_counts(connection, counted(story_features))
        if stories:
            insert_rows(
                connection,
                "story_articles",
                pa.table(
                    {
                        "article_id": [s.article_id for s in stories],
                        "story_id": [s.story_id for s in stories],
                        "score": pa.array([s.score for s in stories], pa.float64()),
                        "matched_article_id": pa.array([s.matched_article_id for s in stories], pa.string()),
                        "undated": pa.array([s.undated for s in stories], pa.bool_()),
                        "continues_story": pa.array([s.overflow_of for s in stories], pa.string()),
                        "follows_story": pa.array([s.follows for s in stories], pa.string()),
                        "joined_at": pa.array([now] * len(stories), TIMESTAMP),
                        "run_id": [run_id] * len(stories),
                    }
                ),
            )
            insert_story_changes(connection, run_id, now, story_changes(stories))
        _settle(connection, outcome.settled_documents)


def _settle(connection: duckdb.DuckDBPyConnection, doc_ids: Collection[str]) -> None:
    """Take documents that now have an outcome off the pending list (in the outcome's transaction)."""
    if not doc_ids:
        return
    settled = pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())})
    with registered(connection, "_newsetl_settled", settled):
        connection.execute(
            "DELETE FROM pending_documents WHERE doc_id IN (SELECT doc_id FROM _newsetl_settled)"
        )


def insert_index_rows(connection: duckdb.DuckDBPyConnection, rows: ArticleRows) -> None:
    """Add the full-text index rows of `rows` (inside the caller's transaction): each article's length,
    and one posting per distinct term, unsorted until maintenance merges it into a segment
    (warehouse.search)."""
    if rows.search_documents.num_rows == 0:
        return
    insert_rows(connection, "search_documents", rows.search_documents)
    with registered(connection, "_newsetl_postings", rows.postings):
        connection.execute(
            """
            INSERT INTO search_postings (article_id, term, term_key, tf, doc_length)
            SELECT article_id, term, md5_number_upper(term), tf, doc_length FROM _newsetl_postings
            """
        )


def _article_rows(articles: Sequence[tuple[Article, str]], now: datetime, run_id: str) -> pa.Table:
    return pa.table(
        {
            "article_id": [a.article_id for a, _ in articles],
            "doc_id": [a.doc_id for a, _ in articles],
            "uri": [a.uri for a, _ in articles],
            "canonical_url": [a.canonical_url for a, _ in articles],
            "source": [a.source for a, _ in articles],
            "title": pa.array([a.title for a, _ in articles], pa.string()),
            "authors": pa.array([list(a.authors) for a, _ in articles], pa.list_(pa.string())),
            "published_at": pa.array([a.published_at for a, _ in articles], TIMESTAMP),
            "language": pa.array([a.language for a, _ in articles], pa.string()),
            "body": [a.body for a, _ in articles],
            "body_hash": [a.body_hash for a, _ in articles],
            "word_count": pa.array([a.word_count for a, _ in articles], pa.int32()),
            "char_count": pa.array([a.char_count for a, _ in articles], pa.int32()),
            "extractor": [extractor for _, extractor in articles],
            "cleaning_version": [RULES_VERSION] * len(articles),
            "editors": pa.array([list(a.editors) for a, _ in articles], pa.list_(pa.string())),
            "credits": pa.array([list(a.credits) for a, _ in articles], pa.list_(pa.string())),
            "loaded_at": pa.array([now] * len(articles), TIMESTAMP),
            "run_id": [run_id] * len(articles),
        }
    )


def _insert_versions(
    connection: duckdb.DuckDBPyConnection,
    firsts: Sequence[ArticleVersion],
    newer: Sequence[ArticleVersion],
    now: datetime,
    run_id: str,
) -> None:
    """Version 1 of new articles, and newer versions, each closing the version it replaces."""
    # Version 1 first: a newer version in the same batch closes it (inserted after, it stayed open too).
    insert_rows(connection, "article_versions", _version_rows(firsts, now, run_id))
    # Within one batch an article can gain several versions: each is valid until the next one.
    for version in sorted(newer, key=lambda v: (v.article_id, v.version)):
        connection.execute(
            "UPDATE article_versions SET valid_to = ? WHERE article_id = ? AND valid_to IS NULL",
            [now, version.article_id],
        )
        insert_rows(connection, "article_versions", _version_rows([version], now, run_id))


def _insert_analyses(connection: duckdb.DuckDBPyConnection, rows: ArticleRows) -> None:
    insert_rows(connection, "article_sentences", rows.sentences)
    insert_rows(connection, "entity_mentions", rows.mentions)
    insert_rows(connection, "numeric_facts", rows.facts)


def _count_lines_and_learn(
    connection: duckdb.DuckDBPyConnection, line_keys: Sequence[tuple[str, frozenset[str]]], now: datetime
) -> None:
    """Count each document's short lines per source, then learn the lines that recur in enough of them."""
    counts = pa.table(
        {
            "source": pa.array([source for source, keys in line_keys for _ in keys], pa.string()),
            "line": pa.array([line for _, keys in line_keys for line in keys], pa.string()),
        }
    )
    documents = pa.table({"source": pa.array([source for source, _ in line_keys], pa.string())})
    with registered(connection, "_newsetl_lines", counts), registered(connection, "_newsetl_docs", documents):
        connection.execute(
            """
            MERGE INTO source_line_counts AS c
            USING (SELECT source, line, count(*) AS documents FROM _newsetl_lines GROUP BY ALL) AS n
            ON c.source = n.source AND c.line = n.line
            WHEN MATCHED THEN UPDATE SET documents = c.documents + n.documents
            WHEN NOT MATCHED THEN INSERT (source, line, documents) VALUES (n.source, n.line, n.documents)
            """
        )
        connection.execute(
            """
            MERGE INTO source_documents_counted AS c
            USING (SELECT source, count(*) AS documents FROM _newsetl_docs GROUP BY ALL) AS n
            ON c.source = n.source
            WHEN MATCHED THEN UPDATE SET documents = c.documents + n.documents
            WHEN NOT MATCHED THEN INSERT (source, documents) VALUES (n.source, n.documents)
            """
        )
    sources = sorted({source for source, _ in line_keys})
    # Two reads for the batch's sources together: on a lake each statement costs catalog round trips.
    totals = dict(
        connection.execute(
            "SELECT source, documents FROM source_documents_counted WHERE list_contains($sources, source)",
            {"sources": sources},
        ).fetchall()
    )
    frequent: dict[str, dict[str, int]] = {}
    for source, line, documents in connection.execute(
        """
        SELECT source, line, documents FROM source_line_counts
        WHERE list_contains($sources, source) AND documents >= $least
        """,
        {"sources": sources, "least": LEARN_MIN_DOCS},
    ).fetchall():
        frequent.setdefault(source, {})[line] = documents
    for source in sources:
        learned = learn_boilerplate(frequent.get(source, {}), totals.get(source, 0))
        if learned:
            connection.execute(
                """
                INSERT INTO learned_boilerplate
                SELECT $source, c.line, c.documents, $now FROM source_line_counts AS c
                WHERE c.source = $source AND list_contains($lines, c.line) AND NOT EXISTS (
                    SELECT 1 FROM learned_boilerplate AS l WHERE l.source = $source AND l.line = c.line
                )
                """,
                {"source": source, "now": now, "lines": sorted(learned)},
            )


def _version_rows(versions: Sequence[ArticleVersion], now: datetime, run_id: str) -> pa.Table:
    return pa.table(
        {
            "article_id": [v.article_id for v in versions],
            "version": pa.array([v.version for v in versions], pa.int32()),
            "doc_id": [v.doc_id for v in versions],
            "title": pa.array([v.title for v in versions], pa.string()),
            "body": [v.body for v in versions],
            "body_hash": [v.body_hash for v in versions],
            "word_count": pa.array([v.word_count for v in versions], pa.int32()),
            "change_summary": pa.array([v.change_summary for v in versions], pa.string()),
            "valid_from": pa.array([now] * len(versions), TIMESTAMP),
            "run_id": [run_id] * len(versions),
        }
    )


def _cleaning_rows(articles: Sequence[Article]) -> pa.Table:
    rows = [
        (a.article_id, step, count, [d for s, d in a.audit.details if s == step])
        for a in articles
        for step, count in a.audit.changes
    ]
    return pa.table(
        {
            "article_id": pa.array([r[0] for r in rows], pa.string()),
            "step": pa.array([r[1] for r in rows], pa.string()),
            "changes": pa.array([r[2] for r in rows], pa.int32()),
            "details": pa.array([r[3] for r in rows], pa.list_(pa.string())),
        }
    )


def _insert_rejects(
    connection: duckdb.DuckDBPyConnection, rejects: Sequence[Reject], now: datetime, run_id: str
) -> None:
    rows = pa.table(
        {
            "doc_id": pa.array([r.doc_id for r in rejects], pa.string()),
            "uri": [r.uri for r in rejects],
            "stage": [r.stage for r in rejects],
            "reason": [r.reason for r in rejects],
            "rejected_at": pa.array([now] * len(rejects), TIMESTAMP),
            "run_id": [run_id] * len(rejects),
            "kind": [r.kind for r in rejects],
        }
    )
    with registered(connection, "_newsetl_rejects", rows):
        # A path that never became a document is rejected again on every run: record it once.
        connection.execute(
            """
            INSERT INTO rejects (doc_id, uri, stage, reason, rejected_at, run_id, kind)
            SELECT DISTINCT ON (coalesce(n.doc_id, ''), n.uri, n.stage, n.reason) n.*
            FROM _newsetl_rejects AS n
            WHERE n.doc_id IS NOT NULL OR NOT EXISTS (
                SELECT 1 FROM rejects AS r
                WHERE r.doc_id IS NULL AND r.uri = n.uri AND r.stage = n.stage AND r.reason = n.reason
            )
            """
        )


def _insert_fingerprints(
    connection: duckdb.DuckDBPyConnection, scheme: MinHashScheme, fingerprints: Sequence[Fingerprint]
) -> None:
    connection.execute(
        """
        INSERT INTO dedup_schemes (scheme_id, num_perm, bands, shingle_words, seed, tokens, created_at)
        SELECT $id, $num_perm, $bands, $shingle_words, $seed, $tokens, now()
        WHERE NOT EXISTS (SELECT 1 FROM dedup_schemes WHERE scheme_id = $id)
        """,
        {
            "id": scheme.scheme_id,
            "num_perm": scheme.num_perm,
            "bands": scheme.bands,
            "shingle_words": scheme.shingle_words,
            "seed": scheme.seed,
            "tokens": scheme.tokens,
        },
    )
    signatures = np.concatenate([f.signature for f in fingerprints])
    insert_rows(
        connection,
        "article_signatures",
        pa.table(
            {
                "article_id": [f.article_id for f in fingerprints],
                "scheme_id": [scheme.scheme_id] * len(fingerprints),
                "signature": pa.FixedSizeListArray.from_arrays(pa.array(signatures), scheme.num_perm),
                "shingle_count": pa.array([f.shingle_count for f in fingerprints], pa.int32()),
                "group_id": [f.group_id for f in fingerprints],
            }
        ),
    )
    keys = band_key_rows([f.signature for f in fingerprints], scheme)
    insert_rows(
        connection,
        "lsh_bands",
        pa.table(
            {
                "scheme_id": [scheme.scheme_id] * keys.size,
                "band_key": pa.array(keys.ravel(), pa.int64()),
                "article_id": [f.article_id for f in fingerprints for _ in range(scheme.bands)],
            }
        ),
    )


def _insert_story_features(connection: duckdb.DuckDBPyConnection, features: Sequence[StoryFeatures]) -> None:
    insert_rows(
        connection,
        "story_features",
        pa.table(
            {
                "article_id": [f.article_id for f in features],
                "event_time": pa.array([f.event_time for f in features], TIMESTAMP),
                "entities": pa.array([sorted(f.entities) for f in features], pa.list_(pa.string())),
                "facts": pa.array([sorted(f.facts) for f in features], pa.list_(pa.string())),
                "terms": pa.array(
                    [list(f.terms.items()) for f in features], pa.map_(pa.string(), pa.float64())
                ),
                "names": pa.array([sorted(f.names) for f in features], pa.list_(pa.string())),
                "headline": pa.array([sorted(f.headline) for f in features], pa.list_(pa.string())),
                "kind": [f.kind for f in features],
                "meaning": pa.array([f.meaning for f in features], pa.binary()),
                "lead_figures": pa.array([sorted(f.lead_figures) for f in features], pa.list_(pa.string())),
            }
        ),
    )


def documents_with_outcome(connection: duckdb.DuckDBPyConnection, doc_ids: Collection[str]) -> set[str]:
    """Which of these documents have an outcome already (an article, a version, a duplicate, a reject,
    off topic): on a lake, documents another run took over and recorded while this one worked on them."""
    if not doc_ids:
        return set()
    wanted = pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())})
    with registered(connection, "_newsetl_docs", wanted):
        rows = connection.execute(
            "SELECT DISTINCT doc_id FROM document_outcomes WHERE doc_id IN (SELECT doc_id FROM _newsetl_docs)"
        ).fetchall()
    return {row[0] for row in rows}


def claimed_documents(connection: duckdb.DuckDBPyConnection, run_ids: Collection[str]) -> set[str]:
    """The documents these runs took to process (processing_attempts): on a lake, another live run's
    claims, which this run leaves to it."""
    if not run_ids:
        return set()
    rows = connection.execute(
        "SELECT DISTINCT doc_id FROM processing_attempts WHERE list_contains($runs, run_id)",
        {"runs": sorted(run_ids)},
    ).fetchall()
    return {row[0] for row in rows}
