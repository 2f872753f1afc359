"""Reads from the warehouse: what is pending, what is already known, and free SQL for the CLI."""

from __future__ import annotations

import gzip
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

from transform.near_duplicates import Fingerprint
from transform.records import RawDocument, SourceKind
from transform.stories import REPORT, StoryFeatures
from transform.versions import ArticleVersion
from warehouse.batches import registered
from warehouse.connection import LAKE_NAME, is_lake, sql_string

# Shown to users after an ingest: one query that works on any warehouse.
EXAMPLE_QUERY = "SELECT title, source, word_count FROM articles ORDER BY loaded_at DESC, title LIMIT 5"


def run_rejects_query(run_id: str) -> str:
    """The query that lists a run's rejects (every column), for messages that send users to `newsetl sql`."""
    return f"FROM rejects WHERE run_id = {sql_string(run_id)}"


def run_articles_query(run_id: str) -> str:
    """The query that lists a run's new articles, for messages that send users to `newsetl sql`."""
    return f"SELECT title, canonical_url, source FROM articles WHERE run_id = {sql_string(run_id)}"


def pending_documents(
    connection: duckdb.DuckDBPyConnection, at_hand: Sequence[RawDocument] = ()
) -> list[RawDocument]:
    """Raw documents with no outcome yet: just stored, or left over by a run that stopped midway (the
    pending_documents list: a read that follows what waits, not the size of the history).

    A pending document found in `at_hand` (what the run has just read and stored) is taken from there
    rather than read back: on a run of new pages that is nearly every byte, and on a lake these reads
    happen in the run's turn at the commit lock.

    In the order runs take them: by the run that stored them, then by where they were read. A story is
    named after the first article a run gives it, so a rebuild (`newsetl reprocess`: every document
    pending at once) that took them by path alone would rename a story whose first report came from a
    path sorting after a later one's."""
    rows = connection.execute(
        """
        SELECT d.doc_id, d.source, d.fetched_at
        FROM raw_documents AS d
        LEFT JOIN runs AS r ON r.run_id = d.run_id
        WHERE d.doc_id IN (SELECT doc_id FROM pending_documents)
        ORDER BY coalesce(r.started_at, d.fetched_at), d.uri, d.fetched_at
        """
    ).fetchall()
    given = {document.doc_id: document for document in at_hand}

    def stored_as_given(doc_id: str, source: str, fetched_at: datetime) -> RawDocument | None:
        document = given.get(doc_id)
        # The same content fetched again keeps the first fetch's row: only that one is taken as read.
        same = document is not None and document.source == source and document.fetched_at == fetched_at
        return document if same else None

    found = {row[0]: stored_as_given(*row) for row in rows}
    read = _raw_documents(connection, [doc_id for doc_id, document in found.items() if document is None])
    return [found[doc_id] or read[doc_id] for doc_id in found]


def _raw_documents(connection: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, RawDocument]:
    if not doc_ids:
        return {}
    wanted = pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})
    with registered(connection, "_newsetl_docs", wanted):
        rows = connection.execute(
            """
            SELECT d.doc_id, d.source, d.source_kind, d.uri, d.fetched_at, d.content_type, d.content,
                   d.sha256, d.size_bytes, d.refused_reason, d.http_status, d.requested_url, d.etag,
                   d.last_modified, d.content_encoding
            FROM raw_documents AS d WHERE d.doc_id IN (SELECT doc_id FROM _newsetl_docs)
            """
        ).fetchall()
    return {row[0]: _raw_document(*row[1:]) for row in rows}


def attempt_counts(connection: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, int]:
    """{doc_id: how many earlier runs started processing it} for the given documents that have any."""
    wanted = pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})
    with registered(connection, "_newsetl_docs", wanted):
        rows = connection.execute(
            "SELECT doc_id, count(*) FROM processing_attempts"
            " WHERE doc_id IN (SELECT doc_id FROM _newsetl_docs) GROUP BY doc_id"
        ).fetchall()
    return {doc_id: int(count) for doc_id, count in rows}


def _raw_document(
    source: str,
    kind: str,
    uri: str,
    fetched_at: datetime,
    content_type: str,
    content: bytes | None,
    sha256: str,
    size_bytes: int,
    refused_reason: str | None,
    http_status: int | None,
    requested_url: str | None,
    etag: str | None,
    last_modified: str | None,
    content_encoding: str | None,
) -> RawDocument:
    if content is not None and content_encoding == "gzip":
        content = gzip.decompress(content)
    return RawDocument(
        source=source,
        source_kind=SourceKind(kind),
        uri=uri,
        fetched_at=fetched_at.astimezone(UTC),
        content_type=content_type,
        content=bytes(content) if content is not None else None,
        sha256=sha256,
        size_bytes=size_bytes,
        refused_reason=refused_reason,
        http_status=http_status,
        requested_url=requested_url,
        etag=etag,
        last_modified=last_modified,
    )


def http_validators(
    connection: duckdb.DuckDBPyConnection, urls: Sequence[str]
) -> dict[str, tuple[str | None, str | None]]:
    """{url: (etag, last_modified)} remembered from earlier fetches of the given URLs."""
    wanted = pa.table({"url": pa.array(list(urls), pa.string())})
    with registered(connection, "_newsetl_urls", wanted):
        rows = connection.execute(
            "SELECT url, etag, last_modified FROM http_cache WHERE url IN (SELECT url FROM _newsetl_urls)"
        ).fetchall()
    return {url: (etag, last_modified) for url, etag, last_modified in rows}


def index_validators(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None]]:
    """{url: (etag, last_modified)} of every feed, sitemap and listing page fetched before."""
    rows = connection.execute(
        "SELECT url, etag, last_modified FROM http_cache WHERE role = 'index'"
    ).fetchall()
    return {url: (etag, last_modified) for url, etag, last_modified in rows}


def stored_urls(connection: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> set[str]:
    """Those of the given URLs whose page is already stored (as a raw document, under the URL asked for or
    where it redirected, or as an article's canonical URL), so a run need not fetch them again."""
    wanted = pa.table({"url": pa.array(list(urls), pa.string())})
    with registered(connection, "_newsetl_urls", wanted):
        rows = connection.execute(
            """
            SELECT w.url FROM _newsetl_urls AS w
            WHERE EXISTS (SELECT 1 FROM raw_documents AS d WHERE d.uri = w.url OR d.requested_url = w.url)
               OR EXISTS (SELECT 1 FROM articles AS a WHERE a.canonical_url = w.url)
            """
        ).fetchall()
    return {row[0] for row in rows}


def known_articles(
    connection: duckdb.DuckDBPyConnection, canonical_urls: Sequence[str], body_hashes: Sequence[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Stored articles matching the given keys: ({canonical_url: article_id}, {body_hash: article_id}).

    Only the batch's keys are looked up: a hash join that reads the two key columns, not the articles.
    """
    keys = pa.table({"key": pa.array([*canonical_urls, *body_hashes], pa.string())})
    with registered(connection, "_newsetl_keys", keys):
        by_url = dict(
            connection.execute(
                "SELECT canonical_url, min(article_id) FROM articles"
                " WHERE canonical_url IN (SELECT key FROM _newsetl_keys) GROUP BY canonical_url"
            ).fetchall()
        )
        by_hash = dict(
            connection.execute(
                "SELECT body_hash, min(article_id) FROM articles"
                " WHERE body_hash IN (SELECT key FROM _newsetl_keys) GROUP BY body_hash"
            ).fetchall()
        )
    return by_url, by_hash


def render_query(connection: duckdb.DuckDBPyConnection, sql: str, max_rows: int = 40) -> str:
    """A query's result as a text table (DuckDB's own box rendering)."""
    relation = connection.sql(sql)
    if relation is None:  # a statement with no result set
        return "OK"
    rows = len(relation)
    if rows <= max_rows:
        return str(relation)
    return f"{relation.limit(max_rows)}\n({rows} rows, first {max_rows} shown)"


def table_counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the main tables, for summaries and integrity checks."""
    counts = {}
    for table in ("raw_documents", "articles", "document_duplicates", "rejects", "runs"):
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def learned_boilerplate(
    connection: duckdb.DuckDBPyConnection, sources: Sequence[str]
) -> dict[str, frozenset[str]]:
    """{source: its learned boilerplate lines} for the given sources (those with none are left out)."""
    wanted = pa.table({"source": pa.array(list(sources), pa.string())})
    with registered(connection, "_newsetl_sources", wanted):
        rows = connection.execute(
            "SELECT source, list(line) FROM learned_boilerplate"
            " WHERE source IN (SELECT source FROM _newsetl_sources) GROUP BY source"
        ).fetchall()
    return {source: frozenset(lines) for source, lines in rows}


def current_versions(
    connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str]
) -> dict[str, ArticleVersion]:
    """The current version of each given article."""
    wanted = pa.table({"article_id": pa.array(list(article_ids), pa.string())})
    with registered(connection, "_newsetl_articles", wanted):
        rows = connection.execute(
            """
            SELECT article_id, version, doc_id, title, body, body_hash, word_count, change_summary
            FROM article_versions
            WHERE valid_to IS NULL AND article_id IN (SELECT article_id FROM _newsetl_articles)
            """
        ).fetchall()
    return {row[0]: ArticleVersion(*row) for row in rows}


def near_duplicate_candidates(
    connection: duckdb.DuckDBPyConnection, scheme_id: str, keys_by_article: Mapping[str, Sequence[int]]
) -> dict[str, list[Fingerprint]]:
    """Stored fingerprints sharing an LSH band key with each new article (a join on the batch's keys only)."""
    pairs = [(article_id, key) for article_id, keys in keys_by_article.items() for key in keys]
    if not pairs:
        return {}
    wanted = pa.table(
        {"new_article_id": [p[0] for p in pairs], "band_key": pa.array([p[1] for p in pairs], pa.int64())}
    )
    # The band join reads only the keys and article ids of `lsh_bands` (32 rows an article: 32M at 1M
    # stored); the few matches' signatures are read after it, by id. In the same join DuckDB scanned the
    # signatures of every stored article too: 0.92 s against 0.59 + 0.06 s on a fresh connection at 1M
    # stored (1k new articles; warm, both 0.33-0.34 s). The scheme is checked on the signature (one per
    # article, written with its bands), not on each band row: a key of one scheme meeting another's only
    # by a 64-bit collision, the matches are the same.
    with registered(connection, "_newsetl_wanted", wanted):
        matches = connection.execute(
            """
            SELECT DISTINCT w.new_article_id, b.article_id
            FROM _newsetl_wanted AS w
            JOIN lsh_bands AS b ON b.band_key = w.band_key
            """
        ).fetchall()
    if not matches:
        return {}
    signatures = connection.execute(
        """
        SELECT article_id, signature, shingle_count, group_id
        FROM article_signatures
        WHERE scheme_id = ? AND article_id IN (SELECT unnest(?::VARCHAR[]))
        """,
        [scheme_id, sorted({article_id for _, article_id in matches})],
    ).fetchall()
    stored = {
        article_id: Fingerprint(article_id, np.array(sig, dtype=np.uint32), shingle_count, group_id)
        for article_id, sig, shingle_count, group_id in signatures
    }
    found: dict[str, list[Fingerprint]] = {}
    for new_article_id, article_id in sorted(matches):
        if article_id in stored:
            found.setdefault(new_article_id, []).append(stored[article_id])
    return found


def story_candidates(
    connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str]
) -> list[tuple[StoryFeatures, str]]:
    """The evidence and story of the given stored articles: the candidates the story index found for a
    batch (`warehouse.story_index.candidate_articles`), so the features read are bounded per new article,
    whatever the window or the history holds."""
    if not article_ids:
        return []
    wanted = pa.table({"article_id": pa.array(list(article_ids), pa.string())})
    with registered(connection, "_newsetl_candidates", wanted):
        table = connection.execute(
            """
            SELECT f.article_id, f.event_time, f.entities, f.facts, f.terms, f.names, f.headline, f.kind,
                   s.story_id, f.meaning, f.lead_figures
            FROM story_features AS f
            JOIN story_articles AS s ON s.article_id = f.article_id
            WHERE f.article_id IN (SELECT article_id FROM _newsetl_candidates)
            ORDER BY coalesce(f.event_time, s.joined_at), f.article_id
            """
        ).to_arrow_table()
    # Read column by column through Arrow: DuckDB's fetchall builds the lists and maps of these rows
    # about three times slower (400 candidates: 116 -> 45 ms), and this read is in a writer's turn.
    rows = zip(*(column.to_pylist() for column in table.columns), strict=True)
    return [
        (
            StoryFeatures(
                article_id,
                event_time.astimezone(UTC) if event_time else None,
                frozenset(entities),
                frozenset(facts),
                dict(terms),
                frozenset(names or ()),
                frozenset(headline or ()),
                kind or REPORT,
                meaning=meaning,
                lead_figures=frozenset(lead_figures or ()),
            ),
            story_id,
        )
        for (
            article_id,
            event_time,
            entities,
            facts,
            terms,
            names,
            headline,
            kind,
            story_id,
            meaning,
            lead_figures,
        ) in rows
    ]


def stories_of(connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> dict[str, str]:
    """{article_id: story_id} for the given stored articles."""
    wanted = pa.table({"article_id": pa.array(list(article_ids), pa.string())})
    with registered(connection, "_newsetl_articles", wanted):
        return dict(
            connection.execute(
                "SELECT article_id, story_id FROM story_articles"
                " WHERE article_id IN (SELECT article_id FROM _newsetl_articles)"
            ).fetchall()
        )


# A run's bookkeeping: no decision of deduplication reads these tables, so rows another writer added to or
# removed from them (its run's start and end, the documents it stored raw and claimed) leave a batch's
# decisions as they were. Rows changed in any other table, or a change of another kind (a table created,
# altered, dropped or compacted), make them stale.
_BOOKKEEPING = frozenset({"runs", "raw_documents", "pending_documents", "processing_attempts", "rejects"})
_ROW_CHANGES = frozenset({"tables_inserted_into", "tables_deleted_from", "inlined_insert", "inlined_delete"})


def lake_snapshot(connection: duckdb.DuckDBPyConnection) -> int | None:
    """The lake snapshot this connection's transaction reads (DuckLake fixes one per transaction); None on
    a DuckDB file, which has one writer at a time."""
    if not is_lake(connection):
        return None
    row = connection.execute(f"FROM {LAKE_NAME}.current_snapshot()").fetchone()
    return int(row[0]) if row else None


def changes_since(connection: duckdb.DuckDBPyConnection, snapshot: int) -> list[str]:
    """What other writers changed in the lake after `snapshot` that deduplication reads: the tables whose
    rows changed, and the kinds of change that are not rows (a table created, altered, compacted), sorted;
    empty when decisions made against `snapshot` still hold. Snapshots after it that maintenance expired
    meanwhile (its retention set to less than a run) are a change too: what they did is no longer known."""
    names = dict(
        connection.execute(
            "SELECT table_id::VARCHAR, table_name FROM ducklake_table_info(?)", [LAKE_NAME]
        ).fetchall()
    )
    found: set[str] = set()
    rows = connection.execute(
        "SELECT snapshot_id, changes FROM ducklake_snapshots(?) WHERE snapshot_id > ? ORDER BY snapshot_id",
        [LAKE_NAME, snapshot],
    ).fetchall()
    if [row[0] for row in rows] != list(range(snapshot + 1, snapshot + 1 + len(rows))):
        found.add("expired snapshots")
    for _, changes in rows:
        for kind, items in changes.items():
            if kind in _ROW_CHANGES:
                found |= {names.get(item, item) for item in items} - _BOOKKEEPING
            else:
                found.add(kind)
    return sorted(found)
