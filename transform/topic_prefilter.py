"""A fast first look at a topic rule, for archives where most pages are off topic. Pure, no I/O.

`decide_topic` runs one large regular expression over the text (about 3 ms for 7 KB of text): fine for an
article, too slow to look at every page of a web archive. `TopicPrefilter.may_match` answers a weaker
question much faster (tens of microseconds): could the rule's `all_of` groups all be mentioned in this
text? It never says no to a text that `decide_topic` would find on topic (a necessary condition), so
the prefilter drops only pages the full rule would drop too; the full rule still decides after extraction.

How: every Latin spelling of a term is cut into its ASCII words ("GPT-4o" -> gpt, 4o), and the text into
its words once (a word with a version number counts without it too: "qwen3" is "qwen"); a spelling can be
present only if all its words are. A spelling that starts with another script (阿里云) has no word
boundaries: it is looked up as a substring. Only when every group passes does the rule's own matcher
(entities.find_mentions, as decide_topic calls it) run, on the parts of the text around the spellings
found, so what passes is what the rule's groups really match. `none_of` is left to the full rule:
a page's navigation may name an excluded word that its article does not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from transform.entities import AMBIGUOUS_ALIASES, find_mentions
from transform.topics import TopicRule

_WORD = re.compile(r"[a-z0-9]+")
# A letter followed by a digit: where a version number starts inside a word ("qwen3", "gpt4o").
_BEFORE_DIGITS = re.compile(rb"[a-z](?=[0-9])")
# Bytes that are part of a word (ASCII lower-case letters and digits); every other byte ends one.
_WORD_BYTES = bytes(
    byte if chr(byte).isascii() and chr(byte).isalnum() else 32 for byte in range(256)
).lower()
# Characters kept each side of a spelling found: more than any spelling is long, plus the context an
# ambiguous alias needs ("苹果" counts as Apple only with a cue within its window).
_WINDOW = 120 + max((context.window for context in AMBIGUOUS_ALIASES.values()), default=0)
_MAX_WINDOWS = 400


@dataclass(frozen=True, slots=True)
class _Group:
    """One `all_of` group: its Latin spellings as (the words a text needs, the spelling) and its other
    spellings."""

    latin: tuple[tuple[frozenset[bytes], str], ...]
    substrings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicPrefilter:
    """A topic rule compiled for `may_match`; build it once per rule with `prefilter_for`."""

    rule: TopicRule
    groups: tuple[_Group, ...]
    # decide_topic's matcher, built once: each spelling (case-folded) and the groups it counts for.
    watchlist: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    group_of: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def may_match(self, text: str) -> bool:
        """False only when the rule's groups cannot all be mentioned in `text` (see the module doc)."""
        if not self.groups:
            return True
        folded = text.lower()  # not casefold: "ß" stays a non-Latin letter, as for the regex
        words: set[bytes] | None = None
        anchors: list[str] = []
        for group in self.groups:
            found = [s for s in group.substrings if s in folded]
            if found or group.latin:
                if words is None:
                    words = _words(folded)
                found += [anchor for needed, anchor in group.latin if needed <= words]
            if not found:
                return False
            anchors += found
        # The rule's own matcher (entities.find_mentions, as decide_topic uses it) on those parts.
        found_groups: set[int] = set()
        for mention in find_mentions(_windows(folded, anchors), self.watchlist, versioned=True):
            found_groups |= self.group_of.get(mention.entity.casefold(), frozenset())
        return len(found_groups) == len(self.groups)


def _windows(folded: str, anchors: list[str]) -> str:
    """The parts of `folded` around each occurrence of each spelling found, joined: every mention
    decide_topic can find is one of these occurrences, so it is in one of the parts, with the characters
    around it that decide whether it is a whole word. Much shorter than the text, so decide_topic reads
    a few hundred characters instead of a whole page."""
    spans: list[tuple[int, int]] = []
    for anchor in dict.fromkeys(anchors):
        # A Latin spelling is a mention only where no letter or digit comes before it and no letter
        # after it ("ai" in "said" or "aims" is none), as in decide_topic (entities.find_mentions).
        latin_start = anchor[0].isascii() and anchor[0].isalnum()
        latin_end = anchor[-1].isascii() and anchor[-1].isalnum()
        start = folded.find(anchor)
        while start >= 0:
            before = folded[start - 1 : start] if start else ""
            after = folded[start + len(anchor) : start + len(anchor) + 1]
            cut = (latin_start and before.isascii() and before.isalnum()) or (
                latin_end and after.isascii() and after.isalpha()
            )
            if not cut:
                spans.append((max(0, start - _WINDOW), start + len(anchor) + _WINDOW))
                if len(spans) > _MAX_WINDOWS:
                    return folded
            start = folded.find(anchor, start + 1)
    spans.sort()
    merged: list[list[int]] = []
    for left, right in spans:
        if merged and left <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], right)
        else:
            merged.append([left, right])
    parts = [folded[left:right] for left, right in merged]
    return "\n".join(parts)


def prefilter_for(rule: TopicRule) -> TopicPrefilter:
    """The prefilter of `rule`: its `all_of` groups (aliases included), without `none_of`."""
    groups = []
    for group in rule.all_of:
        latin: list[tuple[frozenset[bytes], str]] = []
        substrings: list[str] = []
        for term in group:
            for spelling in (term, *rule.aliases.get(term, ())):
                folded = spelling.lower()
                single_versioned = len(_WORD.findall(folded)) == 1 and folded[-1:].isdigit()
                if folded[:1].isascii() and folded[:1].isalnum() and not single_versioned:
                    # A mention is the spelling itself, in any case: what `_windows` looks for.
                    latin.append((_required_words(folded), folded))
                else:
                    substrings.append(folded)
        groups.append(_Group(tuple(dict.fromkeys(latin)), tuple(dict.fromkeys(substrings))))
    group_of: dict[str, set[int]] = {}
    for index, group in enumerate(rule.all_of):
        for term in group:
            for spelling in (term, *rule.aliases.get(term, ())):
                group_of.setdefault(spelling.casefold(), set()).add(index)
    return TopicPrefilter(
        replace(rule, none_of=()),
        tuple(groups),
        MappingProxyType({spelling: (spelling,) for spelling in group_of}),
        MappingProxyType({spelling: frozenset(indexes) for spelling, indexes in group_of.items()}),
    )


def _required_words(spelling: str) -> frozenset[bytes]:
    """The words a text must contain to mention `spelling`. A last word ending in a digit is left out:
    decide_topic lets more digits follow it ("GPT-4" is found in "GPT-45"), which is another word."""
    words = _WORD.findall(spelling)
    if len(words) > 1 and words[-1][-1:].isdigit():
        words = words[:-1]
    return frozenset(word.encode("ascii") for word in words)


def _words(folded: str) -> set[bytes]:
    """The ASCII words of a lower-cased text (bytes: splitting bytes is twice as fast as a regex)."""
    words = set(folded.encode("ascii", "replace").translate(_WORD_BYTES).split())
    # decide_topic lets digits follow a Latin spelling ("Qwen3", "assistant2"), whatever comes after
    # them: each part of a word that ends where digits start counts as a word too.
    words.update(
        [word[: m.end()] for word in words if not word.isalpha() for m in _BEFORE_DIGITS.finditer(word)]
    )
    return words
