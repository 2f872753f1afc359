"""A small warehouse for the digest tests, written row by row so that every expected figure is known.

Three days (Monday 2 to Wednesday 4 March 2026) and the days before:

- story S1 "Qwen heads to iPhones in China": wire (day 1), desk (day 2), and a near-copy of desk's
  article on wire (day 2), which is not counted again;
- story S2, untitled, in Chinese, undated: counts on its load day (day 2);
- story S3, on day 3, with a hostile title and a javascript: link;
- story S4, two days before the period, naming Qwen (the entity trend's period before).

Numeric facts: Alibaba's 5% was stated before the period (not new); Qwen's USD 1 bn is new on day 1
and repeated on day 2; a 12.5% without an entity is new on day 3.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

import duckdb

from warehouse.connection import Warehouse, connect

WarehouseOrPath = TypeVar("WarehouseOrPath", Warehouse, Path)

DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
BEFORE = DAY1 - timedelta(days=2)
HOSTILE_TITLE = (
    "<script>document.title='pwned'</script><img src=x onerror=alert(1)> Qwen | *bold* "
    "[click](javascript:alert(1)) & co"
)
UNTITLED_OPENING = "阿里巴巴 said its Qwen app passed 100 million users."


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


# article_id, source, title, published_at, loaded_at, language, canonical_url, story_id
ARTICLES = [
    ("a1", "wire", "Qwen heads to iPhones in China", at(DAY1, 9), at(DAY1, 9), "en",
     "https://wire.example/qwen-iphone", "S1"),
    ("a2", "desk", "Apple picks Qwen for China", at(DAY2, 10), at(DAY2, 10), "en",
     "https://desk.example/apple-qwen", "S1"),
    ("a3", "desk", None, None, at(DAY2, 12), "zh", "file:///in/untitled.txt", "S2"),
    ("a4", "wire", "Apple picks Qwen for China", at(DAY2, 11), at(DAY2, 11), "en",
     "https://wire.example/apple-qwen-copy", "S1"),
    ("a5", "wire", HOSTILE_TITLE, at(DAY3, 8), at(DAY3, 8), "en", "javascript:alert(1)", "S3"),
    ("a6", "desk", "Qwen sets a date", at(BEFORE, 7), at(BEFORE, 7), "en",
     "https://desk.example/qwen-date", "S4"),
]  # fmt: skip
NEAR_COPIES = [("a4", "a2")]  # (near-copy, group)
# article_id, entity, how many mentions
MENTIONS = [
    ("a1", "Qwen", 2), ("a1", "Apple", 1), ("a2", "Qwen", 1), ("a2", "Apple", 1), ("a3", "Alibaba", 1),
    ("a4", "Qwen", 1), ("a5", "Qwen", 1), ("a6", "Qwen", 1),
]  # fmt: skip
# article_id, sentence_index, kind, fact_key, fact_text, value, unit, entity
FACTS = [
    ("a6", 1, "percent", "pct:5", "5 per cent", 5.0, "%", "Alibaba"),
    ("a1", 1, "percent", "pct:5", "5%", 5.0, "%", "Alibaba"),
    ("a1", 1, "money", "money:USD:1e+09", "1 billion dollars", 1e9, "USD", "Qwen"),
    ("a2", 1, "money", "money:USD:1e+09", "$1 billion", 1e9, "USD", "Qwen"),
    ("a5", 1, "percent", "pct:12.5", "12.5 per cent", 12.5, "%", None),
]


def build_digest_warehouse(path: WarehouseOrPath) -> WarehouseOrPath:
    """Fill the warehouse at `path` (a DuckDB file's path or a Warehouse; migrated to the latest schema)
    and return `path`."""
    with connect(path) as connection:
        fill(connection)
    return path


def fill(connection: duckdb.DuckDBPyConnection) -> None:
    for article_id, source, title, published, loaded, language, url, story in ARTICLES:
        body = f"{title or UNTITLED_OPENING} Second sentence."
        connection.execute(
            "INSERT INTO articles (article_id, doc_id, uri, canonical_url, source, title, authors,"
            " published_at, language, body, body_hash, word_count, loaded_at, run_id)"
            " VALUES (?, ?, ?, ?, ?, ?, [], ?, ?, ?, ?, ?, ?, 'run')",
            [article_id, f"doc-{article_id}", url, url, source, title, published, language, body,
             f"hash-{article_id}", len(body.split()), loaded],
        )  # fmt: skip
        connection.execute(
            "INSERT INTO story_articles (article_id, story_id, score, joined_at, run_id)"
            " VALUES (?, ?, 1.0, ?, 'run')",
            [article_id, story, loaded],
        )
        opening = UNTITLED_OPENING if title is None else f"{title}."
        connection.execute(
            "INSERT INTO article_sentences VALUES (?, 0, ?), (?, 1, 'It said 5% and 1 billion dollars.')",
            [article_id, opening, article_id],
        )
    for copy, group in NEAR_COPIES:
        connection.execute(
            "INSERT INTO near_duplicates (article_id, group_id, matched_article_id, similarity, containment,"
            " scheme_id, detected_at, run_id) VALUES (?, ?, ?, 0.9, 0.9, 'scheme', now(), 'run')",
            [copy, group, group],
        )
    for article_id, entity, times in MENTIONS:
        for _ in range(times):
            connection.execute(
                "INSERT INTO entity_mentions (article_id, entity, alias, sentence_index) VALUES (?, ?, ?, 0)",
                [article_id, entity, entity],
            )
    for row in FACTS:
        connection.execute(
            "INSERT INTO numeric_facts (article_id, sentence_index, kind, fact_key, fact_text, value, unit,"
            " entity) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            list(row),
        )
