"""What a batch's story assignments changed: a story started here is created with all its articles, one
started before grew by the articles it gained; nothing is merged."""

from __future__ import annotations

from transform.stories import StoryAssignment
from transform.story_changes import CREATED, GREW, StoryChange, story_changes


def test_started_stories_are_created_and_joined_ones_grow() -> None:
    assignments = [
        StoryAssignment("n1", "old", 0.7, "o1"),  # joins a story stored before the batch
        StoryAssignment("n2", "n2", 1.0, None),  # starts a story
        StoryAssignment("n3", "n2", 0.8, "n2"),  # joins the story n2 started in this batch
        StoryAssignment("n4", "old", 0.6, "n1"),
        StoryAssignment("n5", "n5", 1.0, None),
    ]
    assert story_changes(assignments) == [
        StoryChange("old", GREW, 2),
        StoryChange("n2", CREATED, 2),
        StoryChange("n5", CREATED, 1),
    ]


def test_no_assignment_no_change() -> None:
    assert story_changes([]) == []
