"""Evidence specific to an event, read from an article's text and headline: names, quantities, headline
terms, and whether the article is a roundup.

- Names: proper names beyond the watch list, by a capitalised-phrase heuristic (no NER model that
  installs from PyPI here pays for itself: see README). A name is kept as its words ("lanxi",
  "renjie"), so "Gao Renjie" and "Renjie" meet; model and product numbers stay whole ("mate 80",
  "qwen3.5", "yu7"), and in Chinese text every Latin-script name counts, which is what carries an
  event across languages, with the prefectures and provinces it names (transform.places: "宮城" is
  "miyagi"). How rare a name is in the window is the caller's business (stories.py).
- Quantities: counts and measures that are not percentages, money or dates, beside the numeric facts:
  counts as `num:` keys ("1,800 jobs", "1.800 Stellen", "3万", "182 passengers"), measures as `qty:`
  keys with their unit ("18 kilometres" and "18公里" are `qty:km:18`), which meet no count.
- Headline terms: the content words and names of the title, what the outlet thought the event was.
- Roundups: market wraps, briefings, live blogs, deal and "best of" lists. They mention many events
  and report none, so stories.py lets them join nothing.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from transform.facts import GERMAN_MONTHS, Fact, Lowered, fact_keys, find_facts
from transform.lexicon import ENGLISH_STOPWORDS, SENTENCE_STARTERS, lowered_as_re_reads
from transform.places import places
from transform.segmentation import CJK_CHARACTER, has_han_or_kana
from transform.segmentation import words as segmented_words

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# A stop and its space, or a full-width stop; not the stop of a German ordinal ("am 12. Mai", "1. FC").
# Written to open on the stop (re skips to it), the ordinal checked after.
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f](?<!\b\d\.)(?<!\b\d\d\.)\s+|[\u3002\uff01\uff1f]|\n+")
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_INNER = re.compile(r"[a-z]+[A-Z0-9]")
# A run of name words: capitalised words or words with an inner capital or digit ("iPhone", "qwen3.5"),
# joined by spaces and joiners ("Bank of Thailand"), perhaps with a model number ("Mate 80").
# A word with an inner capital starts where a lowercase run starts: `(?<![a-z])` finds the same words
# (from inside a run the same run fails again) without scanning every lowercase run from each of its letters.
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ](?:[\w'\u2019.\-]*\w)?|(?<![a-z])[a-z]+[A-Z0-9](?:[\w.\-]*\w)?)"
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
) | (
    {month.casefold() for month in GERMAN_MONTHS}  # "Februar 2023" is a date, not a product's number
    # The prefix of German and Austrian spa towns: a hailstorm near Bad Ischl and a flood aid fund near Bad
    # Urach met on it alone (bench/data/stories_long_dev).
    | {"bad"}
)
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.,])(\d{1,3}(?:[,.]\d{3})+|\d+(?:[.,]\d+)?)"
    r"(?:\s*(million|billion|trillion|mn\b|bn\b|万亿|万|亿|億|兆|만|억|조)((?<=[万亿億兆])\d{1,4}(?![\d.,])|(?<=[만억조])\s?\d{1,4}(?![\d.,]))?)?"
)
# Scales written after a number: English ("900mn"), Chinese and Japanese (万 亿/億 兆), Korean (만 억 조).
_SCALE = {
    "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9,
    "万": 1e4, "亿": 1e8, "億": 1e8, "万亿": 1e12, "兆": 1e12, "만": 1e4, "억": 1e8, "조": 1e12,
}  # fmt: skip
_GERMAN_WORDS = frozenset(
    "der die das und mit von den dem ist sich auf für nicht ein eine wird sind am im zu".split()  # noqa: SIM905
)
# Capitalised at the start of a German sentence, where they run into the capitalised nouns after them.
_GERMAN_FUNCTION_WORDS = frozenset(
    """
    im am an auf aus bei beim mit nach von vom zum zur für über unter vor seit laut wie als auch aber doch
    noch nun so es er sie wir ihr ein eine einer eines einem einen den dem des dass weil wenn in zu bis
    gegen ohne um durch trotz während wegen dort hier heute gestern morgen damit dabei zudem
    """.split()  # noqa: SIM905
)
# A number keeps its thousands ("212,000" is one term: split at the comma, every headline with a figure in
# thousands would share "000").
_HEADLINE_WORD = re.compile(r"[^\W\d_][\w'\u2019.\-]*[\w]|[^\W\d_]|\d(?:[\w.\-]|,(?=\d{3}))*", re.UNICODE)
_HEADLINE_STOPWORDS = ENGLISH_STOPWORDS | frozenset(
    """
    after amid as says said say over into new how why what who its it's than more most up down out off
    against about before between first last week year day days could would should may might will can
    der die das und für aus im von mit am zu auf ein eine
    """.split()  # noqa: SIM905
)


@functools.lru_cache(maxsize=65536)  # names() folds each word of an article several times
def _fold(word: str) -> str:
    word = word.casefold().replace("\u2019", "'")
    return word[:-2] if word.endswith("'s") else word


_LETTERS = re.compile(r"[^\W\d_]+")
# The characters whose case folding turns a letter into a non-letter or the reverse ("İ" folds to "i" and a
# combining dot): a text holding one is folded word by word. Found by folding every code point.
_UNLIKE_WHEN_FOLDED = re.compile(
    "[\u0130\u01f0\u0345\u0390\u03b0\u1e96-\u1e99\u1f50\u1f52\u1f54\u1f56\u1fb6\u1fb7\u1fc6\u1fc7"
    "\u1fd2\u1fd3\u1fd6\u1fd7\u1fe2-\u1fe4\u1fe6\u1fe7\u1ff6\u1ff7]"
)


@functools.lru_cache(maxsize=16)
def is_german(text: str) -> bool:
    """Enough German function words: capitalised nouns there are not names."""
    opening = text[:2000]
    if _UNLIKE_WHEN_FOLDED.search(opening):
        words = [w.casefold() for w in _LETTERS.findall(opening)]
    else:  # folded at once: the same words, since no letter folds into a non-letter or the reverse
        words = _LETTERS.findall(opening.casefold())
    return len(words) >= 8 and sum(map(_GERMAN_WORDS.__contains__, words)) / len(words) >= 0.12


def names(text: str, german: bool | None = None) -> frozenset[str]:
    """Words of the proper names in `text` (casefolded), model/product numbers with their name, and the
    initials of the longer names, marked as made rather than written (`INITIALS`: "~pboc").
    `german`: whether the article is German, when `text` is a part of it (`is_german` of the article)."""
    if _CJK.search(text):
        found: set[str] = set()
        for sentence in _SENTENCE_END.split(text):
            found |= names(sentence) if not _CJK.search(sentence) else _latin_names(sentence)
        # Japanese writes foreign and company names in katakana (ホシノ, ソラノ): a run of three or more is
        # kept whole, as a capitalised word is in English (loanwords too; their rarity weighs them).
        # Prefectures and provinces count in the English words the press writes them in ("宮城" is
        # "miyagi"), so a report in CJK script meets an English one on the place, as two English do.
        return _unwritten_initials_marked(found | set(_KATAKANA_RUN.findall(text)) | places(text))
    # Each distinct run once (a name recurs: half the runs of a report repeat one), in order: the names
    # found are a set, and a run gives the same names wherever it stands.
    written = dict.fromkeys((m.group(0), _opens_sentence(text, m.start())) for m in _NAME_RUN.finditer(text))
    runs = [(run.split(), opens) for run, opens in written]
    # A capitalised word opening a sentence ("Strong demand...") is a name only if the text also
    # capitalises it elsewhere, or it is written like one ("iPhone", "eBay").
    inside = {_fold(w) for words, opens in runs for w in (words[1:] if opens else words)}
    german = is_german(text) if german is None else german
    found = set()
    for words, opens in runs:
        if _MODEL_NUMBER.fullmatch(words[-1]):
            number = words.pop()
            if not words:
                continue
            if _fold(words[-1]) not in _NOT_NAMES:  # not "March 15", "RMB 280"
                found.add(f"{_fold(words[-1])} {number.casefold()}")
        if german:  # "Im Hamburger Hafen": a sentence's first word runs into the capitalised nouns after it
            while words and _fold(words[0]) in _GERMAN_FUNCTION_WORDS:
                words = words[1:]
        for part in _german_parts(words) if german else (words,):
            if not part or (
                opens
                and len(part) == 1
                and not (_fold(part[0]) in inside or _inner_capital_or_digit(part[0]))
            ):
                continue
            found |= _run_names(part, german)
            found |= {INITIALS + acronym for acronym in _acronyms(part)}
            opens = False
    return _unwritten_initials_marked(found)


# The mark of initials made from a name the text writes in full ("~pboc" from "People's Bank of China"):
# they meet the initials another text writes ("PBOC", kept as "pboc"), and not the same initials made
# from the same name, whose words two such texts already share (`transform.stories.shared_names`).
INITIALS = "~"


def unmarked(name: str) -> str:
    """A name as `names` gives it, without the mark of initials made from a full name."""
    return name[1:] if name.startswith(INITIALS) else name


def as_written(names: Iterable[str]) -> frozenset[str]:
    """Names as `names` gives them, with the mark taken off the initials made from full names."""
    return frozenset(map(unmarked, names))


def _unwritten_initials_marked(found: set[str]) -> frozenset[str]:
    # Initials the text also writes are a name it writes ("People's Bank of China (PBOC)"): kept once.
    return frozenset(name for name in found if not (name.startswith(INITIALS) and name[1:] in found))


_GERMAN_ARTICLES = frozenset({"der", "die", "das", "des", "den", "dem"})


def _german_parts(words: list[str]) -> list[list[str]]:
    """A German run cut at its articles: in "Angaben der Deutschen Bahn" the article joins two nouns, not
    the words of one name ("Bank of Thailand"); "Der Auftrag" is one noun."""
    parts: list[list[str]] = [[]]
    for word in words:
        if word.casefold() in _GERMAN_ARTICLES:
            parts.append([])
        else:
            parts[-1].append(word)
    return parts


# Who comments on an event rather than takes part in it: papers quote the same analysts, economists and
# spokespeople on many events of one company, market or city ("said Noah Feld, an analyst at Keystone
# Bridge Research"), and a region's ministers on its court rulings and its factories alike (部长, 大臣,
# 장관 in CJK text). A minister an article is about is named in its headline, which keeps the name
# (`story_features`). Looked for in the lowered text (str's search, not a regex: a case-insensitive
# alternation tried at every place of every sentence cost 0.2 ms an article), so "minister" also finds
# "Ministerin" and "Ministerpräsident", and "administered", whose sentence then loses only the names the
# text writes nowhere else.
_COMMENTATOR_WORDS = (
    "analyst", "strategist", "economist", "professor", "researcher", "consultant", "observer",
    "ökonom", "volkswirt", "spokesman", "spokeswoman", "spokesperson", "sprecher",
    "minister", "部长", "大臣", "장관",
    "分析师", "アナリスト", "애널리스트", "发言人", "報道官", "대변인",
)  # fmt: skip


# The firms analysts are quoted from, written as a name's last word ("Priya Natarajan of Halden Securities
# said"), or in CJK script: a brokerage (证券, 証券, 증권).
_COMMENTATOR_FIRMS = (
    " Securities", " Research", " Capital", " Economics", " Analytics", "证券", "証券", "증권",
)  # fmt: skip


def _names_a_commentator(sentence: str) -> bool:
    lowered = sentence.lower()
    return any(word in lowered for word in _COMMENTATOR_WORDS) or any(
        firm in sentence for firm in _COMMENTATOR_FIRMS
    )


def commentator_names(sentences: Sequence[str], german: bool) -> frozenset[str]:
    """The names (as `names` gives them) that a text, read as its `sentences`, writes only in sentences
    naming a commentator: the analyst and the firm quoted, not the company or the event they comment on,
    which the text names elsewhere too. `german`: whether the text is German (`is_german`)."""
    commenting: list[str] = []
    elsewhere: list[str] = []
    for sentence in sentences:
        (commenting if _names_a_commentator(sentence) else elsewhere).append(sentence)
    if not commenting:
        return frozenset()
    written = set(_LETTERS.findall(" ".join(elsewhere).casefold()))
    found = names("\n".join(commenting), german)
    return frozenset(name for name in found if written.isdisjoint(name.split()))


def _acronyms(run: list[str]) -> set[str]:
    """What a name of three words or more is abbreviated to, with and without its joiners: "People's
    Bank of China" gives "pboc" and "pbc", "European Central Bank" "ecb", so they meet "PBOC" and "ECB"."""
    while run and (_fold(run[0]) in {"the", "a", "an"} or run[0] in SENTENCE_STARTERS):
        run = run[1:]  # "The People's Bank of China" is not "TPBOC"
    capitalised = [w for w in run if w[0].isupper()]
    if len(capitalised) < 2 or any(w.isupper() and len(w) > 1 for w in capitalised):
        return set()
    found = {"".join(w[0] for w in capitalised).casefold()}
    if len(capitalised) < len(run):
        found.add("".join(w[0] for w in run).casefold())
    return {acronym for acronym in found if len(acronym) >= 3}


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in ".!?:;\n"


def _coded(word: str) -> bool:
    """A model code or an acronym: a digit among its letters, or two letters or more all in capitals."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and (any(c.isdigit() for c in word) or (len(letters) >= 2 and word.isupper()))


def _inner_capital_or_digit(word: str) -> bool:
    # "iPhone", "eBay", "qwen3.5": a name written in lower case at the start still names something.
    return bool(_INNER.match(word)) and any(c.isalpha() for c in word)


def _run_names(run: list[str], german: bool) -> set[str]:
    if german and len(run) == 1 and not (_inner_capital_or_digit(run[0]) or _coded(run[0])):
        # Every German noun is capitalised: a lone one ("Auftrag") is not a name. A code or an acronym
        # is ("ID.3", "A380", "KBA"): no German noun is written so.
        return set()
    words = [
        w for w in run if _fold(w) not in _NOT_NAMES and w not in _NAME_JOINERS and w not in SENTENCE_STARTERS
    ]
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


def quantities(text: str, facts: list[Fact] | None = None, german: bool | None = None) -> frozenset[str]:
    """`num:` keys of the counts in `text` and `qty:` keys of its measures ("qty:km:18"), other than
    percentages, money and dates (`facts`: the text's facts when the caller has them already; `german`:
    whether the article is German, when the caller knows, which decides what "1.800" is).

    Years (1900-2100 written without a separator) and numbers below 10 say nothing of one event.
    Changes in percentage points are `pp:` keys, whatever the spelling: "50 basis points", "0.5
    percentage point", "0,5 Prozentpunkte", "0.5个百分点", "0.5ポイント" are all `pp:0.5`.
    """
    german = is_german(text) if german is None else german
    keys: set[str] = set()
    spans = [(f.start, f.start + len(f.text)) for f in (find_facts(text) if facts is None else facts)]
    # The case-insensitive patterns of points run only on a text holding one of their words (lowered).
    holds = Lowered(text)
    for m in _WORDED_POINTS.finditer(text) if holds.any(("quarter", "half")) else ():
        keys.add("pp:0.25" if m.group(1).casefold() == "quarter" else "pp:0.5")
    for m in _POINTS.finditer(text) if holds.any(_POINT_WORDS) else ():
        value = _parse_number(m.group(1), german)
        basis = m.group(2).casefold().startswith(("basis", "bp"))
        keys.add(f"pp:{value / 100 if basis else value:.4g}")
        spans.append((m.start(), m.end()))
    taken = sorted(spans)
    starts = [start for start, _ in taken]
    for m in _NUMBER.finditer(text):
        inside = bisect.bisect_right(starts, m.start()) - 1
        if inside >= 0 and m.start() < taken[inside][1]:
            continue
        if _AFTER_NAME.search(text, max(0, m.start() - 24), m.start()):
            continue  # a model number ("Mate 80", "Series 11") is part of a name
        if _CJK_DATE_UNIT.match(text, m.end()):
            continue  # "15日", "10月", "10時", "16일": a date or an hour, not a count
        raw = m.group(1)
        scale = _SCALE.get((m.group(2) or "").casefold(), 1.0)
        # "41万2000", "3만 2000": 41 ten-thousands and 2,000 (the digits after a CJK scale are its
        # remainder; Korean may put a space between them).
        rest = m.group(3) or ""
        remainder = float(rest) if rest else 0.0
        value = _parse_number(raw, german) * scale + remainder
        if value < 10 or (raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2100 and not m.group(2)):
            continue
        unit = _MEASURE_UNIT.match(text, m.end())
        # Read as the pattern read it: "m\u0131les" (dotless i) is "miles" there, not to casefold().
        keys.add(
            f"qty:{_UNITS[lowered_as_re_reads(unit.group(1))]}:{value:.4g}" if unit else f"num:{value:.4g}"
        )
    return frozenset(keys)


# A measure is not a count: "a depth of 18 kilometres" and "18 of its crew" say different things, and
# reports of two events of one day met on such numbers. A measure keeps its unit, the same in every
# language ("18 km", "18-kilometre", "18公里" are one key), and agrees only with measures of that unit
# (`qty:` keys: `transform.story_vectors.kinds_agree`). A number in a place's name ("100 Mile House")
# reads as a measure too: it is no count either. Bare "キロ" and "킬로" are left counts: they are
# kilometres or kilograms; so is "米" before "国" or "ド", which in Japanese is the United States ("米国債").
_UNITS = {
    "km": "km", "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
    "公里": "km", "千米": "km", "キロメートル": "km", "킬로미터": "km",
    "mile": "mi", "miles": "mi",
    "meter": "m", "meters": "m", "metre": "m", "metres": "m", "米": "m", "メートル": "m", "미터": "m",
    "tonne": "t", "tonnes": "t", "ton": "t", "tons": "t", "吨": "t", "トン": "t", "톤": "t",
    "hectare": "ha", "hectares": "ha", "公顷": "ha", "ヘクタール": "ha", "헥타르": "ha",
    "acre": "acre", "acres": "acre",
    "kg": "kg", "kilogram": "kg", "kilograms": "kg", "公斤": "kg", "キログラム": "kg", "킬로그램": "kg",
    "mph": "mph", "km/h": "km/h",
}  # fmt: skip
# The units as `_UNITS` spells them, longest first, so the pattern and the table cannot drift apart (a
# unit the pattern matched and the table lacked was a KeyError); "米" only where it is no United States.
_MEASURE_UNIT = re.compile(
    r"[\s\-]?("
    + "|".join(
        re.escape(unit) + ("(?![国ド])" if unit == "米" else "")
        for unit in sorted(_UNITS, key=len, reverse=True)
    )
    + r")(?![a-z])",
    re.IGNORECASE,
)
_CJK_DATE_UNIT = re.compile(r"\s?[年月日时時分号號년월일시]")
# "a quarter-point cut", "a quarter of a percentage point", "half a percentage point", "a half-point rise"
_WORDED_POINTS = re.compile(
    r"\b(quarter|half)(?:[- ]a)?(?:[- ]of a)?[- ](?:percentage[- ])?point\b", re.IGNORECASE
)
# What `_POINTS` needs one of, in lower case.
_POINT_WORDS = ("basis", "bp", "percentage", "百分点", "prozentpunkt", "ポイント", "%p")
_POINTS = re.compile(
    r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*(basis points?|bps?\b|percentage points?|个百分点|百分点|"
    r"prozentpunkte?|ポイント|%p\b)",
    re.IGNORECASE,
)


# A result written as a tally: a game's score ("beat the Canadiens 4-3", "a 5-2 win", "4比3", "4対3") or a
# vote's ("voted 31-27"). Reports of one game or vote write its result in their headline or lead; two games
# of one team days apart share the team, the arena and the players, and their results differ
# (`transform.stories`: such a pair is judged apart). Not a tally: a range of time or of a unit ("3-5
# days", "12-16 October", "October 12-16", "aged 18-24"), a team's record ("3-1-0"), a part of a longer
# number or name ("737-800", "2024-25", "COVID-19", "1.5-2").
_RANGE_NOUNS = (
    r"years?|months?|weeks?|days?|nights?|hours?|minutes?|seconds?|times|percent|per cent|prozent|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|january|february|februar|march|märz|"
    r"april|june|juni|july|juli|august|september|october|oktober|november|december|dezember|"
    r"km|kilomet\w*|miles?|met\w*|kg|tonnes?|inch\w*|feet|foot|°|ft|cm|mm"
)
# Around a tally: no Latin letter or digit (a name or a longer number), nor a Chinese, Japanese or Korean
# counter after it ("3-5天", "3-5日間", "3-5명": a range); Han, kana and Hangul words may touch it
# ("主队4-3获胜").
_NOT_BESIDE_A_TALLY = r"A-Za-z\u00c0-\u024f\d_/\-\u2013\uff0d"
_CJK_COUNTERS = "日天年月号號时時分秒周週人名个個件倍岁歳%\uff05세명일년월개건"
_TALLY = re.compile(
    rf"(?<![{_NOT_BESIDE_A_TALLY}.,:])(\d{{1,2}}) ?[-\u2013\uff0d] ?(\d{{1,2}})"
    rf"(?![{_NOT_BESIDE_A_TALLY}{_CJK_COUNTERS}]|[.,:]\d| ?(?:{_RANGE_NOUNS})\b)"
    r"|(?<![\d.])(\d{1,2})[比対대](\d{1,2})(?![\d.])",
    re.IGNORECASE,
)
_BEFORE_A_RANGE = re.compile(rf"(?:\b(?:between|from|aged|ages|{_RANGE_NOUNS})\.?|[月월])\s*$", re.IGNORECASE)


def tallies(title: str | None, text: str) -> frozenset[str]:
    """`tally:` keys of the results the headline and the first two sentences of `text` write, the larger
    number first ("4-3" and "3-4" are `tally:4-3`)."""
    lead = " ".join(_SENTENCE_END.split(text, maxsplit=2)[:2])
    keys = set()
    for part in (title or "", lead):
        for m in _TALLY.finditer(part):
            if _BEFORE_A_RANGE.search(part, max(0, m.start() - 12), m.start()):
                continue
            high, low = sorted(int(n) for n in m.groups() if n is not None)[::-1]
            keys.add(f"tally:{high}-{low}")
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
        return frozenset(_latin_names(title) | set(_KATAKANA_RUN.findall(title)) | set(cjk_words(title)))
    terms = set()
    for word in _HEADLINE_WORD.findall(title):
        folded = _fold(word).strip("'.-")
        if len(folded) < 2 or folded in _HEADLINE_STOPWORDS:
            continue
        terms.add(singular(folded))
    return frozenset(terms)


_HAN_OR_KANA_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_HIRAGANA_WORD = re.compile(r"[\u3040-\u309f]+")  # "から", "など": particles and endings, not content


@functools.lru_cache(maxsize=16)
def _segmented(text: str) -> tuple[str, ...]:
    return tuple(segmented_words(text))  # an article's words are wanted for terms and for its length


def segmented_word_count(text: str) -> int:
    """Words of `text`, Chinese and Japanese segmented (transform.segmentation)."""
    return len(_segmented(text)) if has_han_or_kana(text) else len(text.split())


def cjk_words(text: str) -> list[str]:
    """The Chinese and Japanese words of two characters or more (segmented by transform.segmentation:
    jieba, MeCab), in order: what "terms" are in text written without spaces."""
    if not has_han_or_kana(text):
        return []
    return [
        w
        for w in _segmented(text)
        if _HAN_OR_KANA_WORD.fullmatch(w) and not (len(w) <= 2 and _HIRAGANA_WORD.fullmatch(w))
    ]


@functools.lru_cache(maxsize=65536)  # story assignment asks for the same terms' singulars again and again
def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# A roundup is recognised by what it is made of, more than by what it calls itself:
# - its headline's shape: a digest framed by a span of time ("Week in tech", "Today's headlines", "Asia
#   close:", "财经早餐", "今週の主なニュース", "Die Woche"), a market wrap (stocks, shares, indices with a
#   verb of movement: "Stocks edge higher as ...", "European shares end week higher"), or a list of items
#   ("a foldable, a recall and a chip milestone");
# - its body's shape: several clusters of names that share nothing (each sentence or item about other
#   people and companies), list items and bullets, timestamps, many prices;
# - a few phrases of the genre ("here are", "good morning", index names).
# Each sign is weak alone except a digest or wrap headline; together they decide (`RoundupSigns.score`).
_ROUNDUP_HEADLINE = re.compile(
    r"^live\b|\blive(?::| blog| updates)|\b(?:markets? wrap|wrap-up|round-?up|briefing|week in review|"
    r"this week|of the week|things to know|gift guide|ranked|digest|newsletter|recap|"
    r"(?:top|today's|the day's) headlines|"
    r"what you missed|at a glance|in brief|what moved (?:the )?markets?)\b|"
    # A list of shopping deals ("Deals of the week", "Apple deals: ...", "the best ... deals"), not a
    # report that names deals ("tighter rules on land deals", "signs two supply deals").
    r"^deals\b|\bdeals:|"
    r"^(?:the )?(?:\d+ )?best\b|^weekly\b|\bweekly:|\bbest\b.*\b(?:of (?:\d{4}|the year)|under|deals)\b|"
    # a span of time framing the whole: "Week in tech", "The week in five stories", "Today's ...",
    # "Morning note", "Tuesday's tech news", "The day in markets"
    r"^(?:the |this )?(?:week|day|month|year|weekend)(?: in| ahead| at a glance)\b|^headlines\b|"
    r"^(?:the )?(?:morning|evening|night|weekend|daily|weekly)\b(?: \w+)?\s*:|"
    r"^(?:today|tonight|yesterday|this (?:week|morning|evening))['\u2019]?s?\b|"
    r"\b(?:morning|evening|afternoon|daily|weekly|nightly) (?:note|update|edition|report|brief|call|wrap)\b|"
    r"\bin (?:\d+|three|four|five|six|seven|eight|nine|ten) (?:stories|charts|things|minutes|headlines)\b|"
    # "Asia close:", "Europe open:", "Wall Street midday:", "Markets:", "Börse:"
    r"^[\w'\u2019 ]{0,20}\b(?:close|open|opening|closing|midday)\s*:|"
    r"^(?:markets?|börse|bourse|borsa|bolsa)\b[\w'\u2019 ]{0,20}:|"
    # German, Chinese, Japanese, Korean digests
    # ("Chinas Tech-Woche:", "Börsenwoche:": a week framing the whole)
    r"woche\s*:|"
    r"\b(?:die woche|wochenrückblick|wochenüberblick|rückblick|überblick|kompakt|auf einen blick|"
    r"am morgen|am abend|der tag|börsentag|nachrichten des tages|liveticker|news-?ticker|im ticker|"
    r"newsblog|kurz gemeldet|das war der tag)\b|"
    r"早报|晚报|周报|早餐|要闻|速览|盘点|简报|早参|晨报|汇总|一周|收评|午评|综述|滚动|直播|实时更新|"
    r"まとめ|今週|週間|主なニュース|ダイジェスト|朝刊|夕刊|市況|ライブ|라이브|실시간|"
    r"주간|브리핑|이번 주|뉴스 요약|마감 시황|오늘의",
    re.IGNORECASE,
)
# A market wrap's headline: the market as a whole (not one company or commodity) moving, or an index.
_MARKET_HEADLINE = re.compile(
    # The subject is the market (perhaps of a region or sector) or an index, never one company: "Stocks
    # edge higher", "European shares end week higher", "Tech stocks lift Nasdaq", "Nikkei slips", but not
    # "Alibaba shares jump" (a report on Alibaba).
    r"^(?:(?:us|u\.s\.|european|europe's|asian|asia's|asia|chinese|china's|japanese|japan's|hong kong|"
    r"global|world|tech|technology|bank|banking|chip|chipmaker|energy|emerging[- ]market|gulf|indian|german|"
    r"french|uk|british|korean|australian|london|tokyo|frankfurt|paris|mainland|blue[- ]chip)\s+)?"
    r"(?:stocks|shares|equities|markets|bourses|indices|indexes|wall street|blue chips|nasdaq|the dow|dow|"
    r"dow jones|s&p 500|s&p|ftse(?: 100)?|dax|cac 40|nikkei(?: 225)?|topix|hang seng|kospi|sensex|"
    r"stoxx(?: 600)?|csi 300|asx(?: 200)?)\b"
    r".{0,40}\b(?:edge[sd]?|rise[sn]?|rose|rall(?:y|ies|ied)|fall[sn]?|fell|slip[sp]?(?:ed)?|climb[sed]*|"
    r"gain[sed]*|drop[sped]*|dip[sped]*|end[sed]*|close[sd]?|open[sed]*|extend[sed]*|tumble[sd]?|"
    r"slide[sd]?|slump[sed]*|jump[sed]*|surge[sd]?|retreat[sed]*|lift[sed]*|drag[sged]*|weigh[sed]*|"
    r"sink[s]?|sank|soar[sed]*|rebound[sed]*|recover[sed]*|advance[sd]?|decline[sd]?|waver[sed]*|"
    r"mixed|higher|lower|flat|steady|record)\b",
    re.IGNORECASE,
)
# A headline that lists three items or more: "Alibaba soars, Apple dips, oil steady".
_HEADLINE_ITEMS = re.compile(r"[,;\uff0c\uff1b\u3001]|\s(?:and|und|&)\s")
# A digest's frame before its list: a colon or a bar, full-width too ("Markets wrap:", "早报" and a bar).
_HEADLINE_FRAME = re.compile(r"[:\uff1a|\uff5c]")
_CLAUSE_COMMAS = frozenset(",\uff0c\u3001")


def _headline_items(title: str) -> int:
    """The items a headline lists, after its colon ("Markets wrap: A, B and C"). Chinese, Japanese and
    Korean headlines join the clauses of one event with commas (a forest fire "、" its hectares "、" a
    closed road): there a comma parts items only after a digest's frame (`_HEADLINE_FRAME`); semicolons
    part them anywhere."""
    topic = title.split(":", 1)[-1]
    if not topic.strip():
        return 0
    separators = _HEADLINE_ITEMS.findall(topic)
    if CJK_CHARACTER.search(title) and not _HEADLINE_FRAME.search(title):
        separators = [s for s in separators if s not in _CLAUSE_COMMAS]
    return len(separators) + 1


_ROUNDUP_BODY = re.compile(
    r"\b(?:here are|here is what|our picks|our editors|we tested|this list|black friday|cyber monday|"
    r"prime day|gift ideas|things to know|good morning|good evening|elsewhere|also:|in other news|"
    r"thanks for following|check back|update this list|week in review|this week|next week:|s&p 500|"
    r"nasdaq|stoxx|hang seng|dow jones|ftse|nikkei|dax|kospi|topix|sensex|cac 40)\b",
    re.IGNORECASE,
)
# The same phrases in lower case, matched on the lowered text: a case-insensitive pattern cannot skip ahead
# to its first letters and costs four times as much. Lowering the text keeps every match, its boundaries and
# the words around it, but for the letters case-insensitive matching takes for ASCII ones and lower() does
# not (`Lowered.unlike`): a text holding one is matched as before.
_ROUNDUP_BODY_LOWER = re.compile(_ROUNDUP_BODY.pattern.lower())


def _roundup_phrases(text: str) -> int:
    lowered = Lowered(text)
    if lowered.unlike:
        return len(_ROUNDUP_BODY.findall(text))
    return len(_ROUNDUP_BODY_LOWER.findall(lowered.text))


# A live blog stamps its entries ("16:05 Tim Cook is ..."); a report writes its times in prose, after a
# preposition ("struck at 2:32 p.m.", "lifted by 3:50", "um 14:32 Uhr"), which does not count.
_TIME_PREPOSITIONS = "at by um ab bis until around about gegen before after from since".split()  # noqa: SIM905
_TIMESTAMP = re.compile(
    # A lookbehind has a fixed width: one for each preposition.
    r"(?:^|\s)"
    + "".join(rf"(?<!\b{word}\s)" for word in _TIME_PREPOSITIONS)
    + r"(?:[01]?\d|2[0-3]):[0-5]\d(?:\s|$)",
    re.IGNORECASE,
)
# What every timestamp holds: a text without it (most) is spared the pattern above, which has no first
# character re could skip ahead to and costs about a tenth of a millisecond on a 3,000-character opening.
_TIME_OF_DAY = re.compile(r":[0-5]\d(?<=\d:..)")  # "d:dd", written to start with its colon (re skips to it)


def _timestamps(text: str) -> int:
    return len(_TIMESTAMP.findall(text)) if _TIME_OF_DAY.search(text) else 0


# List items: "1. ", "2) ", "- ", "• " after a space in Latin text; "1、", "①", "・", "■", "【" after a space
# or a stop in CJK text; either at the start of the text. A pattern that opens with "at the start or after a
# space" has no first character re could skip ahead to, and tries every position (a tenth of a millisecond
# on a 3,000-character opening): `_LIST_ITEM` opens with the character before the item instead, and the
# start of the text is read apart (`_FIRST_ITEM`).
# Not a German date's day ("am 17. Januar"), which a full-length German report writes several times.
_GERMAN_MONTH_AHEAD = r"(?!(?:" + "|".join(GERMAN_MONTHS) + r")\b)"
_LATIN_ITEM = rf"(?:\d{{1,2}}[.)]\s+{_GERMAN_MONTH_AHEAD}|[-•*]\s+|\+\+\+\s+)[^\W\d_]"
_CJK_ITEM = r"(?:\d{1,2}[\u3001\uff0e]|[\u2460-\u2473\u30fb\u25a0\u25cf\u25b2\u25c6\u3010])\s*[^\W\d_]"
_LIST_ITEM = re.compile(rf"[\s\u3002\uff1b;](?:(?<=\s){_LATIN_ITEM}|{_CJK_ITEM})")
_FIRST_ITEM = re.compile(f"{_LATIN_ITEM}|{_CJK_ITEM}")


def list_items(text: str) -> int:
    """How many list items `text` holds."""
    first = _FIRST_ITEM.match(text)
    # An item ends on a letter, which "①" is too: the items after the first are counted from its end.
    return 1 + len(_LIST_ITEM.findall(text, first.end())) if first else len(_LIST_ITEM.findall(text))


_PRICE = re.compile(r"[$€£¥]\s?\d")
_ITEM_BREAK = re.compile(
    r"[.!?]\s+|[\u3002\uff01\uff1f\uff1b;]|\n+|(?:^|\s)\d{1,2}[.)]\s+|\d{1,2}\u3001|[\u30fb\u2022\u25a0\u25cf]"
)
_KATAKANA_RUN = re.compile(r"[\u30a0-\u30fa\u30fc-\u30ff]{3,}")


@dataclass(frozen=True, slots=True)
class RoundupSigns:
    """What makes an article look like a roundup; `is_roundup` weighs them."""

    headline: bool  # a digest's or a market wrap's headline
    phrases: int
    timestamps: int
    list_items: int
    prices: int
    headline_items: int = 0  # items the headline lists
    clusters: int = 0  # groups of sentences linked by shared names
    largest_cluster: float = 1.0  # share of the named sentences in the largest group

    @property
    def scattered(self) -> float:
        """Several unrelated clusters of names: each sentence or item about other people and companies."""
        # Short reports name each person or company once too (three clusters are common in a report of
        # four sentences): only four clusters or more, none over a third of the text, count.
        return 1.25 if self.clusters >= 4 and self.largest_cluster <= 0.34 else 0.0

    @property
    def score(self) -> float:
        return (
            (2.0 if self.headline else 0.0)
            + min(self.phrases, 3) * 0.75
            + (1.5 if self.timestamps >= 3 else 0.0)
            + (1.5 if self.list_items >= 3 else 0.0)
            + (0.5 if self.prices >= 4 else 0.0)  # a launch lists its prices too
            + (1.0 if self.headline_items >= 3 else 0.0)
            + self.scattered
        )

    @property
    def is_roundup(self) -> bool:
        return self.score >= 2.0


# Roundups say what they are early: the signs are read in the opening of long texts. A digest's phrases
# and prices are read in its first half of that: a full-length report writes an index's name, "elsewhere"
# and its rivals' prices in the background after its lead and details (Apple's shares after an antitrust
# probe, bench/data/stories_long_dev).
_OPENING = 3000
_PHRASES_OPENING = 1500


def roundup_signs(title: str | None, text: str, known: frozenset[str] | None = None) -> RoundupSigns:
    """`known`: the names of `text` when the caller has them already. The name clusters are read only
    when they can decide (the other signs give at least 0.5 and less than 2): most articles are spared."""
    text = text[:_OPENING]
    phrased = text[:_PHRASES_OPENING]
    signs = RoundupSigns(
        headline=bool(title and (_ROUNDUP_HEADLINE.search(title) or _MARKET_HEADLINE.search(title))),
        phrases=_roundup_phrases(phrased),
        timestamps=_timestamps(text),
        list_items=list_items(text),
        prices=len(_PRICE.findall(phrased)),
        headline_items=_headline_items(title or ""),
    )
    if not 0.5 <= signs.score < 2.0:
        return signs
    clusters, largest = name_clusters(text, known)
    return dataclasses.replace(signs, clusters=clusters, largest_cluster=largest)


def name_clusters(text: str, known: frozenset[str] | None = None) -> tuple[int, float]:
    """How the names of a text group: sentences (or list items) sharing a name are one cluster. Returns
    the number of clusters and the share of the named sentences the largest holds. A report keeps
    coming back to its subject (one large cluster); a roundup moves from one event to the next."""
    known = names(text) if known is None else known
    plain = as_written(known)
    pieces = [piece for piece in _ITEM_BREAK.split(text) if piece and piece.strip()]
    keyed: list[set[str]] = []
    for piece in pieces:
        if _CJK.search(piece):
            keys = set(_latin_names(piece)) | set(_KATAKANA_RUN.findall(piece))
        else:
            keys = {_fold(w) for w in re.findall(r"[\w'\u2019.\-]+", piece)} & plain
            # A report names its subject in full once and by its initials after ("Taiwan Semiconductor
            # Manufacturing Co", then "TSMC"): the full name's piece holds the initials too, so the two
            # pieces are one cluster, not two subjects.
            keys |= {a for run in _NAME_RUN.findall(piece) for a in _acronyms(run.split())} & plain
        if keys:
            keyed.append(keys)
    if not keyed:
        return 0, 1.0
    parent = list(range(len(keyed)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[str, int] = {}
    for index, keys in enumerate(keyed):
        for key in keys:
            if key in first_seen:
                parent[root(index)] = root(first_seen[key])
            else:
                first_seen[key] = index
    sizes = Counter(root(i) for i in range(len(keyed)))
    return len(sizes), max(sizes.values()) / len(keyed)


# A preview announces an event still to come; it is recognised by the same kind of evidence:
# - its headline: the genre's phrases ("what to expect", "ahead of", "is set to"), an infinitive or
#   future ("X to unveil ...", "will", "soll", "将", "予定", "예정"), and a time still ahead ("on
#   Thursday", "tomorrow", a date after publication);
# - its body: most sentences in the future or in expectation ("will", "is expected to", "analysts
#   expect", "is likely to", "leaked"), and the announcement itself not reported as done ("said on
#   Wednesday", which is how a report of "X to cut 1,200 jobs" reads).
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_PREVIEW_HEADLINE = re.compile(
    r"\b(?:what to expect|what we expect|what we know|everything we know|preview|to be heard|"
    # "ahead of" a time or an event, not "revenue ahead of forecasts" or "ahead of DeepSeek"
    rf"ahead of (?:the |its |their |this |next |tomorrow|tonight|{_DAYS}|\w+['\u2019]s )?(?:{_DAYS}|"
    r"launch|meeting|vote|decision|results|earnings|election|summit|talks|hearing|ruling|verdict|event|"
    r"keynote|conference|debate|announcement|release|opening|deadline|budget|speech|trial|final|visit|"
    r"data|report|ipo|listing)|"
    r"expected to|is set to|are set to|is due to|are due to|poised to|gears? up|countdown|on the eve of|"
    r"all eyes on|what to watch|will .{0,30}\b(?:tomorrow|next week))\b|"
    # Chinese "expected to", "likely to" (有望亮相: expected to debut), "looking ahead", "what to watch"
    # (成看点); Japanese "in final talks" (最終調整: a deal not yet made); Korean "ahead of"
    r"前瞻|有望|料将|或将|看点|最終調整|앞두고",
    re.IGNORECASE,
)
# Chinese 计划 as a verb ("计划明日发射", plans to launch tomorrow), not the noun ending a phrase ("投资计划",
# "计划" before a comma, "计划的"): an infinitive in a headline, a future in a sentence.
_PLANS_TO = r"计划(?![\s\uff0c\u3002\u3001的]|$)"
_INFINITIVE_HEADLINE = re.compile(
    # Japanese "発表へ" (to announce) ends a headline or its first clause ("発表へ　新チップ搭載が焦点").
    rf"\b(?:to|will|soll|sollen|wird|werden)\s+[^\W\d_]{{2,}}|将|拟|{_PLANS_TO}|即将|予定|"
    r"へ(?:\s|$)|예정|"
    # A deal or a decision not yet made: "nears a deal", "in talks to buy", "close to agreement"
    r"\b(?:nears?|in talks|close to|sources say)\b",
    re.IGNORECASE,
)
_AHEAD = re.compile(
    rf"\b(?:(?:on |this |next )?(?:{_DAYS})|tomorrow|tonight|later today|next week|next month|"
    r"morgen|nächste woche|am (?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag))\b|"
    r"明天|明日|下周|来週|내일|다음 주|周[一二三四五六日]|星期[一二三四五六日天]|[月火水木金土日]曜|"
    r"[월화수목금토일]요일",
    re.IGNORECASE,
)
# `_AHEAD` but for a weekday named alone: whether that is ahead depends on the day of publication.
_AHEAD_WHATEVER_THE_DAY = re.compile(
    rf"\b(?:next (?:{_DAYS})|tomorrow|tonight|later today|next week|next month|morgen|nächste woche)\b|"
    r"明天|明日|下周|来週|내일|다음 주",
    re.IGNORECASE,
)
_POSSESSIVE_DAY = re.compile(rf"\b({_DAYS})['\u2019]s\b", re.IGNORECASE)
_WEEKDAYS = tuple(_DAYS.split("|"))  # in the order of `datetime.weekday()`
_GERMAN_WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
# A weekday named as the day of an event ("on Tuesday", "am Mittwochabend"); `_weekday_ahead` leaves out
# one gone by ("last Tuesday") and the start of a lasting change ("paid more from Thursday").
_NAMED_DAY = re.compile(
    r"\b(" + "|".join(_WEEKDAYS + _GERMAN_WEEKDAYS) + r")(?:abend|morgen|nachmittag|vormittag|mittag)?\b",
    re.IGNORECASE,
)
_NOT_THE_EVENT_S_DAY = (
    "last ", "letzten ", "vergangenen ", "from ", "starting ", "effective ", "ab ",
    # a rule or a law that "takes effect (on) Wednesday", "comes into force on Friday": a lasting change
    "effect ", "effect on ", "force ", "force on ",
    # the end of what goes on: smoke that "could linger through Tuesday" (not "until": a bond issuer "has
    # until Thursday" to pay, a deadline still ahead)
    "through ",
)  # fmt: skip
# Chinese (周三, 星期三), Japanese (水曜) and Korean (수요일) weekdays: the day's character, Monday first.
_CJK_NAMED_DAY = re.compile(r"(?:周|星期)([一二三四五六日天])|([月火水木金土日])曜|([월화수목금토일])요일")
_CJK_WEEKDAYS = ("一二三四五六日", "月火水木金土日", "월화수목금토일")
# Tomorrow: the next day, whatever the weekday ("morgen" in lower case: "am Morgen" is in the morning).
_TOMORROW = re.compile(r"\b(?i:tomorrow)\b|\bmorgen\b|明天|明日|내일")


def _without_days_past(text: str, published: datetime | None) -> str:
    """`text` without the possessives of a weekday of the publication's last four days: "will fight
    Tuesday's fine", published on a Wednesday, names a fine of this week, not a time ahead, where
    "will vote in Thursday's session", published on a Monday, stays."""
    if published is None:
        return text

    def day_past(match: re.Match[str]) -> str:
        back = (published.weekday() - _WEEKDAYS.index(match.group(1).lower())) % 7
        return "" if back <= 3 else match.group(0)

    return _POSSESSIVE_DAY.sub(day_past, text)


def _named_weekdays(text: str) -> Iterator[tuple[int, int, int]]:
    """Each weekday `text` names as the day of an event (`_NAMED_DAY` but for a day gone by or the start of
    a lasting change, `_NOT_THE_EVENT_S_DAY`; `_CJK_NAMED_DAY`): its number as `datetime.weekday()` counts,
    and where it starts and ends in `text`."""
    for match in _NAMED_DAY.finditer(text):
        if not text[max(0, match.start() - 11) : match.start()].lower().endswith(_NOT_THE_EVENT_S_DAY):
            day = match.group(1).lower()
            weekday = _WEEKDAYS.index(day) if day in _WEEKDAYS else _GERMAN_WEEKDAYS.index(day)
            yield weekday, match.start(), match.end()
    for match in _CJK_NAMED_DAY.finditer(text):
        script = next(index for index, day in enumerate(match.groups()) if day)
        yield (
            _CJK_WEEKDAYS[script].index(match.group(script + 1).replace("天", "日")),
            match.start(),
            match.end(),
        )


def _weekday_ahead(text: str, published: datetime | None) -> bool:
    """`text` names a weekday one to three days after the publication's: "trams stop on Tuesday" on a
    Monday. German writes the future in the present ("Der Stadtrat entscheidet am Mittwoch"), so the day
    alone says the event is still to come. Four days or more forward is a day gone by ("on Friday", on a
    Tuesday), as `_without_days_past` reads it; the publication's own day is either."""
    if published is None:
        return False
    return any(1 <= (weekday - published.weekday()) % 7 <= 3 for weekday, _, _ in _named_weekdays(text))


_FUTURE = re.compile(
    # "expected" but not "had (not) expected", "than expected", "better-than-expected", "as expected": a
    # past, or a comparison
    r"\b(?:will|is expected|are expected|expects?|(?<!had )(?<!had not )(?<!than )(?<!than-)(?<!as )expected|"
    r"is set to|are set to|is due|are due|"
    r"is likely|are likely|likely to|is scheduled|are scheduled|plans to|ahead of|tomorrow|"
    rf"leaked|leaks|rumou?red|speculat\w*|wird|werden|soll|sollen|erwartet)\b|将|预计|{_PLANS_TO}|即将|"
    r"予定|見込|예정|"
    r"오는\s?\d",  # Korean "오는 23일": on the coming 23rd
    re.IGNORECASE,
)
_EXPECTATION = re.compile(
    r"\b(?:expect\w*|likely|leak\w*|rumou?r\w*|speculat\w*|due to (?!the\b)|scheduled|tomorrow|"
    r"is set to|are set to|ahead of|invitation)\b|预计|即将|予定|見込|예정",
    re.IGNORECASE,
)
_DONE = re.compile(
    rf"\b(?:said|announced|confirmed|(?:told|telling) \w+)\b[^.]{{0,40}}\bon (?:{_DAYS})\b|"
    rf"\b(?:said|announced|confirmed) (?:{_DAYS})\b|"  # the wire's "Microsoft said Thursday it will ..."
    rf"\bon (?:{_DAYS})\b[^.]{{0,40}}\b(?:said|announced)\b|"
    # A past tense right after the day: "the council on Wednesday approved", "Nvidia on Tuesday agreed"
    rf"\bon (?:{_DAYS}),? (?:[a-z]{{2,}}ed|said|told|won|lost|rose|fell|held|sold|cut|hit|took|made|gave|"
    r"met|began|chose|struck|found|ruled|paid|spent|shut|left|quit)\b|"
    # Chinese, Japanese, Korean: the announcement itself, in the past ("宣布", "発表した", "밝혔다")
    r"宣布|公布|表示|発表した|明らかにした|届け出た|밝혔다|발표했다",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PreviewSigns:
    """What makes an article look like a preview; `is_preview` weighs them."""

    headline: bool  # the genre's phrases
    infinitive: bool  # "X to unveil", "will", "soll"
    ahead: bool  # a time still to come in the headline
    future: float  # share of sentences in the future or in expectation
    expectation: int  # sentences of expectation (expect, likely, leaked, scheduled)
    # The lead reports an announcement as done ("said on Wednesday", "宣布"): the article is the news of
    # the announcement, even of a thing to come ("Huayue to launch Budapest flights from June 1").
    done: bool
    lead_ahead: bool = False  # the lead puts its event in the future at a time ("will vote on Tuesday")
    # The headline and the lead both put the event on a day of the next two weeks ("set Thursday strike",
    # "4日に発表へ"): the announcement of a one-off event to come is its preview, said as done or not.
    pinned: bool = False
    # The headline puts its event, still to come, on a day of the next two weeks ("Court to rule on
    # Wednesday", "Urteil soll am Mittwoch fallen"), where the lead may only set the scene.
    near: bool = False

    @property
    def score(self) -> float:
        return (
            (2.5 if self.headline else 0.0)
            + (1.0 if self.infinitive else 0.0)
            + (1.0 if self.ahead else 0.0)
            + (0.5 if self.near else 0.0)
            + (1.5 if self.lead_ahead else 0.0)
            + (1.0 if self.future >= 0.5 else 0.0)
            + (1.0 if self.expectation >= 2 else 0.0)
            - (3.0 if self.done and not self.pinned else 0.0)
        )

    @property
    def is_preview(self) -> bool:
        return self.score >= 2.5


def preview_signs(title: str | None, text: str, published: datetime | None = None) -> PreviewSigns:
    """The signs; the body's future and expectation are read only when the headline or the lead points
    to a preview (without one of those, they cannot make one: most articles are spared the scan).
    `published`: a date written in the headline or the lead after it is a time still ahead."""
    pieces = [piece for piece in _SENTENCE_END.split(text[:_OPENING], maxsplit=2) if piece.strip()]
    headline = bool(title and _PREVIEW_HEADLINE.search(title))
    infinitive = bool(title and _INFINITIVE_HEADLINE.search(title))
    ahead = bool(title and (_AHEAD.search(title) or _date_ahead(title, published)))
    lead = pieces[0] if pieces else ""
    timed = _without_days_past(lead, published)
    # A day ahead named in the lead needs no future tense: German and Japanese write it in the present
    # ("entscheidet am Mittwoch", "4日に開く"), English too for what is scheduled ("walk out on Tuesday").
    lead_near = _near_day_ahead(lead, published)
    lead_ahead = lead_near or bool(
        _FUTURE.search(lead) and (_time_ahead(timed, published) or _date_ahead(lead, published))
    )
    future, expectation = 0.0, 0
    if headline or infinitive or ahead or lead_ahead:
        pieces = [piece for piece in _SENTENCE_END.split(text[:_OPENING]) if piece.strip()]
        future = sum(bool(_FUTURE.search(p)) for p in pieces) / len(pieces) if pieces else 0.0
        expectation = sum(bool(_EXPECTATION.search(p)) for p in pieces)
    # In the lead, or in the next sentence when the lead does not put its event at a time ahead: "The court
    # will rule on Wednesday ... Its senate said in a notice on Monday that ..." announces a ruling still to
    # come, where "X said on Monday it will ..." is the news of the announcement.
    done = bool(_DONE.search(lead)) or (not lead_ahead and bool(_DONE.search(" ".join(pieces[1:2]))))
    # Read only where it counts: against an announcement said as done.
    pinned = done and lead_near and bool(title and _near_day_ahead(title, published))
    return PreviewSigns(
        headline=headline,
        infinitive=infinitive,
        ahead=ahead,
        future=future,
        expectation=expectation,
        done=done,
        lead_ahead=lead_ahead,
        pinned=pinned,
        near=infinitive and ahead and _near_day_ahead(title or "", published),
    )


def _time_ahead(text: str, published: datetime | None) -> bool:
    """`text` names a time still to come: tomorrow, next week, a weekday after the publication's
    (`_weekday_ahead`), or the publication's own weekday next to a future ("is expected to cut its rate
    on Tuesday", published that morning); any weekday when the publication has no date.

    The own day anywhere else is the day the event happened: a full-length report's lead names it beside
    what will follow from the event ("employers will pay £550 a space from 2028, after a three-hour
    debate at City Hall on Tuesday evening", published that night)."""
    if published is None:
        return bool(_AHEAD.search(text))
    if _AHEAD_WHATEVER_THE_DAY.search(text) or _weekday_ahead(text, published):
        return True
    today = [(start, end) for weekday, start, end in _named_weekdays(text) if weekday == published.weekday()]
    near = _OWN_DAY_NEAR_FUTURE
    return any(
        future.start() - near <= start and end <= future.end() + near
        for future in (_FUTURE.finditer(text) if today else ())
        for start, end in today
    )


# How near a future the publication's own weekday must stand to be the future's day, on either side (the
# verb comes last in Japanese and Korean: "火曜に発表する予定"): "is expected to cut its rate on Tuesday"
# (27 characters), not "will pay ... after a debate at City Hall on Tuesday" (80 or more).
_OWN_DAY_NEAR_FUTURE = 40


def is_preview(title: str | None, text: str, published: datetime | None = None) -> bool:
    """An article announcing an event still to come ("X to unveil ... on Thursday", "what to expect")."""
    return preview_signs(title, text, published).is_preview


_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|märz|mai|juni|juli|okt|dez)[a-zä]*\.?\s+\d"
    r"|\d\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|märz|mai|juni|juli|okt|dez)|"
    r"\d\s?[月월]",
    re.IGNORECASE,
)


# A day without its month ("18日", "23일"), not a month's day ("11月18日", "11월 23일") nor a number of
# days ("3日間", "3일간").
_DAY_OF_THIS_MONTH = re.compile(r"(?<![月월\d])(?<!월 )(\d{1,2})[日일](?![間间간])")


def _near_day_ahead(text: str, published: datetime | None) -> bool:
    """Tomorrow, a weekday of the next three days, or a day of this month of the next fortnight written
    without its month, named in `text` (a month and day is read only with a future tense: its facts cost
    more)."""
    if published is None:
        return False
    tomorrow = bool(_TOMORROW.search(text))
    return tomorrow or _weekday_ahead(text, published) or _day_of_this_month_ahead(text, published)


def _day_of_this_month_ahead(text: str, published: datetime | None) -> bool:
    """A day of the month without its month, as Chinese and Japanese write this month's days ("18日开幕",
    "4日に発表"), 1 to 14 days after `published`."""
    return published is not None and any(
        1 <= int(day) - published.day <= 14 for day in _DAY_OF_THIS_MONTH.findall(text)
    )


def _date_ahead(text: str, published: datetime | None) -> bool:
    """A month and day written in `text` that falls 1 to 45 days after `published`; or this month's day
    without its month (`_day_of_this_month_ahead`)."""
    if published is None:
        return False
    if _day_of_this_month_ahead(text, published):
        return True
    if not _MONTH.search(text):
        return False
    for key in fact_keys(text):
        if key.startswith("date:"):
            month, day = (int(part) for part in key[5:].split("-"))
            for year in (published.year, published.year + 1):
                try:
                    ahead = (date(year, month, day) - published.date()).days
                except ValueError:
                    continue
                if 1 <= ahead <= 45:
                    return True
    return False
