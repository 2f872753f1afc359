"""A warehouse made by the first schema (tests/faults/fixtures/schema_v1.duckdb) upgrades without loss.

Regenerate the fixture with `python -m tests.faults.make_schema_v1_fixture`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.faults.conftest import FIXTURES, Ledger, integrity, jsonl_uris, raw_uris, write_news
from warehouse.connection import connect, migrations, schema_version
from warehouse.search import refresh_search_index

pytestmark = pytest.mark.usefixtures("prefect_harness")

OLD_ROWS = "SELECT doc_id, uri, sha256, content FROM raw_documents ORDER BY doc_id"
OLD_ARTICLES = "SELECT article_id, title, body, body_hash FROM articles ORDER BY article_id"


def test_a_schema_1_warehouse_upgrades_without_loss_and_takes_new_ingests(
    tmp_path: Path, ledger: Ledger
) -> None:
    db = tmp_path / "old.duckdb"
    shutil.copyfile(FIXTURES / "schema_v1.duckdb", db)
    with connect(db, read_only=True) as connection:  # read-only: not migrated
        assert schema_version(connection) == 1
        old_raw = connection.execute(OLD_ROWS).fetchall()
        old_articles = connection.execute(OLD_ARTICLES).fetchall()
        old_status = connection.execute(
            "SELECT doc_id, status FROM document_status ORDER BY doc_id"
        ).fetchall()
    assert len(old_raw) == 4 and len(old_articles) == 2

    with connect(db) as connection:  # writable: migrated to the latest schema
        assert schema_version(connection) == migrations()[-1][0]
        assert connection.execute(OLD_ROWS).fetchall() == old_raw
        assert connection.execute(OLD_ARTICLES).fetchall() == old_articles
        status = connection.execute("SELECT doc_id, status FROM document_status ORDER BY doc_id").fetchall()
    assert status == old_status

    documents = write_news(tmp_path / "in", 15, seed=13)
    summary = ingest([str(tmp_path / "in")], db=str(db))
    assert summary.documents_new == documents
    assert raw_uris(db) >= jsonl_uris(tmp_path / "in" / "news.jsonl")
    report = integrity(db)
    assert report.raw_documents == 4 + documents
    assert report.pending == 0
    # Articles loaded under schema 1 predate signatures and stories (migration 002 does not backfill them)
    # and the search index (migration 012 does not either: maintenance does); those are the only gaps the
    # integrity check finds.
    assert report.problems == {
        "articles_without_one_signature": 2,
        "articles_without_one_story": 2,
        "articles_missing_from_search": 2,
    }
    with connect(db) as connection:
        assert refresh_search_index(connection)[0] == 2
    assert integrity(db).problems == {"articles_without_one_signature": 2, "articles_without_one_story": 2}
    with connect(db, read_only=True) as connection:
        articles = connection.execute(OLD_ARTICLES).fetchall()
    assert set(old_articles) <= set(articles)
    ledger.record(inputs=4 + documents, lost=4 + documents - report.accounted)
