"""What a batch's story assignments changed about stories: the rows of `story_changes`.

A story keeps the id of its first article for life, so an id an analyst saw (in a report, an export, a
digest) leads to the same story tomorrow. Today stories only grow: each new article either starts a
story (its own id: `created`) or joins one (`grew`, when the story was started by an earlier batch).

Merges. `assign_stories` gives each article one story, the one whose members it matches best on
average; it can never link an article to two existing stories. An article that would pass the threshold
for two stories (a bridge) is not a reason to merge them: the two were kept apart because their members
do not match each other on average, and the articles that match two events at once are mostly the broad
ones (a follow-up, a column, a market wrap) that the issue's wrong merges were made of. Merging on one
article would also rename a story after readers had seen it. So a bridge joins the story it matches best
and both ids stay. A run never merges or splits stored stories; an analyst does
(warehouse/story_edits.py: `newsetl merge-stories`, `newsetl split-story`). Then the older story keeps its
id and the younger one records `merged_into` it, with the articles moved; a story cut out of another
records `split_from` it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from transform.stories import StoryAssignment

CREATED, GREW, MERGED_INTO, SPLIT_FROM = "created", "grew", "merged_into", "split_from"


@dataclass(frozen=True, slots=True)
class StoryChange:
    """One story's change in one batch: how many articles it concerns, and the other story if any."""

    story_id: str
    change: str  # CREATED, GREW, MERGED_INTO or SPLIT_FROM
    article_count: int
    other_story_id: str | None = None


def story_changes(assignments: Iterable[StoryAssignment]) -> list[StoryChange]:
    """One change per story the assignments touch: `created` for a story whose first article is among
    them (with every article it got here), `grew` for a story started earlier (with the articles it
    gained). In the order the stories first appear."""
    assigned = list(assignments)
    gained = Counter(a.story_id for a in assigned)
    started = {a.story_id for a in assigned if a.story_id == a.article_id}
    return [
        StoryChange(story_id, CREATED if story_id in started else GREW, count)
        for story_id, count in gained.items()
    ]
