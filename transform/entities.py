"""Watched entities: canonical names with their aliases, found in text by whole-word matching."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

# The default watchlist for our first users: Alibaba/Apple AI news and the Chinese AI field around it.
DEFAULT_WATCHLIST: Mapping[str, tuple[str, ...]] = {
    "Alibaba": ("Alibaba", "Alibaba Group", "阿里巴巴"),
    "Alibaba Cloud": ("Alibaba Cloud", "Aliyun", "阿里云"),
    "Qwen": ("Qwen", "Tongyi Qianwen", "Tongyi", "通义千问", "通义"),
    "Apple": ("Apple", "Apple Inc"),
    "Apple Intelligence": ("Apple Intelligence",),
    "iPhone": ("iPhone", "iPhones"),
    "Baidu": ("Baidu", "百度"),
    "Ernie": ("Ernie", "ERNIE", "文心一言"),
    "Tencent": ("Tencent", "腾讯"),
    "ByteDance": ("ByteDance", "字节跳动"),
    "DeepSeek": ("DeepSeek", "深度求索"),
    "Huawei": ("Huawei", "华为"),
    "Xiaomi": ("Xiaomi", "小米"),
    "Zhipu": ("Zhipu", "Zhipu AI", "智谱"),
    "Moonshot": ("Moonshot", "Moonshot AI", "Kimi", "月之暗面"),
    "OpenAI": ("OpenAI",),
    "Jack Ma": ("Jack Ma", "马云"),
    "Joe Tsai": ("Joe Tsai", "蔡崇信"),
    "Eddie Wu": ("Eddie Wu", "吴泳铭"),
    "Tim Cook": ("Tim Cook",),
}


@dataclass(frozen=True, slots=True)
class Mention:
    entity: str
    alias: str
    start: int


@lru_cache(maxsize=8)
def _pattern(
    watchlist: tuple[tuple[str, tuple[str, ...]], ...], versioned: bool = False
) -> tuple[re.Pattern[str], dict[str, str]]:
    alias_to_entity = {alias.casefold(): entity for entity, aliases in watchlist for alias in aliases}
    # Longest aliases first, so "Alibaba Cloud" wins over "Alibaba". Word boundaries are asserted only
    # on an alias's Latin side: "Apple" is not found in "Pineapple", but "苹果" is found in "苹果AI" and
    # "阿里云" in "用阿里云的" (CJK has no spaces between words). `versioned` lets digits follow a Latin
    # alias, so "Qwen3" and "iPhone16" are Qwen and iPhone.
    after = r"(?![A-Za-z])" if versioned else r"(?![A-Za-z0-9])"
    before = r"(?<![A-Za-z0-9])"
    # Grouped by where boundaries apply, each group longest first, with one lookaround per group (fast).
    # Aliases in different groups hardly compete for one position: the Latin-started ones ending in CJK
    # ("Apple 智能") are tried before those ending in Latin ("Apple").
    aliases = sorted(alias_to_entity, key=len, reverse=True)
    groups: dict[tuple[bool, bool], list[str]] = {}
    for alias in aliases:
        groups.setdefault((_is_latin(alias[0]), _is_latin(alias[-1])), []).append(alias)
    parts = []
    for (latin_start, latin_end), members in sorted(groups.items(), key=lambda g: (not g[0][0], g[0][1])):
        alternatives = "|".join(re.escape(a) for a in members)
        parts.append(f"{before if latin_start else ''}(?:{alternatives}){after if latin_end else ''}")
    pattern = re.compile("(" + "|".join(parts) + ")", re.IGNORECASE)
    return pattern, alias_to_entity


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def find_mentions(
    text: str, watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST, *, versioned: bool = False
) -> list[Mention]:
    """Every mention of a watched entity, in order. Case-insensitive; Latin aliases match whole words only
    (followed by a version number too when `versioned`: "Qwen3")."""
    pattern, alias_to_entity = _pattern(tuple((k, tuple(v)) for k, v in watchlist.items()), versioned)
    return [
        Mention(alias_to_entity[m.group(1).casefold()], m.group(1), m.start()) for m in pattern.finditer(text)
    ]


def entity_set(text: str, watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST) -> frozenset[str]:
    return frozenset(m.entity for m in find_mentions(text, watchlist))
