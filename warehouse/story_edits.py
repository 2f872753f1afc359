"""An analyst's corrections of stories: articles taken out of their story (`split_story`), stories moved
into one (`merge_stories`).

The rules get stories wrong (docs/stories.md: on full-length reports of one company's week, two reports
in three of a story may be of other events), and a run never revisits a stored story. An edit changes
`story_articles` in one transaction and records what it did in `story_changes` under its own id
(`edit-<uuid>`), as transform/story_changes.py describes merges and splits. Later runs look stored
articles' stories up in `story_articles`, so a new report joins the corrected stories.

Ids stay where they can, as a run keeps them: a story's id is its first article's (by publication time,
else load time, then id). A split leaves the story's id with the part that holds that article, and the
other part takes the id of its own first article; a merge keeps the id of the story whose first article
came first, and the others record `merged_into` it. An article whose matched article ends up in another
story keeps no match: it says `placed_by` the edit instead, and its story's listing says so.

`newsetl reprocess` rebuilds every story under the rules and marks every edit owed; the run that
finishes the rebuild (the reprocess itself, or the next run if it died) makes each again
(`replay_story_edits`) from the articles `story_edits` recorded, not from story ids: a story keeps its
id in a rebuild only where the rules give it the same first article, while an article's id (its raw
document's) always survives.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from transform.stories import StoryRules
from transform.story_changes import MERGED_INTO, SPLIT_FROM, StoryChange
from warehouse.connection import WarehouseError, require_schema
from warehouse.loads import transaction
from warehouse.stories import insert_story_changes, resolve_story_ids

SPLIT, MERGE = "split", "merge"
# The most articles a merge may leave in one story: as many as a run lets a story hold.
MAX_STORY_ARTICLES = StoryRules().max_story_size


class StoryEditError(WarehouseError):
    """An edit that cannot be made as asked: nothing would change, or the articles are not in one story."""


@dataclass(frozen=True, slots=True)
class StoryEdit:
    """What an edit did: its id (the `run_id` of its `story_changes` rows) and the stories it left, the
    one that kept its id first."""

    edit_id: str
    stories: tuple[str, ...]


# Each given article id or URL, with the stored articles it names that are in a story (all versions of a
# URL: to the analyst they are one article) and their stories.
_GIVEN_ARTICLES = """
SELECT g.given,
       list(DISTINCT s.article_id ORDER BY s.article_id), list(DISTINCT s.story_id ORDER BY s.story_id)
FROM (SELECT unnest($given) AS given) AS g
LEFT JOIN articles AS a ON g.given IN (a.article_id, a.canonical_url, a.uri)
LEFT JOIN story_articles AS s ON s.article_id = a.article_id
GROUP BY g.given
"""

# The articles of the given stories, each story's in the order its listing shows them (its first first).
_MEMBERS = """
SELECT s.story_id, s.article_id, s.matched_article_id
FROM story_articles AS s
JOIN articles AS a ON a.article_id = s.article_id
WHERE s.story_id IN (SELECT unnest($stories))
ORDER BY coalesce(a.published_at, a.loaded_at), a.article_id
"""

# Articles moved to another story: their new story, and no match where the matched article is elsewhere.
_MOVE = """
UPDATE story_articles AS s
SET story_id = m.story_id,
    matched_article_id = CASE WHEN m.unmatched THEN NULL ELSE s.matched_article_id END,
    score = CASE WHEN m.starts THEN 1.0 ELSE s.score END,
    placed_by = CASE WHEN m.starts THEN NULL WHEN m.unmatched THEN $edit ELSE s.placed_by END
FROM (
    SELECT unnest($articles) AS article_id, unnest($stories) AS story_id, unnest($unmatched) AS unmatched,
           unnest($starts) AS starts
) AS m
WHERE s.article_id = m.article_id
"""


def split_story(connection: duckdb.DuckDBPyConnection, given: Sequence[str], now: datetime) -> StoryEdit:
    """Take the articles `given` (article ids or URLs) out of their story into a story of their own.
    They must all be in one story, and not be all of it (a StoryEditError says which)."""
    require_schema(connection, "story_edit_order", "newsetl split-story")
    articles, story_id = _articles_of_one_story(connection, given)
    edit_id = _edit_id()
    with transaction(connection):
        new_story = _split(connection, articles, story_id, edit_id, now)
        _record(connection, edit_id, SPLIT, now, sorted(articles))
    return StoryEdit(edit_id, (story_id, new_story))


def _split(
    connection: duckdb.DuckDBPyConnection, articles: set[str], story_id: str, edit_id: str, now: datetime
) -> str:
    """Part `articles` from the rest of story `story_id`; the new story's id. Call it in a transaction."""
    members = connection.execute(_MEMBERS, {"stories": [story_id]}).fetchall()
    if len(articles) == len(members):
        raise StoryEditError(
            f"those are all {len(members)} articles of story {story_id}: nothing to split from them"
        )
    # The part holding the story's first article keeps its id; the other starts at its own first article.
    parting = [(a, matched) for _, a, matched in members if (a in articles) != (story_id in articles)]
    moving = [article_id for article_id, _ in parting]
    new_story: str = moving[0]
    connection.execute(
        _MOVE,
        {
            "articles": moving,
            "stories": [new_story] * len(moving),
            "unmatched": [matched not in moving for _, matched in parting],
            "starts": [article_id == new_story for article_id in moving],
            "edit": SPLIT,
        },
    )
    # Articles left behind that had matched one of the moved: their match is in another story now.
    connection.execute(
        """UPDATE story_articles SET matched_article_id = NULL, placed_by = $edit
        WHERE story_id = $story AND matched_article_id IN (SELECT unnest($moved))""",
        {"story": story_id, "moved": moving, "edit": SPLIT},
    )
    insert_story_changes(
        connection, edit_id, now, [StoryChange(new_story, SPLIT_FROM, len(moving), story_id)]
    )
    return new_story


def merge_stories(connection: duckdb.DuckDBPyConnection, given: Sequence[str], now: datetime) -> StoryEdit:
    """Move the stories `given` (ids or their starts, two or more) into the one whose first article came
    first, which keeps its id. A merge that would pass the size limit of a story
    (`StoryRules.max_story_size`) is refused, as a run would not grow a story past it."""
    require_schema(connection, "story_edit_order", "newsetl merge-stories")
    stories = resolve_story_ids(connection, given)
    if len(stories) < 2:
        raise StoryEditError(f"give two stories or more to merge, not only {stories[0]}")
    edit_id = _edit_id()
    with transaction(connection):
        target = _merge(connection, stories, edit_id, now)
        # A story's id is its first article's: the articles that name the stories merged.
        _record(connection, edit_id, MERGE, now, sorted(stories))
    return StoryEdit(edit_id, (target,))


def _merge(connection: duckdb.DuckDBPyConnection, stories: list[str], edit_id: str, now: datetime) -> str:
    """Move `stories` into the one whose first article came first; its id. Call it in a transaction."""
    members = connection.execute(_MEMBERS, {"stories": stories}).fetchall()
    if len(members) > MAX_STORY_ARTICLES:
        raise StoryEditError(
            f"the merged story would hold {len(members)} articles, more than a story may "
            f"({MAX_STORY_ARTICLES}): merge fewer stories"
        )
    target: str = members[0][0]  # the story of the earliest article
    merged = [story for story in stories if story != target]
    moving = [(story, article_id) for story, article_id, _ in members if story != target]
    connection.execute(
        _MOVE,
        {
            "articles": [article_id for _, article_id in moving],
            "stories": [target] * len(moving),
            # A merged story's first article matched nothing: it is placed by the merge.
            "unmatched": [story == article_id for story, article_id in moving],
            "starts": [False] * len(moving),
            "edit": MERGE,
        },
    )
    # The merged stories' links move to the story they joined: the story another follows, and the
    # one the target follows if it followed none; a link within the merged story goes.
    connection.execute(
        """UPDATE story_articles SET follows_story = $target
        WHERE follows_story IN (SELECT unnest($merged)) AND story_id <> $target""",
        {"target": target, "merged": merged},
    )
    connection.execute(
        """UPDATE story_articles AS t SET follows_story = (
            SELECT s.follows_story FROM story_articles AS s
            JOIN articles AS a ON a.article_id = s.article_id
            WHERE s.article_id IN (SELECT unnest($merged)) AND s.follows_story IS NOT NULL
                AND s.follows_story NOT IN (SELECT unnest($all))
            ORDER BY coalesce(a.published_at, a.loaded_at), a.article_id
            LIMIT 1
        )
        WHERE t.article_id = $target AND t.follows_story IS NULL""",
        {"target": target, "merged": merged, "all": stories},
    )
    connection.execute(
        """UPDATE story_articles SET follows_story = NULL
        WHERE story_id = $target AND (article_id <> $target OR follows_story IN (SELECT unnest($all)))""",
        {"target": target, "all": stories},
    )
    insert_story_changes(
        connection,
        edit_id,
        now,
        [
            StoryChange(story, MERGED_INTO, sum(1 for s, _ in moving if s == story), target)
            for story in merged
        ],
    )
    return target


@dataclass(frozen=True, slots=True)
class ReplayedEdit:
    """An analyst's edit made again on rebuilt stories: under `replay_id` (the `run_id` of the
    story_changes rows it wrote), or not, and `skipped` says why."""

    edit_id: str
    kind: str
    replay_id: str | None
    skipped: str | None = None


@dataclass(frozen=True, slots=True)
class EditReplays:
    """What a run did with the story edits a reprocess left owed: each made again or skipped, or, while
    documents are still pending (the rebuild is not finished), how many wait."""

    edits: tuple[ReplayedEdit, ...] = ()
    waiting: int = 0
    pending_documents: int = 0

    @property
    def made(self) -> int:
        return sum(1 for edit in self.edits if edit.replay_id)


_OWED = "SELECT edit_id, kind, articles FROM story_edits WHERE owed ORDER BY made_order"
# Each story that holds some of an edit's articles: its id, those articles, and how many it holds in all.
_Holding = tuple[str, list[str], int]
_STORIES_OF = """
SELECT story_id, list(article_id ORDER BY article_id) FILTER (article_id IN (SELECT unnest($articles))),
       count(*)
FROM story_articles
WHERE story_id IN (SELECT story_id FROM story_articles WHERE article_id IN (SELECT unnest($articles)))
GROUP BY story_id
ORDER BY story_id
"""
_PAID = "UPDATE story_edits SET owed = false WHERE edit_id = ?"
UNRECORDED_SPLIT = (
    "made before newsetl recorded a split's articles (schema 29): make it again with newsetl split-story"
)


def owe_story_edits(connection: duckdb.DuckDBPyConnection) -> None:
    """Mark every edit owed: the stories are about to be rebuilt (`warehouse.reprocess.forget_derived`
    calls it in the transaction that forgets them), and the run that finishes the rebuild makes each again."""
    connection.execute("UPDATE story_edits SET owed = true")


def owes_story_edits(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether a reprocess left story edits to make again (a read of a few rows: every run asks)."""
    require_schema(connection, "story_edit_log", "a run")  # reads `owed` alone, not `made_order`
    return connection.execute("SELECT EXISTS (SELECT 1 FROM story_edits WHERE owed)").fetchone() == (True,)


def replay_story_edits(connection: duckdb.DuckDBPyConnection, now: datetime) -> EditReplays:
    """Make the story edits a reprocess left owed again, in the order they were made, on the rebuilt
    stories, once no document is pending (before that, some articles are not in their stories yet).

    A split parts its articles from the rest of whatever stories hold them now, into one story; a merge
    moves the stories that hold its articles now into one. Each edit is one transaction, which also marks
    it paid. An edit the rebuilt stories already agree with, whose articles are in no story now
    (duplicates of others, or rejected), or that the size limit refuses, is skipped with the reason. On
    a lake, call it holding the commit lock.
    """
    require_schema(connection, "story_edit_order", "a run")
    owed = connection.execute(_OWED).fetchall()
    if not owed:
        return EditReplays()
    row = connection.execute("SELECT count(*) FROM pending_documents").fetchone()
    if row and row[0]:
        return EditReplays(waiting=len(owed), pending_documents=int(row[0]))
    replayed = []
    for edit_id, kind, articles in owed:
        replay_id = f"replay-{uuid.uuid4()}"
        skipped: str | None = UNRECORDED_SPLIT if articles is None else None
        try:
            with transaction(connection):
                if articles is not None:
                    stories = connection.execute(_STORIES_OF, {"articles": articles}).fetchall()
                    if not stories:
                        skipped = "its articles are in no story now"
                    else:
                        make_again = _split_again if kind == SPLIT else _merge_again
                        skipped = make_again(connection, stories, replay_id, now)
                connection.execute(_PAID, [edit_id])
        except StoryEditError as error:  # rolled back: nothing changed, and it is paid by being skipped
            skipped = str(error)
            connection.execute(_PAID, [edit_id])
        replayed.append(ReplayedEdit(edit_id, kind, None if skipped else replay_id, skipped))
    return EditReplays(tuple(replayed))


def _split_again(
    connection: duckdb.DuckDBPyConnection, stories: list[_Holding], replay_id: str, now: datetime
) -> str | None:
    """Part a split's articles from every story that holds them with others, then make their parts one."""
    parts = []
    for story_id, named, size in stories:
        if len(named) == size:
            parts.append(story_id)
        else:
            new_story = _split(connection, set(named), story_id, replay_id, now)
            parts.append(story_id if story_id in named else new_story)
    if len(parts) > 1:
        _merge(connection, parts, replay_id, now)
    elif all(len(named) == size for _, named, size in stories):
        return "its articles are a story of their own already"
    return None


def _merge_again(
    connection: duckdb.DuckDBPyConnection, stories: list[_Holding], replay_id: str, now: datetime
) -> str | None:
    """Move the stories that hold a merge's articles into one."""
    if len(stories) == 1:
        return "its articles are in one story already"
    _merge(connection, [story_id for story_id, _, _ in stories], replay_id, now)
    return None


def _record(
    connection: duckdb.DuckDBPyConnection, edit_id: str, kind: str, now: datetime, articles: list[str]
) -> None:
    connection.execute(
        # The next number: the edit is made under the writer's lock (a lake's commit lock), so no other
        # edit takes it meanwhile.
        "INSERT INTO story_edits (edit_id, kind, made_at, articles, owed, made_order)"
        " SELECT $id, $kind, $now, $articles, false, coalesce(max(made_order), 0) + 1 FROM story_edits",
        {"id": edit_id, "kind": kind, "now": now, "articles": articles},
    )


def _articles_of_one_story(
    connection: duckdb.DuckDBPyConnection, given: Sequence[str]
) -> tuple[set[str], str]:
    """The stored articles `given` names and their one story; a StoryEditError naming what is not
    found, or the stories when they are several."""
    rows = connection.execute(_GIVEN_ARTICLES, {"given": list(dict.fromkeys(given))}).fetchall()
    missing = [name for name, found, _ in rows if not [a for a in found if a]]
    if missing:
        raise StoryEditError(
            "no article in a story has the id or URL "
            + ", ".join(repr(m) for m in sorted(missing))
            + " (newsetl stories shows each article's URL)"
        )
    stories = sorted({story for _, _, found in rows for story in found if story})
    if len(stories) > 1:
        raise StoryEditError(
            f"those articles are in {len(stories)} stories ({', '.join(stories)}): split one story at a time"
        )
    return {article for _, found, _ in rows for article in found if article}, stories[0]


def _edit_id() -> str:
    return f"edit-{uuid.uuid4()}"
