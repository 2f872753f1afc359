"""Sentences: a careful splitter, and the repairs of sentence breaks that copying lost.

The splitter prefers missing a boundary to inventing one: it never splits after a known abbreviation
("U.S.", "Inc.", "Mr.", "No."), an initial, or inside a number ("8.48%", "Qwen2.5").
"""

from __future__ import annotations

import re

from transform.lexicon import (
    NON_FINAL_WORDS,
)
from transform.steps import Edit, StepResult, apply_edits

_ABBREVIATIONS = frozenset(
    str.split(
        """
    mr mrs ms dr prof sr jr st inc ltd co corp plc no nos vs etc approx dept est fig gov gen rep sen
    jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n e.u a.m p.m
        """
    )
)
# A stop, optional closing quotes or brackets, space, then something that can open a sentence.
_LATIN_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"\u201c\u2018(]?[A-Z0-9\u4e00-\u9fff])")
# Full-width CJK stops end a sentence without any following space.
_CJK_BOUNDARY = re.compile(r"[\u3002\uff01\uff1f]+[\u201d\u2019\u300d\u300f)]*")
_WORD_BEFORE_STOP = re.compile(r"([\w.]+)\.$")
# A lone capital ("J.") is an initial; letter-dot runs ("U.S.") are abbreviations.
_INITIALS = re.compile(r"[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, each stripped. Every line break also ends a sentence.

    Joining the result with spaces gives the text back up to whitespace: nothing is dropped.
    """
    sentences: list[str] = []
    for line in text.split("\n"):
        start = 0
        for end in _boundaries(line):
            sentences.append(line[start:end].strip())
            start = end
        sentences.append(line[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _boundaries(line: str) -> list[int]:
    ends = {m.end() for m in _LATIN_BOUNDARY.finditer(line) if not _after_abbreviation(line, m.end())}
    ends.update(m.end() for m in _CJK_BOUNDARY.finditer(line))
    return sorted(end for end in ends if 0 < end < len(line))


def _after_abbreviation(line: str, end: int) -> bool:
    # The word before a stop is short: a window keeps the search linear on a flattened article.
    head = line[max(0, end - 40) : end]
    match = _WORD_BEFORE_STOP.search(head.rstrip("\"'\u201d\u2019)]"))
    if match is None:
        return False
    word = match.group(1)
    return word.lower() in _ABBREVIATIONS or bool(_INITIALS.fullmatch(word))


# A line this long with this many sentences is an article flattened onto one line.
FLATTENED_MIN_CHARS = 1500
FLATTENED_MIN_SENTENCES = 10
SENTENCES_PER_PARAGRAPH = 4


def split_flattened_lines(text: str) -> StepResult:
    """Break a whole article flattened onto one line back into paragraphs of a few sentences."""
    lines: list[str] = []
    details: list[str] = []
    for line in text.split("\n"):
        sentences = split_sentences(line) if len(line) >= FLATTENED_MIN_CHARS else []
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
