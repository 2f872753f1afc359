"""Boilerplate: lines that are page furniture, not article text.

Two kinds. Known prompts ("Advertisements", "Read more", "Follow us on X") match fixed patterns.
Learned boilerplate is per source: short lines that recur in many of a source's documents. The
warehouse counts lines (`line_keys`) and stores what `learn_boilerplate` returns; cleaning gets that
set back as an argument (`drop_known_lines`). Nothing here remembers anything between calls.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from transform.steps import StepResult

_PROMPTS = re.compile(
    r"""
    advertisements? | ad | sponsored(?:\ content)? | paid\ content | promoted
    | (?:advertisement\ -\ )?scroll\ to\ continue(?:\ with\ content)?
    | story\ continues\ below(?:\ advertisement)?
    | continue\ reading | read\ more | read\ the\ full\ (?:story|article) | click\ here\ to\ read\ more
    | share\ this\ (?:article|story|post) | share\ on\ (?:facebook|twitter|x|linkedin|whatsapp|wechat)
    | (?:also\ read|read\ more|related)\s*:.{0,120}
    | (?:follow|like)\ us\ on\ .{1,60}
    | subscribe\ to\ (?:our|the)\ newsletter
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Decoration around a prompt: arrows, ellipses, brackets, trailing punctuation.
_DECORATION = "[](){}<>\u00ab\u00bb\u203a\u2039\u2192\u2026|.:!*\u2022\u00b7-\u2013\u2014 \t"
# "Advertisements" standing alone inside a flattened line, between sentences (or where one was lost).
_INLINE_AD = re.compile(
    r"(?:(?<=[.!?\"\u201d\u2019])|(?<=[a-z]))\s+(?:Advertisements?|ADVERTISEMENTS?)(?=\s+[A-Z\"\u201c]|\s*$)"
)
_INLINE_AD_MIN_LINE = 200


def is_boilerplate_line(line: str) -> bool:
    """True when the line holds nothing but a prompt such as "Advertisement" or "Share this article"."""
    core = line.strip().strip(_DECORATION)
    return bool(core) and _PROMPTS.fullmatch(core) is not None


def drop_boilerplate_lines(text: str) -> StepResult:
    """Drop prompt lines anywhere in the text, and "Advertisements" standing between sentences."""
    kept: list[str] = []
    details: list[str] = []
    for line in text.split("\n"):
        if is_boilerplate_line(line):
            details.append(line.strip())
            continue
        # The substring tests skip the regex, slow on long lines, where it cannot match.
        if len(line) >= _INLINE_AD_MIN_LINE and ("dvertisement" in line or "DVERTISEMENT" in line):
            line, removed = _INLINE_AD.subn("", line)
            details.extend(["inline Advertisements"] * removed)
        kept.append(line)
    return StepResult("\n".join(kept), len(details), tuple(details))


def normalise_line(line: str) -> str:
    """The key a line is counted and matched by: NFKC, case-folded, single spaces, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", line).casefold().split())


# Longer lines are content even when they recur (a standard disclaimer is better kept than guessed).
LEARNED_MAX_CHARS = 80
# A line must recur in at least this many documents of a source to be learned.
LEARN_MIN_DOCS = 3


def line_keys(text: str, max_chars: int = LEARNED_MAX_CHARS) -> frozenset[str]:
    """The distinct short lines of one document, normalised: what to count per source, once a document."""
    keys = (normalise_line(line) for line in text.split("\n"))
    return frozenset(key for key in keys if key and len(key) <= max_chars and any(c.isalpha() for c in key))


def learn_boilerplate(
    line_doc_counts: Mapping[str, int],
    doc_count: int,
    *,
    min_docs: int = LEARN_MIN_DOCS,
    min_share: float = 0.3,
    max_chars: int = LEARNED_MAX_CHARS,
) -> frozenset[str]:
    """The normalised lines that count as a source's boilerplate.

    `line_doc_counts` maps a normalised line (see `line_keys`) to the number of the source's documents
    that contain it; `doc_count` is how many documents the source has. A line qualifies when it is short
    and seen in at least `min_docs` documents and at least `min_share` of them.
    """
    if doc_count <= 0:
        return frozenset()
    return frozenset(
        line
        for line, docs in line_doc_counts.items()
        if 0 < len(line) <= max_chars and docs >= min_docs and docs / doc_count >= min_share
    )


def drop_known_lines(text: str, known: frozenset[str]) -> StepResult:
    """Drop every line whose normalised form is in `known` (a source's learned boilerplate)."""
    if not known:
        return StepResult(text, 0)
    kept: list[str] = []
    dropped: list[str] = []
    for line in text.split("\n"):
        (dropped if normalise_line(line) in known else kept).append(line)
    return StepResult("\n".join(kept), len(dropped), tuple(line.strip() for line in dropped))
