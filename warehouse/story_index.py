"""The story candidate index: which stored articles a new article could share a story with.

Each report is posted under its candidate keys (`transform.stories.candidate_keys`: rare names, headline
terms, figures other than dates, watched entities, top terms) in `story_postings` (migration 015), in
the same transaction as the article (`warehouse.loads.load_outcomes`). A batch of new articles looks up
its keys in one join, each article within its own time window, and gets back a bounded number of
candidate articles per article whatever the window holds:

- a key posted by more than `broad_key` articles in the batch's window (its articles' times, widened by
  the story window) is too common to be evidence (Apple, "market", a top term every article has) and is
  skipped, counted once per key, so a broad key costs one count, never a row per new article and posting;
- of a key, only the latest `per_key` postings count;
- of an article's candidates, only the `per_article` sharing the rarest evidence (the sum of 1/postings
  over the keys they share) are kept.

Rows are appended in load order, which follows event time, so the lookup's time filter lets DuckDB skip
the row groups of other weeks by their min-max zone maps: the rows read are those of the window, not of
the history. Only the candidates' features are then read (`warehouse.queries.story_candidates`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from transform.stories import StoryFeatures, candidate_keys
from warehouse.batches import TIMESTAMP, registered


@dataclass(frozen=True, slots=True)
class CandidateLimits:
    """How much one new article may look at in the index (see the module docstring)."""

    broad_key: int = 200
    per_key: int = 32
    per_article: int = 48


def insert_story_postings(
    connection: duckdb.DuckDBPyConnection, features: Sequence[StoryFeatures], now: datetime
) -> None:
    """Post each report under its candidate keys (inside the caller's transaction). An article without a
    date is posted at `now`, so it is found by the articles of the current window."""
    rows = [(key, f.article_id, f.event_time or now) for f in features for key in sorted(candidate_keys(f))]
    if not rows:
        return
    table = pa.table(
        {
            "key": pa.array([r[0] for r in rows], pa.string()),
            "article_id": pa.array([r[1] for r in rows], pa.string()),
            "event_time": pa.array([r[2] for r in rows], TIMESTAMP),
        }
    )
    with registered(connection, "_newsetl_story_postings", table):
        connection.execute(
            """
            INSERT INTO story_postings (key_hash, article_id, event_time)
            SELECT md5_number_upper(key), article_id, event_time FROM _newsetl_story_postings
            """
        )


@dataclass(frozen=True, slots=True)
class Lookup:
    """One new article's lookup: its keys, and the time it stands at (its date, or the run's newest)."""

    article_id: str
    event_time: datetime
    keys: frozenset[str]


# The hits (a new article, a key, a stored article posted under it) number about a million for 1k new
# articles against a dense window (1M stored, docs/scaling-stories.md section 24), and ranking them is most
# of the lookup's cost: the window functions sort them by numbers (each new and each stored article
# numbered in the order of its id), not by ids: 0.19-0.24 s against 0.36-0.41.
_CANDIDATES = """
WITH lookups AS (
    SELECT article_id AS new_id, new_no, md5_number_upper(key) AS key_hash, event_time
    FROM _newsetl_story_lookups
),
window_postings AS (
    SELECT key_hash, article_id, event_time
    FROM story_postings
    WHERE event_time BETWEEN $start AND $end AND key_hash IN (SELECT key_hash FROM lookups)
),
specific AS (
    SELECT key_hash FROM window_postings GROUP BY key_hash HAVING count(*) <= $broad_key
),
numbered AS (
    SELECT key_hash, article_id, event_time, dense_rank() OVER (ORDER BY article_id) AS article_no
    FROM window_postings
    WHERE key_hash IN (SELECT key_hash FROM specific)
),
hits AS (
    SELECT w.new_no, w.key_hash, p.article_no, p.event_time
    FROM lookups AS w
    JOIN numbered AS p
      ON p.key_hash = w.key_hash AND p.event_time BETWEEN w.event_time - $window AND w.event_time + $window
    WHERE p.article_id <> w.new_id
),
kept AS (
    SELECT new_no, key_hash, article_no, 1.0 / count(*) OVER (PARTITION BY new_no, key_hash) AS rarity
    FROM hits
    QUALIFY row_number() OVER (PARTITION BY new_no, key_hash ORDER BY event_time DESC, article_no) <= $per_key
),
ranked AS (
    SELECT new_no, article_no, sum(rarity) AS evidence
    FROM kept
    GROUP BY new_no, article_no
    QUALIFY row_number() OVER (PARTITION BY new_no ORDER BY evidence DESC, article_no) <= $per_article
)
SELECT DISTINCT p.article_id
FROM ranked AS r
JOIN (SELECT DISTINCT article_no, article_id FROM numbered) AS p ON p.article_no = r.article_no
"""


def candidate_articles(
    connection: duckdb.DuckDBPyConnection,
    lookups: Iterable[Lookup],
    window: timedelta,
    limits: CandidateLimits = CandidateLimits(),
) -> list[str]:
    """Ids of the stored articles sharing rare evidence with each new article in its time window: at most
    `limits.per_article` per new article, whatever the number of articles in the window."""
    batch = list(lookups)
    number = {article_id: n for n, article_id in enumerate(dict.fromkeys(x.article_id for x in batch))}
    rows = [
        (lookup.article_id, number[lookup.article_id], key, lookup.event_time)
        for lookup in batch
        for key in sorted(lookup.keys)
    ]
    if not rows:
        return []
    table = pa.table(
        {
            "article_id": pa.array([r[0] for r in rows], pa.string()),
            "new_no": pa.array([r[1] for r in rows], pa.int32()),
            "key": pa.array([r[2] for r in rows], pa.string()),
            "event_time": pa.array([r[3] for r in rows], TIMESTAMP),
        }
    )
    times = [r[3] for r in rows]
    with registered(connection, "_newsetl_story_lookups", table):
        found = connection.execute(
            _CANDIDATES,
            {
                "window": window,
                "start": min(times) - window,
                "end": max(times) + window,
                "broad_key": limits.broad_key,
                "per_key": limits.per_key,
                "per_article": limits.per_article,
            },
        ).fetchall()
    return sorted(article_id for (article_id,) in found)
