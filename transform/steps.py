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
