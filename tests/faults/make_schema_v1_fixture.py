"""Regenerate tests/faults/fixtures/schema_v1.duckdb: a warehouse made by the first schema only.

    .venv/bin/python -m tests.faults.make_schema_v1_fixture

Applies warehouse/migrations/001_initial.sql alone, records schema version 1 the way
warehouse.connection.migrate does, and stores a few raw documents with their outcomes (two articles, one
exact duplicate, one reject), as an ingest of schema 1 would have. Kept tiny: it is committed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from transform.records import document_id, sha256_hex
from warehouse.connection import migrations

TARGET = Path(__file__).resolve().parent / "fixtures" / "schema_v1.duckdb"
WHEN = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
RUN = "v1-run"

DOCUMENTS = [
    # (uri, text, outcome)
    (
        "file:///v1/qwen.txt",
        "Qwen comes to iPhones in China\n\nApple picked Alibaba's Qwen models.",
        "article",
    ),
    ("file:///v1/ernie.txt", "Baidu ships Ernie 5\n\nBaidu released Ernie 5 on Monday.", "article"),
    (
        "file:///v1/qwen-copy.txt",
        "Qwen comes to iPhones in China\n\nApple picked Alibaba's Qwen models.",
        "duplicate",
    ),
    ("file:///v1/empty.txt", "", "rejected"),
]


def build(target: Path) -> None:
    target.unlink(missing_ok=True)
    version, name, sql = migrations()[0]
    assert version == 1
    # Small blocks (16 KB, not the default 256 KB) keep the file tiny; DuckDB reads the size from the header.
    connection = duckdb.connect()
    connection.execute(f"ATTACH '{target}' AS v1 (BLOCK_SIZE 16384)")
    connection.execute("USE v1")
    try:
        connection.execute(
            "CREATE TABLE schema_version ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        connection.execute(sql)
        connection.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, WHEN])
        connection.execute(
            "INSERT INTO runs VALUES (?, NULL, ?, ?, 'completed', 4, 4, 2, 1, 1)", [RUN, WHEN, WHEN]
        )
        first_article: dict[str, str] = {}
        for uri, text, outcome in DOCUMENTS:
            data = text.encode()
            sha = sha256_hex(data)
            doc_id = document_id(uri, sha)
            connection.execute(
                "INSERT INTO raw_documents VALUES (?, 'files', 'file', ?, ?, 'text/plain', ?, ?, ?, NULL, ?)",
                [doc_id, uri, WHEN, sha, len(data), data, RUN],
            )
            title, _, body = text.partition("\n\n")
            if outcome == "article":
                first_article[title] = doc_id
                connection.execute(
                    "INSERT INTO articles VALUES"
                    " (?, ?, ?, ?, 'files', ?, [], NULL, 'en', ?, ?, ?, 'plain-text', ?, ?)",
                    [
                        doc_id,
                        doc_id,
                        uri,
                        uri,
                        title,
                        body,
                        sha256_hex(body.lower().encode()),
                        len(body.split()),
                        WHEN,
                        RUN,
                    ],
                )
            elif outcome == "duplicate":
                connection.execute(
                    "INSERT INTO document_duplicates VALUES (?, ?, ?, 'body', ?, ?)",
                    [doc_id, uri, first_article[title], WHEN, RUN],
                )
            else:
                connection.execute(
                    "INSERT INTO rejects VALUES (?, ?, 'read', 'empty document', ?, ?)",
                    [doc_id, uri, WHEN, RUN],
                )
        connection.execute("CHECKPOINT v1")
    finally:
        connection.close()


if __name__ == "__main__":
    build(TARGET)
    print(f"{TARGET} ({TARGET.stat().st_size:,} bytes)")
