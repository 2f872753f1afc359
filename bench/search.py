"""Full-text search latency (warehouse.search, BM25 over titles and bodies) on a loaded warehouse."""

from __future__ import annotations

import statistics
import time
from typing import Any

QUERIES = [
    "Alibaba",
    "Qwen",
    "Apple Intelligence",
    "price cut",
    "data centre",
    "quarterly revenue",
    "Huawei chips",
    "partnership with Tencent",
    "regulatory approval",
    "DeepSeek model",
    "billion yuan",
    "senior researchers",
]


def search_latency(db: str, repeats: int = 3) -> dict[str, Any]:
    """Median and 95th percentile milliseconds of `search_articles` over a fixed set of queries."""
    from warehouse.connection import connect
    from warehouse.search import search_articles

    timings: list[float] = []
    with connect(db, read_only=True) as connection:
        articles_row = connection.execute("SELECT count(*) FROM articles").fetchone()
        search_articles(connection, QUERIES[0])  # load the extension and warm the cache once
        for _ in range(repeats):
            for query in QUERIES:
                started = time.perf_counter()
                search_articles(connection, query, limit=10)
                timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "articles": int(articles_row[0]) if articles_row else 0,
        "queries": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
    }
