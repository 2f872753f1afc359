"""A small language guess for articles whose source did not say: Chinese, Japanese, Korean, English,
German, or unknown.

No language-detection package is installed, and the corpus is Chinese and English news with some
Japanese, Korean and German, so a heuristic does: the share of CJK characters (kana make it Japanese,
Hangul Korean), else the share of English or German function words.
"""

from __future__ import annotations

import re
import string

from transform.lexicon import ENGLISH_STOPWORDS, GERMAN_STOPWORDS

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Japanese writes its particles and endings in kana: a tenth of the letters is plenty (Chinese has none).
KANA_SHARE = 0.1
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_LATIN_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:['\u2019][a-z]+)?")
# Chinese articles quote English names ("Qwen2.5-Max", "iPhone"); a third of the letters being Han is plenty.
CJK_SHARE = 0.3
STOPWORD_SHARE = 0.15
MIN_WORDS = 5


def detect_language(text: str) -> str | None:
    """Guess the language of `text`: "zh", "ja", "ko", "en", "de", or None when too short or something
    else.

    "ko" when enough of the letters are Hangul; "ja" when enough are kana and Han with kana among them,
    "zh" when they are Han without; "en" or "de" when enough words are English or German function words
    (the more of them, when both).
    """
    letters = _letter_count(text)
    if letters == 0:
        return None
    if len(_HANGUL.findall(text)) / letters >= CJK_SHARE:
        return "ko"
    kana = len(_KANA.findall(text))
    if (len(_CJK.findall(text)) + kana) / letters >= CJK_SHARE:
        return "ja" if kana / letters >= KANA_SHARE else "zh"
    words = [word.casefold() for word in _LATIN_WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None
    english = sum(map(ENGLISH_STOPWORDS.__contains__, words))
    german = sum(map(GERMAN_STOPWORDS.__contains__, words))
    if max(english, german) / len(words) < STOPWORD_SHARE:
        return None
    return "en" if english >= german else "de"


_ASCII_LETTERS = string.ascii_letters.encode()


def _letter_count(text: str) -> int:
    """Letters in `text` (what `_LETTER` matches): in ASCII text, the bytes a deletion of A-Z and a-z
    removes, counted in C (a tenth of the time of listing every letter, for most articles)."""
    if text.isascii():
        encoded = text.encode("ascii")
        return len(encoded) - len(encoded.translate(None, _ASCII_LETTERS))
    return len(_LETTER.findall(text))
