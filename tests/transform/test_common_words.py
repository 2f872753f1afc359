from __future__ import annotations

import math

import pytest
from wordfreq import get_frequency_dict

from transform.common_words import _zipf_frequencies, commonness


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_lists_read_from_their_files_are_wordfreqs_own(language: str) -> None:
    # The file is read without importing wordfreq: what it reads must be what wordfreq gives.
    ours = _zipf_frequencies(language)
    theirs = get_frequency_dict(language, wordlist="small")
    assert ours.keys() == theirs.keys()
    assert all(math.isclose(ours[word], math.log10(theirs[word]) + 9, abs_tol=1e-9) for word in theirs)


def test_everyday_words_keep_less_of_their_weight_and_names_all_of_it() -> None:
    common = commonness()
    assert common["home"] < common["court"] < common["criminal"] < 1.0
    assert min(common.values()) == pytest.approx(0.3)
    # Places, companies and an event's kind of words rarer than one in 30,000 are not listed.
    assert not {"tallaght", "hsbc", "wildfire", "qwen"} & common.keys()
    # German everyday words too: an article in German weighs "Stadt" as an English one weighs "city".
    assert common["stadt"] < 1.0
