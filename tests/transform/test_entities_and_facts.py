import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.fuzzing import examples
from transform import facts
from transform.analysis import find_in_sentences
from transform.entities import (
    DEFAULT_WATCHLIST,
    _aliases,
    _alternatives,
    _watchlist_key,
    entity_set,
    find_mentions,
)
from transform.facts import fact_keys, find_facts


def test_aliases_map_to_canonical_entities_longest_first() -> None:
    text = "Alibaba Cloud said Tongyi Qianwen (通义千问) now runs Apple Intelligence on iPhones."
    assert [m.entity for m in find_mentions(text)] == [
        "Alibaba Cloud",
        "Qwen",
        "Qwen",
        "Apple Intelligence",
        "iPhone",
    ]


def test_aliases_match_whole_words_only() -> None:
    assert entity_set("Pineapple sales and Applebee's menus") == frozenset()
    assert entity_set("apple and ALIBABA") == {"Apple", "Alibaba"}


def test_facts_have_canonical_keys_across_spellings() -> None:
    a = fact_keys("Shares rose 8.48% to HK$121, worth HK$2.2 trillion, on February 11.")
    b = fact_keys("The stock gained 8.48 percent to HKD 121 (HKD 2.2 trillion) on Feb. 11th")
    assert a == b == {"pct:8.48", "money:HKD:121", "money:HKD:2.2e+12", "date:02-11"}


def test_money_after_the_number_and_scales() -> None:
    assert fact_keys("an investment of 380 billion yuan and US$1.5bn") == {
        "money:CNY:3.8e+11",
        "money:USD:1.5e+09",
    }


def test_facts_come_in_text_order() -> None:
    facts = find_facts("On September 24 shares rose 7%.")
    assert [(f.kind, f.text) for f in facts] == [("date", "September 24"), ("percent", "7%")]


def test_chinese_aliases_need_no_word_boundary_next_to_latin_text() -> None:
    assert entity_set("用阿里云AI服务") == {"Alibaba Cloud"}
    assert entity_set("百度2025年") == {"Baidu"}
    assert entity_set("Pineapple阿里巴巴") == {"Alibaba"}


def test_a_version_may_follow_a_name_only_when_asked() -> None:
    text = "Qwen3 and Qwen2.5-Max run on iPhone16"
    assert [m.entity for m in find_mentions(text, versioned=True)] == ["Qwen", "Qwen", "iPhone"]
    assert find_mentions(text) == []
    assert find_mentions("Appleseed and Qwenx", versioned=True) == []


def test_a_turkish_dotted_capital_i_in_an_alias_is_found_not_a_crash() -> None:
    # re's IGNORECASE matches "İ" to "i", and "İ".casefold() keeps a combining dot: the lookup must not
    # raise KeyError (it did, rejecting the whole document).
    mentions = find_mentions("ALİBABA and the new İPHONE", DEFAULT_WATCHLIST)
    assert [m.entity for m in mentions] == ["Alibaba", "iPhone"]


_FRAGMENTS = [
    *(alias for aliases in DEFAULT_WATCHLIST.values() for alias in aliases),
    "pine", "s", "3", " ", "-", ".", "\n", "は", "애플사", "\u0130", "\u0131", "\u017f", "\u212a", "ー", "의",
]  # fmt: skip


@settings(max_examples=examples(200), deadline=None)
@example([("Qwen", str.title), ("3", str.lower)])  # a version may follow when `versioned`
@given(
    st.lists(
        st.tuples(st.sampled_from(_FRAGMENTS), st.sampled_from([str.upper, str.lower, str.title])),
        max_size=12,
    )
)
def test_the_automaton_finds_the_mentions_the_alternation_finds(parts: list[tuple[str, Any]]) -> None:
    # `_Aliases.occurrences` finds every place an alias occurs in the lowered text and checks the
    # boundaries itself: it must find what the alternation finds, in any case, next to katakana, Hangul,
    # particles and digits, and with the letters lower() folds apart from re ("\u0130", "\u0131", "\u017f",
    # the Kelvin sign).
    text = "".join(case(fragment) for fragment, case in parts)
    for versioned in (False, True):
        aliases = _aliases(_watchlist_key(DEFAULT_WATCHLIST), versioned)
        assert aliases.automaton is not None
        bare = re.compile(_alternatives(list(aliases.entity), versioned), re.IGNORECASE)
        expected = [(m.start(), m.group(1)) for m in bare.finditer(text)]
        assert aliases.occurrences(text) == expected
        # The texts the automaton cannot read are matched with a quick check of the first letters first: it
        # must never rule out a place where an alias matches.
        assert [(m.start(), m.group(1)) for m in aliases.pattern.finditer(text)] == expected


def test_an_empty_watchlist_finds_nothing() -> None:
    assert find_mentions("Alibaba and Apple", {}) == []


def test_a_long_s_or_a_dotless_i_in_a_currency_scale_or_month_is_read_as_re_reads_it() -> None:
    # re's IGNORECASE takes "\u017f" (long s) for "s" and "\u0131" (dotless i) for "i", lower() does not:
    # the word's lookup raised KeyError ("u\u017fd"), failing the article's whole analysis and story
    # evidence, or read a scale as none ("m\u0131llion").
    keys = [
        f.key for f in find_facts("Paid u\u017fd 5 m\u0131llion and 7 billion euro\u017f on \u017fept. 9.")
    ]
    assert keys == ["money:USD:5e+06", "money:EUR:7e+09", "date:09-09"]


def test_a_month_abbreviation_with_a_long_s_stays_in_its_date_s_sentence() -> None:
    # The sentence splitter took "\u017fept." for a word ending a sentence, so the date's day went to the
    # next sentence and the analysis found no date.
    found = find_in_sentences("The deal closed on \u017fept. 9. Shares rose 5%.")
    assert [[f.key for f in sentence.facts] for sentence in found.body] == [["date:09-09"], ["pct:5"]]


_FACT_FRAGMENTS = [
    "5", "12", "2.5", "1,200", " ", ".", ",", "%", "percent", "per cent", "$", "HK$", "US$", "usd", "RMB",
    "€", "£", "¥", "eur", "yuan", "dollars", "hong kong dollars", "euros", "yen", "won", "billion", "bn", "m",
    "th", "March", "Sept", "may", "december", "\u0130", "\u0131", "\u017f", "\u212a",
]  # fmt: skip


@settings(max_examples=examples(300), deadline=None)
@example([("5", str.lower), ("per cent", str.upper)])
@example([("u\u017fd", str.lower), (" ", str.lower), ("5", str.lower)])  # re reads "USD", lower() does not
@example([("may", str.title), (" ", str.lower), ("5", str.lower)])
@given(
    st.lists(
        st.tuples(st.sampled_from(_FACT_FRAGMENTS), st.sampled_from([str.upper, str.lower, str.title])),
        max_size=10,
    )
)
def test_the_words_check_never_skips_a_fact(parts: list[tuple[str, Any]]) -> None:
    # `find_facts` runs a pattern only on a text holding one of its words in lower case (`Lowered`): it
    # must find what every pattern run on every text finds, the letters lower() does not fold as re does
    # ("\u0130", "\u0131", "\u017f") included.
    text = "".join(case(fragment) for fragment, case in parts)
    found = find_facts(text, german=False)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(facts.Lowered, "any", lambda self, words: True)
        assert found == find_facts(text, german=False)


def test_german_spellings_are_found_in_a_sentence_when_its_article_is_german() -> None:
    # No German function word in the sentence itself ("Der" is capitalised): its article decides.
    sentence = "Umsatz plus 6,2 Prozent auf 1,2 Milliarden Euro."
    assert find_facts(sentence) == []
    keys = {fact.key for fact in find_facts(sentence, german=True)}
    assert keys == {"pct:6.2", "money:EUR:1.2e+09"}
    assert find_facts("The 6,2 figure rose 3%.", german=False) == find_facts("The 6,2 figure rose 3%.")
