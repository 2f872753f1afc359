"""What reading stories costs against a large history: the `story_summaries` view and `newsetl stories`.

A history of n articles is synthesised in SQL with bench/pipeline.py's `SYNTHESISE` (raw documents,
articles, signatures, bands, story rows), then regrouped into stories the way real news clusters (half
the articles alone, the rest in stories of 2 to 8 reports, joined through their first), with watched
entity mentions (three an article), languages (en, zh, de). Timed:

- the whole view (`count(*)`), the latest 20 stories from the view, one story by id;
- `story_summaries_of` given 20 and 1,000 story ids: the reads' path, and what a maintained summary table
  would have to recompute on every run that adds 1k articles;
- what `newsetl stories` runs (warehouse.stories.list_stories, stories_by_id): the latest 20 stories with
  their articles, the latest 20 of two articles or more, one story named by the start of its id, its
  thread, the threads of the latest 20, the 20 with the weakest joins, and the stories of the last day;
- what a run's "stories of this run" report reads (warehouse.stories.run_stories) for a run that touched
  1,000 stories: the 50 it shows, 10 of them with their articles;
- an analyst's edits (warehouse.story_edits): two stories merged, one article split out of its story, and
  what `newsetl reprocess` adds after rebuilding the stories: the six edits made again (here on the
  stories they already made, so each is looked up and skipped: the lookup is the replay's cost beyond
  the merges and splits timed above).

`python -m bench.story_summaries 1000000` prints the figures as JSON (median wall and CPU seconds of 3
runs each).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

from bench.memory import peak_rss_mb, reset_peak_rss
from bench.pipeline import SYNTHESISE

# bench/pipeline.py's story_features rows predate the columns of migration 007: named columns here.
HISTORY = [
    *(statement for statement in SYNTHESISE if "INTO story_features" not in statement),
    """
    INSERT INTO story_features (article_id, event_time, entities, facts, terms)
    SELECT 'old' || i, TIMESTAMPTZ '2024-01-01' + to_minutes(i::BIGINT), [], [], MAP {}
    FROM range($n) AS t(i)
    """,
]

# Stories of 2 to 8 reports over half the history, the other half alone; entities and languages.
REGROUP = [
    """
    CREATE OR REPLACE TEMP TABLE _bench_story AS
    SELECT i, CASE WHEN hash(i // 8) % 2 = 0 THEN i ELSE i - i % (2 + hash(i // 8) % 7) END AS first
    FROM range($n) AS t(i)
    """,
    """
    UPDATE story_articles AS s
    SET story_id = 'old' || b.first,
        matched_article_id = CASE WHEN b.first = b.i THEN NULL ELSE 'old' || b.first END,
        score = CASE WHEN b.first = b.i THEN 1.0 ELSE 0.7 END
    FROM _bench_story AS b
    WHERE s.article_id = 'old' || b.i
    """,
    """
    UPDATE articles SET language = CASE hash(article_id) % 20 WHEN 0 THEN 'zh' WHEN 1 THEN 'de' ELSE 'en' END
    """,
    """
    INSERT INTO entity_mentions
    SELECT 'old' || i, 'Entity ' || (hash(i, m) % 50), 'Entity ' || (hash(i, m) % 50), m
    FROM range($n) AS t(i), range(3) AS u(m)
    """,
]


def _median_seconds(work: Callable[[], object], repeats: int = 3) -> dict[str, float]:
    """Median wall and CPU seconds (CPU: this process's, DuckDB's threads included; steadier than the wall
    clock on a machine other jobs share)."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"wall_s": round(statistics.median(walls), 3), "cpu_s": round(statistics.median(cpus), 3)}


def story_summaries_figures(stored: int, touched: int = 1_000) -> dict[str, Any]:
    """In this process: a synthesised history of `stored` articles, then the reads timed."""
    from transform.near_duplicates import DEFAULT_SCHEME
    from warehouse.connection import connect
    from warehouse.stories import list_stories, run_stories, stories_by_id

    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.duckdb")
        started = time.perf_counter()
        with connect(db) as connection:
            values = {"n": stored, "scheme": DEFAULT_SCHEME.scheme_id}
            for statement in [*HISTORY, *REGROUP]:
                connection.execute(statement, {k: v for k, v in values.items() if f"${k}" in statement})
            connection.execute("CHECKPOINT")
        synthesised = time.perf_counter() - started
        with connect(db) as connection:  # a run that touched `touched` stories, as its report reads them
            connection.execute(
                """
                INSERT INTO story_changes (run_id, story_id, change, article_count, changed_at)
                SELECT 'bench-run', story_id, 'grew', 1 + hash(story_id) % 3, now()
                FROM (SELECT DISTINCT story_id FROM story_articles ORDER BY hash(story_id) LIMIT $touched)
                """,
                {"touched": touched},
            )
        with connect(db, read_only=True) as connection:

            def fetch(query: str, *parameters: object) -> list[Any]:
                return connection.execute(query, list(parameters)).fetchall()

            row = fetch(
                "SELECT count(DISTINCT story_id), CAST(max(published_at) AS DATE)"
                " FROM story_articles JOIN articles USING (article_id)"
            )
            story_count, last_day = int(row[0][0]), row[0][1]
            probe = fetch("SELECT story_id FROM story_articles WHERE article_id = 'old' || ($1 // 2)", stored)
            # As many stories as 1k new articles touch at most.
            sample = [
                r[0]
                for r in fetch(
                    "SELECT DISTINCT story_id FROM story_articles ORDER BY hash(story_id) LIMIT $1", touched
                )
            ]
            reset_peak_rss()
            figures: dict[str, Any] = {
                "stored_articles": stored,
                "stories": story_count,
                "synthesis_s": round(synthesised, 1),
                # The macro, given the stories: what the reads of newsetl use.
                "of_20_stories": _median_seconds(
                    lambda: fetch("SELECT * FROM story_summaries_of(?)", sample[:20])
                ),
                # What a maintained summary table would recompute on every run of 1k new articles.
                "of_1k_stories": _median_seconds(
                    lambda: fetch("SELECT * FROM story_summaries_of(?)", sample)
                ),
                "view_one_story": _median_seconds(
                    lambda: fetch("SELECT * FROM story_summaries WHERE story_id = ?", probe[0][0])
                ),
                "cli_latest_20": _median_seconds(lambda: list_stories(connection, limit=20)),
                "cli_latest_20_of_2_or_more": _median_seconds(
                    lambda: list_stories(connection, limit=20, min_articles=2)
                ),
                "cli_one_story_by_id_start": _median_seconds(
                    lambda: stories_by_id(connection, [sample[0][:12]])
                ),
                # `newsetl stories ID --thread`: up and down the follows links, then the same read.
                "cli_one_thread_by_id_start": _median_seconds(
                    lambda: stories_by_id(connection, [sample[0][:12]], threads=True)
                ),
                # `newsetl stories --thread`: the latest 20 stories, then their threads read.
                "cli_latest_20_threads": _median_seconds(
                    lambda: list_stories(connection, limit=20, threads=True)
                ),
                # `newsetl stories --weakest`: the stories with the weakest joins on evidence, 20 of them.
                "cli_weakest_20": _median_seconds(lambda: list_stories(connection, limit=20, weakest=True)),
                "run_report_1k_stories": _median_seconds(
                    lambda: run_stories(connection, "bench-run", 50, 10)
                ),
                "cli_since_last_day": _median_seconds(
                    lambda: list_stories(connection, since=last_day if isinstance(last_day, date) else None)
                ),
                "peak_rss_mb_reads": peak_rss_mb(),
            }
            reset_peak_rss()
            figures |= {
                # The view read whole, as an analyst's query without a story id does.
                "view_count": _median_seconds(lambda: fetch("SELECT count(*) FROM story_summaries")),
                "view_latest_20": _median_seconds(
                    lambda: fetch("SELECT * FROM story_summaries ORDER BY last_seen DESC LIMIT 20")
                ),
                "peak_rss_mb_whole_view": peak_rss_mb(),
                "stories_view_count": _median_seconds(lambda: fetch("SELECT count(*) FROM stories")),
            }
        figures |= _edit_figures(db, sample)
    return figures


def _replay_owed(connection: duckdb.DuckDBPyConnection, now: datetime) -> object:
    """The edits made again as after a reprocess: owed (as `forget_derived` leaves them), then replayed."""
    from warehouse.story_edits import owe_story_edits, replay_story_edits

    owe_story_edits(connection)
    replays = replay_story_edits(connection, now)
    assert len(replays.edits) == 6 and not replays.waiting, replays
    return replays


def _edit_figures(db: str, sample: list[str]) -> dict[str, Any]:
    """An analyst's edits (warehouse.story_edits, without publishing the read copy): two stories merged,
    then one article split out of a story, each three times on stories of the sample not edited before."""
    from datetime import UTC

    from warehouse.connection import connect
    from warehouse.story_edits import merge_stories, split_story

    now = datetime.now(UTC)
    pairs = iter(zip(sample[100::2], sample[101::2], strict=False))
    with connect(db) as connection:
        # Stories of two articles or more, for the splits: their last article goes.
        several = iter(
            connection.execute(
                """SELECT max(article_id) FROM story_articles WHERE story_id IN (SELECT unnest($sample))
                GROUP BY story_id HAVING count(*) > 1""",
                {"sample": sample[:100]},
            ).fetchall()
        )
        return {
            "edit_merge_2_stories": _median_seconds(
                lambda: merge_stories(connection, list(next(pairs)), now)
            ),
            "edit_split_1_article": _median_seconds(
                lambda: split_story(connection, list(next(several)), now)
            ),
            "edit_replay_6_edits": _median_seconds(lambda: _replay_owed(connection, now)),
        }


if __name__ == "__main__":
    print(json.dumps(story_summaries_figures(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=2))
