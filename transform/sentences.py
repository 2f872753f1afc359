# ruff: noqa: RUF002  (CJK stops are named in docstrings on purpose)
"""Sentences: a careful splitter, and the repairs of sentence breaks that copying lost.

The splitter (in `transform.segmentation`, shared by every stage) prefers missing a boundary to inventing
one: it never splits after a known abbreviation ("U.S.", "Inc.", "Mr.", "No."), an initial, or inside a
number ("8.48%", "Qwen2.5"); CJK stops (。！？｡) end a sentence without a space.
"""

from __future__ import annotations

import re

from transform import segmentation
from transform.lexicon import (
    NON_FINAL_WORDS,
)
from transform.steps import Edit, StepResult, apply_edits


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, each stripped. Every line break also ends a sentence.

    The one splitter of every script (`transform.segmentation.sentences`): Latin stops before a space and
    an opener, CJK stops (。！？｡) with no space. Joining the result with spaces gives the text back up to
    whitespace: nothing is dropped.
    """
    return segmentation.sentences(text)


# A line this long with this many sentences is an article flattened onto one line. Chinese and Japanese
# say in 600 characters what English says in 1,500.
FLATTENED_MIN_CHARS = 1500
FLATTENED_MIN_CHARS_CJK = 600
FLATTENED_MIN_SENTENCES = 10
SENTENCES_PER_PARAGRAPH = 4


def split_flattened_lines(text: str) -> StepResult:
    """Break a whole article flattened onto one line back into paragraphs of a few sentences."""
    lines: list[str] = []
    details: list[str] = []
    for line in text.split("\n"):
        long = len(line) >= FLATTENED_MIN_CHARS or (
            len(line) >= FLATTENED_MIN_CHARS_CJK and segmentation.has_han_or_kana(line)
        )
        sentences = split_sentences(line) if long else []
        if len(sentences) < FLATTENED_MIN_SENTENCES:
            lines.append(line)
            continue
        paragraphs = [
            " ".join(sentences[i : i + SENTENCES_PER_PARAGRAPH])
            for i in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
        ]
        # A lone closing sentence reads better with the paragraph before it.
        if len(sentences) % SENTENCES_PER_PARAGRAPH == 1:
            paragraphs[-2:] = [" ".join(paragraphs[-2:])]
        lines.append("\n\n".join(paragraphs))
        details.append(f"{len(sentences)} sentences -> {len(paragraphs)} paragraphs")
    return StepResult("\n".join(lines), len(details), tuple(details))


# Adverbs that open a sentence and almost never follow a lowercase word without a stop, "According to",
# and "This"/"These" before a lowercase word. Written as literal words first, then each word's condition:
# a regex that starts with literal words skips through text about ten times faster.
_LOST_STOP_OPENER = re.compile(
    r"(?:However|Meanwhile|Moreover|Furthermore|Additionally|Nevertheless|Nonetheless|Consequently"
    r"|Therefore|According|These|This)"
    r"(?:(?<=According)(?= to )|(?:(?<=This)|(?<=These))(?= [a-z]{3,})"
    r"|(?<!According)(?<!This)(?<!These)(?=[ ,]))"
)
# The lowercase word and the space before an opener (searched just before it: see `restore_lost_stops`).
_LOST_STOP_LEFT = re.compile(r"\b([a-z]{3,60}) \Z")
# After these a capitalised word is more likely a title ("a show called This Is Us") than a new sentence.
_TITLE_INTRODUCERS = frozenset({"called", "named", "titled", "entitled", "dubbed", "nicknamed"})


def restore_lost_stops(text: str) -> StepResult:
    """Put back a stop lost before a strong sentence opener while the space was kept.

    Narrow on purpose: only after a lowercase content word and before one of a few adverbs, "According
    to", or "This"/"These" followed by a lowercase word, as in "to stand out According to sources".
    """
    edits: list[Edit] = []
    details: list[str] = []
    # Openers are rare and start with a literal word, so find them first and only then look left.
    for opener in _LOST_STOP_OPENER.finditer(text):
        previous_end = edits[-1][1] if edits else 0
        found = _LOST_STOP_LEFT.search(text, max(previous_end, opener.start() - 62), opener.start())
        if found is None:
            continue
        left, right = found.group(1), opener.group()
        if left in NON_FINAL_WORDS or left in _TITLE_INTRODUCERS:
            continue
        edits.append((found.start(1), opener.end(), f"{left}. {right}"))
        details.append(f"{left} {right} -> {left}. {right}")
    return apply_edits(text, edits, details)
