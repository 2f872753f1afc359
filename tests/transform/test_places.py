"""Prefectures and provinces written in CJK script, as the English words the press writes them in."""

from __future__ import annotations

from transform.places import places


def test_a_prefecture_province_or_korean_province_gives_its_english_words() -> None:
    assert places("宮城県沖を震源とする地震があった。") == {"miyagi"}
    assert places("贵州省黔南州一座在建大桥局部坍塌。") == {"guizhou"}
    assert places("경상북도 포항시에서 규모 4.1 지진") == {"gyeongsang"}  # Gyeongsangbuk-do: North Gyeongsang
    assert places("서울 강남구") == {"seoul"}


def test_a_name_is_found_with_or_without_its_suffix_and_whole() -> None:
    assert places("东京都") == places("东京") == {"tokyo"}
    assert places("京都府の大学") == places("京都の大学") == {"kyoto"}  # 京都 without 都 is no name
    assert places("北海道で大雪") == {"hokkaido"}


def test_countries_and_words_that_hold_a_name_inside_are_not_places() -> None:
    assert places("日本と中国、台湾、韓国の企業") == frozenset()
    assert places("北海油田") == frozenset()  # the North Sea, not 北海道 without its 道
    assert places("Miyagi and Guizhou in English") == frozenset()
