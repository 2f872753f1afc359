"""Evidence specific to an event, read from an article's text and headline: names, quantities, headline
terms, and whether the article is a roundup.

- Names: proper names beyond the watch list, by a capitalised-phrase heuristic (no NER model that
  installs from PyPI here pays for itself: see README). A name is kept as its words ("lanxi",
  "renjie"), so "Gao Renjie" and "Renjie" meet; model and product numbers stay whole ("mate 80",
  "qwen3.5", "yu7"), and in Chinese text every Latin-script name counts, which is what carries an
  event across languages. How rare a name is in the window is the caller's business (stories.py).
- Quantities: counts and measures that are not percentages, money or dates ("1,800 jobs", "1.800
  Stellen", "3万", "182 passengers"), as `num:` keys beside the numeric facts.
- Headline terms: the content words and names of the title, what the outlet thought the event was.
- Roundups: market wraps, briefings, live blogs, deal and "best of" lists. They mention many events
  and report none, so stories.py lets them join nothing.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from transform.facts import Fact, find_facts
from transform.lexicon import ENGLISH_STOPWORDS, SENTENCE_STARTERS

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f]\s+|[\u3002\uff01\uff1f]|\n+")  # and the full-width stops
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_INNER = re.compile(r"[a-z]+[A-Z0-9]")
# A run of name words: capitalised words or words with an inner capital or digit ("iPhone", "qwen3.5"),
# joined by spaces and joiners ("Bank of Thailand"), perhaps with a model number ("Mate 80").
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ](?:[\w'\u2019.\-]*\w)?|[a-z]+[A-Z0-9](?:[\w.\-]*\w)?)"
_NAME_RUN = re.compile(
    _NAME_WORD
    + r"(?:[ \t]+(?:(?:of|de|des|du|la|le|von|van|der|den|al|bin|&)[ \t]+)?"
    + _NAME_WORD
    + r")*(?:[ \t]+\d{1,4}[A-Za-z]{0,3}\b)?"
)
_MODEL_NUMBER = re.compile(r"\d{1,4}[A-Za-z]{0,3}")  # "80", "3", "27", "S25" follow a name: "Mate 80"
# Words inside a name that keep it going: "Bank of Thailand", "Musée des Arts", "Ludwig van Beethoven".
_NAME_JOINERS = frozenset({"of", "de", "des", "du", "la", "le", "von", "van", "der", "den", "al", "bin", "&"})
# Capitalised words that are not names, or are names so broad they say nothing of an event.
_NOT_NAMES = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms dr sir president vice prime minister ministers secretary governor judge chief chairman
    chairwoman ceo cfo cto coo executive founder director spokesman spokeswoman officials senator
    ai api us usa uk eu un gdp ipo suv ota tv llm llms ev evs inc ltd co corp plc llc ag gmbh sa
    rmb usd hkd hk cny eur gbp jpy yuan yen
    group holdings company the a an this that these those it its he she they we i you his her their our
    new chinese american european british german french japanese korean indian global international
    north south east west northern southern eastern western central national federal state city
    live update updates breaking exclusive opinion analysis review editorial watch read more photo
    prozent euro dollar millionen milliarden jahr jahren uhr unternehmen firma der die das und
    """.split()  # noqa: SIM905
)
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.,])(\d{1,3}(?:[,.]\d{3})+|\d+(?:[.,]\d+)?)(?:\s*(million|billion|trillion|万亿|万|亿))?"
)
_SCALE = {"million": 1e6, "billion": 1e9, "trillion": 1e12, "万": 1e4, "亿": 1e8, "万亿": 1e12}
_GERMAN_WORDS = frozenset(
    "der die das und mit von den dem ist sich auf für nicht ein eine wird sind am im zu".split()  # noqa: SIM905
)
_HEADLINE_WORD = re.compile(r"[^\W\d_][\w'\u2019.\-]*[\w]|[^\W\d_]|\d[\w.\-]*", re.UNICODE)
_HEADLINE_STOPWORDS = ENGLISH_STOPWORDS | frozenset(
    """
    after amid as says said say over into new how why what who its it's than more most up down out off
    against about before between first last week year day days could would should may might will can
    der die das und für aus im von mit am zu auf ein eine
    """.split()  # noqa: SIM905
)


def _fold(word: str) -> str:
    word = word.casefold().replace("\u2019", "'")
    return word[:-2] if word.endswith("'s") else word


def is_german(text: str) -> bool:
    """Enough German function words: capitalised nouns there are not names."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", text[:2000])]
    return len(words) >= 8 and sum(w in _GERMAN_WORDS for w in words) / len(words) >= 0.12


def names(text: str) -> frozenset[str]:
    """Words of the proper names in `text` (casefolded), and model/product numbers with their name."""
    if _CJK.search(text):
        found: set[str] = set()
        for sentence in _SENTENCE_END.split(text):
            found |= names(sentence) if not _CJK.search(sentence) else _latin_names(sentence)
        return frozenset(found)
    runs = [(m.group(0).split(), _opens_sentence(text, m.start())) for m in _NAME_RUN.finditer(text)]
    # A capitalised word opening a sentence ("Strong demand...") is a name only if the text also
    # capitalises it elsewhere, or it is written like one ("iPhone", "R3").
    inside = {_fold(w) for words, opens in runs for w in (words[1:] if opens else words)}
    german = is_german(text)
    found = set()
    for words, opens in runs:
        if _MODEL_NUMBER.fullmatch(words[-1]):
            number = words.pop()
            if not words:
                continue
            if _fold(words[-1]) not in _NOT_NAMES:  # not "March 15", "RMB 280"
                found.add(f"{_fold(words[-1])} {number.casefold()}")
        if opens and len(words) == 1 and not (_fold(words[0]) in inside or _inner_capital_or_digit(words[0])):
            continue
        found |= _run_names(words, german)
    return frozenset(found)


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in ".!?:;\n"


def _inner_capital_or_digit(word: str) -> bool:
    # "iPhone", "eBay", "qwen3.5": a name written in lower case at the start still names something.
    return bool(_INNER.match(word)) and any(c.isalpha() for c in word)


def _run_names(run: list[str], german: bool) -> set[str]:
    words = [
        w for w in run if _fold(w) not in _NOT_NAMES and w not in _NAME_JOINERS and w not in SENTENCE_STARTERS
    ]
    if german and len(words) == 1 and not _inner_capital_or_digit(words[0]):
        # Every German noun is capitalised: a lone one ("Auftrag") is not a name.
        return set()
    return {_fold(w) for w in words if len(w) > 1}


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*(?:\s\d{1,4}[A-Za-z]{0,3})?")


def _latin_names(sentence: str) -> set[str]:
    """Latin-script names inside Chinese text: "DeepSeek", "Qwen-Max", "YU7", "Mate 80"."""
    found: set[str] = set()
    for match in _LATIN_RUN.findall(sentence):
        word = match.strip(".-")
        head, _, number = word.partition(" ")
        if (
            len(head) < 2
            or head.casefold() in _NOT_NAMES
            or not (_CAPITALISED.search(head) or any(c.isdigit() for c in head))
        ):
            continue
        found.add(head.casefold())
        if number:
            found.add(f"{head.casefold()} {number.casefold()}")
    return found


_AFTER_NAME = re.compile(r"(?:[A-ZÀ-ÖØ-Þ][\w.\-]*|[a-z]+[A-Z][\w.\-]*)[ \t]$")


def quantities(text: str, facts: list[Fact] | None = None) -> frozenset[str]:
    """`num:` keys of the counts and measures in `text` that are not percentages, money or dates
    (`facts`: the text's facts when the caller has them already).

    Years (1900-2100 written without a separator) and numbers below 10 say nothing of one event.
    """
    taken = sorted((f.start, f.start + len(f.text)) for f in (find_facts(text) if facts is None else facts))
    starts = [start for start, _ in taken]
    german = is_german(text)
    keys: set[str] = set()
    for m in _NUMBER.finditer(text):
        inside = bisect.bisect_right(starts, m.start()) - 1
        if inside >= 0 and m.start() < taken[inside][1]:
            continue
        if _AFTER_NAME.search(text, max(0, m.start() - 24), m.start()):
            continue  # a model number ("Mate 80", "Series 11") is part of a name
        raw = m.group(1)
        value = _parse_number(raw, german) * _SCALE.get((m.group(2) or "").casefold(), 1.0)
        if value < 10 or (raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2100 and not m.group(2)):
            continue
        keys.add(f"num:{value:.4g}")
    return frozenset(keys)


def _parse_number(raw: str, german: bool) -> float:
    thousands, decimal = (".", ",") if german else (",", ".")
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", raw) and (raw.count(thousands) >= 1 and decimal not in raw):
        return float(raw.replace(thousands, ""))
    return float(raw.replace(thousands, "").replace(decimal, "."))


def headline_terms(title: str | None) -> frozenset[str]:
    """The content words of a headline, casefolded, a plural's "s" dropped; Latin names in a Chinese one."""
    if not title:
        return frozenset()
    if _CJK.search(title):
        return frozenset(_latin_names(title))
    terms = set()
    for word in _HEADLINE_WORD.findall(title):
        folded = _fold(word).strip("'.-")
        if len(folded) < 2 or folded in _HEADLINE_STOPWORDS:
            continue
        terms.add(singular(folded))
    return frozenset(terms)


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# What roundups say of themselves: in the headline (enough alone), or in the body (a few of them).
_ROUNDUP_HEADLINE = re.compile(
    r"^live\b|\blive(?::| blog| updates)|\b(?:markets? wrap|wrap-up|round-?up|briefing|week in review|"
    r"this week|of the week|things to know|gift guide|ranked|deals|digest|newsletter)\b|"
    r"^(?:the )?(?:\d+ )?best\b|^weekly\b|\bweekly:|\bbest\b.*\b(?:of (?:\d{4}|the year)|under|deals)\b",
    re.IGNORECASE,
)
_ROUNDUP_BODY = re.compile(
    r"\b(?:here are|here is what|our picks|our editors|we tested|this list|black friday|cyber monday|"
    r"prime day|gift ideas|things to know|good morning|elsewhere|also:|thanks for following|check back|"
    r"update this list|week in review|this week|next week:|s&p 500|nasdaq|stoxx|hang seng|dow jones|"
    r"ftse|nikkei|dax)\b",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"(?:^|\s)(?:[01]?\d|2[0-3]):[0-5]\d(?:\s|$)")
_LIST_ITEM = re.compile(r"(?:^|\s)(?:\d{1,2}[.)]|[-•*])\s+[^\W\d_]")
_PRICE = re.compile(r"[$€£¥]\s?\d")


@dataclass(frozen=True, slots=True)
class RoundupSigns:
    """What makes an article look like a roundup; `is_roundup` weighs them."""

    headline: bool
    phrases: int
    timestamps: int
    list_items: int
    prices: int

    @property
    def score(self) -> float:
        return (
            (2.0 if self.headline else 0.0)
            + min(self.phrases, 3) * 0.75
            + (1.5 if self.timestamps >= 3 else 0.0)
            + (1.5 if self.list_items >= 3 else 0.0)
            + (1.0 if self.prices >= 4 else 0.0)
        )

    @property
    def is_roundup(self) -> bool:
        return self.score >= 2.0


# Roundups say what they are early: the signs are read in the opening of long texts.
_OPENING = 3000


def roundup_signs(title: str | None, text: str) -> RoundupSigns:
    text = text[:_OPENING]
    return RoundupSigns(
        headline=bool(title and _ROUNDUP_HEADLINE.search(title)),
        phrases=len(_ROUNDUP_BODY.findall(text)),
        timestamps=len(_TIMESTAMP.findall(text)),
        list_items=len(_LIST_ITEM.findall(text)),
        prices=len(_PRICE.findall(text)),
    )


_PREVIEW_HEADLINE = re.compile(
    r"\b(?:what to expect|what we expect|preview|ahead of|to be heard|expected to|is set to|are set to)\b",
    re.IGNORECASE,
)


def is_preview(title: str | None, text: str) -> bool:
    """A headline that announces an event still to come ("what to expect", "to be heard on Tuesday")."""
    return bool(title and _PREVIEW_HEADLINE.search(title))
