# ruff: noqa: RUF001, RUF002, RUF003  (Chinese, Japanese and Korean numerals and full-width forms on purpose)
"""Numeric facts in prose: percentages, money amounts with currency and scale, calendar dates.

Each fact has a canonical key ("pct:8.48", "money:HKD:2.2e12", "date:02-11") so two outlets that write
"8.48%" and "8.48 percent", or "HK$2.2 trillion" and "HKD 2.2 trillion", state the same fact. Chinese
("2802亿元", "三千八百亿元", "百分之三点一", "2月20日"), Japanese ("1兆2000億円", "3.1パーセント"), Korean
("3조 8000억 원") and German ("1,6 Milliarden Euro", "6,2 Prozent", "19. Februar") spellings, full-width
digits too ("３．１％"), get the same keys, so a fact carries across languages: "三千八百亿元" and
"380 billion yuan" are both "money:CNY:3.8e+11".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from transform.lexicon import RE_READS_AS_ASCII, lowered_as_re_reads
from transform.segmentation import CJK_CHARACTER

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
_CURRENCY_AFTER = {
    "yuan": "CNY",
    "rmb": "CNY",
    "dollars": "USD",
    "hong kong dollars": "HKD",
    "euros": "EUR",
    "yen": "JPY",
    "won": "KRW",
}
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
    _NUMBER + _SCALE + r"\s+(yuan|RMB|dollars|hong kong dollars|euros|yen|won)\b", re.IGNORECASE
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
GERMAN_MONTHS = {
    name: number
    for number, name in enumerate(
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),  # noqa: SIM905
        start=1,
    )
}
_DATE_DE = re.compile(r"(?<![\d.])(\d{1,2})\.\s*(" + "|".join(GERMAN_MONTHS) + r")\b")

_DATE_ZH = re.compile(r"(\d{1,2})月(\d{1,2})日")
_DATE_KO = re.compile(r"(\d{1,2})월\s?(\d{1,2})일")


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str  # percent, money or date
    key: str
    text: str
    start: int


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _scaled(number: str, scale: str | None) -> str:
    value = _number(number) * _SCALES.get(lowered_as_re_reads(scale or ""), 1.0)
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


_PERCENT_WORDS = ("%", "percent", "per cent")


class Lowered:
    """A text lowered once, to ask whether it holds one of the words a case-insensitive pattern needs
    before running the pattern (which cannot skip ahead, and costs most where it finds nothing).
    Lowering keeps every word such a pattern matches but for the letters it takes for ASCII ones and
    lower() does not (`RE_READS_AS_ASCII`): a text holding one (`unlike`) holds every word."""

    def __init__(self, text: str) -> None:
        self.text = text.lower()
        self.unlike = any(letter in text for letter in RE_READS_AS_ASCII)  # 3 scans in C, not 1 per letter

    def any(self, words: Iterable[str]) -> bool:
        return self.unlike or any(word in self.text for word in words)


def find_facts(text: str, german: bool | None = None) -> list[Fact]:
    """Percentages, money amounts and month-day dates, in order of appearance.

    Full-width digits count as digits; a fact's `text` is as written, its key as in any other script.
    German spellings ("6,2 Prozent") are looked for when `german`, which by default is read from `text`
    (`has_german_words`): a caller taking one sentence at a time passes what its whole article says, since
    a sentence may hold none of the words ("Der Umsatz stieg um 6,2 Prozent." has only a capital "Der")."""
    if _FULL_WIDTH.search(text):
        written = text
        facts = find_facts(text.translate(_WIDTH), german)
        return [Fact(f.kind, f.key, written[f.start : f.start + len(f.text)], f.start) for f in facts]
    spans = _windows(text)
    if not spans and not CJK_CHARACTER.search(text):
        return []  # every fact holds a digit but a Chinese numeral's (most sentences of an analysis)
    # Most sentences with a digit hold a year or a count: they are spared the patterns of percentages,
    # currencies and months.
    holds = Lowered(text)
    facts = [
        Fact("percent", f"pct:{_number(m.group(1)):g}", m.group(0), m.start())
        for m in _matches(_PERCENT, text, spans if holds.any(_PERCENT_WORDS) else [])
    ]
    for m in _matches(_MONEY_BEFORE, text, spans if holds.any(_CURRENCY_BEFORE) else []):
        currency = _CURRENCY_BEFORE[lowered_as_re_reads(m.group(1))]
        facts.append(
            Fact("money", f"money:{currency}:{_scaled(m.group(2), m.group(3))}", m.group(0), m.start())
        )
    for m in _matches(_MONEY_AFTER, text, spans if holds.any(_CURRENCY_AFTER) else []):
        currency = _CURRENCY_AFTER[lowered_as_re_reads(m.group(3))]
        if currency == "KRW" and not m.group(2):
            continue  # "in 2024 won the title": won is a currency only after a scale ("300 billion won")
        facts.append(
            Fact("money", f"money:{currency}:{_scaled(m.group(1), m.group(2))}", m.group(0), m.start())
        )
    dated = spans if holds.any(_MONTH_ABBREVIATIONS) else []  # every month name starts with its abbreviation
    for m in _matches(_DATE, text, dated):
        facts += _date(
            _MONTH_ABBREVIATIONS[lowered_as_re_reads(m.group(1))[:3]], int(m.group(2)), m.group(0), m.start()
        )
    for m in _matches(_DAY_MONTH, text, dated):
        facts += _date(_MONTHS[lowered_as_re_reads(m.group(2))], int(m.group(1)), m.group(0), m.start())
    facts += _other_languages(text, spans, has_german_words(text) if german is None else german)
    return sorted(facts, key=lambda f: f.start)


def has_german_words(text: str) -> bool:
    """Whether `text` holds a German function word: where `find_facts` looks for German spellings
    (a substring check: most text is English and pays nothing)."""
    return " und " in text or " der " in text or " die " in text


def _other_languages(text: str, spans: list[tuple[int, int]], german: bool) -> list[Fact]:
    """German spellings where `german`, Chinese, Japanese and Korean ones in text with CJK characters."""
    facts: list[Fact] = []
    if german:
        facts += _german(text, spans)
    if CJK_CHARACTER.search(text):
        facts += _cjk_facts(text)
        for pattern in (_DATE_ZH, _DATE_KO):
            for m in _matches(pattern, text, spans):
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
        facts += _date(GERMAN_MONTHS[m.group(2)], int(m.group(1)), m.group(0), m.start())
    return facts


# Chinese, Japanese and Korean numbers. Digits may be full-width ("３．１％"): `_WIDTH` makes them ASCII
# without moving any character, so a fact's place in the text stays right. Amounts are written in groups
# of 万/萬/만 (1e4), 亿/億/억 (1e8) and 兆/조 (1e12, in Japanese and Korean; 万亿 in Chinese): "3800亿元",
# "1兆2000億円", "3조 8000억 원"; Chinese also writes them in numerals ("三千八百亿元", "百分之三点一").
# Values end as the English patterns' do, so "380 billion yuan" and "三千八百亿元" share a key.
# (A full-width comma stays: it separates clauses, never thousands.)
_WIDTH = {**{code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}, 0xFF0E: ord("."), 0xFF05: ord("%")}
_FULL_WIDTH = re.compile("[\uff05\uff0e\uff10-\uff19]")
_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {
    "万": 1e4,
    "萬": 1e4,
    "만": 1e4,
    "亿": 1e8,
    "億": 1e8,
    "억": 1e8,
    "兆": 1e12,
    "조": 1e12,
    "万亿": 1e12,
}
_ZH_NUMERAL = "[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_GROUP = rf"(?:{_ARABIC}|{_ZH_NUMERAL})\s?(?:万亿|[万萬만亿億억兆조])"
# An amount: groups, then perhaps a last plain number ("1兆2000億"), or a plain number alone.
_AMOUNT = rf"(?:{_GROUP}(?:\s?(?:{_GROUP}))*(?:\s?(?:{_ARABIC}|{_ZH_NUMERAL}))?|{_ARABIC}|{_ZH_NUMERAL})"
_CJK_CURRENCIES = {
    "美元": "USD", "港元": "HKD", "港币": "HKD", "欧元": "EUR", "英镑": "GBP", "日元": "JPY",
    "人民币": "CNY", "元人民币": "CNY", "元": "CNY", "人民元": "CNY", "円": "JPY", "ドル": "USD",
    "米ドル": "USD", "香港ドル": "HKD", "ウォン": "KRW", "ユーロ": "EUR", "홍콩달러": "HKD", "위안화": "CNY",
    "원": "KRW", "달러": "USD", "엔": "JPY", "위안": "CNY", "유로": "EUR",
}  # fmt: skip
_MONEY_CJK = re.compile(
    rf"(?<![\d.,数几上成])({_AMOUNT})\s?("
    + "|".join(sorted((re.escape(c) for c in _CJK_CURRENCIES), key=len, reverse=True))
    + ")"
)
_PERCENT_CJK = re.compile(
    rf"百分之({_ZH_NUMERAL}|{_ARABIC})|(?<![\d.,])({_ARABIC})\s?(?:パーセント|퍼센트|프로)"
)
_KOREAN_PARTICLES = frozenset("은는이가을를의와과도에로만대씩")
# Chinese numerals are too common in prose ("统一元数据" holds 一元): an amount in numerals counts only
# with a 十/百/千 or a 万/亿 in it, and not after 数/几/上/成 ("数千亿元" is no figure) or as a bare 千/百.
_SCALED_NUMERAL = re.compile("[十百千万萬亿億]")


def _zh_integer(numeral: str) -> int:
    """三千八百 -> 3800, 十二 -> 12, 两千零五 -> 2005, 五 -> 5 (numerals below 万)."""
    total, digit = 0, 0
    for char in numeral:
        if char in _ZH_DIGITS:
            digit = _ZH_DIGITS[char]
        elif char in _ZH_UNITS:
            total += (digit or 1) * _ZH_UNITS[char]
            digit = 0
    return total + digit


def _zh_number(numeral: str) -> str:
    """A numeral below 万 as decimal digits: 三点一 -> "3.1", 三千八百 -> "3800"."""
    whole, _, fraction = numeral.partition("点")
    digits = str(_zh_integer(whole))
    return f"{digits}.{''.join(str(_ZH_DIGITS[c]) for c in fraction)}" if fraction else digits


def _plain(number: str) -> float:
    return float(number.replace(",", "") if number[0].isdigit() else _zh_number(number))


_GROUP_PARTS = re.compile(rf"({_ARABIC}|{_ZH_NUMERAL})\s?(万亿|[万萬만亿億억兆조])?")


def cjk_amount(text: str) -> float:
    """The value of an amount written in CJK groups: "三千八百亿" -> 3.8e11, "1兆2000億" -> 1.2e12."""
    value = 0.0
    for number, unit in _GROUP_PARTS.findall(text):
        value += _plain(number) * _BIG_UNITS.get(unit, 1.0)
    return value


def _cjk_facts(text: str) -> list[Fact]:
    facts: list[Fact] = []
    for m in _MONEY_CJK.finditer(text):
        amount = m.group(1)
        if not any(c.isdigit() for c in amount) and (
            not _SCALED_NUMERAL.search(amount) or amount[0] in "百千"
        ):
            continue  # "一元" in 统一元数据, "千亿元级" say no figure
        after = text[m.end() : m.end() + 1]
        if "\uac00" <= after <= "\ud7a3" and after not in _KOREAN_PARTICLES:
            continue  # "제1원칙" is a principle, not one won: a Korean unit ends its word or takes a particle
        value = cjk_amount(amount)
        facts.append(Fact("money", f"money:{_CJK_CURRENCIES[m.group(2)]}:{value:.6g}", m.group(0), m.start()))
    for m in _PERCENT_CJK.finditer(text):
        facts.append(Fact("percent", f"pct:{_plain(m.group(1) or m.group(2)):g}", m.group(0), m.start()))
    return facts


def fact_keys(text: str) -> frozenset[str]:
    return frozenset(f.key for f in find_facts(text))
