"""What a batch's outcome counts for the run's summary: the weak joins, the joins to review first."""

from __future__ import annotations

from transform.near_duplicates import NearDuplicate
from transform.outcomes import BatchOutcome
from transform.stories import WEAK_JOIN, StoryAssignment


def test_weak_joins_are_joins_on_evidence_under_the_weak_score() -> None:
    outcome = BatchOutcome(
        stories=(
            StoryAssignment("a", "a", 1.0, None),  # started its story: no join
            StoryAssignment("b", "a", WEAK_JOIN - 0.02, "a"),  # weak
            StoryAssignment("c", "a", WEAK_JOIN, "a"),  # at the score: not weak
            StoryAssignment("d", "a", 0.56, "a"),  # a near-copy, whatever its similarity
        ),
        near_duplicates=(NearDuplicate("d", "a", "a", 0.56, 0.6),),
    )
    assert outcome.weak_joins == 1
    # Counted over the run's batches, as its summary keeps them.
    assert outcome.summarised().merged(outcome.summarised()).weak_joins == 2
