"""Bylines and credits: move "By NAME", "Author | NAME Editor | NAME", "Photo by NAME" out of the body.

A name is 1-4 capitalised words ("Liu Baodan", "J. R. Smith", "Jean-Luc O'Neill"), so "By the end of
the trading day, ..." stays a sentence. Only whole lines are moved, except the "Author | NAME" form at
the very start of an article flattened onto one line, where the name runs straight into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transform.lexicon import SENTENCE_STARTERS
from transform.steps import StepResult

_WORD = r"[A-Z][^\W\d_]*(?:['\u2019-][^\W\d_]+)*\.?"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_NAMES = rf"{_NAME}(?:\s*(?:,|&|\band\b)\s*{_NAME})*"
_ROLE_WORDS = r"(?i:authors?|editors?|reporters?|writers?)"
_ROLE = rf"(?P<role>{_ROLE_WORDS})"
_BY_LINE = re.compile(rf"(?P<role>(?i:(?:written|reported|edited)\s+)?)(?:by|BY|By)\s+(?P<names>{_NAMES})")
_ROLE_LINE = re.compile(rf"(?:{_ROLE_WORDS}\s*[|:\uff1a]\s*{_NAMES}\s*)+")
_ROLE_PAIR = re.compile(rf"{_ROLE}\s*[|:\uff1a]\s*(?P<names>.+?)(?=\s+{_ROLE_WORDS}\s*[|:\uff1a]|$)")
_CREDIT_LINE = re.compile(
    r"\(?(?:(?:photo|photos|image|images|picture|video)(?:\s+(?:credit|source|courtesy))?\s*(?:by\b|:)"
    r"|(?:credits?|source|courtesy)\s*:)\s*[^\n]{2,80}",
    re.IGNORECASE,
)
_INLINE_ROLE = re.compile(r"^(?i:author|editor|reporter|writer)\s*[|:\uff1a]\s*")
_SPLIT_NAMES = re.compile(r"\s*(?:,|&|\band\b)\s*")
_CAPITALISED = re.compile(rf"{_WORD}$")


@dataclass(frozen=True, slots=True)
class Bylines:
    """People and credits found in the body."""

    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()


def move_bylines(text: str) -> StepResult:
    """Drop byline and credit lines from the text; report each as a field ("author", "editor", "credit")."""
    fields: list[tuple[str, str]] = []
    text = _move_inline_roles(text, fields)
    kept: list[str] = []
    for line in text.split("\n"):
        found = _line_fields(line.strip())
        if found:
            fields.extend(found)
        else:
            kept.append(line)
    details = tuple(f"{field}: {value}" for field, value in fields)
    return StepResult("\n".join(kept), len(fields), details, tuple(fields))


def bylines_from_fields(fields: tuple[tuple[str, str], ...]) -> Bylines:
    """Collect the ("author"|"editor"|"credit", value) pairs of `move_bylines` into a `Bylines`."""

    def values(kind: str) -> tuple[str, ...]:
        return merge_names((), [value for field, value in fields if field == kind])

    return Bylines(values("author"), values("editor"), values("credit"))


def merge_names(first: tuple[str, ...], more: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """`first` then `more`, without repeats (compared case-insensitively), in order."""
    merged: dict[str, str] = {}
    for name in (*first, *more):
        merged.setdefault(" ".join(name.casefold().split()), name)
    return tuple(merged.values())


def _line_fields(line: str) -> list[tuple[str, str]]:
    if not line or len(line) > 160:
        return []
    if match := _BY_LINE.fullmatch(line):
        field = _field(match.group("role") or "author")
        return [(field, name) for name in _names(match.group("names"))]
    if _ROLE_LINE.fullmatch(line):
        return [
            (_field(pair.group("role")), name)
            for pair in _ROLE_PAIR.finditer(line)
            for name in _names(pair.group("names"))
        ]
    if _CREDIT_LINE.fullmatch(line):
        return [("credit", line.strip("()"))]
    return []


def _field(role: str) -> str:
    return "editor" if role.lower().startswith("edit") else "author"


def _names(names: str) -> list[str]:
    return [" ".join(name.split()) for name in _SPLIT_NAMES.split(names) if name.strip()]


def _move_inline_roles(text: str, fields: list[tuple[str, str]]) -> str:
    """Take "Author | NAME Editor | NAME" off the start of a one-line article that runs on into text."""
    first, newline, rest = text.partition("\n")
    stripped = first.lstrip()
    found: list[tuple[str, str]] = []
    while role := _INLINE_ROLE.match(stripped):
        words = stripped[role.end() :].split(" ")
        taken = _inline_name_length(words)
        if taken == 0:
            break
        found.append((_field(role.group().split()[0].rstrip("|:\uff1a")), " ".join(words[:taken])))
        stripped = " ".join(words[taken:]).lstrip()
    if not found or not stripped:
        return text
    fields.extend(found)
    return stripped + newline + rest


def _inline_name_length(words: list[str]) -> int:
    """How many of `words` are the name, when the article's first sentence follows with no break.

    The capitalised run is cut before another role ("Editor |") or before a word that opens
    sentences ("Two days ago"); failing both, a run of three or more keeps two words (the usual length
    of the Chinese and Western names in these credits) and a run of two keeps one.
    """
    run = 0
    while run < min(len(words), 5) and _CAPITALISED.match(words[run]):
        if run and (_INLINE_ROLE.match(" ".join(words[run : run + 2])) or words[run] in SENTENCE_STARTERS):
            return min(run, 4)
        run += 1
    if _INLINE_ROLE.match(" ".join(words[run : run + 2])):
        return min(run, 4)
    if run == len(words):
        return run if run <= 4 else 0
    if run >= 3:
        return 2
    return 1 if run == 2 else 0
