"""Watched entities: canonical names with their aliases, found in text by whole-word matching.

Chinese, Japanese and Korean aliases count too. Han aliases need no word boundary (Chinese has no
spaces); katakana and Hangul ones do within their script ("アップル" is not in "アップルパイ", "애플" not
in "파인애플" or "애플리케이션"), with Korean particles allowed after them ("애플은"). An alias that is also a
common word ("苹果", the fruit) counts only with context (`AMBIGUOUS_ALIASES`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from transform.lexicon import RE_READS_AS_ASCII

# The default watchlist for our first users: Alibaba/Apple AI news and the Chinese AI field around it.
DEFAULT_WATCHLIST: Mapping[str, tuple[str, ...]] = {
    "Alibaba": (
        "Alibaba", "Alibaba Group", "阿里巴巴", "阿里巴巴集团", "アリババ", "アリババグループ", "알리바바",
        "알리바바그룹",
    ),
    "Alibaba Cloud": (
        "Alibaba Cloud", "Aliyun", "阿里云", "阿里雲", "アリババクラウド", "알리바바클라우드",
        "알리바바 클라우드",
    ),
    "Qwen": ("Qwen", "Tongyi Qianwen", "Tongyi", "通义千问", "通义", "千问", "通義千問"),
    "Taobao": ("Taobao", "淘宝", "淘寶", "タオバオ", "타오바오"),
    "Apple": ("Apple", "Apple Inc", "苹果公司", "蘋果公司", "苹果", "アップル", "애플"),
    "Apple Intelligence": (
        "Apple Intelligence", "Apple 智能", "苹果智能", "アップルインテリジェンス", "애플 인텔리전스",
    ),
    "iPhone": ("iPhone", "iPhones", "アイフォーン", "아이폰"),
    "Baidu": ("Baidu", "百度", "バイドゥ", "바이두"),
    "Ernie": ("Ernie", "ERNIE", "文心一言"),
    "Tencent": ("Tencent", "腾讯", "騰訊", "テンセント", "텐센트"),
    "ByteDance": ("ByteDance", "字节跳动", "バイトダンス", "바이트댄스"),
    "DeepSeek": ("DeepSeek", "深度求索", "ディープシーク", "딥시크"),
    "Huawei": ("Huawei", "华为", "華為", "ファーウェイ", "화웨이"),
    "Xiaomi": ("Xiaomi", "小米", "シャオミ", "샤오미"),
    "Zhipu": ("Zhipu", "Zhipu AI", "智谱"),
    "Moonshot": ("Moonshot", "Moonshot AI", "Kimi", "月之暗面"),
    "OpenAI": ("OpenAI",),
    "Jack Ma": ("Jack Ma", "马云", "馬雲", "ジャック・マー", "마윈"),
    "Joe Tsai": ("Joe Tsai", "蔡崇信"),
    "Eddie Wu": ("Eddie Wu", "吴泳铭"),
    "Tim Cook": ("Tim Cook", "蒂姆·库克", "库克", "ティム・クック", "팀 쿡"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AliasContext:
    """When an ambiguous alias names the entity: a `cue` within `window` characters (either side), and no
    `veto` within `veto_window` (the other meaning's words)."""

    cues: tuple[str, ...]
    vetoes: tuple[str, ...] = ()
    window: int = 40
    veto_window: int = 8


# 苹果 is Apple next to its products, people and business words, and the fruit next to eating, orchards,
# prices by the jin; "苹果公司" and "苹果手机" need no help (the cue is in the name).
AMBIGUOUS_ALIASES: Mapping[str, AliasContext] = {
    "苹果": AliasContext(
        cues=(
            "Apple", "iPhone", "iPad", "Mac", "iOS", "Siri", "App Store", "Vision Pro", "AirPods", "Watch",
            "库克", "公司", "手机", "电脑", "平板", "股价", "市值", "财报", "营收", "发布", "芯片", "系统",
            "智能", "AI", "人工智能", "大模型", "模型", "供应链", "果链", "用户", "设备", "应用", "软件",
            "阿里", "百度", "腾讯", "华为", "小米", "三星", "谷歌", "微软", "合作", "中国区", "股东",
        ),
        vetoes=(
            "水果", "果汁", "果园", "果农", "果树", "果实", "吃", "斤", "种植", "丰收", "采摘", "收成",
            "红富士", "香蕉", "梨", "苹果树", "苹果派", "苹果醋",
        ),
        veto_window=12,
    ),
    # 库克 is any Cook (库克群岛, 库克船长): Tim Cook next to Apple, its products or his title.
    "库克": AliasContext(
        cues=("苹果", "Apple", "iPhone", "首席执行官", "CEO", "掌门", "总裁", "蒂姆"),
        vetoes=("群岛", "船长", "山"),
        veto_window=4,
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mention:
    entity: str
    alias: str
    start: int


_KATAKANA = "\u30a1-\u30fa\u30fc"  # without the middle dot, which joins names ("アリババ・グループ")
_HANGUL = "\uac00-\ud7a3"
# What may follow a Korean name inside its word: particles and 사 ("애플사", the company).
_KOREAN_PARTICLE = "은는이가을를의와과도에로만보처측사까께한"


def _script(char: str) -> str:
    if char.isascii() and char.isalnum():
        return "latin"
    if "\u30a1" <= char <= "\u30fc":
        return "katakana"
    if "\uac00" <= char <= "\ud7a3":
        return "hangul"
    return "other"


# Where an alias's boundaries apply, by the script of its first and last letters (`_script`).
_SCRIPT_ORDER = {"latin": 0, "katakana": 1, "hangul": 2, "other": 3}


def _in_order(aliases: list[str]) -> list[str]:
    """The aliases in the order the alternation tries them at one place: grouped by where boundaries apply
    (the Latin-started ones ending in CJK, "Apple 智能", before those ending in Latin, "Apple"), each group
    longest first, so "Alibaba Cloud" wins over "Alibaba"."""
    by_length = sorted(aliases, key=len, reverse=True)
    return sorted(by_length, key=lambda a: (_SCRIPT_ORDER[_script(a[0])], -_SCRIPT_ORDER[_script(a[-1])]))


def _first_letters(aliases: list[str]) -> str:
    """A lookahead for the first two letters any alias may start with, for the texts the automaton
    leaves to the alternation (`_Aliases`). A case-insensitive alternation tries every alias at every
    position of the text (re skips ahead on a first letter only when matching case-sensitively); this
    check lets it pass over the positions no alias can start at (about two thirds of its cost). It only
    rules out positions where no alias can match, so the matches are the same, case-insensitively as the
    alternation's own letters are."""
    if not aliases:
        return ""
    firsts = "".join(sorted({re.escape(alias[0]) for alias in aliases}))
    if any(len(alias) < 2 for alias in aliases):
        return f"(?=[{firsts}])"
    seconds = "".join(sorted({re.escape(alias[1]) for alias in aliases}))
    return f"(?=[{firsts}][{seconds}])"


def _alternatives(aliases: list[str], versioned: bool) -> str:
    """The aliases as one alternation (case-insensitive), each with the word boundaries of its scripts:
    the definition of a mention, which `_Aliases.occurrences` finds faster."""
    # Word boundaries are asserted only on an alias's Latin, katakana and Hangul sides: "Apple" is not
    # found in "Pineapple", but "阿里云" is found in "用阿里云的" (Chinese has no spaces between words).
    # `versioned` lets digits follow a Latin alias, so "Qwen3" and "iPhone16" are Qwen and iPhone.
    before = {script: f"(?<![{letters}])" for script, letters in _WORD_LETTERS.items()} | {"other": ""}
    after = {
        "latin": f"(?![{_VERSIONED_LATIN if versioned else _WORD_LETTERS['latin']}])",
        "katakana": f"(?![{_KATAKANA}])",
        "hangul": f"(?![{_HANGUL}])|(?=[{_KOREAN_PARTICLE}])",
        "other": "",
    }
    # One lookaround per group of aliases with the same boundaries.
    groups: dict[tuple[str, str], list[str]] = {}
    for alias in _in_order(aliases):
        groups.setdefault((_script(alias[0]), _script(alias[-1])), []).append(alias)
    parts = [
        f"{before[start]}(?:{'|'.join(re.escape(a) for a in members)})(?:{after[end]})"
        for (start, end), members in groups.items()
    ]
    return "(" + "|".join(parts) + ")"


# re's IGNORECASE takes these for ASCII letters in an alias (`RE_READS_AS_ASCII`), and the Kelvin sign for
# "k" in the boundaries' classes of Latin letters, where `_outside` does not: a text holding one is matched
# by the alternation itself.
_FOLDED_APART = frozenset(RE_READS_AS_ASCII) | {"\u212a"}
# The letters that run on from a word's side, by script, as the alternation's lookarounds and `_outside` read
# them; a versioned Latin alias may be followed by a digit.
_WORD_LETTERS = {"latin": "A-Za-z0-9", "katakana": _KATAKANA, "hangul": _HANGUL}
_VERSIONED_LATIN = "A-Za-z"
_RUNS_ON = {script: re.compile(f"[{letters}]") for script, letters in _WORD_LETTERS.items()}
_RUNS_ON_VERSIONED = re.compile(f"[{_VERSIONED_LATIN}]")


def _outside(char: str, script: str, versioned: bool = False) -> bool:
    """Whether `char` (the letter next to an alias, or "" at an end of the text) leaves the alias a whole
    word of `script`."""
    letters = _RUNS_ON_VERSIONED if versioned and script == "latin" else _RUNS_ON.get(script)
    return not (char and letters and letters.match(char))


class _Aliases:
    """A watchlist's aliases, found in one pass of an Aho-Corasick automaton over the lowered text
    (pyahocorasick, in C): the alternation tries every alias at every place, case-insensitively, and
    cost most of the analysis's entity reading. The automaton finds every place an alias occurs; the
    boundaries are checked as the alternation's lookarounds check them, and of the aliases fitting at one
    place the first the alternation tries is taken, then the search goes on after it, so the mentions
    are the alternation's (a property test compares them). A text holding a letter lower() does not fold
    as re does (`_FOLDED_APART`), or aliases with letters lower() would change, are matched by the
    alternation itself."""

    def __init__(self, watchlist: tuple[tuple[str, tuple[str, ...]], ...], versioned: bool) -> None:
        self.entity = {_alias_key(alias): entity for entity, aliases in watchlist for alias in aliases}
        keys = list(self.entity)
        # The matcher of the texts the automaton cannot read (see above), with a quick check of the first
        # letters (`_first_letters`).
        self.pattern = re.compile(_first_letters(keys) + _alternatives(keys, versioned), re.IGNORECASE)
        self.versioned = versioned
        self.rank = {key: rank for rank, key in enumerate(_in_order(keys))}
        self.automaton: ahocorasick.Automaton | None = None
        if keys and all(_folds_as_re_does(key) for key in keys):
            self.automaton = ahocorasick.Automaton()
            for key in keys:
                self.automaton.add_word(key, key)
            self.automaton.make_automaton()

    def occurrences(self, text: str) -> list[tuple[int, str]]:
        """Where each mention starts, and its alias as written."""
        if not self.entity:
            return []
        if self.automaton is None or not _FOLDED_APART.isdisjoint(text):
            return [(m.start(), m.group(1)) for m in self.pattern.finditer(text)]
        best: dict[int, str] = {}  # start -> the alias the alternation takes there
        for last, key in self.automaton.iter(text.lower()):
            start, end = last - len(key) + 1, last + 1
            if start in best and self.rank[best[start]] < self.rank[key]:
                continue
            if self._fits(text, start, end, key):
                best[start] = key
        found, reached = [], 0
        for start in sorted(best):
            if start >= reached:  # the search goes on after the last mention
                end = start + len(best[start])
                found.append((start, text[start:end]))
                reached = end
        return found

    def _fits(self, text: str, start: int, end: int, key: str) -> bool:
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        first, last = _script(key[0]), _script(key[-1])
        if not _outside(before, first):
            return False
        if last == "hangul" and after and after in _KOREAN_PARTICLE:
            return True
        return _outside(after, last, self.versioned)


def _folds_as_re_does(key: str) -> bool:
    """Whether lower() of a text holds `key` where re's IGNORECASE matches it (but for `_FOLDED_APART`):
    true of keys written in lower-case ASCII and in letters without case (Chinese, kana, Hangul)."""
    return all((c.isascii() and not c.isupper()) or c.lower() == c.upper() == c for c in key)


@lru_cache(maxsize=8)
def _aliases(watchlist: tuple[tuple[str, tuple[str, ...]], ...], versioned: bool = False) -> _Aliases:
    return _Aliases(watchlist, versioned)


def _in_context(text: str, start: int, end: int, context: AliasContext) -> bool:
    near = text[max(0, start - context.veto_window) : end + context.veto_window]
    if any(veto in near for veto in context.vetoes):
        return False
    around = text[max(0, start - context.window) : end + context.window].casefold()
    return any(cue.casefold() in around for cue in context.cues)


def _alias_key(alias: str) -> str:
    """The lookup key of an alias as written. The pattern matches case-insensitively, so "İPHONE"
    (Turkish dotted capital I) is found; its casefold keeps a combining dot ("i̇phone"), dropped here."""
    return alias.casefold().replace("\u0307", "")


def _watchlist_key(watchlist: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The watchlist as `_aliases`'s cache key; the default's made once (the analysis asks for every
    sentence, and making the key cost as much as matching a short sentence)."""
    if watchlist is DEFAULT_WATCHLIST:
        return _DEFAULT_KEY
    return tuple((entity, tuple(aliases)) for entity, aliases in watchlist.items())


_DEFAULT_KEY = tuple((entity, tuple(aliases)) for entity, aliases in DEFAULT_WATCHLIST.items())


def find_mentions(
    text: str, watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST, *, versioned: bool = False
) -> list[Mention]:
    """Every mention of a watched entity, in order. Case-insensitive; Latin aliases match whole words only
    (followed by a version number too when `versioned`: "Qwen3"); an ambiguous alias ("苹果") only in
    context (`AMBIGUOUS_ALIASES`)."""
    aliases = _aliases(_watchlist_key(watchlist), versioned)
    mentions = []
    for start, alias in aliases.occurrences(text):
        context = AMBIGUOUS_ALIASES.get(alias)
        if context is not None and not _in_context(text, start, start + len(alias), context):
            continue
        mentions.append(Mention(aliases.entity[_alias_key(alias)], alias, start))
    return mentions


def entity_set(text: str, watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST) -> frozenset[str]:
    return frozenset(m.entity for m in find_mentions(text, watchlist))
