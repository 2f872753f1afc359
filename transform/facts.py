"""Numeric facts in prose: percentages, money amounts with currency and scale, calendar dates.

Each fact has a canonical key ("pct:8.48", "money:HKD:2.2e12", "date:02-11") so two outlets that write
"8.48%" and "8.48 percent", or "HK$2.2 trillion" and "HKD 2.2 trillion", state the same fact.
"""

from __future__ import annotations

import re
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

_PERCENT = re.compile(_NUMBER + r"\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"(HK\$|HKD|US\$|USD|RMB|CNY|EUR|[$¥€£])\s?" + _NUMBER + _SCALE, re.IGNORECASE)
_MONEY_AFTER = re.compile(
    _NUMBER + _SCALE + r"\s+(yuan|RMB|dollars|hong kong dollars|euros)\b", re.IGNORECASE
)
_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)


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


def find_facts(text: str) -> list[Fact]:
    """Percentages, money amounts and month-day dates, in order of appearance."""
    facts = [
        Fact("percent", f"pct:{_number(m.group(1)):g}", m.group(0), m.start())
        for m in _PERCENT.finditer(text)
    ]
    for m in _MONEY_BEFORE.finditer(text):
        currency = _CURRENCY_BEFORE[m.group(1).lower()]
        facts.append(
            Fact("money", f"money:{currency}:{_scaled(m.group(2), m.group(3))}", m.group(0), m.start())
        )
    for m in _MONEY_AFTER.finditer(text):
        currency = _CURRENCY_AFTER[m.group(3).lower()]
        facts.append(
            Fact("money", f"money:{currency}:{_scaled(m.group(1), m.group(2))}", m.group(0), m.start())
        )
    for m in _DATE.finditer(text):
        month = _MONTH_ABBREVIATIONS[m.group(1)[:3].lower()]
        day = int(m.group(2))
        if 1 <= day <= 31:
            facts.append(Fact("date", f"date:{month:02d}-{day:02d}", m.group(0), m.start()))
    return sorted(facts, key=lambda f: f.start)


def fact_keys(text: str) -> frozenset[str]:
    return frozenset(f.key for f in find_facts(text))
