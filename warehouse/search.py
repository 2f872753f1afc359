"""Full-text search over articles with BM25, through DuckDB's fts extension, offline.

The extension comes from the `duckdb-extension-fts` wheel (pinned with duckdb): installing it from the
wheel's file needs no network, unlike DuckDB's own `INSTALL fts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.connection import WarehouseError


def _extension_file() -> Path:
    import duckdb_extension_fts

    return (
        Path(duckdb_extension_fts.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / "fts.duckdb_extension"
    )


def load_fts(connection: duckdb.DuckDBPyConnection) -> None:
    """LOAD fts, installing it from the pinned wheel first when this machine has not got it yet."""
    try:
        connection.execute("LOAD fts")
    except duckdb.Error:
        extension = _extension_file()
        if not extension.exists():
            raise WarehouseError(
                f"the full-text search extension is missing ({extension}): reinstall newsetl's dependencies"
            ) from None
        connection.execute(f"INSTALL '{extension}'")
        connection.execute("LOAD fts")


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


def search_articles(connection: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> list[SearchHit]:
    """Unique articles (one per duplicate group) ranked by BM25 for `query`."""
    load_fts(connection)
    exists = connection.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'fts_main_articles'"
    ).fetchone()
    if not exists or not exists[0]:
        raise WarehouseError("no search index yet: run `newsetl ingest` (it builds the index after loading)")
    rows = connection.execute(SEARCH, [query, limit]).fetchall()
    return [SearchHit(*row) for row in rows]
