"""The search index through the real flows: each ingest indexes its articles, a second ingest adds to the
index, `reprocess` rebuilds it, maintenance merges it, and the integrity check finds every article in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest import ingest
from flows.maintenance import maintenance
from flows.reprocess import reprocess
from tests.flows.corpus import write_corpus
from warehouse.connection import connect
from warehouse.integrity import check_integrity
from warehouse.search import search_articles

pytestmark = pytest.mark.usefixtures("prefect_harness")

CHINESE = (
    "阿里巴巴加大人工智能投入\n\n"
    "阿里巴巴集团表示\uff0c将在未来三年加大对云计算和人工智能基础设施的投入\u3002\n"
)
QUERIES = ("Qwen iPhone", "Ernie models", "阿里巴巴", "budget")


def results(db: Path) -> dict[str, list[str | None]]:
    with connect(db, read_only=True) as connection:
        return {query: [hit.title for hit in search_articles(connection, query)] for query in QUERIES}


def index_size(db: Path) -> tuple[int, int]:
    with connect(db, read_only=True) as connection:
        row = connection.execute(
            "SELECT (SELECT count(*) FROM search_documents), (SELECT count(*) FROM search_postings)"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_ingests_index_their_articles_and_reprocess_rebuilds_the_index(tmp_path: Path, db_path: Path) -> None:
    write_corpus(tmp_path / "first")
    ingest([str(tmp_path / "first")], db=str(db_path))
    first = results(db_path)
    assert first["Qwen iPhone"][0] == "Qwen models head to iPhones in China"
    assert first["阿里巴巴"] == []

    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "zh.txt").write_text(CHINESE, encoding="utf-8")
    summary = ingest([str(tmp_path / "second")], db=str(db_path))
    assert summary.new_articles == 1
    both = results(db_path)
    assert both["阿里巴巴"] == ["阿里巴巴加大人工智能投入"]
    assert {k: v for k, v in both.items() if k != "阿里巴巴"} == {
        k: v for k, v in first.items() if k != "阿里巴巴"
    }
    size = index_size(db_path)

    reprocess(str(db_path))

    assert results(db_path) == both
    assert index_size(db_path) == size
    with connect(db_path, read_only=True) as connection:
        report = check_integrity(connection)
    assert report.ok, report.describe()  # an article and its newer version in one batch included

    maintenance(str(db_path), str(tmp_path / "exports"))

    assert results(db_path) == both
    assert index_size(db_path) == size
    with connect(db_path, read_only=True) as connection:
        unsorted = connection.execute("SELECT count(*) FROM search_postings WHERE segment IS NULL").fetchone()
    assert unsorted == (0,)
