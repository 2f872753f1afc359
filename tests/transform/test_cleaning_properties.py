"""Properties of cleaning that must hold for any text, checked with generated inputs."""
# ruff: noqa: RUF001  (the text under test is Unicode on purpose: curly quotes, CJK, full-width forms)

from __future__ import annotations

import itertools
import re
import unicodedata

import ftfy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from transform.boilerplate import is_boilerplate_line
from transform.cleaning import _FTFY_CONFIG, FTFY_NEEDED, clean_text, fix_unicode, normalise_whitespace
from transform.lexicon import PROTECTED_NAMES

LOWER_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
SENTENCE = st.lists(LOWER_WORD, min_size=1, max_size=15).map(lambda words: " ".join(words).capitalize() + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=30).map(" ".join)


@st.composite
def articles(draw: st.DrawFn) -> str:
    """Paragraphs of distinct sentences (a repeated lead sentence is dirt, removed on purpose)."""
    sentences = draw(st.lists(SENTENCE, min_size=1, max_size=80, unique_by=str.casefold))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(sentences) - 1)), max_size=5)))
    bounds = [0, *cuts, len(sentences)]
    return "\n\n".join(" ".join(sentences[a:b]) for a, b in itertools.pairwise(bounds) if a < b)


ARTICLE = articles()

DIRT = st.sampled_from(
    [
        "Advertisements",
        "ADVERTISEMENT",
        "Read more",
        "By Anna Lee",
        "Author | Gao Yun Editor | Xu Ming",
        "Photo: Reuters",
        " [4][5]",
        "ChinaThis",
        "confidenceShortly",
        "iPhoneThis",
        "Core Viewpoint - ",
        "Group 1: Cloud Growth - ",
        " - ",
        "Appleâ€™s",
        "\n",
        "\n\n\n",
        "   ",
        "。",
        "U.S. ",
        "Qwen2.5-Max",
    ]
)
DIRTY = st.lists(st.one_of(DIRT, SENTENCE, LOWER_WORD), max_size=60).map(" ".join)
WORD = re.compile(r"[a-z]+")


@settings(max_examples=300, deadline=None)
@given(st.one_of(DIRTY, ARTICLE, st.text(max_size=300)))
def test_cleaning_is_idempotent(text: str) -> None:
    once, _ = clean_text(text)
    assert clean_text(once)[0] == once


@settings(max_examples=200, deadline=None)
@given(ARTICLE)
def test_no_word_of_a_clean_text_is_lost(text: str) -> None:
    # A clean text has no boilerplate: a random paragraph can come out as just "Ad." (seen in CI).
    assume(not any(is_boilerplate_line(line) for line in text.split("\n")))
    cleaned, _ = clean_text(text)
    assert WORD.findall(cleaned.lower()) == WORD.findall(text.lower())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(SENTENCE, min_size=1, max_size=10),
    st.sampled_from(sorted(PROTECTED_NAMES)),
    st.sampled_from(["", "s", "'s", "’s"]),
    st.sampled_from([" ", ", ", "."]),
)
def test_protected_names_survive(sentences: list[str], name: str, suffix: str, after: str) -> None:
    token = f"{name}{suffix}"
    text = " ".join([*sentences[:1], f"People use {token}{after}", *sentences[1:]])
    cleaned, _ = clean_text(text)
    assert re.search(rf"(?<![\w.]){re.escape(token)}(?!\w)", cleaned), cleaned


# What ftfy may never change: `transform.cleaning.FTFY_NEEDED` lets lines made only of these skip it.
FTFY_SAFE = st.text(alphabet=[*(chr(c) for c in range(0x20, 0x7F) if chr(c) != "&"), "\t", "\n", *"–—‘’“”…"])
# CJK punctuation, kana, Han, Hangul syllables and full-width forms, each block's edges included.
CJK_SAFE_CHARS = [
    chr(c)
    for low, high in ((0x3000, 0x3029), (0x3030, 0x303F), (0x3041, 0x3096), (0x309B, 0x30FF),
                      (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF01, 0xFFEE))
    for c in (*range(low, min(high, low + 40) + 1), *range(max(low, high - 20), high + 1))
]  # fmt: skip
FTFY_SAFE_WITH_CJK = st.text(
    alphabet=[*(chr(c) for c in range(0x20, 0x7F) if chr(c) != "&"), "\t", "\n", *"–—‘’“”…", *CJK_SAFE_CHARS]
)
MOJIBAKE = st.sampled_from(
    [
        "Appleâ€™s",
        "cafÃ©",
        "â€œQwenâ€\x9d",
        "Ã¤",
        "\r\n",
        "&amp;",
        "ﬁ",
        "\x1b[1m",
        "<b>",
        "阿里巴巴，",
        "アップル。",
    ]
)


@settings(max_examples=500, deadline=None)
@given(FTFY_SAFE)
def test_ftfy_leaves_the_characters_it_is_skipped_for_alone(text: str) -> None:
    assert not FTFY_NEEDED.search(text)
    assert ftfy.fix_text(text, _FTFY_CONFIG) == text


@settings(max_examples=500, deadline=None)
@given(FTFY_SAFE_WITH_CJK | st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0xFFEE)))
def test_ftfy_leaves_cjk_lines_alone_when_it_is_skipped_for_them(text: str) -> None:
    if not FTFY_NEEDED.search(text):
        assert ftfy.fix_text(text, _FTFY_CONFIG) == text
    else:
        assert fix_unicode(text).text == unicodedata.normalize("NFC", ftfy.fix_text(text, _FTFY_CONFIG))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FTFY_SAFE, MOJIBAKE, st.text(max_size=20)), max_size=20).map("".join))
def test_fixing_unicode_line_by_line_equals_ftfy_on_the_whole_text(text: str) -> None:
    expected = unicodedata.normalize("NFC", ftfy.fix_text(text, _FTFY_CONFIG))
    assert fix_unicode(text).text == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(DIRT, LOWER_WORD, st.sampled_from(["\t", "\u00a0", "\r", "\u3000", " \n "])), max_size=40
    )
)
def test_whitespace_normalisation_matches_its_definition(parts: list[str]) -> None:
    text = " ".join(parts)
    # The definition: horizontal runs become one space, none at line ends, at most one blank line.
    spaced = re.sub(r"[^\S\n]+", " ", text.replace("\r\n", "\n"))
    expected = re.sub(r"\n{3,}", "\n\n", re.sub(r" ?\n ?", "\n", spaced)).strip()
    assert normalise_whitespace(text).text == expected
