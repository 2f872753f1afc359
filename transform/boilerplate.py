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

from transform.lexicon import (
    CJK_FURNITURE_PHRASES,
    CJK_PROMPT_LABELS,
    CJK_PROMPT_LINES,
    CJK_PROMPT_OPENINGS,
)
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
# A Chinese or Japanese ad marker standing alone inside a flattened line: after a sentence stop (and
# perhaps a space), before a space, and followed by Han or kana. Chinese and Japanese put no spaces
# between words, so "。 广告 阿里巴巴……" holds a marker, while "。广告市场……" opens a sentence. (Korean is
# spaced, and a sentence can open with 광고: it is left alone.)
_INLINE_CJK_AD = re.compile(
    "(?:(?<=[\u3002\uff01\uff1f])|(?<=[\u3002\uff01\uff1f]\\s))"
    "(?:\u3010\u5e7f\u544a\u3011|\u5e7f\u544a|\u5ee3\u544a|\u5e83\u544a|\u63a8\u5e7f)"
    "\\s+(?=[\u3040-\u30ff\u4e00-\u9fff])"
)
_CJK_AD_WORDS = ("\u5e7f\u544a", "\u5ee3\u544a", "\u5e83\u544a", "\u63a8\u5e7f")


def is_boilerplate_line(line: str) -> bool:
    """True when the line holds nothing but a prompt such as "Advertisement" or "Share this article", or
    their Chinese, Japanese and Korean forms ("广告", "点击阅读原文", "関連記事: …", "무단 전재 금지")."""
    core = line.strip().strip(_DECORATION)
    if not core:
        return False
    if core.isascii():
        # "PR", "P.R.", "P R": only a short line can be one (compacting every line cost Latin cleaning
        # a third of its speed).
        return _PROMPTS.fullmatch(core) is not None or (len(core) <= _PR_MAX_CHARS and _compact(core) == "pr")
    return _PROMPTS.fullmatch(core) is not None or _is_cjk_furniture(core)


_NOT_WORD = re.compile(r"[\W_]+")
_PR_MAX_CHARS = 8


def _compact(text: str) -> str:
    """NFKC, case-folded, letters and digits only: "【广告】", "— 広告 —" and "광 고" all give their word."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


_CJK_PROMPTS = frozenset(_compact(line) for line in CJK_PROMPT_LINES)
# The longest prompt line, decoration aside: a longer line is compared with them only if it is short.
_PROMPT_MAX_CHARS = 40
# Phrases, labels and openings are matched on the line as written, in their half- and full-width forms
# (NFKC costs more than the match on the many short lines of CJK text).
_CJK_PHRASE = re.compile(
    "|".join(
        re.escape(form)
        for phrase in sorted(CJK_FURNITURE_PHRASES, key=len, reverse=True)
        for form in dict.fromkeys((phrase, phrase.replace(",", "\uff0c")))
    ),
    re.IGNORECASE,
)
# A label opening its line, then a colon, a bar or its closing bracket: "免责声明:", "【版权声明】",
# "[관련기사]", full-width colons and brackets too.
_CJK_LABEL = re.compile(
    r"[\[【\u3014\u3016<(\uff08\uff3b]?\s*(?:"
    + "|".join(re.escape(label) for label in sorted(CJK_PROMPT_LABELS, key=len, reverse=True))
    + r")\s*(?:[\]】\u3015\u3017>)\uff09\uff3d]\s*[:\uff1a]?|[:|丨\uff1a\uff5c])"
)
# Furniture phrases are looked for in short lines only; a label's line may be a long disclaimer.
FURNITURE_MAX_CHARS = 80
OPENING_MAX_CHARS = 40
_SENTENCE_ENDS = (".", "!", "?", "\u3002", "\uff01", "\uff1f")
LABEL_MAX_CHARS = 400


# Only a line with a CJK character, a full-width form or a copyright sign can be CJK furniture: the test
# keeps Latin lines with curly quotes (not ASCII either) off the slower checks.
_CJK_OR_SIGN = re.compile("[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u00a9\u24d2]")


# Marks that lead a furniture line on CJK pages: "▶ 관련기사: …", "☞ 点击关注", "■ 広告".
_LEADING_MARKS = (
    "\u25b6\u25b7\u25ba\u261e\u25a0\u25a1\u25c6\u25c7\u25cf\u25cb\u2605\u2606\u203b\u25b2\u25b3\u25bc"
    "\u25bd\u2192\u2193 "
)


def _is_cjk_furniture(core: str) -> bool:
    if len(core) > LABEL_MAX_CHARS or not _CJK_OR_SIGN.search(core):
        return False
    core = core.lstrip(_LEADING_MARKS)
    if _CJK_LABEL.match(core):
        return True
    if len(core) > FURNITURE_MAX_CHARS:
        return False
    if _CJK_PHRASE.search(core):
        return True
    if len(core) > _PROMPT_MAX_CHARS:
        return False
    if _compact(core) in _CJK_PROMPTS:
        return True
    return not core.endswith(_SENTENCE_ENDS) and core.startswith(CJK_PROMPT_OPENINGS)


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
        if len(line) >= _INLINE_AD_MIN_LINE and not line.isascii() and any(w in line for w in _CJK_AD_WORDS):
            line, removed = _INLINE_CJK_AD.subn("", line)
            details.extend(["inline CJK ad marker"] * removed)
        kept.append(line)
    return StepResult("\n".join(kept), len(details), tuple(details))


def normalise_line(line: str) -> str:
    """The key a line is counted and matched by: NFKC, case-folded, single spaces, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", line).casefold().split())


# Longer lines are content even when they recur (a standard disclaimer is better kept than guessed).
LEARNED_MAX_CHARS = 80
# A line must recur in at least this many documents of a source to be learned.
LEARN_MIN_DOCS = 3


def line_width(line: str) -> int:
    """The length of a line in columns: a Chinese, Japanese or Korean character (wide) counts two, as it
    says about as much as two Latin letters; so 80 columns is a short line in any script."""
    if line.isascii():
        return len(line)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def line_keys(text: str, max_chars: int = LEARNED_MAX_CHARS) -> frozenset[str]:
    """The distinct short lines of one document, normalised: what to count per source, once a document.

    Short is measured in columns (`line_width`), so no space is needed to tell a line from a paragraph."""
    keys = (normalise_line(line) for line in text.split("\n"))
    return frozenset(
        key for key in keys if key and line_width(key) <= max_chars and any(c.isalpha() for c in key)
    )


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
        if 0 < line_width(line) <= max_chars and docs >= min_docs and docs / doc_count >= min_share
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
