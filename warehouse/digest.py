"""The digest's reads: a period's stories, entity trends, new numeric facts and daily counts, as small
records for the daily digest artifact and the HTML report (both rendered in flows/).

An article counts on the day the analyst views count it: its publication date, or the day it was loaded
when its source gives none. A near-copy (`near_duplicates`) is not counted again: each duplicate group
counts once, on its first copy's day and source. The views (`articles_per_day`, `stories`, ...) read the
whole history before filtering; these queries pick the period's articles first, so their cost follows
the period, not the warehouse (a day of a million-article warehouse: well under a second).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from warehouse.connection import require_schema

# The articles of the period and of the period of the same length before it (for the entity trends).
_PERIOD_ARTICLES = """
CREATE OR REPLACE TEMP TABLE _digest_articles AS
SELECT a.article_id, a.source, CAST(coalesce(a.published_at, a.loaded_at) AS DATE) AS day,
       nd.article_id IS NULL AS original
FROM articles AS a
LEFT JOIN near_duplicates AS nd ON nd.article_id = a.article_id
-- Compared as timestamps (midnight in the session's time zone, where CAST AS DATE cuts days): casting
-- every stored timestamp to a date would cost more than the rest of the digest.
WHERE coalesce(a.published_at, a.loaded_at) >= CAST($before AS TIMESTAMPTZ)
  AND coalesce(a.published_at, a.loaded_at) < CAST($until + 1 AS TIMESTAMPTZ)
"""

_ARTICLES_PER_DAY = """
SELECT day, source, count(*) AS articles
FROM _digest_articles
WHERE original AND day BETWEEN $since AND $until
GROUP BY day, source ORDER BY day, source
"""

_MENTIONS_PER_DAY = """
SELECT p.day, m.entity, count(DISTINCT m.article_id) AS articles
FROM entity_mentions AS m
JOIN _digest_articles AS p ON p.article_id = m.article_id
WHERE p.original AND p.day BETWEEN $since AND $until
GROUP BY p.day, m.entity ORDER BY p.day, m.entity
"""

_TOTALS = """
SELECT count(*) AS articles, count(DISTINCT source) AS sources
FROM _digest_articles WHERE original AND day BETWEEN $since AND $until
"""

# Watched entities named in the period: articles and mentions, and articles in the period just before.
_ENTITIES = """
SELECT m.entity,
       count(DISTINCT m.article_id) FILTER (WHERE p.day >= $since) AS articles,
       count(*) FILTER (WHERE p.day >= $since) AS mentions,
       count(DISTINCT p.day) FILTER (WHERE p.day >= $since) AS days,
       count(DISTINCT m.article_id) FILTER (WHERE p.day < $since) AS earlier_articles
FROM entity_mentions AS m
JOIN _digest_articles AS p ON p.article_id = m.article_id
WHERE p.original
GROUP BY m.entity
HAVING count(*) FILTER (WHERE p.day >= $since) > 0
ORDER BY articles DESC, mentions DESC, m.entity
"""

# Each story with an article on a day of the period, on the last such day. Title, first sighting, size
# and outlets are the whole story's, as the `stories` view gives them (a test holds the two together);
# an untitled story is headed by the opening sentence of its earliest article.
_STORIES = """
WITH active AS (
    SELECT s.story_id, max(p.day) AS day, count(*) AS articles_in_period
    FROM story_articles AS s
    JOIN _digest_articles AS p ON p.article_id = s.article_id
    WHERE p.day BETWEEN $since AND $until
    GROUP BY s.story_id
),
members AS (
    SELECT s.story_id, a.article_id, a.title, a.language, a.canonical_url,
           coalesce(a.published_at, a.loaded_at) AS seen_at,
           CASE WHEN a.canonical_url LIKE 'http%' THEN regexp_extract(a.canonical_url, '^https?://([^/]+)', 1)
                ELSE a.source END AS outlet
    FROM story_articles AS s
    JOIN active AS act ON act.story_id = s.story_id
    JOIN articles AS a ON a.article_id = s.article_id
),
summed AS (
    SELECT m.story_id,
           arg_min(m.title, m.seen_at) AS title,
           arg_min(se.sentence, m.seen_at) AS opening,
           arg_min(m.canonical_url, m.seen_at) FILTER (WHERE m.canonical_url LIKE 'http%') AS url,
           CAST(min(m.seen_at) AS DATE) AS first_day,
           count(*) AS articles,
           count(DISTINCT m.outlet) AS outlet_count,
           list(DISTINCT m.outlet ORDER BY m.outlet) AS outlets,
           list(DISTINCT m.language ORDER BY m.language) FILTER (WHERE m.language IS NOT NULL) AS languages
    FROM members AS m
    LEFT JOIN article_sentences AS se ON se.article_id = m.article_id AND se.sentence_index = 0
    GROUP BY m.story_id
),
-- The earlier story each active story follows (held by its first article, whose id is the story's), with
-- that story's title as the `stories` view gives it: its earliest article's.
followed AS (
    SELECT act.story_id, first.follows_story,
           arg_min(a.title, coalesce(a.published_at, a.loaded_at)) AS follows_title
    FROM active AS act
    JOIN story_articles AS first ON first.article_id = act.story_id AND first.follows_story IS NOT NULL
    JOIN story_articles AS s ON s.story_id = first.follows_story
    JOIN articles AS a ON a.article_id = s.article_id
    GROUP BY ALL
)
SELECT act.day, s.story_id, s.title, s.opening, s.url, s.outlets, s.languages, act.articles_in_period,
       s.articles, s.first_day, f.follows_story, f.follows_title,
       count(*) OVER (PARTITION BY act.day) AS stories_that_day,
       sum(CASE WHEN s.first_day >= $since THEN 1 ELSE 0 END) OVER () AS new_stories
FROM active AS act
JOIN summed AS s ON s.story_id = act.story_id
LEFT JOIN followed AS f ON f.story_id = act.story_id
QUALIFY row_number() OVER (
    PARTITION BY act.day
    ORDER BY s.outlet_count DESC, act.articles_in_period DESC, s.articles DESC, s.first_day, s.story_id
) <= $per_day
ORDER BY act.day DESC, s.outlet_count DESC, act.articles_in_period DESC, s.articles DESC, s.first_day,
         s.story_id
"""

# Facts (entity, canonical value) whose first statement, of all time, is in the period.
_NEW_FACTS = """
WITH candidates AS (
    SELECT f.entity, f.fact_key, f.kind, f.fact_text, f.value, f.unit, f.article_id, f.sentence_index,
           coalesce(a.published_at, a.loaded_at) AS seen_at, p.day, a.title, a.source
    FROM numeric_facts AS f
    JOIN _digest_articles AS p ON p.article_id = f.article_id
    JOIN articles AS a ON a.article_id = f.article_id
    WHERE p.day BETWEEN $since AND $until
),
history AS (
    SELECT f.entity, f.fact_key, min(coalesce(a.published_at, a.loaded_at)) AS first_seen,
           count(DISTINCT f.article_id) AS articles
    FROM numeric_facts AS f
    JOIN (SELECT DISTINCT entity, fact_key FROM candidates) AS k
        ON k.entity IS NOT DISTINCT FROM f.entity AND k.fact_key = f.fact_key
    JOIN articles AS a ON a.article_id = f.article_id
    GROUP BY f.entity, f.fact_key
),
firsts AS (
    SELECT c.*, h.articles
    FROM candidates AS c
    JOIN history AS h
        ON h.entity IS NOT DISTINCT FROM c.entity AND h.fact_key = c.fact_key AND h.first_seen = c.seen_at
    QUALIFY row_number() OVER (
        PARTITION BY c.entity, c.fact_key ORDER BY c.article_id, c.sentence_index
    ) = 1
)
SELECT f.day, f.entity, f.kind, f.fact_text, f.value, f.unit, f.title, f.source, se.sentence, f.articles,
       count(*) OVER () AS new_facts
FROM firsts AS f
LEFT JOIN article_sentences AS se ON se.article_id = f.article_id AND se.sentence_index = f.sentence_index
ORDER BY f.day DESC, f.entity IS NULL, f.entity, f.kind, f.value DESC NULLS LAST, f.fact_text
LIMIT $limit
"""

_LATEST_DAY = """
SELECT CAST(max(coalesce(published_at, loaded_at)) AS DATE) FROM articles
WHERE coalesce(published_at, loaded_at) < CAST($until + 1 AS TIMESTAMPTZ)
"""


@dataclass(frozen=True, slots=True)
class DigestStory:
    """A story active in the period, on the last day of the period one of its articles counts on."""

    day: date
    story_id: str
    headline: str
    untitled: bool  # the headline is the opening sentence of an untitled story's first article
    url: str | None  # the earliest web article's canonical URL (http/https), if any
    outlets: tuple[str, ...]
    languages: tuple[str, ...]
    articles_in_period: int
    articles: int
    first_day: date
    # The earlier story it follows (`story_articles.follows_story`: a follow-up too long after it to join)
    # and that story's title (its earliest article's; None when untitled).
    follows: str | None = None
    follows_headline: str | None = None

    @property
    def is_new(self) -> bool:
        """Whether the story started on its day (rather than continuing an earlier one)."""
        return self.first_day >= self.day

    @property
    def followed(self) -> str | None:
        """The story it follows as the digest names it: by its title, or by the start of its id when
        untitled; None when it follows none."""
        if self.follows is None:
            return None
        return self.follows_headline or f"story {self.follows[:12]}"


@dataclass(frozen=True, slots=True)
class EntityTrend:
    """A watched entity in the period: articles naming it, mentions, days named, and articles naming it in
    the period of the same length just before."""

    entity: str
    articles: int
    mentions: int
    days: int
    earlier_articles: int


@dataclass(frozen=True, slots=True)
class NewFact:
    """A numeric fact (entity, canonical value) stated for the first time in the period."""

    day: date
    entity: str | None
    kind: str
    fact_text: str
    value: float | None
    unit: str
    title: str | None  # of the article that stated it first
    source: str
    sentence: str | None
    articles: int  # articles that state it, in all


@dataclass(frozen=True, slots=True)
class DayCount:
    """Articles on one day of one series: a source (articles) or an entity (articles naming it)."""

    day: date
    series: str
    articles: int


@dataclass(frozen=True, slots=True)
class Digest:
    """What the digest shows for the days `since` to `until` (both included)."""

    since: date
    until: date
    articles: int
    sources: int
    new_stories: int
    stories: tuple[DigestStory, ...]
    stories_per_day: tuple[tuple[date, int], ...]  # every active story counted, shown or not; latest first
    entities: tuple[EntityTrend, ...]
    new_facts: tuple[NewFact, ...]
    new_facts_total: int
    articles_per_day: tuple[DayCount, ...]
    mentions_per_day: tuple[DayCount, ...]

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def active_stories(self) -> int:
        return sum(count for _, count in self.stories_per_day)


def read_latest_day(connection: duckdb.DuckDBPyConnection, until: date) -> date | None:
    """The latest day on or before `until` on which an article counts, or None when there is none."""
    row = connection.execute(_LATEST_DAY, {"until": until}).fetchone()
    return row[0] if row else None


def read_digest(
    connection: duckdb.DuckDBPyConnection,
    since: date,
    until: date,
    *,
    stories_per_day: int = 25,
    facts: int = 50,
) -> Digest:
    """The digest of the days `since` to `until`: at most `stories_per_day` stories a day (the most
    covered first) and the `facts` latest new facts; every story and fact is counted."""
    # The newest migration it reads is 026's follow-up links: a later one it does not read leaves the
    # digest of an upgraded warehouse readable before the next run (tests/flows/test_cli_outdated.py
    # reads it at exactly that version).
    require_schema(connection, "story_follows", "the digest (newsetl report)")
    period = {"since": since, "until": until}
    with _period_articles(connection, since, until):
        story_rows = connection.execute(_STORIES, {**period, "per_day": stories_per_day}).fetchall()
        entities = [EntityTrend(*row) for row in connection.execute(_ENTITIES, {"since": since}).fetchall()]
        fact_rows = connection.execute(_NEW_FACTS, {**period, "limit": facts}).fetchall()
        articles, sources = connection.execute(_TOTALS, period).fetchone() or (0, 0)
        articles_per_day = _day_counts(connection, _ARTICLES_PER_DAY, period)
        mentions_per_day = _day_counts(connection, _MENTIONS_PER_DAY, period)
    per_day = {row[0]: row[12] for row in story_rows}
    return Digest(
        since=since,
        until=until,
        articles=articles,
        sources=sources,
        new_stories=story_rows[0][13] if story_rows else 0,
        stories=tuple(_story(*row[:12]) for row in story_rows),
        stories_per_day=tuple(sorted(per_day.items(), reverse=True)),
        entities=tuple(entities),
        new_facts=tuple(NewFact(*row[:-1]) for row in fact_rows),
        new_facts_total=fact_rows[0][-1] if fact_rows else 0,
        articles_per_day=articles_per_day,
        mentions_per_day=mentions_per_day,
    )


def read_mentions_per_day(
    connection: duckdb.DuckDBPyConnection, since: date, until: date
) -> tuple[DayCount, ...]:
    """Articles naming each watched entity, per day, days `since` to `until` (days without any left out)."""
    with _period_articles(connection, since, until, trend=False):
        return _day_counts(connection, _MENTIONS_PER_DAY, {"since": since, "until": until})


@contextmanager
def _period_articles(
    connection: duckdb.DuckDBPyConnection, since: date, until: date, *, trend: bool = True
) -> Iterator[None]:
    """The articles of the period (and of the period as long before it, for trends) as a temporary table
    for the block: the other queries join it instead of reading the whole history."""
    if until < since:
        raise ValueError(f"the period ends ({until}) before it starts ({since})")
    before = since - timedelta(days=(until - since).days + 1) if trend else since
    connection.execute(_PERIOD_ARTICLES, {"before": before, "until": until})
    try:
        yield
    finally:
        connection.execute("DROP TABLE IF EXISTS _digest_articles")


def _story(
    day: date,
    story_id: str,
    title: str | None,
    opening: str | None,
    url: str | None,
    outlets: list[str] | None,
    languages: list[str] | None,
    articles_in_period: int,
    articles: int,
    first_day: date,
    follows: str | None,
    follows_headline: str | None,
) -> DigestStory:
    return DigestStory(
        day=day,
        story_id=story_id,
        headline=title or opening or "",
        untitled=not title,
        url=url,
        outlets=tuple(outlets or ()),
        languages=tuple(languages or ()),
        articles_in_period=articles_in_period,
        articles=articles,
        first_day=first_day,
        follows=follows,
        follows_headline=follows_headline,
    )


def _day_counts(
    connection: duckdb.DuckDBPyConnection, query: str, period: dict[str, date]
) -> tuple[DayCount, ...]:
    return tuple(DayCount(*row) for row in connection.execute(query, period).fetchall())
