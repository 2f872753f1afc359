"""What an ingest run keeps out of its turns at a lake's commit lock (the turns every other writer of the
lake waits for): CPU work that does not depend on what is stored. On a lake with a SQLite catalog."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from flows import ingest
from transform.records import RawDocument, SourceKind
from warehouse.connection import Warehouse, connect, create_lake, holds_commit_lock
from warehouse.loads import raw_rows
from warehouse.locks import run_guard

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def lake(tmp_path: Path) -> Warehouse:
    db = Warehouse.at(f"ducklake:sqlite:{tmp_path / 'lake' / 'catalog.sqlite'}")
    create_lake(db)
    return db


def test_pages_are_compressed_for_storage_before_the_turn(
    lake: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lake.lake is not None
    page = b"<html><body><p>The ferry to Karsholm sails again in April.</p></body></html>" * 50
    document = RawDocument(
        source="ferries",
        source_kind=SourceKind.URL,
        uri="https://ferries.example/news/1",
        fetched_at=NOW,
        content_type="text/html",
        sha256="0" * 64,
        size_bytes=len(page),
        content=page,
    )
    in_turn: list[bool] = []

    def recorded(*args: Any) -> Any:
        in_turn.append(holds_commit_lock(lake))
        return raw_rows(*args)

    monkeypatch.setattr(ingest, "raw_rows", recorded)
    with run_guard(lake, holder="run-1"):
        stored = ingest.store_raw.fn(lake, [document], "run-1", None, NOW)

    assert in_turn == [False]
    assert stored.new == 1
    with connect(lake, read_only=True) as connection:
        assert connection.execute(
            "SELECT content_encoding, octet_length(content) < $size FROM raw_documents",
            {"size": len(page)},
        ).fetchall() == [("gzip", True)]
