"""Prefectures and provinces written in Chinese, Japanese or Korean, as the English words the press
writes them in: "宮城県沖" gives "miyagi", "贵州省" "guizhou", "경상북도" "gyeongsang".

A report of an earthquake in Japanese and one in English share few names: the English one writes
"Miyagi", the Japanese one "宮城". `places` gives a CJK text the English words of the subdivisions it
names, so the two meet on them as two English reports do (transform/story_evidence.py adds them to the
text's names). The names come from ISO 3166-2 and the iso-codes project's translations, shipped by
pycountry: Japan's 47 prefectures (in Japanese and Chinese), China's provinces, regions and
municipalities (Chinese), South Korea's provinces and metropolitan cities (Korean), Taiwan's counties
and cities. Countries are left out (China's "Taiwan Sheng" too): a country is broad evidence, as
"Apple" or "China" are in English. Cities that are no subdivision (Shenzhen, Hangzhou, Sendai) are not
in ISO 3166-2 and do not carry.
"""

from __future__ import annotations

import functools
import gettext
import re

from transform.segmentation import CJK_CHARACTER

# The languages whose translations are read, and the countries whose subdivisions their press names.
_LANGUAGES = ("ja", "zh_CN", "zh_TW", "ko")
_COUNTRIES = ("JP", "CN", "KR", "TW")
_BROAD = frozenset({"CN-TW"})  # a country's name, listed by China as a province
# What ISO's romanised names add that English news does not write: "Sichuan Sheng", "Seoul-teukbyeolsi".
_ROMANISED_SUFFIX = re.compile(
    r"(?:\s+(?:(?:Zhuangzu |Uygur |Huizu )?Zizhiqu|Sheng|Shi|SAR)|"
    r"-(?:do|si|gwangyeoksi|teukbyeolsi|teukbyeoljachido))$"
)
# Korean provinces come in halves: "Gyeongsangbuk-do" is North Gyeongsang in English news.
_KOREAN_HALF = re.compile(r"(?<=\w)(?:buk|nam)$")
# What the translations add that a text often leaves out: "宫城县" is written "宫城" too. (Not 道:
# 北海道 without it is 北海, the North Sea.)
_LOCAL_SUFFIX = re.compile(
    "(?:特别行政区|特別行政區|(?:壮族|维吾尔|回族)?自治区|특별자치도|특별시|광역시|省|县|縣|市|府|都|도)$"
)


@functools.cache
def _english_words() -> dict[str, frozenset[str]]:
    """Each subdivision's name as CJK text writes it (with and without 省, 县, 도 ...) -> its English
    words."""
    # Imported here, on the first CJK text: pycountry takes 35-60 ms to import, which every process that
    # imports the story evidence (each CLI command, each worker) would pay for texts that need none.
    import pycountry

    found: dict[str, set[str]] = {}
    for language in _LANGUAGES:
        translation = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[language])
        for subdivision in pycountry.subdivisions:
            country = subdivision.country_code
            if country in _COUNTRIES and subdivision.code not in _BROAD:
                english = _ROMANISED_SUFFIX.sub("", subdivision.name)
                if country == "KR":
                    english = _KOREAN_HALF.sub("", english)
                words = english.casefold().replace("-", " ").split()
                written = translation.gettext(subdivision.name)
                # Whole and without its suffix ("东京都", "东京"; "京都" stays whole: "京" alone is no name,
                # and a one-character name would be found inside unrelated words).
                for local in {written, _LOCAL_SUFFIX.sub("", written)}:
                    if len(local) >= 2 and CJK_CHARACTER.search(local):
                        found.setdefault(local, set()).update(words)
    return {local: frozenset(words) for local, words in found.items()}


@functools.cache
def _pattern() -> re.Pattern[str]:
    # Longest first, so a name is found whole ("东京都"), not a shorter one inside it ("东京").
    return re.compile("|".join(map(re.escape, sorted(_english_words(), key=len, reverse=True))))


def places(text: str) -> frozenset[str]:
    """The English words of the subdivisions `text` names in CJK script ("宮城県" -> {"miyagi"})."""
    english = _english_words()
    return frozenset(word for match in _pattern().finditer(text) for word in english[match.group(0)])
