"""The shape every cleaning step shares: a pure function from text to a `StepResult`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StepResult:
    """The text after one step, how many changes it made, and a human-readable line per change.

    `fields` carries values a step moved out of the text into the article's metadata, as
    (field, value) pairs such as ("author", "Liu Baodan").
    """

    text: str
    changed: int
    details: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CleaningStep:
    """A named cleaning step; the name keys its changes in the audit."""

    name: str
    apply: Callable[[str], StepResult]


# A replacement of text[start:end], as (start, end, replacement).
Edit = tuple[int, int, str]


def apply_edits(text: str, edits: list[Edit], details: list[str]) -> StepResult:
    """`text` with `edits` applied (in order, none overlapping) and `details` saying what each did.

    For steps that find a few places in a long text: copying the text between them once is cheaper than
    a regex substitution calling back for every candidate.
    """
    if not edits:
        return StepResult(text, 0)
    pieces: list[str] = []
    copied = 0
    for start, end, replacement in edits:
        pieces += (text[copied:start], replacement)
        copied = end
    pieces.append(text[copied:])
    return StepResult("".join(pieces), len(details), tuple(details))
