"""Topic relevance: does a text belong to the topic a source is watched for? Pure, no I/O.

A rule is a conjunction of groups: every `all_of` group must be mentioned (any one of its terms), and no
`none_of` term may be. A term matches itself or any of its aliases, case-insensitively and as whole words
(entities.find_mentions; CJK aliases match without word boundaries). The decision keeps the matched terms
so a run can count and explain why an article was kept or set aside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from transform.entities import DEFAULT_WATCHLIST, find_mentions


@dataclass(frozen=True, slots=True)
class TopicRule:
    """(any of group 1) AND (any of group 2) ... AND NOT (any of none_of).

    `aliases` maps a term to other spellings that count as it (e.g. "Qwen" → "通义千问"). A rule with no
    groups accepts every text that no `none_of` term excludes.
    """

    all_of: tuple[tuple[str, ...], ...] = ()
    none_of: tuple[str, ...] = ()
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TopicDecision:
    """Whether a text is on topic, and the evidence: terms found (with counts), groups missing, excluders."""

    relevant: bool
    matched: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    missing: tuple[tuple[str, ...], ...] = ()
    excluded_by: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """One line for a log or a rejects row."""
        if self.excluded_by:
            return f"excluded by {', '.join(self.excluded_by)}"
        if self.missing:
            return "no mention of " + " / ".join(" or ".join(group) for group in self.missing)
        return f"mentions {', '.join(self.matched)}" if self.matched else "no topic rules"


# Our first users' topic: Alibaba's AI (the group, its cloud, Qwen/Tongyi) together with Apple's devices
# and AI. Aliases come from the entity watchlist, so "阿里云" counts as Alibaba Cloud and "iPhones" as iPhone.
DEFAULT_TOPIC = TopicRule(
    all_of=(("Alibaba", "Alibaba Cloud", "Qwen", "Tongyi"), ("Apple", "iPhone", "Apple Intelligence")),
    aliases=MappingProxyType(
        {
            term: DEFAULT_WATCHLIST.get(term, ())
            for term in ("Alibaba", "Alibaba Cloud", "Qwen", "Apple", "iPhone", "Apple Intelligence")
        }
    ),
)


def decide_topic(rule: TopicRule, *texts: str | None) -> TopicDecision:
    """Apply `rule` to the texts (e.g. title and body) taken together."""
    spellings: dict[str, set[str]] = {}
    terms = [term for group in rule.all_of for term in group] + list(rule.none_of)
    for term in terms:
        for spelling in (term, *rule.aliases.get(term, ())):
            spellings.setdefault(spelling.casefold(), set()).add(term)
    # One entry per spelling, so a spelling shared by two terms (Tongyi: a term and a Qwen alias) counts
    # for both instead of being claimed by whichever was listed last.
    watchlist = {spelling: (spelling,) for spelling in spellings}
    text = "\n".join(t for t in texts if t)
    found: Counter[str] = Counter()
    for mention in find_mentions(text, watchlist) if watchlist else []:
        for term in spellings[mention.entity.casefold()]:
            found[term] += 1
    missing = tuple(group for group in rule.all_of if not any(term in found for term in group))
    excluded_by = tuple(term for term in rule.none_of if term in found)
    matched = tuple(dict.fromkeys(term for group in rule.all_of for term in group if term in found))
    return TopicDecision(
        relevant=not missing and not excluded_by,
        matched=matched,
        counts=tuple((term, found[term]) for term in matched),
        missing=missing,
        excluded_by=excluded_by,
    )
