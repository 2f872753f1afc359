"""Sentences: a careful splitter, and the repairs of sentence breaks that copying lost.

The splitter prefers missing a boundary to inventing one: it never splits after a known abbreviation
("U.S.", "Inc.", "Mr.", "No."), an initial, or inside a number ("8.48%", "Qwen2.5").
"""

from __future__ import annotations

import re
from collections import Counter

from transform.lexicon import NON_FINAL_WORDS, PROTECTED_NAMES, SENTENCE_STARTERS
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


# A word with letters only (apostrophes and hyphens inside), not part of a URL, handle, path or number.
_TOKEN = re.compile(r"(?<![\w@#/\\.\u2019'-])[A-Za-z](?:[A-Za-z\u2019'-]*[A-Za-z])?(?![\w@/]|\.\w)")
_CAMEL = re.compile(r"[a-z][A-Z]")
# ASCII letters folded to their case ("a" or "A"), every other character to one byte: a lower-upper pair
# is then a plain substring search at the same offsets, many times faster than a regex over an article.
_LETTER_CASE = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", b"a" * 26 + b"A" * 26)
_WHITESPACE_BEFORE = re.compile(r"\s(?=\S*$)")
_WHITESPACE = re.compile(r"\s")
_RIGHT_WORD = re.compile(r"([A-Z][a-z]+)(['\u2019]s)?")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_LEFT_WORD = re.compile(r"[A-Z]?[a-z]{2,}")
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"'\u201d\u2019)]*\s+)([A-Z][a-z]+)\b", re.MULTILINE)


def split_glued_sentences(text: str, protected: frozenset[str] = PROTECTED_NAMES) -> StepResult:
    """Split "confidenceShortly" into "confidence. Shortly" where a stop and a space were lost.

    Only with evidence: the left part is a plausible sentence end (a lowercase or capitalised word, or a
    protected name as in "iPhoneThis"), the right part is a word that opens sentences (a common starter,
    or a word seen opening a sentence elsewhere in the text), and the token is not a protected name
    (`protected`, or any token with a digit). A capitalised token glued the same way elsewhere in the
    text counts as a name too; a lowercase one ("deploymentAs" twice) does not, names rarely look so.
    """
    glued = [
        (m.start(), m.end(), m.group())
        for start, end in _camel_chunks(text)
        for m in _TOKEN.finditer(text, start, end)
        if _CAMEL.search(m.group())
    ]
    if not glued:
        return StepResult(text, 0)
    tokens = Counter(_strip_suffix(token) for _, _, token in glued)
    openers = _Openers(text)
    edits: list[Edit] = []
    details: list[str] = []
    for start, end, token in glued:
        split = _glue_point(token, protected, openers, tokens)
        if split is None:
            continue
        repaired = f"{token[:split]}. {token[split:]}"
        edits.append((start, end, repaired))
        details.append(f"{token} -> {repaired}")
    return apply_edits(text, edits, details)


def _camel_chunks(text: str) -> list[tuple[int, int]]:
    """The whitespace-delimited spans of `text` that hold a lowercase letter followed by a capital.

    Tokens never span whitespace and `_TOKEN` looks at most one character around a match, which is
    whitespace at a span's edge either way: so `_TOKEN` finds the same tokens in the spans as in the text.
    """
    folded = text.encode("ascii", "replace").translate(_LETTER_CASE)  # one byte per character
    positions = []
    found = folded.find(b"aA")
    while found != -1:
        positions.append(found)
        found = folded.find(b"aA", found + 2)
    spans: list[tuple[int, int]] = []
    for position in positions:
        lower = spans[-1][1] if spans else 0  # the previous span ends at whitespace (or this is the start)
        if position < lower:
            continue
        # Words are short: look a little way back first, all the way back only for a long chunk.
        before = _WHITESPACE_BEFORE.search(
            text, max(lower, position - 64), position
        ) or _WHITESPACE_BEFORE.search(text, lower, position)
        after = _WHITESPACE.search(text, position)
        spans.append((before.end() if before else lower, after.start() if after else len(text)))
    return spans


class _Openers:
    """The capitalised words that open a sentence somewhere in the text, found only if asked for."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: frozenset[str] | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            self._words = frozenset(m.group(1) for m in _SENTENCE_START.finditer(self._text))
        return word in self._words


def _strip_suffix(token: str) -> str:
    return _POSSESSIVE.sub("", token)


def _glue_point(token: str, protected: frozenset[str], openers: _Openers, tokens: Counter[str]) -> int | None:
    """Where to put the stop in `token`, or None when there is no good evidence of a lost one."""
    repeated_name = token[0].isupper() and tokens[_strip_suffix(token)] > 1
    if repeated_name or _is_protected(token, protected):
        return None
    segment_start = token.rfind("-") + 1
    segment = token[segment_start:]
    for i in range(len(segment) - 1, 0, -1):
        if segment[i - 1].islower() and segment[i].isupper() and _is_glue(segment, i, protected, openers):
            return segment_start + i
    return None


def _is_glue(segment: str, i: int, protected: frozenset[str], openers: _Openers) -> bool:
    left, right = segment[:i], segment[i:]
    right_match = _RIGHT_WORD.fullmatch(right)
    if right_match is None or _inside_protected(segment, i, protected):
        return False
    right_word = right_match.group(1)
    if left in protected:
        return right_word in SENTENCE_STARTERS
    if not _LEFT_WORD.fullmatch(left) or left.lower() in NON_FINAL_WORDS:
        return False
    # "In", "On", "As" also end names ("LinkedIn", "CheckIn"): only after a lowercase word.
    if len(right_word) <= 2 and not left.islower():
        return False
    return right_word in SENTENCE_STARTERS or right_word in openers


def _is_protected(token: str, protected: frozenset[str]) -> bool:
    base = _strip_suffix(token)
    return base in protected or base.removesuffix("s") in protected or any(c.isdigit() for c in token)


def _inside_protected(segment: str, i: int, protected: frozenset[str]) -> bool:
    for name in protected:
        start = segment.find(name)
        while start != -1:
            if start < i < start + len(name):
                return True
            start = segment.find(name, start + 1)
    return False


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
