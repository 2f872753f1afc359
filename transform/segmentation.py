# ruff: noqa: RUF001, RUF002, RUF003  (CJK punctuation and Cyrillic abbreviations named on purpose)
"""What "word", "sentence" and "shingle token" mean in every script: the one segmentation layer.

Text is cut into runs by script, and each run by the rule of its script:

- **Latin, Cyrillic, Greek, digits, Korean** (everything but Han and kana): runs of word characters,
  the way `\\w+` finds them. Korean (Hangul) writes spaces between words, so its words are its runs;
  a particle stays on its word (애플은), as a Korean reader counts it.
- **Chinese** (Han without kana in the text): words by jieba's dictionary (阿里巴巴 / 集团).
- **Japanese** (any hiragana or katakana in the text): every Han and kana run by MeCab through fugashi
  with the UniDic-lite dictionary (アップル / は / 木曜 / 日).

Both analysers load lazily, once per process (jieba) or per thread (MeCab): importing this module costs
nothing, and text without Han or kana never loads them. jieba's prefix dictionary is built in memory from
the dictionary inside its package: jieba would otherwise write a 9 MB cache to the system temp dir and
read it back with `marshal` next time, a file any local user could replace; building costs the same
~0.8 s as loading the cache. Nothing is written anywhere.

The near-duplicate shingles do not segment: `shingle_tokens` cuts Han and kana into single characters
(char n-grams once shingled), which needs no dictionary and costs ~30 times less than jieba or MeCab; see
docs/cjk.md for the figures.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

from transform.lexicon import lowered_as_re_reads

# Han (with radicals, 々〆〇 and the extensions), hiragana, katakana (with the prolonged sound mark ー but
# without the middle dot ・), halfwidth katakana; and Hangul (jamo, compatibility jamo, syllables).
HAN_KANA_RANGES = (
    (0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035), (0x3040, 0x309F),
    (0x30A0, 0x30FA), (0x30FC, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3134F),
)  # fmt: skip
HANGUL_RANGES = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF))
# The characters that are shingle tokens on their own (see `shingle_tokens`).
CHAR_TOKEN_RANGES = HAN_KANA_RANGES + HANGUL_RANGES


def _class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"{chr(low)}-{chr(high)}" for low, high in ranges)


_HAN_KANA = _class(HAN_KANA_RANGES)
_KANA = "\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = _class(HANGUL_RANGES)

HAN_KANA = re.compile(f"[{_HAN_KANA}]")
_HAN_KANA_RUN = re.compile(f"[{_HAN_KANA}]+")
_KANA_CHAR = re.compile(f"[{_KANA}]")
_HANGUL_CHAR = re.compile(f"[{_HANGUL}]")
_WORD = re.compile(r"\w+")
# Words outside Han and kana: word characters that are not Han or kana.
_OTHER_WORD = re.compile(f"[^\\W{_HAN_KANA}]+")
# One Han, kana or Hangul character: Chinese, Japanese or Korean script. A shingle token on its own; and
# what tells a CJK word, headline or article from a Latin one wherever newsetl asks.
CJK_CHARACTER = re.compile(f"[{_HAN_KANA}{_HANGUL}]")
# A shingle token: one Han, kana or Hangul character, or a run of other word characters (SHINGLE_WORD).
_SHINGLE_TOKEN = re.compile(f"[{_HAN_KANA}{_HANGUL}]|[^\\W{_HAN_KANA}{_HANGUL}]+")
SHINGLE_WORD = re.compile(f"[^\\W{_HAN_KANA}{_HANGUL}]+")
# In ASCII text the word characters are letters, digits and "_": `str.split` after `str.translate` finds
# them several times faster than `\w+`.
_ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")})


def has_han_or_kana(text: str) -> bool:
    """Whether the text holds Chinese or Japanese characters (the scripts written without spaces)."""
    return not text.isascii() and HAN_KANA.search(text) is not None


def has_hangul(text: str) -> bool:
    return not text.isascii() and _HANGUL_CHAR.search(text) is not None


def is_japanese(text: str) -> bool:
    """Kana anywhere in the text: its Han runs are read as Japanese. Chinese text does not use kana."""
    return not text.isascii() and _KANA_CHAR.search(text) is not None


# --- the analysers, loaded once -------------------------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba: Any = None
_local = threading.local()


def _jieba_tokenizer() -> Any:
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                # jieba logs "Building prefix dict..." to stderr through its own handler: quiet it.
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                # Build the prefix dictionary in memory (see the module docstring): no cache file.
                with tokenizer.get_dict_file() as dictionary:
                    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(dictionary)
                tokenizer.initialized = True
                _jieba = tokenizer
    return _jieba


def _mecab() -> Any:
    # A MeCab tagger keeps state while it parses: one per thread (Prefect may run tasks in threads).
    tagger = getattr(_local, "mecab", None)
    if tagger is None:
        import fugashi

        tagger = _local.mecab = fugashi.Tagger()
    return tagger


def _chinese_words(run: str) -> list[str]:
    # Dictionary words only (no HMM guessing of unknown words): half the cost, and a name the dictionary
    # lacks counts as its characters, a few percent more words (docs/cjk.md).
    return [word for word in _jieba_tokenizer().cut(run, HMM=False) if not word.isspace()]


def _japanese_words(run: str) -> list[str]:
    return [word.surface for word in _mecab()(run) if word.surface]


# --- words ------------------------------------------------------------------------------------------------


def _plain_words(text: str) -> list[str]:
    return text.translate(_ASCII_NON_WORD).split() if text.isascii() else _WORD.findall(text)


def words(text: str, language: str | None = None) -> list[str]:
    """The words of `text` in order, as written (no case folding), punctuation left out.

    Han and kana runs are segmented (jieba for Chinese, MeCab for Japanese); everything else is runs of
    word characters. `language` ("zh", "ja", ...) overrides the guess from kana for Han runs.
    """
    if not has_han_or_kana(text):
        return _plain_words(text)
    japanese = language == "ja" if language in ("ja", "zh") else is_japanese(text)
    segment = _japanese_words if japanese else _chinese_words
    found: list[str] = []
    start = 0
    for run in _HAN_KANA_RUN.finditer(text):
        found.extend(_OTHER_WORD.findall(text, start, run.start()))
        found.extend(word for word in segment(run.group()) if _WORD.match(word))
        start = run.end()
    found.extend(_OTHER_WORD.findall(text, start))
    return found


def word_count(text: str, language: str | None = None) -> int:
    """How many words `text` has: `len(words(text))`, without building the list for unspaced-free text.

    For text without Han or kana this is the number of word-character runs, as it always was.
    """
    if not has_han_or_kana(text):
        return len(_plain_words(text))
    return len(words(text, language))


def char_count(text: str) -> int:
    """Characters that are not whitespace: a length that means the same in every script."""
    return len("".join(text.split()))


# --- shingle tokens ---------------------------------------------------------------------------------------


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in ((0x3000, 0x303F), (0xFE30, 0xFE6F), (0xFF00, 0xFF65)):
        for code in range(low, high + 1):
            char = chr(code)
            folded = unicodedata.normalize("NFKC", char)
            if not _WORD.search(char) and not _WORD.search(folded):
                table[code] = " "
            elif len(folded) == 1 and folded.isascii():
                table[code] = folded  # a full-width letter or digit: its NFKC form
    return table


# CJK and full-width punctuation separates tokens before NFKC as after it (its NFKC form has no letter or
# digit), and a full-width letter or digit is its ASCII one under NFKC: translated first, they no longer
# force the slow NFKC of a whole Chinese or Japanese text for its commas and its "５％".
_FOLD_TABLE = _fold_table()


def fold(text: str) -> str:
    """Text as matching compares it: NFKC (full-width letters and digits, halfwidth katakana and
    compatibility ideographs become the usual ones), case-folded. CJK punctuation may come back as spaces."""
    if text.isascii():
        return text.casefold()
    text = text.translate(_FOLD_TABLE)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def shingle_tokens(text: str) -> list[str]:
    """The tokens near-duplicate shingles are made of: NFKC, case-folded; each Han, kana or Hangul
    character is a token of its own (so shingles of n tokens are character n-grams there), other words
    stay whole. Korean has spaces, but its words carry particles and endings that copy editors change
    (발표했다 / 발표했으며), and a short article has few words: characters give it as many shingles as
    Chinese and the same tolerance to small edits.

    For text without Han, kana or Hangul these are exactly the words matching always used (`\\w+` runs).
    """
    folded = fold(text)
    if folded.isascii() or CJK_CHARACTER.search(folded) is None:
        return _plain_words(folded)
    return _SHINGLE_TOKEN.findall(folded)


def has_char_tokens(folded: str) -> bool:
    """Whether the (folded) text holds a character that is a shingle token on its own."""
    return not folded.isascii() and CJK_CHARACTER.search(folded) is not None


# --- sentences --------------------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    str.split(
        """
    mr mrs ms dr prof sr jr st inc ltd co corp plc no nos vs etc approx dept est fig gov gen rep sen
    jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n e.u a.m p.m
    г гг ул им т.е т.к т.д т.п см стр руб тыс млн млрд проф акад напр рис
        """
    )
)
# What can open a sentence after a Latin stop and a space: a capital (Latin, Greek, Cyrillic), a digit,
# or a character of a script without case (Han, kana, Hangul).
_OPENER = f"A-Z0-9\u0391-\u03a9\u0400-\u042f{_HAN_KANA}{_HANGUL}"
# A stop, optional closing quotes or brackets, space, then something that can open a sentence.
_LATIN_BOUNDARY = re.compile(rf"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"\u201c\u2018(\u300c\u300e]?[{_OPENER}])")
# Full-width and ideographic stops end a sentence without any following space: 。！？ and the halfwidth
# ｡, the full-width ． unless it sits in a number (３．１), and a plain ! or ? right after Han, kana or
# Hangul (Chinese and Korean text often uses them); closing quotes and brackets stay with the sentence.
_CJK_BOUNDARY = re.compile(
    rf"(?:[\u3002\uff01\uff1f\uff61]+|(?<![0-9\uff10-\uff19])\uff0e(?![0-9\uff10-\uff19])"
    rf"|(?<=[{_HAN_KANA}{_HANGUL}])[!?]+)"
    r"[\u201d\u2019\u300d\u300f\uff09\u3011)]*"
)
# A line without a CJK stop or CJK letters has no CJK boundary: one scan of a character class, where the
# boundary pattern's alternatives cost a third of the cleaning of Latin text with curly quotes.
_MAY_END_CJK = re.compile(rf"[\u3002\uff01\uff1f\uff61\uff0e{_HAN_KANA}{_HANGUL}]")
_WORD_BEFORE_STOP = re.compile(r"([\w.]+)\.$")
# A lone capital ("J.", "В.") is an initial; letter-dot runs ("U.S.") are abbreviations.
_INITIALS = re.compile(r"[A-Z\u0400-\u042f]|(?:[A-Za-z]\.)+[A-Za-z]")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, each stripped. Every line break also ends a sentence.

    Splits after . ! ? followed by a space and a sentence opener (never after a known abbreviation such as
    "U.S." or "Inc.", an initial, or inside a number such as "8.48%"), and after 。！？｡ and the full-width
    ． with no space needed. Joining the result with spaces gives the text back up to whitespace.
    """
    found: list[str] = []
    for line in text.split("\n"):
        start = 0
        for end in _boundaries(line):
            found.append(line[start:end].strip())
            start = end
        found.append(line[start:].strip())
    return [sentence for sentence in found if sentence]


# "am 19. Februar": a day written before its German month is an ordinal, not a sentence's end.
_DAY_ORDINAL = re.compile(r"(?<![\d.,])(?:[1-9]|[12]\d|3[01])\.$")
_GERMAN_MONTH = re.compile(
    r"\s+(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b"
)


def _boundaries(line: str) -> list[int]:
    ends = {
        m.end()
        for m in _LATIN_BOUNDARY.finditer(line)
        if not _after_abbreviation(line, m.end()) and not _in_german_date(line, m.end())
    }
    if not line.isascii() and _MAY_END_CJK.search(line):
        ends.update(m.end() for m in _CJK_BOUNDARY.finditer(line))
    return sorted(end for end in ends if 0 < end < len(line))


def _in_german_date(line: str, end: int) -> bool:
    return (
        line[end - 2 : end - 1].isdigit()
        and _DAY_ORDINAL.search(line, max(0, end - 3), end) is not None
        and _GERMAN_MONTH.match(line, end) is not None
    )


def _after_abbreviation(line: str, end: int) -> bool:
    # The word before a stop is short: a window keeps the search linear on a flattened article.
    head = line[max(0, end - 40) : end]
    match = _WORD_BEFORE_STOP.search(head.rstrip("\"'\u201d\u2019)]"))
    if match is None:
        return False
    word = match.group(1)
    # Read as the fact patterns read it: "\u017fept. 9" (long s) is a date they find, not two sentences.
    return lowered_as_re_reads(word) in _ABBREVIATIONS or bool(_INITIALS.fullmatch(word))
