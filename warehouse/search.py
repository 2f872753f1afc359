"""Full-text search over articles with BM25, on an index kept in the warehouse's own tables.

`search_postings` (article, term, count) and `search_documents` (article, length) are written by every
load in the same transaction as the articles (`warehouse.loads.load_outcomes`), so adding articles costs
in proportion to them, never to the history, and an article is never stored without its index rows.
BM25 is SQL: the table macro `search_bm25(terms)` (migration 012), which analysts call too. The terms of
articles and queries both come from `transform.search_terms`.

Queries compare `term_key`, an integer hash of the term, and read only the row groups that can hold
their terms: rows are kept sorted by it in segments. Loads append unsorted rows (segment NULL);
maintenance (`merge_search_segments`) sorts them into a new segment, merged with the newer segments
while these are no larger than what is being merged, so there are at most about log2(rows) segments
and each row is rewritten about log2(rows) times in its life (the logarithmic method of Bentley and
Saxe). Between maintenance runs a query also reads the rows loaded since, in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from transform.article_rows import ArticleRows
from transform.search_terms import query_terms, search_document
from warehouse.connection import require_schema
from warehouse.loads import insert_index_rows, transaction


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: str
    score: float
    title: str | None
    url: str
    published_at: datetime | None
    snippet: str
    story_id: str | None = None  # the story it is in (`newsetl stories <id>`); None if it has none


# The story of each hit is looked up for the hits alone, after the limit.
SEARCH = """
WITH hits AS (
    SELECT u.article_id, s.score, u.title, u.canonical_url, u.published_at, left(u.body, 200) AS snippet
    FROM search_bm25($terms) AS s
    JOIN unique_articles AS u ON u.article_id = s.article_id
    ORDER BY s.score DESC, u.article_id
    LIMIT $limit
)
SELECT h.article_id, h.score, h.title, h.canonical_url, h.published_at, h.snippet, st.story_id
FROM hits AS h
LEFT JOIN story_articles AS st ON st.article_id = h.article_id
ORDER BY h.score DESC, h.article_id
"""


# The most hits one search returns (the CLI's --limit is checked against it).
MAX_SEARCH_LIMIT = 1000


def search_articles(connection: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> list[SearchHit]:
    """Unique articles (one per duplicate group) ranked by BM25 for `query`, at most `limit` (1 to
    MAX_SEARCH_LIMIT; anything else is a ValueError). A query of stop words only finds nothing."""
    if not 1 <= limit <= MAX_SEARCH_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_SEARCH_LIMIT}, got {limit}")
    # An empty query still runs: a file without the index (made before migration 012) says so.
    require_schema(connection, "search_index", "newsetl search")
    rows = connection.execute(SEARCH, {"terms": query_terms(query), "limit": limit}).fetchall()
    return [SearchHit(*row) for row in rows]


MISSING = """
SELECT a.article_id, a.title, a.body
FROM articles AS a
WHERE NOT EXISTS (SELECT 1 FROM search_documents AS d WHERE d.article_id = a.article_id)
"""


def index_missing_articles(connection: duckdb.DuckDBPyConnection, batch: int = 5_000) -> int:
    """Index every article the search index lacks, `batch` articles a transaction; returns how many.

    Loads index their articles themselves: only articles loaded before migration 012 are missing, until
    this runs once (maintenance calls it). The cost grows with the articles missing, plus one scan.
    """
    reader = connection.cursor()  # streams the missing articles while `connection` writes
    try:
        # A cursor starts on DuckDB's default database; a lake's connection reads the lake it USEs.
        (database,) = connection.execute("SELECT current_database()").fetchone() or ("memory",)
        reader.execute(f'USE "{database}"')
        batches = reader.execute(MISSING).to_arrow_reader(batch)
        indexed = 0
        for rows in batches:
            columns = rows.to_pydict()
            documents = [
                search_document(article_id, title, body)
                for article_id, title, body in zip(
                    columns["article_id"], columns["title"], columns["body"], strict=True
                )
            ]
            with transaction(connection):
                insert_index_rows(connection, ArticleRows.of(documents=documents))
            indexed += len(documents)
        return indexed
    finally:
        reader.close()


@dataclass(frozen=True, slots=True)
class SegmentMerge:
    """What one merge of the index's segments did: rows sorted into the new segment, segments left."""

    rows: int
    merged_segments: int
    segments: int


def merge_search_segments(connection: duckdb.DuckDBPyConnection) -> SegmentMerge:
    """Sort the rows loaded since the last merge into a new segment, with the newer segments no larger
    than the rows merged so far (see the module docstring), in one transaction."""
    sizes = dict(
        connection.execute("SELECT segment, count(*) FROM search_postings GROUP BY segment").fetchall()
    )
    merged = int(sizes.pop(None, 0))
    if not merged:
        return SegmentMerge(0, 0, len(sizes))
    chosen: list[int] = []
    for segment in sorted(sizes, reverse=True):  # newest first, the smallest
        if sizes[segment] > merged:
            break
        merged += int(sizes[segment])
        chosen.append(segment)
    new_segment = max(sizes, default=0) + 1
    with transaction(connection):
        connection.execute(
            """
            INSERT INTO search_postings (article_id, term, term_key, tf, doc_length, segment)
            SELECT article_id, term, term_key, tf, doc_length, $new_segment
            FROM search_postings
            WHERE segment IS NULL OR list_contains($chosen, segment)
            ORDER BY term_key, article_id
            """,
            {"new_segment": new_segment, "chosen": chosen},
        )
        connection.execute(
            "DELETE FROM search_postings WHERE segment IS NULL OR list_contains($chosen, segment)",
            {"chosen": chosen},
        )
    return SegmentMerge(merged, len(chosen), len(sizes) - len(chosen) + 1)


def refresh_search_index(connection: duckdb.DuckDBPyConnection) -> tuple[int, SegmentMerge]:
    """Maintenance of the index: index the articles it lacks, then merge its segments. Returns both."""
    indexed = index_missing_articles(connection)
    return indexed, merge_search_segments(connection)
