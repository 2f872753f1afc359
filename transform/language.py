"""A small language guess for articles whose source did not say: Chinese, English, or unknown.

No language-detection package is installed, and the corpus is Chinese and English news, so a
heuristic does: the share of CJK characters, else the share of English function words.
"""

from __future__ import annotations

import re

from transform.lexicon import ENGLISH_STOPWORDS

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][a-z]+)?")
# Chinese articles quote English names ("Qwen2.5-Max", "iPhone"); a third of the letters being Han is plenty.
CJK_SHARE = 0.3
ENGLISH_STOPWORD_SHARE = 0.15
MIN_WORDS = 5


def detect_language(text: str) -> str | None:
    """Guess the language of `text`: "zh", "en", or None when too short or something else.

    "zh" when enough of the letters are Han characters, "en" when enough words are English function words.
    """
    letters = len(_LETTER.findall(text))
    if letters == 0:
        return None
    if len(_CJK.findall(text)) / letters >= CJK_SHARE:
        return "zh"
    words = [word.casefold() for word in _LATIN_WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None
    english = sum(word in ENGLISH_STOPWORDS for word in words)
    return "en" if english / len(words) >= ENGLISH_STOPWORD_SHARE else None
