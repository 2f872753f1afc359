"""Exports for other tools: Parquet files partitioned by day, written by DuckDB's COPY."""

from __future__ import annotations

from pathlib import Path

import duckdb

# What each exported dataset holds; `day` is the partition column.
EXPORTS = {
    "articles": """
        SELECT u.*, CAST(coalesce(u.published_at, u.loaded_at) AS DATE) AS day
        FROM unique_articles AS u
    """,
    "stories": """
        SELECT s.*, CAST(s.first_seen AS DATE) AS day FROM stories AS s
    """,
    "document_dedup": """
        SELECT d.*, CAST(r.fetched_at AS DATE) AS day
        FROM document_dedup AS d JOIN raw_documents AS r ON r.doc_id = d.doc_id
    """,
}


def export_parquet(connection: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Write every dataset under `folder/<name>/day=YYYY-MM-DD/*.parquet`; return rows per dataset."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, query in EXPORTS.items():
        target = folder / name
        row = connection.execute(f"SELECT count(*) FROM ({query})").fetchone()
        written[name] = int(row[0]) if row else 0
        if written[name]:
            quoted = str(target).replace("'", "''")
            connection.execute(
                f"COPY ({query}) TO '{quoted}' (FORMAT parquet, PARTITION_BY (day), OVERWRITE_OR_IGNORE)"
            )
    return written
