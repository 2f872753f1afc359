"""Full-text search: query latency, the cost of indexing new articles as the history grows, and quality.

- `search_latency(db)`: median and p95 of `warehouse.search.search_articles` (BM25 + unique articles) on
  a loaded warehouse (bench/pipeline.py calls it on its 10k and 100k warehouses).
- `index_update_child(stored)`: `stored` articles synthesised in SQL (bench/pipeline.py's synthetic
  history, 40-word bodies), their index sorted as maintenance leaves it; then 1,000 new generated
  ~250-word articles. Side by side: the new index's update (tokenize + insert, what each run now does:
  the tokenizing with each article's evidence, the insert in the load) and the old one's (DuckDB's fts
  extension: `PRAGMA create_fts_index` over every article, what each load did until migration 012); the
  latency of the same queries on both (BM25 top 10, without the unique-articles join, which both would
  share); and maintenance's merge of the new rows.
- `quality()`: the README's search examples on the sample corpus, and Chinese, Japanese and Korean
  queries on short articles of our own writing, ingested with them through the pipeline.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
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
# Words of the synthetic history (bench/pipeline.py SYNTHESISE): rare ones, and "old article", which every
# stored article holds (the worst case: a term in every document).
HISTORY_QUERIES = ["w17", "w42 w99", "w1234 w2345 w3456", "w7 Alibaba", "old article"]
NEW = 1_000


def _summary(timings: list[float]) -> dict[str, Any]:
    timings = sorted(timings)
    return {
        "queries": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
    }


def _latencies(search: Callable[[str], object], queries: list[str], repeats: int) -> list[float]:
    search(queries[0])  # warm the cache once
    timings: list[float] = []
    for _ in range(repeats):
        for query in queries:
            started = time.perf_counter()
            search(query)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def search_latency(db: str, repeats: int = 3) -> dict[str, Any]:
    """Median and 95th percentile milliseconds of `search_articles` over a fixed set of queries."""
    from warehouse.connection import connect
    from warehouse.search import search_articles

    with connect(db, read_only=True) as connection:
        articles_row = connection.execute("SELECT count(*) FROM articles").fetchone()
        timings = _latencies(lambda q: search_articles(connection, q, limit=10), QUERIES, repeats)
    return {"articles": int(articles_row[0]) if articles_row else 0, **_summary(timings)}


# The old search, as warehouse/search.py ran it before migration 012 (without the unique-articles join).
OLD_INDEX = (
    "PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', stemmer = 'porter', overwrite = 1)"
)
OLD_QUERY = """
SELECT article_id, score FROM (
    SELECT article_id, fts_main_articles.match_bm25(article_id, ?) AS score FROM articles
) WHERE score IS NOT NULL ORDER BY score DESC, article_id LIMIT 10
"""
NEW_QUERY = "SELECT article_id, score FROM search_bm25($terms) ORDER BY score DESC, article_id LIMIT 10"
INSERT_ARTICLE = """
INSERT INTO articles (article_id, doc_id, uri, canonical_url, source, title, authors, body, body_hash,
                      word_count, extractor, loaded_at, run_id)
SELECT article_id, article_id, url, url, 'bench', title, [], body, md5(body), 250, 'bench', now(), 'new'
FROM _bench_new
"""


def _load_fts(connection: Any) -> None:
    import duckdb
    import duckdb_extension_fts

    extension = Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    connection.execute(f"INSTALL '{extension / 'fts.duckdb_extension'}'")
    connection.execute("LOAD fts")


def index_update_child(stored: int, repeats: int = 3, new_articles: int = NEW) -> dict[str, Any]:
    """In this process: the old and the new index's cost of `new_articles` new articles against `stored`."""
    import pyarrow as pa

    from bench.corpus import generate
    from bench.pipeline import synthesise_history
    from transform.article_rows import ArticleRows
    from transform.search_terms import query_terms, search_document
    from warehouse.connection import connect
    from warehouse.loads import insert_index_rows, transaction
    from warehouse.search import merge_search_segments

    new = list(generate(new_articles, seed=99, copy_rate=0.0, words=250))[:new_articles]
    result: dict[str, Any] = {"stored": stored, "new": len(new)}
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.duckdb")
        started = time.perf_counter()
        synthesise_history(db, stored, tables=("articles", "search_documents", "search_postings"))
        result["synthesise_s"] = round(time.perf_counter() - started, 1)
        with connect(db) as connection:
            started = time.perf_counter()
            merge_search_segments(connection)  # what maintenance did as the history arrived
            connection.execute("CHECKPOINT")
            result["first_merge_s"] = round(time.perf_counter() - started, 2)
            _load_fts(connection)
            connection.execute(OLD_INDEX)  # the old index of the history, before the new articles
            rows = pa.table(
                {
                    "article_id": [f"new{i}" for i in range(len(new))],
                    "url": [d.url for d in new],
                    "title": [d.title for d in new],
                    "body": [d.text for d in new],
                }
            )
            connection.register("_bench_new", rows)
            connection.execute(INSERT_ARTICLE)
            connection.unregister("_bench_new")
            connection.execute("CHECKPOINT")

            started = time.perf_counter()
            documents = [search_document(f"new{i}", d.title, d.text) for i, d in enumerate(new)]
            tokenized = time.perf_counter()
            with transaction(connection):
                insert_index_rows(connection, ArticleRows.of(documents=documents))
            inserted = time.perf_counter()
            result["new_update_s"] = round(inserted - started, 3)
            result["new_tokenize_s"] = round(tokenized - started, 3)
            result["new_insert_s"] = round(inserted - tokenized, 3)

            started = time.perf_counter()
            connection.execute(OLD_INDEX)
            result["old_rebuild_s"] = round(time.perf_counter() - started, 3)

            queries = QUERIES + HISTORY_QUERIES

            def new_search(query: str) -> object:
                return connection.execute(NEW_QUERY, {"terms": query_terms(query)}).fetchall()

            def old_search(query: str) -> object:
                return connection.execute(OLD_QUERY, [query]).fetchall()

            result["new_query"] = _summary(_latencies(new_search, queries, repeats))
            result["old_query"] = _summary(_latencies(old_search, queries, repeats))
            started = time.perf_counter()
            merge = merge_search_segments(connection)
            result["merge_new_rows_s"] = round(time.perf_counter() - started, 3)
            result["merge_rows"] = merge.rows
            result["new_query_after_merge"] = _summary(_latencies(new_search, queries, repeats))
    return result


# Short articles of our own writing, one a language, with the query that must find each (a word of its
# title, as a reader would type it).
CJK_ARTICLES = [
    (
        "zh",
        "阿里巴巴发布新一代通义千问模型",
        "阿里巴巴集团周四发布新一代大模型\uff0c称其在中文任务上超过竞争对手。"
        "公司表示\uff0c新模型将首先向云计算客户开放\uff0c并在今年晚些时候用于手机助手。",
        "阿里巴巴",
    ),
    (
        "ja",
        "アップル、中国で人工知能の新機能を提供へ",
        "アップルは中国で販売するスマートフォンに人工知能の新しい機能を搭載すると発表した。提供は来年からの予定で、"
        "現地の企業と協力するという。",
        "人工知能",
    ),
    (
        "ko",
        "애플, 새 아이폰에 인공지능 기능 탑재",
        "애플은 중국에서 판매하는 새 아이폰에 인공지능 기능을 탑재한다고 밝혔다. "
        "출시는 내년으로 예정돼 있으며 현지 기업과 협력할 계획이다.",
        "아이폰",
    ),
]
README_QUERIES = ["Qwen iPhone", "DeepSeek price cut", "Huawei Ascend chips"]


def quality(samples: Path) -> dict[str, Any]:
    """Top hits for the README's queries on the samples, and where each CJK article ranks for its word."""
    from bench.pipeline import run_stages
    from warehouse.connection import connect
    from warehouse.search import search_articles

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(samples, root / "corpus")
        published = datetime(2026, 11, 23, tzinfo=UTC).isoformat()
        (root / "corpus" / "cjk.jsonl").write_text(
            "".join(
                json.dumps(
                    {
                        "url": f"https://cjk.example/{key}",
                        "title": title,
                        "text": body,
                        "published": published,
                    },
                    ensure_ascii=False,
                )
                + "\n"
                for key, title, body, _ in CJK_ARTICLES
            ),
            encoding="utf-8",
        )
        db = str(root / "quality.duckdb")
        run_stages(db, root / "corpus", "bench-quality")
        with connect(db, read_only=True) as connection:
            readme = {
                query: [hit.title for hit in search_articles(connection, query, limit=3)]
                for query in README_QUERIES
            }
            ranks: dict[str, int | None] = {}
            for key, title, _, query in CJK_ARTICLES:
                titles = [hit.title for hit in search_articles(connection, query, limit=10)]
                ranks[f"{key}: {query}"] = titles.index(title) + 1 if title in titles else None
    return {"readme_top3": readme, "cjk_rank": ranks}


def _child(stored: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.search", "--update", str(stored)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(quick: bool = False) -> dict[str, Any]:
    """Index update cost and query latency, old and new, at each history size; then quality."""
    sizes = [1_000, 10_000] if quick else [10_000, 100_000, 1_000_000]
    samples = Path(__file__).resolve().parents[1] / "samples"
    return {"index_update": [_child(n) for n in sizes], "quality": quality(samples)}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--update"]:
        print(json.dumps(index_update_child(int(sys.argv[2]))))
    else:
        print(json.dumps(main(quick="--quick" in sys.argv), indent=2, ensure_ascii=False))
