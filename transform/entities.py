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


@lru_cache(maxsize=4)
def _pattern(watchlist: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    alias_to_entity = {alias.casefold(): entity for entity, aliases in watchlist for alias in aliases}
    # Longest aliases first, so "Alibaba Cloud" wins over "Alibaba"; \b does not apply to CJK, so
    # word boundaries are asserted only against Latin letters and digits.
    aliases = sorted(alias_to_entity, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9])(" + "|".join(re.escape(a) for a in aliases) + r")(?![A-Za-z0-9])", re.IGNORECASE
    )
    return pattern, alias_to_entity


def find_mentions(text: str, watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST) -> list[Mention]:
    """Every mention of a watched entity, in order. Case-insensitive except that aliases keep whole words."""
    pattern, alias_to_entity = _pattern(tuple((k, tuple(v)) for k, v in watchlist.items()))
    return [
        Mention(alias_to_entity[m.group(1).casefold()], m.group(1), m.start()) for m in pattern.finditer(text)
    ]


def entity_set(text: str, watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST) -> frozenset[str]:
    return frozenset(m.entity for m in find_mentions(text, watchlist))
