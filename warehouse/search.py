"""Full-text search over articles with BM25, through DuckDB's fts extension, offline.

The extension comes from the `duckdb-extension-fts` wheel (pinned with duckdb), loaded by
`warehouse.connection.load_fts`, also before a locked connection locks itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse.connection import WarehouseError, load_fts


def refresh_search_index(connection: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the BM25 index over article titles and bodies (English stemming, stop words)."""
    load_fts(connection)
    connection.execute(
        "PRAGMA create_fts_index("
        "'articles', 'article_id', 'title', 'body', stemmer = 'porter', overwrite = 1)"
    )


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: str
    score: float
    title: str | None
    url: str
    published_at: datetime | None
    snippet: str


SEARCH = """
SELECT u.article_id, s.score, u.title, u.canonical_url, u.published_at, left(u.body, 200) AS snippet
FROM (
    SELECT article_id, fts_main_articles.match_bm25(article_id, ?) AS score FROM articles
) AS s
JOIN unique_articles AS u ON u.article_id = s.article_id
WHERE s.score IS NOT NULL
ORDER BY s.score DESC, u.article_id
LIMIT ?
"""


# The most hits one search returns (the CLI's --limit is checked against it).
MAX_SEARCH_LIMIT = 1000


def search_articles(connection: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> list[SearchHit]:
    """Unique articles (one per duplicate group) ranked by BM25 for `query`, at most `limit` (1 to
    MAX_SEARCH_LIMIT; anything else is a ValueError)."""
    if not 1 <= limit <= MAX_SEARCH_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_SEARCH_LIMIT}, got {limit}")
    load_fts(connection)
    exists = connection.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'fts_main_articles'"
    ).fetchone()
    if not exists or not exists[0]:
        raise WarehouseError("no search index yet: run `newsetl ingest` (it builds the index after loading)")
    rows = connection.execute(SEARCH, [query, limit]).fetchall()
    return [SearchHit(*row) for row in rows]
