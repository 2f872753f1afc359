"""Per-article analysis for SQL: sentences, mentions of watched entities, and numeric facts.

Each fact is tied to the watched entity mentioned nearest to it in the same sentence, so "what did each
outlet say Alibaba's shares did" is one query over `numeric_facts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from transform.entities import DEFAULT_WATCHLIST, find_mentions
from transform.facts import find_facts
from transform.sentences import split_sentences


@dataclass(frozen=True, slots=True)
class EntityMention:
    entity: str
    alias: str
    sentence_index: int


@dataclass(frozen=True, slots=True)
class NumericFact:
    sentence_index: int
    kind: str  # percent, money or date
    key: str  # canonical: "pct:8.48", "money:HKD:2.2e+12", "date:02-11"
    text: str  # as written: "8.48%", "HK$2.2 trillion", "February 11"
    value: float | None  # the number (None for dates)
    unit: str  # "%", a currency code, or "date"
    entity: str | None  # the watched entity nearest to it in the sentence


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    article_id: str
    sentences: tuple[str, ...]
    mentions: tuple[EntityMention, ...]
    facts: tuple[NumericFact, ...]


def analyse(
    article_id: str, body: str, watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST
) -> ArticleAnalysis:
    """Split the body into sentences, then find the entities and facts of each."""
    sentences = tuple(split_sentences(body))
    mentions: list[EntityMention] = []
    facts: list[NumericFact] = []
    for index, sentence in enumerate(sentences):
        found = find_mentions(sentence, watchlist)
        mentions.extend(EntityMention(m.entity, m.alias, index) for m in found)
        for fact in find_facts(sentence):
            nearest = min(found, key=lambda m: abs(m.start - fact.start), default=None)
            value, unit = _value_and_unit(fact.key)
            facts.append(
                NumericFact(
                    index,
                    fact.kind,
                    fact.key,
                    fact.text,
                    value,
                    unit,
                    nearest.entity if nearest else None,
                )
            )
    return ArticleAnalysis(article_id, sentences, tuple(mentions), tuple(facts))


def _value_and_unit(key: str) -> tuple[float | None, str]:
    kind, _, rest = key.partition(":")
    if kind == "pct":
        return float(rest), "%"
    if kind == "money":
        currency, _, amount = rest.partition(":")
        return float(amount), currency
    return None, "date"
