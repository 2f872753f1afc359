"""Per-article analysis for SQL: sentences, mentions of watched entities, and numeric facts.

Each fact is tied to the watched entity mentioned nearest to it in the same sentence, so "what did each
outlet say Alibaba's shares did" is one query over `numeric_facts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from transform.entities import DEFAULT_WATCHLIST, Mention, find_mentions
from transform.facts import Fact, find_facts, has_german_words
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


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence with the watched entities and numeric facts found in it (offsets in the sentence)."""

    text: str
    start: int  # where it starts in `Findings.text`
    mentions: tuple[Mention, ...]
    facts: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class Findings:
    """The entities and facts of an article's headline and body, found once, sentence by sentence: the
    analyst tables take the body's sentences, the story evidence everything (`transform.stories`)."""

    text: str  # the headline, a line break, the body; the body alone without a headline
    headline: tuple[Sentence, ...]
    body: tuple[Sentence, ...]

    def facts(self) -> list[Fact]:
        """Every fact, with its offset in `text`."""
        return [
            Fact(f.kind, f.key, f.text, s.start + f.start)
            for s in (*self.headline, *self.body)
            for f in s.facts
        ]

    def mentions(self) -> list[Mention]:
        """Every mention, with its offset in `text`."""
        return [
            Mention(m.entity, m.alias, s.start + m.start)
            for s in (*self.headline, *self.body)
            for m in s.mentions
        ]


def find_in_sentences(
    body: str, title: str | None = None, watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST
) -> Findings:
    """Split the headline and the body into sentences, then find the entities and facts of each. Whether
    German spellings count is read from the whole article, not each sentence (`find_facts`)."""
    text = f"{title}\n{body}" if title else body
    german = has_german_words(text)

    def read(part: str, offset: int) -> tuple[Sentence, ...]:
        found, cursor = [], 0
        for sentence in split_sentences(part):
            # Sentences are stripped pieces of the text in order: each is found from the last one's end.
            start = part.index(sentence, cursor)
            cursor = start + len(sentence)
            found.append(
                Sentence(
                    sentence,
                    offset + start,
                    tuple(find_mentions(sentence, watchlist)),
                    tuple(find_facts(sentence, german)),
                )
            )
        return tuple(found)

    return Findings(text, read(title, 0) if title else (), read(body, len(text) - len(body)))


def analysis_of(article_id: str, found: Findings) -> ArticleAnalysis:
    """The analyst rows of the body's sentences in `found`: each fact tied to the nearest mention in its
    sentence."""
    mentions: list[EntityMention] = []
    facts: list[NumericFact] = []
    for index, sentence in enumerate(found.body):
        mentions.extend(EntityMention(m.entity, m.alias, index) for m in sentence.mentions)
        for fact in sentence.facts:
            nearest = min(sentence.mentions, key=lambda m: abs(m.start - fact.start), default=None)
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
    sentences = tuple(sentence.text for sentence in found.body)
    return ArticleAnalysis(article_id, sentences, tuple(mentions), tuple(facts))


def _value_and_unit(key: str) -> tuple[float | None, str]:
    kind, _, rest = key.partition(":")
    if kind == "pct":
        return float(rest), "%"
    if kind == "money":
        currency, _, amount = rest.partition(":")
        return float(amount), currency
    return None, "date"
