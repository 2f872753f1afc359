"""Fingerprints of article text that survive cosmetic differences (case, spacing, Unicode forms)."""

from __future__ import annotations

import hashlib
import re

from transform import segmentation

_WORD = re.compile(r"\w+", re.UNICODE)
# In ASCII text the word characters are letters, digits and "_": every other character splits words,
# and `str.split` after `str.translate` finds them several times faster than `_WORD`.
_ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")})


def _word_runs(text: str) -> list[str]:
    return text.translate(_ASCII_NON_WORD).split() if text.isascii() else _WORD.findall(text)


def matching_words(text: str) -> list[str]:
    """The words of `text` as matching sees them: NFKC, case-folded, runs of word characters.

    `segmentation.fold` gives the same words as NFKC + casefold, without normalising a whole Chinese
    text for its full-width commas."""
    return _word_runs(segmentation.fold(text))


def normalise_for_matching(text: str) -> str:
    """Text reduced to what matters for matching: NFKC, case-folded words separated by single spaces."""
    return " ".join(matching_words(text))


def body_hash(text: str) -> str:
    """sha256 of the normalised body: equal for copies that differ only in case, spacing or punctuation."""
    return hashlib.sha256(normalise_for_matching(text).encode()).hexdigest()


def word_count(text: str) -> int:
    """Words of the text as the segmentation layer counts them (Chinese and Japanese segmented)."""
    return segmentation.word_count(text)
