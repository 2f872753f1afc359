"""Stories: articles from different outlets about the same event, joined by evidence that survives paraphrase.

Evidence between two articles, each in [0, 1]:
- text: cosine of TF-IDF term vectors (IDF from the articles being compared, so words every recent
  article uses weigh little);
- entities: IDF-weighted Jaccard of watched entities (Apple and iPhone count; Alibaba, which every
  article of our topic names, counts little);
- facts: overlap of numeric facts (8.48%, HK$121, February 11), which paraphrases keep; dates match
  within a few days, since one outlet reports "on February 11" what another dates to the 13th.
An article joins the story of its best match within the time window when the weighted score passes the
threshold; otherwise it starts a story of its own. Stories only grow: joining never moves old articles.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transform.entities import DEFAULT_WATCHLIST, entity_set
from transform.facts import fact_keys
from transform.fingerprints import normalise_for_matching

# Words too common to say what an article is about.
_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not now of off on once only or other our ours out over own same she should so some such
    than that the their theirs them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours said
    says say one two three new year years per cent percent its company companies market
    """.split()  # noqa: SIM905
)
_TERM = re.compile(r"[^\W\d_]{3,}")
TOP_TERMS = 60


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What an article says, reduced to the evidence stories are judged on."""

    article_id: str
    event_time: datetime
    entities: frozenset[str]
    facts: frozenset[str]
    terms: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoryRules:
    window: timedelta = timedelta(days=7)
    threshold: float = 0.18
    text_weight: float = 0.4
    entity_weight: float = 0.3
    fact_weight: float = 0.3
    date_tolerance_days: int = 3


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    article_id: str
    story_id: str
    score: float
    matched_article_id: str | None


def story_features(
    article_id: str,
    text: str,
    event_time: datetime,
    watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST,
) -> StoryFeatures:
    """Entities, numeric facts and the top terms (sublinear term frequency) of a text."""
    words = [w for w in _TERM.findall(normalise_for_matching(text)) if w not in _STOPWORDS]
    counts = Counter(words).most_common(TOP_TERMS)
    terms = {term: 1.0 + math.log(count) for term, count in counts}
    return StoryFeatures(article_id, event_time, entity_set(text, watchlist), fact_keys(text), terms)


# Pseudo-documents that mention nothing: with few articles in the window, a term they all share still
# carries weight; with many, a term every article uses weighs almost nothing.
_PRIOR_DOCUMENTS = 10


@dataclass(frozen=True, slots=True)
class Weights:
    """Inverse document frequencies of terms and of entities over the articles being compared."""

    terms: Mapping[str, float]
    entities: Mapping[str, float]


def _idf(frequency: Counter[str], total: int) -> dict[str, float]:
    return {key: math.log((total + _PRIOR_DOCUMENTS + 1) / (df + 1)) for key, df in frequency.items()}


def weights_for(features: Iterable[StoryFeatures]) -> Weights:
    articles = list(features)
    terms = Counter(term for f in articles for term in f.terms)
    entities = Counter(entity for f in articles for entity in f.entities)
    return Weights(_idf(terms, len(articles)), _idf(entities, len(articles)))


def _cosine(a: Mapping[str, float], b: Mapping[str, float], idf: Mapping[str, float]) -> float:
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    dot = sum(a[t] * b[t] * idf.get(t, 1.0) ** 2 for t in shared)
    norm_a = math.sqrt(sum((w * idf.get(t, 1.0)) ** 2 for t, w in a.items()))
    norm_b = math.sqrt(sum((w * idf.get(t, 1.0)) ** 2 for t, w in b.items()))
    return dot / (norm_a * norm_b)


def _weighted_jaccard(a: frozenset[str], b: frozenset[str], weight: Mapping[str, float]) -> float:
    union = sum(weight.get(e, 0.0) for e in a | b)
    return sum(weight.get(e, 0.0) for e in a & b) / union if union else 0.0


def _month_day(key: str) -> tuple[int, int] | None:
    if not key.startswith("date:"):
        return None
    month, day = key[5:].split("-")
    return int(month), int(day)


def _fact_overlap(a: frozenset[str], b: frozenset[str], date_tolerance_days: int) -> float:
    """Share of the smaller fact set found in the other: a short article naming fewer facts is not
    penalised for it. A date matches a date in the same month a few days away."""
    if not a or not b:
        return 0.0
    smaller, larger = (a, b) if len(a) <= len(b) else (b, a)
    larger_dates = [d for d in map(_month_day, larger) if d]
    matched = 0
    for key in smaller:
        date = _month_day(key)
        if key in larger or (
            date and any(m == date[0] and abs(d - date[1]) <= date_tolerance_days for m, d in larger_dates)
        ):
            matched += 1
    return matched / len(smaller)


def similarity(
    a: StoryFeatures, b: StoryFeatures, weights: Weights, rules: StoryRules = StoryRules()
) -> float:
    """Weighted evidence that two articles report the same event, in [0, 1]."""
    return (
        rules.text_weight * _cosine(a.terms, b.terms, weights.terms)
        + rules.entity_weight * _weighted_jaccard(a.entities, b.entities, weights.entities)
        + rules.fact_weight * _fact_overlap(a.facts, b.facts, rules.date_tolerance_days)
    )


def assign_stories(
    new: Sequence[StoryFeatures],
    stored: Sequence[tuple[StoryFeatures, str]],
    rules: StoryRules = StoryRules(),
    copies: Mapping[str, tuple[str, float]] | None = None,
    stored_story_of: Mapping[str, str] | None = None,
) -> list[StoryAssignment]:
    """Give each new article a story: the story of its best match in the window, or a new one (its own id).

    `stored` pairs already-assigned articles in the time window with their story ids. New articles are
    taken in order, and each can join a story started earlier in the same batch. A near-copy (`copies`:
    article id → (id of the article it copies, similarity)) always joins the story of what it copies,
    found in this batch or in `stored_story_of`.
    """
    weights = weights_for([*(f for f, _ in stored), *new])
    known: list[tuple[StoryFeatures, str]] = list(stored)
    story_of = {**(stored_story_of or {}), **{f.article_id: story for f, story in stored}}
    assignments: list[StoryAssignment] = []
    for article in new:
        copied = (copies or {}).get(article.article_id)
        if copied and copied[0] in story_of:
            assignment = StoryAssignment(article.article_id, story_of[copied[0]], copied[1], copied[0])
            assignments.append(assignment)
            known.append((article, assignment.story_id))
            story_of[article.article_id] = assignment.story_id
            continue
        best: tuple[float, StoryFeatures, str] | None = None
        for candidate, story_id in known:
            if abs(candidate.event_time - article.event_time) > rules.window:
                continue
            score = similarity(article, candidate, weights, rules)
            if score >= rules.threshold and (best is None or score > best[0]):
                best = (score, candidate, story_id)
        if best is None:
            assignment = StoryAssignment(article.article_id, article.article_id, 1.0, None)
        else:
            assignment = StoryAssignment(article.article_id, best[2], best[0], best[1].article_id)
        assignments.append(assignment)
        known.append((article, assignment.story_id))
        story_of[article.article_id] = assignment.story_id
    return assignments
