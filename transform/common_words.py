"""How much a word says of one event, judged by how common it is in the language at large.

Story evidence is weighed by its rarity in the window (`transform.stories.weights_for`): the reports of a
batch and the stored ones it meets. A window of a few hundred reports cannot tell "court", "officer",
"bank" or "road" from "Tallaght" or "Kurla": each is held by a handful of its reports. Two reports of
different events of one city or one institution then join on the words of its name ("Central Criminal
Court", "Chief Fire Officer", "HSBC Bank") as if they were the event's own. How common a word is in
English or German as a whole (wordfreq's frequencies, built from many large sources: Wikipedia, subtitles,
news, books, the web) says what the window cannot: its weight is scaled down from `_SPECIFIC_UP_TO` and
reaches `_FLOOR` at `_COMMON_FROM`, on the Zipf scale (6 is a word in a thousand, 4.5 one in thirty
thousand). Names of people, small places, companies and products are rarer than that and keep their
weight; so do words of Chinese, Japanese and Korean, which are not looked up (tried with wordfreq's
lists of them: the team's story set lost a pair and no set gained one; docs/stories.md).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

# The languages whose everyday words are looked up: the story evidence's Latin-script words are English
# or German (transform/story_evidence.py reads capitalised German nouns apart).
_LANGUAGES = ("en", "de")
# Zipf frequency (log10 of a word's frequency per billion words): full weight up to the first, `_FLOOR`
# from the second, in between a straight line. "wildfire" (3.4), "tallaght" (2.0), "hsbc" (3.1) keep
# their weight; "criminal" (4.75) keeps 0.88 of it, "court" (5.4) 0.58, "home" (5.8) 0.39.
_SPECIFIC_UP_TO = 4.5
_COMMON_FROM = 6.0
_FLOOR = 0.3


def _factor(zipf: float) -> float:
    if zipf <= _SPECIFIC_UP_TO:
        return 1.0
    share = (zipf - _SPECIFIC_UP_TO) / (_COMMON_FROM - _SPECIFIC_UP_TO)
    return max(_FLOOR, 1.0 - share * (1.0 - _FLOOR))


@functools.cache
def commonness() -> Mapping[str, float]:
    """{word: the share of its weight a word common in English or German keeps} for every word above
    `_SPECIFIC_UP_TO` in either language (about 5,300 words); a word not listed keeps all of it.

    Read once per process, on the first use, from wordfreq's small lists (every word down to Zipf 3):
    importing wordfreq and reading them takes about 0.24 s, which a command that weighs no story (search,
    export, sql) should not pay."""
    from wordfreq import get_frequency_dict

    found: dict[str, float] = {}
    for language in _LANGUAGES:
        for word, frequency in get_frequency_dict(language, wordlist="small").items():
            # Zipf is log10 of the frequency per billion words.
            factor = _factor(math.log10(frequency) + 9)
            if factor < found.get(word, 1.0):
                found[word] = factor
    return found
