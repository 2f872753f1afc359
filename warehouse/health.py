"""Source health in the warehouse: each run's figures per source, their history, and drift alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import duckdb
import pyarrow as pa

from transform.health import Alert, SourceRun
from warehouse.batches import TIMESTAMP, insert_rows
from warehouse.loads import transaction

# What a run loaded and rejected, per source; the crawl figures come from the flow.
_RUN_FIGURES = """
WITH loaded AS (
    SELECT source,
           count(*) AS new_articles,
           avg(CASE WHEN published_at IS NULL THEN 1 ELSE 0 END) AS missing_date_share,
           avg(CASE WHEN len(authors) = 0 THEN 1 ELSE 0 END) AS missing_author_share,
           avg(CASE WHEN title IS NULL THEN 1 ELSE 0 END) AS missing_title_share,
           median(word_count) AS median_body_words
    FROM articles WHERE run_id = $run GROUP BY source
),
by_reason AS (
    SELECT d.source, r.reason, count(*) AS n
    FROM rejects AS r JOIN raw_documents AS d ON d.doc_id = r.doc_id
    WHERE r.run_id = $run
    GROUP BY d.source, r.reason
),
rejected AS (
    SELECT source, sum(n)::INTEGER AS rejected, map(list(reason), list(n)) AS by_reason
    FROM by_reason GROUP BY source
)
SELECT coalesce(l.source, j.source), coalesce(l.new_articles, 0), coalesce(j.rejected, 0), j.by_reason,
       l.missing_date_share, l.missing_author_share, l.missing_title_share, l.median_body_words
FROM loaded AS l FULL OUTER JOIN rejected AS j ON j.source = l.source
"""


def run_figures(
    connection: duckdb.DuckDBPyConnection, run_id: str, sources: Sequence[SourceRun]
) -> list[SourceRun]:
    """`sources` (one per source, with the crawl figures) completed with what the run loaded and rejected."""
    rows = connection.execute(_RUN_FIGURES, {"run": run_id}).fetchall()
    figures = {row[0]: row[1:] for row in rows}
    completed = []
    for run in sources:
        new, rejected, by_reason, no_date, no_author, no_title, words = figures.get(
            run.source, (0, 0, None, None, None, None, None)
        )
        completed.append(
            replace(
                run,
                new_articles=new,
                rejected=rejected,
                rejects_by_reason=dict(by_reason or {}),
                missing_date_share=no_date,
                missing_author_share=no_author,
                missing_title_share=no_title,
                median_body_words=words,
            )
        )
    return completed


def source_history(
    connection: duckdb.DuckDBPyConnection, source: str, before_run: str, limit: int = 10
) -> list[SourceRun]:
    """The source's latest `limit` runs before `before_run`, most recent first."""
    rows = connection.execute(
        """
        SELECT source, source_kind, discovered, fetched, unchanged, failed, blocked, new_articles, rejected,
               rejects_by_reason, missing_date_share, missing_author_share, missing_title_share,
               median_body_words, seconds
        FROM source_runs WHERE source = ? AND run_id <> ?
        ORDER BY finished_at DESC LIMIT ?
        """,
        [source, before_run, limit],
    ).fetchall()
    return [
        SourceRun(
            source=row[0],
            source_kind=row[1],
            discovered=row[2],
            fetched=row[3],
            unchanged=row[4],
            failed=row[5],
            blocked=row[6],
            new_articles=row[7],
            rejected=row[8],
            rejects_by_reason=dict(row[9]),
            missing_date_share=row[10],
            missing_author_share=row[11],
            missing_title_share=row[12],
            median_body_words=row[13],
            seconds=row[14],
        )
        for row in rows
    ]


def save_source_health(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    runs: Sequence[SourceRun],
    alerts: Sequence[Alert],
    now: datetime,
) -> None:
    """Record the run's figures per source and its alerts, in one transaction."""
    with transaction(connection):
        insert_rows(
            connection,
            "source_runs",
            pa.table(
                {
                    "run_id": [run_id] * len(runs),
                    "source": [r.source for r in runs],
                    "source_kind": [r.source_kind for r in runs],
                    "finished_at": pa.array([now] * len(runs), TIMESTAMP),
                    "discovered": pa.array([r.discovered for r in runs], pa.int32()),
                    "fetched": pa.array([r.fetched for r in runs], pa.int32()),
                    "unchanged": pa.array([r.unchanged for r in runs], pa.int32()),
                    "failed": pa.array([r.failed for r in runs], pa.int32()),
                    "blocked": pa.array([r.blocked for r in runs], pa.int32()),
                    "new_articles": pa.array([r.new_articles for r in runs], pa.int32()),
                    "rejected": pa.array([r.rejected for r in runs], pa.int32()),
                    "rejects_by_reason": pa.array(
                        [list(r.rejects_by_reason.items()) for r in runs], pa.map_(pa.string(), pa.int32())
                    ),
                    "missing_date_share": pa.array([r.missing_date_share for r in runs], pa.float64()),
                    "missing_author_share": pa.array([r.missing_author_share for r in runs], pa.float64()),
                    "missing_title_share": pa.array([r.missing_title_share for r in runs], pa.float64()),
                    "median_body_words": pa.array([r.median_body_words for r in runs], pa.float64()),
                    "seconds": pa.array([r.seconds for r in runs], pa.float64()),
                }
            ),
        )
        insert_rows(
            connection,
            "source_alerts",
            pa.table(
                {
                    "run_id": [run_id] * len(alerts),
                    "source": [a.source for a in alerts],
                    "rule": [a.rule for a in alerts],
                    "message": [a.message for a in alerts],
                    "raised_at": pa.array([now] * len(alerts), TIMESTAMP),
                }
            ),
        )


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source's latest run beside its usual figures (a row of the source_health view), for display.

    The shares and medians describe the latest run's new articles, so they are None when it added none;
    `usual_new_articles` is None before the source has an earlier run.
    """

    source: str
    status: str
    last_run: datetime
    discovered: int
    fetched: int
    unchanged: int
    failed: int
    blocked: int
    new_articles: int
    usual_new_articles: float | None
    rejected: int
    missing_date_share: float | None
    median_body_words: float | None
    alerts: tuple[str, ...]


_SOURCE_HEALTH = """
SELECT source, status, last_run, discovered, fetched, unchanged, failed, blocked, new_articles,
       usual_new_articles, rejected, missing_date_share, median_body_words, coalesce(alerts, [])
FROM source_health ORDER BY status <> 'ok' DESC, source
"""


def read_source_health(connection: duckdb.DuckDBPyConnection) -> list[SourceHealth]:
    """Every source's latest state, those that need attention (alert, blocked) first, then by name."""
    rows = connection.execute(_SOURCE_HEALTH).fetchall()
    return [
        SourceHealth(
            source=row[0],
            status=row[1],
            last_run=row[2],
            discovered=row[3],
            fetched=row[4],
            unchanged=row[5],
            failed=row[6],
            blocked=row[7],
            new_articles=row[8],
            usual_new_articles=row[9],
            rejected=row[10],
            missing_date_share=row[11],
            median_body_words=row[12],
            alerts=tuple(row[13]),
        )
        for row in rows
    ]
