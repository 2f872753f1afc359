"""Fingerprints of article text that survive cosmetic differences (case, spacing, Unicode forms)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)


def normalise_for_matching(text: str) -> str:
    """Text reduced to what matters for matching: NFKC, case-folded words separated by single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def body_hash(text: str) -> str:
    """sha256 of the normalised body: equal for copies that differ only in case, spacing or punctuation."""
    return hashlib.sha256(normalise_for_matching(text).encode()).hexdigest()


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
