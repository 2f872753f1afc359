"""A fast first look at a topic rule, for archives where most pages are off topic. Pure, no I/O.

`decide_topic` runs one large regular expression over the text (about 3 ms for 7 KB of text): fine for an
article, too slow to look at every page of a web archive. `TopicPrefilter.may_match` answers a weaker
question much faster (tens of microseconds): could the rule's `all_of` groups all be mentioned in this
text? It never says no to a text that `decide_topic` would find on topic (a necessary condition), so
the prefilter drops only pages the full rule would drop too; the full rule still decides after extraction.

How: every Latin spelling of a term is cut into its ASCII words ("GPT-4o" -> gpt, 4o), and the text into
its words once (with a version number stripped too: "qwen3" also counts as "qwen"); a spelling can be
present only if all its words are. A spelling that starts with another script (阿里云) has no word
boundaries: it is looked up as a substring. Only when every group passes does `decide_topic` run, on the
same text, so what passes is what the rule's groups really match. `none_of` is left to the full rule:
a page's navigation may name an excluded word that its article does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from transform.topics import TopicRule, decide_topic

_WORD = re.compile(r"[a-z0-9]+")
_VERSION = re.compile(r"(?<=[a-z])[0-9]+$")


@dataclass(frozen=True, slots=True)
class _Group:
    """One `all_of` group: the word sets of its Latin spellings and its other spellings."""

    word_sets: tuple[frozenset[str], ...]
    substrings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicPrefilter:
    """A topic rule compiled for `may_match`; build it once per rule with `prefilter_for`."""

    rule: TopicRule
    groups: tuple[_Group, ...]

    def may_match(self, text: str) -> bool:
        """False only when the rule's groups cannot all be mentioned in `text` (see the module doc)."""
        if not self.groups:
            return True
        folded = text.casefold()
        words: set[str] | None = None
        for group in self.groups:
            if any(s in folded for s in group.substrings):
                continue
            if words is None:
                words = _words(folded)
            if not any(spelling <= words for spelling in group.word_sets):
                return False
        return decide_topic(self.rule, text).relevant


def prefilter_for(rule: TopicRule) -> TopicPrefilter:
    """The prefilter of `rule`: its `all_of` groups (aliases included), without `none_of`."""
    groups = []
    for group in rule.all_of:
        word_sets: list[frozenset[str]] = []
        substrings: list[str] = []
        for term in group:
            for spelling in (term, *rule.aliases.get(term, ())):
                folded = spelling.casefold()
                single_versioned = len(_WORD.findall(folded)) == 1 and folded[-1:].isdigit()
                if folded[:1].isascii() and folded[:1].isalnum() and not single_versioned:
                    word_sets.append(_required_words(folded))
                else:
                    substrings.append(folded)
        groups.append(_Group(tuple(dict.fromkeys(word_sets)), tuple(dict.fromkeys(substrings))))
    return TopicPrefilter(replace(rule, none_of=()), tuple(groups))


def _required_words(spelling: str) -> frozenset[str]:
    """The words a text must contain to mention `spelling`. A last word ending in a digit is left out:
    decide_topic lets more digits follow it ("GPT-4" is found in "GPT-45"), which is another word."""
    words = _WORD.findall(spelling)
    if len(words) > 1 and words[-1][-1:].isdigit():
        words = words[:-1]
    return frozenset(words)


def _words(folded: str) -> set[str]:
    found = _WORD.findall(folded)
    words = set(found)
    # "qwen3" is Qwen (decide_topic lets a version number follow a Latin spelling).
    words.update(_VERSION.sub("", word) for word in found if word[-1:].isdigit())
    return words
