"""A story as plain lines: what `newsetl stories` prints, and what the "stories of this run" artifact
shows of the run's stories under its table (flows/story_report.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from flows.wording import count_of
from warehouse.stories import StoryArticle, StorySummary
from warehouse.story_edits import MERGE, SPLIT, EditReplays


def story_lines(story: StorySummary) -> list[str]:
    """A story as plain lines: headline, its figures, then one line per article, columns aligned."""
    articles, outlets = count_of(story.article_count, "article"), count_of(story.outlet_count, "outlet")
    lines = [
        story.headline or _untitled(story.articles[0] if story.articles else None),
        f"  story {story.story_id}",
        f"  {seen(story)}, {articles} from {outlets}: {', '.join(story.outlets)}",
        f"  languages: {', '.join(story.languages) or 'unknown'}",
        f"  entities: {', '.join(story.top_entities) or 'none watched'}",
    ]
    continued = sorted({a.continues_story for a in story.articles if a.continues_story})
    if continued:
        lines.append(f"  continues story {', '.join(continued)}, which reached the size limit")
    followed = sorted({a.follows_story for a in story.articles if a.follows_story})
    if followed:
        lines.append(f"  follows story {', '.join(followed)}: the same evidence, too long after it to join")
    if story.followed_by:
        lines.append(f"  followed by story {', '.join(story.followed_by)}")
    width = max((len(a.outlet) for a in story.articles), default=0)
    listed = {a.article_id: a for a in story.articles}
    # An article is named by its outlet and day, or by its URL where another of the story shares both.
    named_by = Counter((a.outlet, _day(a)) for a in story.articles)
    for article in story.articles:
        day = _day(article)
        title = " ".join(article.title.split()) if article.title else _untitled(article)
        how = "  (joined on content alone: no date to go by)" if article.joined_undated else ""
        lines.append(f"    {article.outlet:<{width}}  {day:<10}  {title}  {article.url}{how}")
        # Why it is in the story: what it shares with the article it was matched with when it joined.
        matched = listed.get(article.matched_article_id or "")
        with_whom = "an earlier article"
        if matched and named_by[matched.outlet, _day(matched)] > 1:
            with_whom = matched.url
        elif matched:
            with_whom = f"the {matched.outlet} article ({_day(matched)})"
        if article.placed_by:
            lines.append(
                f"    {'':<{width}}  placed here by hand ({_EDITS.get(article.placed_by, article.placed_by)})"
            )
        elif article.near_copy:
            lines.append(f"    {'':<{width}}  a near-copy of {with_whom}")
        elif article.joined_on:
            score = f" (score {article.score:.2f})" if article.score is not None else ""
            lines.append(f"    {'':<{width}}  joined {with_whom} on: {', '.join(article.joined_on)}{score}")
    return lines


# What an analyst's edit that placed an article is called on the command line (warehouse.story_edits).
_EDITS = {SPLIT: "newsetl split-story", MERGE: "newsetl merge-stories"}


def seen(story: StorySummary) -> str:
    """The story's `published` span as its listing writes it: "seen 2025-03-18 (and 1 undated)", or
    "undated, loaded 2026-12-07" when none of its articles is dated."""
    return published(story) if story.published is None else f"seen {published(story)}"


def published(story: StorySummary) -> str:
    """When the story's articles were published: the span of its dated articles, the undated counted
    beside it, or, when none is dated, the days it was loaded."""
    if story.published is None:
        return f"undated, loaded {_span(story.first_seen, story.last_seen)}"
    span = _span(*story.published)
    return f"{span} (and {story.undated_count} undated)" if story.undated_count else span


def _span(first: datetime, last: datetime) -> str:
    start, end = f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"
    return start if start == end else f"{start} to {end}"


def _day(article: StoryArticle) -> str:
    return f"{article.published_at:%Y-%m-%d}" if article.published_at else "undated"


def _untitled(article: StoryArticle | None, words: int = 12) -> str:
    """An article without a title, by its first words: (untitled: "Baidu said on Thursday ...")."""
    opening = (article.opening or "").split() if article else []
    if not opening:
        return "(untitled)"
    more = " ..." if len(opening) > words else ""
    return f'(untitled: "{" ".join(opening[:words])}{more}")'


def story_edits_lines(replays: EditReplays) -> list[str]:
    """What a run did with the story edits a reprocess left owed, one line each; none when it owed none.
    The run's log, its summary artifact and the CLI's summary print them."""
    if replays.waiting:
        return [
            f"Story edits waiting to be made again: {replays.waiting}. Documents of the reprocess still "
            f"pending: {replays.pending_documents}; the run that processes them makes the edits again."
        ]
    if not replays.edits:
        return []
    skipped = [e for e in replays.edits if e.skipped]
    return [f"Story edits made again: {replays.made} of {len(replays.edits)}."] + [
        f"Story edit {e.edit_id} ({e.kind}) not made again: {e.skipped}" for e in skipped
    ]
