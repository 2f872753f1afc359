from __future__ import annotations

import pytest

from transform.common_words import commonness


def test_everyday_words_keep_less_of_their_weight_and_names_all_of_it() -> None:
    common = commonness()
    assert common["home"] < common["court"] < common["criminal"] < 1.0
    assert min(common.values()) == pytest.approx(0.3)
    # Places, companies and an event's kind of words rarer than one in 30,000 are not listed.
    assert not {"tallaght", "hsbc", "wildfire", "qwen"} & common.keys()
    # German everyday words too: an article in German weighs "Stadt" as an English one weighs "city".
    assert common["stadt"] < 1.0
