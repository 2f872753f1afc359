"""Stories for people: what each run changed about stories (`story_changes`), the stories a run touched,
and stories listed with their articles for `newsetl stories`.

The `story_summaries` view (migration 008) holds each story's headline, time span, counts, languages and
top entities. Reading it whole costs a pass over every story; the reads here pick their stories first
(the latest ones, those seen since a day, those a run changed) and summarise only those, so their cost
follows what is shown, not the history (bench/story_summaries.py has the figures at 1M articles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

import duckdb
import pyarrow as pa

from transform.stories import joined_on
from transform.story_changes import StoryChange
from warehouse.batches import registered
from warehouse.connection import WarehouseError, require_schema
from warehouse.queries import story_candidates

# The most stories one listing returns (the CLI's --limit is checked against it).
MAX_STORIES = 1000


def insert_story_changes(
    connection: duckdb.DuckDBPyConnection, run_id: str, now: datetime, changes: Sequence[StoryChange]
) -> None:
    """Record a batch's story changes under its run. Call it inside the batch's transaction.

    A run loads one or several batches (a failed batch is loaded in halves): a story the run created in
    one batch and that grows in a later one stays one `created` row, its article count summed.
    """
    if not changes:
        return
    rows = pa.table(
        {
            "story_id": [c.story_id for c in changes],
            "change": [c.change for c in changes],
            "other_story_id": pa.array([c.other_story_id for c in changes], pa.string()),
            "article_count": pa.array([c.article_count for c in changes], pa.int32()),
        }
    )
    with registered(connection, "_newsetl_story_changes", rows):
        connection.execute(
            """
            MERGE INTO story_changes AS s
            USING (
                SELECT $run_id AS run_id, b.story_id,
                       CASE WHEN b.change = 'grew' AND EXISTS (
                                SELECT 1 FROM story_changes AS c
                                WHERE c.run_id = $run_id AND c.story_id = b.story_id AND c.change = 'created'
                            ) THEN 'created' ELSE b.change END AS change,
                       b.other_story_id, b.article_count
                FROM _newsetl_story_changes AS b
            ) AS n ON s.run_id = n.run_id AND s.story_id = n.story_id AND s.change = n.change
            WHEN MATCHED THEN UPDATE SET article_count = s.article_count + n.article_count
            WHEN NOT MATCHED THEN
                INSERT (run_id, story_id, change, other_story_id, article_count, changed_at)
                VALUES (n.run_id, n.story_id, n.change, n.other_story_id, n.article_count, $now)
            """,
            {"run_id": run_id, "now": now},
        )


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article of a listed story."""

    article_id: str
    outlet: str
    published_at: datetime | None  # None when the source gave no date
    title: str | None
    url: str
    language: str | None
    opening: str | None = None  # the start of the body, for an article without a title
    # It or the article it matched has no date: it joined on content alone (StoryAssignment.undated).
    joined_undated: bool = False
    # Its story continues this one, which had reached the size limit (StoryAssignment.overflow_of).
    continues_story: str | None = None
    # Its story follows this earlier one, which it was too long after to join (StoryAssignment.follows).
    follows_story: str | None = None
    # The article of the story it was matched with when it joined (None: it started the story), whether
    # it joined as a near-copy of that article, and the evidence the two share (`joined_on`).
    matched_article_id: str | None = None
    near_copy: bool = False
    # The analyst's edit that placed it away from the article it had matched (split or merge), if one did.
    placed_by: str | None = None
    # The score it joined its story with (StoryAssignment.score: its mean over the story's members), or a
    # near-copy's similarity; None for the article that started the story.
    score: float | None = None
    joined_on: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StorySummary:
    """A story as `story_summaries` gives it, with its articles in the order they were seen."""

    story_id: str
    headline: str | None
    first_seen: datetime
    last_seen: datetime
    article_count: int
    outlet_count: int
    outlets: tuple[str, ...]
    languages: tuple[str, ...]
    top_entities: tuple[str, ...]
    # When its dated articles were published, first and last (None when none is dated), and how many are
    # undated: an undated article's load time stands in for its date in first_seen and last_seen, which
    # would stretch the span to the day a file was loaded (migration 030).
    published: tuple[datetime, datetime] | None
    undated_count: int
    articles: tuple[StoryArticle, ...] = ()
    # The stories that follow this one (their first report came too long after it to join: migration 026).
    followed_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RunStory:
    """A story a run changed: how, with how many articles, and the story as it stands after the run."""

    change: str
    articles_added: int
    story: StorySummary
    follows: str | None = None  # the story it follows, when the run started it (StoryArticle.follows_story)


@dataclass(frozen=True, slots=True)
class GoneStory:
    """A story a run changed that holds no article when the run is read: an edit made after it moved
    them (an analyst's merge a reprocess made again, `warehouse.story_edits`)."""

    story_id: str
    change: str
    articles_added: int
    merged_into: str | None  # the story that holds its articles now, None when no merge says


@dataclass(frozen=True, slots=True)
class RunStories:
    """What one run did to stories: the stories shown (most articles added first), those of them that
    hold no article now, and the totals."""

    stories: tuple[RunStory, ...]
    changed: int  # stories the run created or added articles to
    created: int
    articles_added: int
    gone: tuple[GoneStory, ...] = ()


_SUMMARY_COLUMNS = (
    "story_id, headline, first_seen, last_seen, article_count, outlet_count, outlets, languages, "
    "top_entities, first_published, last_published, undated_count"
)

# The latest stories (by their latest article), or those with an article seen since a day.
_PICK_STORIES = """
SELECT s.story_id, max(coalesce(a.published_at, a.loaded_at)) AS last_seen
FROM story_articles AS s
JOIN articles AS a ON a.article_id = s.article_id
WHERE $since IS NULL OR coalesce(a.published_at, a.loaded_at) >= $since
GROUP BY s.story_id
{having}
ORDER BY last_seen DESC, s.story_id
LIMIT $limit
"""
# Whether the story row `s` joined as a near-copy of the article it matched: on its text, not on evidence.
_NEAR_COPY = """EXISTS (
    SELECT 1 FROM near_duplicates AS n
    WHERE n.article_id = s.article_id AND n.matched_article_id = s.matched_article_id
)"""
# The stories whose weakest join on evidence is weakest first (with `newsetl stories --weakest`): the score
# an article joined with, its story's mean score (StoryAssignment.score). Near-copies, which join on their
# text, and articles an analyst placed are no join to review. Seen since $since: the joined article.
_PICK_WEAKEST = f"""
SELECT s.story_id, min(s.score) AS weakest
FROM story_articles AS s
JOIN articles AS a ON a.article_id = s.article_id
WHERE s.matched_article_id IS NOT NULL AND s.placed_by IS NULL AND NOT {_NEAR_COPY}
    AND ($since IS NULL OR coalesce(a.published_at, a.loaded_at) >= $since)
GROUP BY s.story_id
{{having}}
ORDER BY weakest, s.story_id
LIMIT $limit
"""
# Only stories of at least $min_articles articles, counted whole (not only those seen since $since). A
# clause of its own, added only when asked for: it counts every story's articles.
_AT_LEAST = """
HAVING (SELECT count(*) FROM story_articles AS m WHERE m.story_id = s.story_id) >= $min_articles
"""

_SUMMARIES = f"SELECT {_SUMMARY_COLUMNS} FROM story_summaries_of($ids)"

_ARTICLES = f"""
SELECT s.story_id, a.article_id,
       CASE WHEN a.canonical_url LIKE 'http%' THEN regexp_extract(a.canonical_url, '^https?://([^/]+)', 1)
            ELSE a.source END AS outlet,
       a.published_at, a.title, a.canonical_url, a.language,
       CASE WHEN nullif(trim(a.title), '') IS NULL THEN left(a.body, 200) END AS opening,
       coalesce(s.undated, false) AS joined_undated, s.continues_story, s.follows_story, s.matched_article_id,
       {_NEAR_COPY} AS near_copy,
       s.placed_by,
       CASE WHEN s.matched_article_id IS NOT NULL THEN s.score END AS score
FROM story_articles AS s
JOIN articles AS a ON a.article_id = s.article_id
WHERE s.story_id IN (SELECT unnest($ids))
ORDER BY s.story_id, coalesce(a.published_at, a.loaded_at), a.article_id
"""

# The stories that follow the given ones (`StoryArticle.follows_story` of their first report).
_FOLLOWERS = """
SELECT follows_story, list(DISTINCT story_id ORDER BY story_id)
FROM story_articles
WHERE follows_story IN (SELECT unnest($ids))
GROUP BY follows_story
"""

_RUN_CHANGES = """
SELECT story_id, change, article_count,
       count(*) OVER () AS stories,
       count(*) FILTER (WHERE change = 'created') OVER () AS created,
       sum(article_count) OVER () AS articles_added,
       -- A story's id is its first article's: that article says which story it follows, if any.
       (SELECT s.follows_story FROM story_articles AS s WHERE s.article_id = c.story_id) AS follows
FROM story_changes AS c
WHERE run_id = $run_id
ORDER BY article_count DESC, story_id
LIMIT $limit
"""


def list_stories(
    connection: duckdb.DuckDBPyConnection,
    since: date | None = None,
    limit: int = 20,
    min_articles: int = 1,
    threads: bool = False,
    weakest: bool = False,
) -> list[StorySummary]:
    """The latest stories with their articles, latest first: by their latest article's publication time
    (its load time when undated), at most `limit` (1 to MAX_STORIES; anything else is a ValueError),
    only those with an article seen on or after `since` when given, and only those of at least
    `min_articles` articles (1 or more; anything else is a ValueError). With `weakest`, the stories with a
    join on evidence instead, the weakest join first (`_PICK_WEAKEST`: where wrong joins are most often;
    `since` then asks for a joined article seen since). With `threads`, the threads of those stories
    instead, as `stories_by_id` gives them: the thread of the first story first, each story of a thread by
    its first article seen (the filters pick the stories, not the rest of their threads)."""
    if not 1 <= limit <= MAX_STORIES:
        raise ValueError(f"limit must be between 1 and {MAX_STORIES}, got {limit}")
    if min_articles < 1:
        raise ValueError(f"min_articles must be 1 or more, got {min_articles}")
    _require_schema(connection, threads)
    start = datetime.combine(since, time.min, UTC) if since else None
    parameters = {"since": start, "limit": limit} | (
        {"min_articles": min_articles} if min_articles > 1 else {}
    )
    query = (_PICK_WEAKEST if weakest else _PICK_STORIES).format(having=_AT_LEAST if min_articles > 1 else "")
    picked = connection.execute(query, parameters).fetchall()
    ids = [story_id for story_id, _ in picked]
    return _with_threads(connection, ids) if threads else _stories(connection, ids)


class UnknownStoryError(WarehouseError):
    """A story id (or the start of one) that names no story, or more than one."""


# Stories whose id starts with one of the given ids or starts of ids (an id as the run's report shows it,
# its first 12 characters, is enough).
_MATCHING_STORIES = """
SELECT p.prefix, list(DISTINCT s.story_id ORDER BY s.story_id)[:6] AS found
FROM (SELECT unnest($prefixes) AS prefix) AS p
LEFT JOIN story_articles AS s ON starts_with(s.story_id, p.prefix)
GROUP BY p.prefix
"""


# The stories of the given stories' threads (migration 027's `story_threads`, which the `stories` view
# reads too), each with the place of the first given story whose thread holds it. A story that follows
# none is the first of its own thread, and is in no row of the macro.
_THREADS = """
WITH linked AS (SELECT story_id, thread_id FROM story_threads()),
wanted AS (
    SELECT coalesce(l.thread_id, g.story_id) AS thread_id, min(g.given) AS given
    FROM (SELECT unnest($ids) AS story_id, generate_subscripts($ids, 1) AS given) AS g
    LEFT JOIN linked AS l ON l.story_id = g.story_id
    GROUP BY ALL
)
SELECT m.story_id, w.given
FROM wanted AS w
JOIN (SELECT story_id, thread_id FROM linked UNION SELECT thread_id, thread_id FROM wanted) AS m
    ON m.thread_id = w.thread_id
"""


def stories_by_id(
    connection: duckdb.DuckDBPyConnection, ids: Sequence[str], threads: bool = False
) -> list[StorySummary]:
    """The stories `ids` name, in their order, with their articles as `list_stories` gives them. Each id
    is a story's id or its start; one naming no story, or several, is an UnknownStoryError that says
    which (at most five of the several). With `threads`, each story's whole thread instead: the stories it
    follows and those that follow it (`StoryArticle.follows_story`), by their first article seen, as a
    happening reported for days is cut into stories two days apart that follow each other."""
    _require_schema(connection, threads)
    story_ids = resolve_story_ids(connection, ids)
    return _with_threads(connection, story_ids) if threads else _stories(connection, story_ids)


def resolve_story_ids(connection: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[str]:
    """The whole ids of the stories `ids` name (each a story's id or its start), in their order, each
    once; an UnknownStoryError that says which (at most five of the several) for one naming no story or
    several. An id an analyst's merge took away names the story it was merged into (`story_changes`), so
    an id seen in a report or a digest still leads to its articles."""
    wanted = list(dict.fromkeys(ids))
    found = {
        prefix: [s for s in stories if s]
        for prefix, stories in connection.execute(_MATCHING_STORIES, {"prefixes": wanted}).fetchall()
    }
    problems, resolved = [], []
    for prefix in wanted:
        matches = found.get(prefix) or _merged_into(connection, prefix)
        if not matches:
            problems.append(f"no story id starts with {prefix!r}")
        elif len(matches) > 1 and prefix not in matches:
            shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
            problems.append(f"{prefix!r} starts several story ids ({shown}): give more of it")
        else:
            resolved.append(prefix if prefix in matches else matches[0])
    if problems:
        raise UnknownStoryError("; ".join(problems))
    return list(dict.fromkeys(resolved))


# The stories whose ids start with the given start that a merge took away, the latest merge's first.
_MERGED_AWAY = """
SELECT story_id, other_story_id FROM story_changes
WHERE change = 'merged_into' AND starts_with(story_id, $prefix)
ORDER BY changed_at DESC, run_id
"""
_IS_STORY = "SELECT count(*) FROM story_articles WHERE story_id = $story_id"
# Merges followed at most (a story merged into one merged later, and so on).
_MAX_MERGES = 100


def _merged_into(connection: duckdb.DuckDBPyConnection, prefix: str) -> list[str]:
    """[the story that holds the articles of the story `prefix` names, which a merge took away], or
    [the merged-away ids it starts, when several], or [] when no merge took one away."""
    rows = connection.execute(_MERGED_AWAY, {"prefix": prefix}).fetchall()
    merged_away = list(dict.fromkeys(story_id for story_id, _ in rows))
    if prefix in merged_away:  # a whole id, which others start with
        merged_away = [prefix]
    if len(merged_away) != 1:
        return merged_away
    story_id = merged_away[0]
    for _ in range(_MAX_MERGES):
        later = connection.execute(_MERGED_AWAY, {"prefix": story_id}).fetchall()
        into = next((other for merged, other in later if merged == story_id), None)
        if into is None:
            return []
        story_id = into
        row = connection.execute(_IS_STORY, {"story_id": story_id}).fetchone()
        if row and row[0]:
            return [story_id]
    return []


def _require_schema(connection: duckdb.DuckDBPyConnection, threads: bool) -> None:
    """The stories' reads need the summaries' publication span (migration 030), after the follow-up links
    (026), the threads' macro (027) and the articles an analyst placed (028)."""
    require_schema(
        connection, "story_dated_span", "newsetl stories --thread" if threads else "newsetl stories"
    )


def _stories(connection: duckdb.DuckDBPyConnection, story_ids: Sequence[str]) -> list[StorySummary]:
    """The stories `story_ids` name (whole ids), in their order, with their articles."""
    stories = _with_articles(connection, _summaries(connection, story_ids), story_ids)
    return [stories[story_id] for story_id in story_ids]


def _with_threads(connection: duckdb.DuckDBPyConnection, story_ids: Sequence[str]) -> list[StorySummary]:
    """The threads of the stories `story_ids` name (whole ids), with their articles: the threads in the
    order of those stories, each story of a thread by its first article seen."""
    given = dict(connection.execute(_THREADS, {"ids": list(story_ids)}).fetchall())
    # A story id a link names that no longer holds an article has no summary, and is left out.
    summaries = _summaries(connection, list(given))
    ordered = sorted(summaries, key=lambda story: (given[story], summaries[story].first_seen, story))
    stories = _with_articles(connection, summaries, ordered)
    return [stories[story_id] for story_id in ordered]


def run_stories(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    limit: int = 50,
    with_articles: int = 0,
    max_articles: int = 50,
) -> RunStories:
    """The stories `run_id` changed: the `limit` that gained most articles (each as it stands now), and
    the run's totals. The first `with_articles` of them that hold two to `max_articles` articles come with
    their articles, as `list_stories` gives them; the others without. Those of the `limit` that hold no
    article now are `gone`, each with the story a merge moved its articles into."""
    changes = connection.execute(_RUN_CHANGES, {"run_id": run_id, "limit": limit}).fetchall()
    if not changes:
        return RunStories((), 0, 0, 0)
    stories = _summaries(connection, [row[0] for row in changes])
    listed = [
        story_id
        for story_id, *_ in changes
        if story_id in stories and 2 <= stories[story_id].article_count <= max_articles
    ][:with_articles]
    stories = _with_articles(connection, stories, listed)
    shown = tuple(
        RunStory(change, int(count), stories[story_id], follows)
        for story_id, change, count, _, _, _, follows in changes
        if story_id in stories
    )
    gone = tuple(
        GoneStory(story_id, change, int(count), next(iter(_merged_into(connection, story_id)), None))
        for story_id, change, count, *_ in changes
        if story_id not in stories
    )
    _, _, _, changed, created, added, _ = changes[0]
    return RunStories(shown, int(changed), int(created), int(added), gone)


def _summaries(connection: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, StorySummary]:
    """The stories `ids` as `story_summaries` gives them, without their articles (`_with_articles`)."""
    if not ids:
        return {}
    summaries = {}
    for row in connection.execute(_SUMMARIES, {"ids": list(ids)}).fetchall():
        story_id, headline, first_seen, last_seen, article_count, outlet_count = row[:6]
        summaries[story_id] = StorySummary(
            story_id,
            headline,
            first_seen.astimezone(UTC),
            last_seen.astimezone(UTC),
            int(article_count),
            int(outlet_count),
            tuple(row[6]),
            tuple(row[7]),
            tuple(row[8]),
            (row[9].astimezone(UTC), row[10].astimezone(UTC)) if row[9] else None,
            int(row[11]),
        )
    return summaries


def _with_articles(
    connection: duckdb.DuckDBPyConnection, summaries: dict[str, StorySummary], ids: Sequence[str]
) -> dict[str, StorySummary]:
    """`summaries`, those of `ids` with their articles in the order they were seen, each with what it
    joined on (`_with_evidence`), and the stories that follow them."""
    if not ids:
        return summaries
    articles: dict[str, list[StoryArticle]] = {}
    rows = connection.execute(_ARTICLES, {"ids": list(ids)}).fetchall()
    # The columns after the publication time are StoryArticle's fields, in its order.
    for story_id, article_id, outlet, published_at, *rest in rows:
        published = published_at.astimezone(UTC) if published_at else None
        articles.setdefault(story_id, []).append(StoryArticle(article_id, outlet, published, *rest))
    explained = _with_evidence(connection, articles)
    followers = dict(connection.execute(_FOLLOWERS, {"ids": list(ids)}).fetchall())
    return {
        story_id: replace(
            summary, articles=tuple(explained[story_id]), followed_by=tuple(followers.get(story_id, ()))
        )
        if story_id in explained
        else summary
        for story_id, summary in summaries.items()
    }


def _with_evidence(
    connection: duckdb.DuckDBPyConnection, articles: dict[str, list[StoryArticle]]
) -> dict[str, list[StoryArticle]]:
    """The articles, each that joined its story on evidence with what it shares with the article it was
    matched with (a near-copy shares everything: nothing is listed for it)."""
    joined = [a for listed in articles.values() for a in listed if a.matched_article_id and not a.near_copy]
    ids = sorted({a.article_id for a in joined} | {a.matched_article_id or "" for a in joined})
    features = {found.article_id: found for found, _ in story_candidates(connection, ids)}

    def explained(article: StoryArticle) -> StoryArticle:
        own, matched = features.get(article.article_id), features.get(article.matched_article_id or "")
        if article.near_copy or own is None or matched is None:
            return article
        return replace(article, joined_on=joined_on(own, matched))

    return {story_id: [explained(a) for a in listed] for story_id, listed in articles.items()}
