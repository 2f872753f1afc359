"""Numeric facts in prose: percentages, money amounts with currency and scale, calendar dates.

Each fact has a canonical key ("pct:8.48", "money:HKD:2.2e12", "date:02-11") so two outlets that write
"8.48%" and "8.48 percent", or "HK$2.2 trillion" and "HKD 2.2 trillion", state the same fact. Chinese
("2802亿元", "2月20日") and German ("1,6 Milliarden Euro", "6,2 Prozent", "19. Februar") spellings get
the same keys, so a fact carries across languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_SCALE = r"(?:\s*(thousand|million|billion|trillion|mn|bn|tn|m|b)\b)?"
_CURRENCY_BEFORE = {
    "hk$": "HKD",
    "hkd": "HKD",
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "rmb": "CNY",
    "cny": "CNY",
    "¥": "CNY",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
}
_CURRENCY_AFTER = {"yuan": "CNY", "rmb": "CNY", "dollars": "USD", "hong kong dollars": "HKD", "euros": "EUR"}
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTH_ABBREVIATIONS = {name[:3]: number for name, number in _MONTHS.items()}

# Not right after a digit or separator: in "6,2 %" the English number is not "2".
_PERCENT = re.compile(r"(?<![\d.,])" + _NUMBER + r"\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"(HK\$|HKD|US\$|USD|RMB|CNY|EUR|[$¥€£])\s?" + _NUMBER + _SCALE, re.IGNORECASE)
_MONEY_AFTER = re.compile(
    _NUMBER + _SCALE + r"\s+(yuan|RMB|dollars|hong kong dollars|euros)\b", re.IGNORECASE
)
_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)


_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b",
    re.IGNORECASE,
)

# German: "1.800" is eighteen hundred and "1,6" one point six; the words are case-sensitive nouns.
_NUMBER_DE = r"(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)"
_PERCENT_DE = re.compile(r"(?<![\d.,])" + _NUMBER_DE + r"\s*(?:%|Prozent\b)")
_SCALES_DE = {
    "Tausend": 1e3,
    "Millionen": 1e6,
    "Mio.": 1e6,
    "Milliarden": 1e9,
    "Mrd.": 1e9,
    "Billionen": 1e12,
}
_MONEY_DE = re.compile(
    r"(?<![\d.,])"
    + _NUMBER_DE
    + r"\s*(Tausend|Millionen|Mio\.|Milliarden|Mrd\.|Billionen)?\s*(Euro|US-Dollar|Dollar|Yuan|Pfund)\b"
)
_CURRENCY_DE = {"Euro": "EUR", "US-Dollar": "USD", "Dollar": "USD", "Yuan": "CNY", "Pfund": "GBP"}
_MONTHS_DE = {
    name: number
    for number, name in enumerate(
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),  # noqa: SIM905
        start=1,
    )
}
_DATE_DE = re.compile(r"(?<![\d.])(\d{1,2})\.\s*(" + "|".join(_MONTHS_DE) + r")\b")

# Chinese: 万 is ten thousand, 亿 a hundred million; 元 alone is the yuan.
_SCALES_ZH = {"千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12}
_CURRENCY_ZH = {
    "美元": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "英镑": "GBP",
    "元": "CNY",
    "人民币": "CNY",
}
_MONEY_ZH = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|千|万|亿)?\s*(美元|港元|港币|欧元|英镑|人民币|元)")
_DATE_ZH = re.compile(r"(\d{1,2})月(\d{1,2})日")


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str  # percent, money or date
    key: str
    text: str
    start: int


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _scaled(number: str, scale: str | None) -> str:
    value = _number(number) * _SCALES.get((scale or "").lower(), 1.0)
    return f"{value:.6g}"


def _german_number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _date(month: int, day: int, text: str, start: int) -> list[Fact]:
    return [Fact("date", f"date:{month:02d}-{day:02d}", text, start)] if 1 <= day <= 31 else []


# Every fact holds a digit: the patterns run only on windows around the digits, which is most of
# their cost saved on prose. A window reaches far enough for "September", "HK$" before a number and
# " billion hong kong dollars" after it.
_DIGITS = re.compile(r"\d+")
_BEFORE, _AFTER = 24, 40


def _windows(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(text):
        lo, hi = max(0, m.start() - _BEFORE), m.end() + _AFTER
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _matches(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    for lo, hi in spans:
        yield from pattern.finditer(text, lo, hi)


def find_facts(text: str) -> list[Fact]:
    """Percentages, money amounts and month-day dates, in order of appearance."""
    spans = _windows(text)
    facts = [
        Fact("percent", f"pct:{_number(m.group(1)):g}", m.group(0), m.start())
        for m in _matches(_PERCENT, text, spans)
    ]
    for m in _matches(_MONEY_BEFORE, text, spans):
        currency = _CURRENCY_BEFORE[m.group(1).lower()]
        facts.append(
            Fact("money", f"money:{currency}:{_scaled(m.group(2), m.group(3))}", m.group(0), m.start())
        )
    for m in _matches(_MONEY_AFTER, text, spans):
        currency = _CURRENCY_AFTER[m.group(3).lower()]
        facts.append(
            Fact("money", f"money:{currency}:{_scaled(m.group(1), m.group(2))}", m.group(0), m.start())
        )
    for m in _matches(_DATE, text, spans):
        facts += _date(_MONTH_ABBREVIATIONS[m.group(1)[:3].lower()], int(m.group(2)), m.group(0), m.start())
    for m in _matches(_DAY_MONTH, text, spans):
        facts += _date(_MONTHS[m.group(2).lower()], int(m.group(1)), m.group(0), m.start())
    facts += _other_languages(text, spans)
    return sorted(facts, key=lambda f: f.start)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _other_languages(text: str, spans: list[tuple[int, int]]) -> list[Fact]:
    """German and Chinese spellings, looked for only in text with German function words or Han
    characters (substring checks first: most text is English and pays nothing)."""
    facts: list[Fact] = []
    if " und " in text or " der " in text or " die " in text:
        facts += _german(text, spans)
    if _CJK.search(text):
        for m in _matches(_MONEY_ZH, text, spans):
            value = float(m.group(1)) * _SCALES_ZH.get(m.group(2) or "", 1.0)
            facts.append(
                Fact("money", f"money:{_CURRENCY_ZH[m.group(3)]}:{value:.6g}", m.group(0), m.start())
            )
        for m in _matches(_DATE_ZH, text, spans):
            facts += _date(int(m.group(1)), int(m.group(2)), m.group(0), m.start())
    return facts


def _german(text: str, spans: list[tuple[int, int]]) -> list[Fact]:
    facts: list[Fact] = []
    if "Prozent" in text or "%" in text:
        for m in _matches(_PERCENT_DE, text, spans):
            if "," in m.group(1) or "." in m.group(1):  # plain integers are the English pattern's
                facts.append(Fact("percent", f"pct:{_german_number(m.group(1)):g}", m.group(0), m.start()))
    for m in _matches(_MONEY_DE, text, spans):
        value = _german_number(m.group(1)) * _SCALES_DE.get(m.group(2) or "", 1.0)
        facts.append(Fact("money", f"money:{_CURRENCY_DE[m.group(3)]}:{value:.6g}", m.group(0), m.start()))
    for m in _matches(_DATE_DE, text, spans):
        facts += _date(_MONTHS_DE[m.group(2)], int(m.group(1)), m.group(0), m.start())
    return facts


def fact_keys(text: str) -> frozenset[str]:
    return frozenset(f.key for f in find_facts(text))
