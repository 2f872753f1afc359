# ruff: noqa: RUF001  (the text under test is Unicode on purpose: CJK punctuation, full-width forms)
"""The full-text index kept in DuckDB tables: written by each load, BM25 in SQL, rebuilt by reprocess,
merged into sorted segments by maintenance, and readable from a plain DuckDB connection."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from transform.article_rows import ArticleRows
from transform.cleaning import clean_document
from transform.outcomes import BatchOutcome
from transform.records import Article, ExtractedDocument
from transform.search_terms import SearchDocument, query_terms, search_document
from warehouse import loads as loads_module
from warehouse.connection import Warehouse, connect, migrations
from warehouse.integrity import articles_missing_from_search, check_integrity
from warehouse.loads import load_outcomes
from warehouse.reprocess import forget_derived
from warehouse.search import (
    SegmentMerge,
    index_missing_articles,
    merge_search_segments,
    refresh_search_index,
    search_articles,
)

NOW = datetime(2025, 2, 13, 8, 0, tzinfo=UTC)
# Our own short articles, one a script.
TEXTS = {
    "qwen": ("Qwen comes to iPhone", "Apple will run Alibaba's Qwen models on iPhones sold in China."),
    "ernie": ("Ernie gets faster", "Baidu released a faster Ernie model for its search engine."),
    "capex": ("Alibaba spends on cloud", "Alibaba plans to spend more on cloud data centres for AI."),
    "zh": (
        "阿里巴巴发布新一代通义千问模型",
        "阿里巴巴集团周四发布新一代大模型，称其在中文任务上超过竞争对手。公司表示，新模型将首先用于云计算客户。",
    ),
    "ja": (
        "アップル、中国で新機能を提供へ",
        "アップルは中国で販売するiPhoneに人工知能の機能を搭載すると発表した。提供は来年からの予定だ。",
    ),
    "ko": (
        "애플, 새 아이폰에 인공지능 탑재",
        "애플은 새 아이폰에 인공지능 기능을 탑재한다고 밝혔다. 출시는 내년으로 예정돼 있다.",
    ),
}


def articles(*names: str) -> list[Article]:
    return [
        clean_document(
            ExtractedDocument(
                name, f"https://x.example/{name}", "test", TEXTS[name][1], TEXTS[name][0], published_at=NOW
            )
        )
        for name in names
    ]


def load(connection: duckdb.DuckDBPyConnection, *names: str, run: str = "run-1") -> None:
    load_outcomes(connection, run, NOW, BatchOutcome(articles=tuple((a, "json") for a in articles(*names))))


def found(connection: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    return [hit.article_id for hit in search_articles(connection, query)]


def index_rows(connection: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    documents = connection.execute("SELECT count(*) FROM search_documents").fetchone()
    postings = connection.execute("SELECT count(*) FROM search_postings").fetchone()
    assert documents and postings
    return int(documents[0]), int(postings[0])


def expected_postings(names: Sequence[str]) -> int:
    return sum(len(search_document(a.article_id, a.title, a.body).terms) for a in articles(*names))


def test_each_load_indexes_its_articles_and_search_finds_both_batches(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        load(con, "qwen", "ernie")
        assert found(con, "Qwen") == ["qwen"]
        load(con, "capex", "zh", run="run-2")

        assert found(con, "Qwen") == ["qwen"]
        assert set(found(con, "Alibaba")) == {"qwen", "capex"}
        assert found(con, "cloud data centres") == ["capex"]
        assert found(con, "阿里巴巴") == ["zh"]
        assert index_rows(con) == (4, expected_postings(["qwen", "ernie", "capex", "zh"]))
        assert articles_missing_from_search(con) == 0


def test_a_load_stores_the_index_entries_its_batch_brings_and_tokenizes_the_others(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pipeline tokenizes new articles with their evidence, on every core and before a lake's turn;
    # the load takes those entries as they are and tokenizes only an article that came without one.
    qwen, ernie = articles("qwen", "ernie")
    brought = SearchDocument("qwen", 2, (("brought", 1), ("entry", 1)))
    tokenized: list[str] = []

    def tokenize(article_id: str, title: str | None, body: str) -> SearchDocument:
        tokenized.append(article_id)
        return search_document(article_id, title, body)

    monkeypatch.setattr(loads_module, "search_document", tokenize)
    outcome = BatchOutcome(
        articles=((qwen, "json"), (ernie, "json")), rows=ArticleRows.of(documents=[brought])
    )
    with connect(warehouse) as con:
        load_outcomes(con, "run-1", NOW, outcome)
        assert found(con, "brought") == ["qwen"] and found(con, "Qwen") == []
        assert found(con, "Ernie") == ["ernie"]
    assert tokenized == ["ernie"]


def test_a_failed_load_leaves_no_index_rows(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    with connect(warehouse) as con:
        load(con, "qwen")
        if warehouse.lake is None:
            with pytest.raises(duckdb.ConstraintException):
                load(con, "qwen", "ernie", run="run-2")  # qwen again: the article's key is taken
            assert index_rows(con) == (1, expected_postings(["qwen"]))
        # A load that fails after its index rows were written (a lake has no key to break).
        with monkeypatch.context() as patched:
            patched.setattr(loads_module, "_insert_versions", _fail_to_insert)
            with pytest.raises(duckdb.IOException, match="injected"):
                load(con, "ernie", run="run-2")
        assert index_rows(con) == (1, expected_postings(["qwen"]))
        assert found(con, "Ernie") == []


def _fail_to_insert(*_: object) -> None:
    raise duckdb.IOException("injected: the disk failed mid-load")


def test_chinese_japanese_and_korean_queries_find_their_articles(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        load(con, *TEXTS)
        assert found(con, "阿里巴巴") == ["zh"]
        assert found(con, "通义千问") == ["zh"]
        assert found(con, "人工知能") == ["ja"]
        assert found(con, "アップル") == ["ja"]
        assert found(con, "아이폰") == ["ko"]
        assert found(con, "인공지능") == ["ko"]
        # A word in Latin script inside Japanese text is a word of its own.
        assert set(found(con, "iPhone")) == {"qwen", "ja"}


def bm25(documents: dict[str, dict[str, int]], lengths: dict[str, int], terms: list[str]) -> dict[str, float]:
    """BM25 (k1 1.2, b 0.75) written out in Python, to check the SQL against."""
    n, average = len(lengths), sum(lengths.values()) / len(lengths)
    scores: dict[str, float] = {}
    for term in terms:
        holding = [a for a, counts in documents.items() if term in counts]
        idf = math.log(1 + (n - len(holding) + 0.5) / (len(holding) + 0.5))
        for a in holding:
            tf = documents[a][term]
            scores[a] = scores.get(a, 0.0) + idf * tf * 2.2 / (
                tf + 1.2 * (0.25 + 0.75 * lengths[a] / average)
            )
    return scores


def test_the_sql_scores_are_bm25(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        load(con, *TEXTS)
        indexed = [search_document(a.article_id, a.title, a.body) for a in articles(*TEXTS)]
        documents = {d.article_id: dict(d.terms) for d in indexed}
        lengths = {d.article_id: d.length for d in indexed}
        for query in ("Qwen iPhone", "Alibaba cloud model", "阿里巴巴 模型", "faster"):
            terms = query_terms(query)
            rows = con.execute(
                "SELECT article_id, score FROM search_bm25($terms)", {"terms": terms}
            ).fetchall()
            assert dict(rows) == pytest.approx(bm25(documents, lengths, terms)), query


# File-only: an analyst's session on the DuckDB file itself (tests/flows/test_lake_commands.py has a
# lake's).
def test_the_macro_is_plain_sql_for_any_duckdb_session(db_path: Path) -> None:
    with connect(db_path) as con:
        load(con, *TEXTS)
    # As an analyst's duckdb shell or script opens the file: no newsetl code, no extension.
    session = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = session.execute(
            "SELECT a.article_id, round(s.score, 3) FROM search_bm25(['qwen', 'iphon']) AS s"
            " JOIN articles AS a USING (article_id) ORDER BY s.score DESC"
        ).fetchall()
        chinese = session.execute("SELECT article_id FROM search_bm25(['阿里', '里巴', '巴巴'])").fetchall()
        none = session.execute("SELECT count(*) FROM search_bm25([])").fetchone()
        loaded = session.execute(
            "SELECT count(*) FROM duckdb_extensions() WHERE loaded AND extension_name = 'fts'"
        )
        fts = loaded.fetchone()
    finally:
        session.close()
    assert [article for article, _ in rows] == ["qwen", "ja"] and rows[0][1] > rows[1][1] > 0
    assert chinese == [("zh",)]
    assert none == (0,)
    assert fts == (0,)


def test_reprocess_forgets_the_index_and_the_reload_rebuilds_it(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        load(con, *TEXTS)
        before = {query: found(con, query) for query in ("Qwen", "阿里巴巴", "아이폰", "model")}
        forget_derived(con)
        assert index_rows(con) == (0, 0)
        load(con, *TEXTS, run="run-2")
        assert {query: found(con, query) for query in before} == before
        assert index_rows(con) == (len(TEXTS), expected_postings(list(TEXTS)))


def segments(con: duckdb.DuckDBPyConnection) -> dict[int | None, int]:
    return dict(con.execute("SELECT segment, count(*) FROM search_postings GROUP BY segment").fetchall())


def test_maintenance_merges_new_rows_into_sorted_segments_without_changing_results(
    warehouse: Warehouse,
) -> None:
    queries = ("Qwen iPhone", "Alibaba", "阿里巴巴", "人工知能", "아이폰", "model faster")
    with connect(warehouse) as con:
        load(con, "zh", "ja", "qwen")
        results = {query: search_articles(con, query) for query in queries}
        first = expected_postings(["zh", "ja", "qwen"])

        assert merge_search_segments(con) == SegmentMerge(rows=first, merged_segments=0, segments=1)
        assert segments(con) == {1: first}
        assert {query: search_articles(con, query) for query in queries} == results
        # Rows of a segment lie in term order, so a term's rows share a few row groups.
        unsorted = con.execute(
            "SELECT count(*) FROM (SELECT term_key < lag(term_key) OVER (ORDER BY rowid) AS back"
            " FROM search_postings) WHERE back"
        ).fetchone()
        assert unsorted == (0,)

        load(con, "ernie", run="run-2")  # smaller than segment 1: becomes a segment of its own
        second = expected_postings(["ernie"])
        assert segments(con) == {1: first, None: second}
        assert merge_search_segments(con) == SegmentMerge(rows=second, merged_segments=0, segments=2)
        assert segments(con) == {1: first, 2: second}

        load(con, "capex", "ko", run="run-3")  # no smaller than segment 2: merged with it
        third = expected_postings(["capex", "ko"])
        assert merge_search_segments(con) == SegmentMerge(rows=second + third, merged_segments=1, segments=2)
        assert segments(con) == {1: first, 3: second + third}
        assert merge_search_segments(con) == SegmentMerge(rows=0, merged_segments=0, segments=2)
        assert set(found(con, "Alibaba")) == {"qwen", "capex"}
        assert found(con, "Ernie") == ["ernie"]
        assert articles_missing_from_search(con) == 0


def test_articles_stored_before_the_index_are_indexed_by_maintenance(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        load(con, *TEXTS)
        # What a file loaded before migration 012 holds after the upgrade: articles, an empty index.
        con.execute("DELETE FROM search_postings")
        con.execute("DELETE FROM search_documents")
        assert articles_missing_from_search(con) == len(TEXTS)
        assert "articles_missing_from_search" in check_integrity(con).problems
        assert found(con, "Qwen") == []

        indexed, merge = refresh_search_index(con)

        assert indexed == len(TEXTS) and merge.rows == expected_postings(list(TEXTS))
        assert articles_missing_from_search(con) == 0
        assert found(con, "Qwen") == ["qwen"] and found(con, "아이폰") == ["ko"]
        assert index_missing_articles(con, batch=2) == 0


def test_a_file_holding_the_old_fts_index_upgrades(db_path: Path) -> None:
    """File-only (the fts extension's index lived in the DuckDB file; a lake never had one).
    A warehouse of the previous schema, with the fts extension's index, migrates to the new one."""
    import duckdb_extension_fts

    extension = Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    old = duckdb.connect(str(db_path))
    try:
        old.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL)"
        )
        for version, name, sql in migrations():
            if name == "search_index":
                break
            old.execute(sql)
            old.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
        for a in articles(*TEXTS):  # as the loads of that schema stored them
            old.execute(
                "INSERT INTO articles (article_id, doc_id, uri, canonical_url, source, title, authors,"
                " body, body_hash, word_count, extractor, loaded_at, run_id)"
                " VALUES (?, ?, ?, ?, 'test', ?, [], ?, ?, ?, 'json', now(), 'run-1')",
                [a.article_id, a.doc_id, a.uri, a.canonical_url, a.title, a.body, a.body_hash, a.word_count],
            )
        old.execute(f"INSTALL '{extension / 'fts.duckdb_extension'}'")
        old.execute("LOAD fts")
        old.execute("PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', overwrite = 1)")
    finally:
        old.close()

    with connect(db_path) as con:
        schemas = con.execute("SELECT schema_name FROM duckdb_schemas() WHERE schema_name LIKE 'fts%'")
        assert schemas.fetchall() == []
        assert articles_missing_from_search(con) == len(TEXTS)
        assert index_missing_articles(con) == len(TEXTS)
        assert found(con, "阿里巴巴") == ["zh"]
