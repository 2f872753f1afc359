from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from transform.cleaning import clean_document
from transform.outcomes import BatchOutcome
from transform.records import ExtractedDocument
from warehouse.connection import Warehouse, WarehouseError, connect
from warehouse.exports import export_parquet
from warehouse.loads import load_outcomes
from warehouse.search import search_articles

FIXTURES = Path(__file__).resolve().parents[1] / "faults" / "fixtures"
NOW = datetime(2025, 2, 13, 8, 0, tzinfo=UTC)
TEXTS = {
    "qwen": ("Qwen comes to iPhone", "Apple will run Alibaba's Qwen models on iPhones sold in China."),
    "ernie": ("Ernie gets faster", "Baidu released a faster Ernie model for its search engine."),
    "capex": ("Alibaba spends on cloud", "Alibaba plans to spend more on cloud data centres for AI."),
}


def load_articles(db: Warehouse | Path) -> None:
    articles = [
        (
            clean_document(
                ExtractedDocument(name, f"https://x.example/{name}", "test", body, title, published_at=NOW)
            ),
            "json",
        )
        for name, (title, body) in TEXTS.items()
    ]
    with connect(db) as con:
        load_outcomes(con, "run-1", NOW, BatchOutcome(articles=tuple(articles)))


def test_search_ranks_matching_articles_with_bm25(warehouse: Warehouse) -> None:
    load_articles(warehouse)
    with connect(warehouse, read_only=True) as con:
        hits = search_articles(con, "iPhone Qwen")
        plural = search_articles(con, "model")
    assert [h.article_id for h in hits] == ["qwen"]
    assert hits[0].score > 0 and hits[0].url == "https://x.example/qwen"
    # Snowball stemming: "model" finds "models".
    assert {h.article_id for h in plural} == {"qwen", "ernie"}


def test_each_hit_names_its_story(warehouse: Warehouse) -> None:
    load_articles(warehouse)
    with connect(warehouse) as con:
        con.execute(
            "INSERT INTO story_articles (article_id, story_id, score, joined_at, run_id)"
            " VALUES ('qwen', 'qwen-story-0123456789', 1.0, ?, 'run-1')",
            [NOW],
        )
        hits = search_articles(con, "model")
    assert {h.article_id: h.story_id for h in hits} == {"qwen": "qwen-story-0123456789", "ernie": None}


# File-only: a DuckDB file of schema 1.
def test_search_before_any_index_says_what_to_do(tmp_path: Path) -> None:
    old = tmp_path / "old.duckdb"  # made before the search index (schema 1), opened without upgrading
    shutil.copyfile(FIXTURES / "schema_v1.duckdb", old)
    with connect(old, read_only=True) as con, pytest.raises(WarehouseError, match="newsetl maintenance"):
        search_articles(con, "qwen")


def test_export_writes_parquet_partitioned_by_day(warehouse: Warehouse, tmp_path: Path) -> None:
    load_articles(warehouse)
    with connect(warehouse, read_only=True) as con:
        written = export_parquet(con, tmp_path / "out")
    assert written["articles"] == 3
    files = sorted((tmp_path / "out" / "articles").rglob("*.parquet"))
    assert files and all(f.parent.name == "day=2025-02-13" for f in files)
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path}/out/articles/*/*.parquet')").fetchone()
    assert count == (3,)
