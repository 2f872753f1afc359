"""Stories: articles from different outlets about the same event, joined by evidence that survives paraphrase.

Evidence between two articles, each in [0, 1]:
- text: cosine of TF-IDF term vectors (IDF from the articles being compared, so words every recent
  article uses weigh little);
- entities: IDF-weighted Jaccard of watched entities (Apple and iPhone count; Alibaba, which every
  article of our topic names, counts little);
- facts: overlap of numeric facts (8.48%, HK$121, February 11), which paraphrases keep; numbers agree
  within a rounding tolerance and dates within a few days, since one outlet writes "9%" and "on
  February 13" where another wrote "8.48%" and "February 11".
An article joins the story whose articles in the time window it matches best on average, when that
average passes the threshold; otherwise it starts a story of its own. Stories only grow: joining
never moves old articles. An article without a date is compared with articles of any date.
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
    event_time: datetime | None  # None when the source gave no date
    entities: frozenset[str]
    facts: frozenset[str]
    terms: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoryRules:
    window: timedelta = timedelta(days=7)
    threshold: float = 0.28
    text_weight: float = 0.4
    entity_weight: float = 0.3
    fact_weight: float = 0.3
    date_tolerance_days: int = 3
    percent_tolerance_points: float = 0.6
    money_tolerance: float = 0.05


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    article_id: str
    story_id: str
    score: float
    matched_article_id: str | None


def story_features(
    article_id: str,
    text: str,
    event_time: datetime | None,
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


@dataclass(frozen=True, slots=True)
class _Prepared:
    """An article's evidence weighted once, so comparing it with many others costs only the overlap."""

    features: StoryFeatures
    vector: Mapping[str, float]  # term -> tf·idf
    norm: float
    entity_weights: Mapping[str, float]
    entity_total: float
    facts: tuple[tuple[str, float], ...]


def _prepare(features: StoryFeatures, weights: Weights) -> _Prepared:
    vector = {t: w * weights.terms.get(t, 1.0) for t, w in features.terms.items()}
    entity_weights = {e: weights.entities.get(e, 0.0) for e in features.entities}
    return _Prepared(
        features,
        vector,
        math.sqrt(sum(v * v for v in vector.values())),
        entity_weights,
        sum(entity_weights.values()),
        tuple(_fact_value(key) for key in features.facts),
    )


def _cosine(a: _Prepared, b: _Prepared) -> float:
    small, large = (a.vector, b.vector) if len(a.vector) <= len(b.vector) else (b.vector, a.vector)
    dot = sum(value * large[t] for t, value in small.items() if t in large)
    return dot / (a.norm * b.norm) if dot else 0.0


def _weighted_jaccard(a: _Prepared, b: _Prepared) -> float:
    shared = sum(a.entity_weights[e] for e in a.entity_weights.keys() & b.entity_weights.keys())
    union = a.entity_total + b.entity_total - shared
    return shared / union if union else 0.0


def _fact_value(key: str) -> tuple[str, float]:
    """("pct", 8.48) from "pct:8.48", ("money:HKD", 2.2e12) from "money:HKD:2.2e+12", ("date", 42) from a
    month-day date (as a day of the year, roughly, which is all a tolerance of a few days needs)."""
    kind, _, value = key.rpartition(":")
    if kind == "date":
        month, day = value.split("-")
        return kind, (int(month) - 1) * 31 + int(day)
    return kind, float(value)


def _facts_agree(a: tuple[str, float], b: tuple[str, float], rules: StoryRules) -> bool:
    """Outlets round and re-date: 9% and 8.48%, HK$2.3 trillion and HK$2.2 trillion, the 11th and the 13th."""
    (kind_a, value_a), (kind_b, value_b) = a, b
    if kind_a != kind_b:
        return False
    if kind_a == "date":
        return abs(value_a - value_b) <= rules.date_tolerance_days
    if kind_a == "pct":
        return abs(value_a - value_b) <= rules.percent_tolerance_points
    return abs(value_a - value_b) <= rules.money_tolerance * max(abs(value_a), abs(value_b))


def _fact_overlap(a: _Prepared, b: _Prepared, rules: StoryRules) -> float:
    """Share of the smaller fact set that agrees with a fact of the other: a short article naming fewer
    facts is not penalised for it."""
    if not a.facts or not b.facts:
        return 0.0

    def agreeing_share(facts: tuple[tuple[str, float], ...], others: tuple[tuple[str, float], ...]) -> float:
        agreeing = sum(1 for fact in facts if any(_facts_agree(fact, other, rules) for other in others))
        return agreeing / len(facts)

    if len(a.facts) == len(b.facts):
        return max(agreeing_share(a.facts, b.facts), agreeing_share(b.facts, a.facts))
    smaller, larger = (a.facts, b.facts) if len(a.facts) < len(b.facts) else (b.facts, a.facts)
    return agreeing_share(smaller, larger)


def _similarity(a: _Prepared, b: _Prepared, rules: StoryRules) -> float:
    return (
        rules.text_weight * _cosine(a, b)
        + rules.entity_weight * _weighted_jaccard(a, b)
        + rules.fact_weight * _fact_overlap(a, b, rules)
    )


def similarity(
    a: StoryFeatures, b: StoryFeatures, weights: Weights, rules: StoryRules = StoryRules()
) -> float:
    """Weighted evidence that two articles report the same event, in [0, 1]."""
    return _similarity(_prepare(a, weights), _prepare(b, weights), rules)


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
    known = _Known(stored, weights)
    story_of = {**(stored_story_of or {}), **{f.article_id: story for f, story in stored}}
    assignments: list[StoryAssignment] = []
    for article in new:
        copied = (copies or {}).get(article.article_id)
        if copied and copied[0] in story_of:
            assignment = StoryAssignment(article.article_id, story_of[copied[0]], copied[1], copied[0])
        else:
            assignment = _best_story(_prepare(article, weights), known.around(article, rules.window), rules)
        assignments.append(assignment)
        known.add(article, assignment.story_id)
        story_of[article.article_id] = assignment.story_id
    return assignments


def _best_story(
    article: _Prepared, candidates: Iterable[tuple[_Prepared, str]], rules: StoryRules
) -> StoryAssignment:
    # Average link: an article joins a story when it is close to the story's articles on average,
    # not merely to one of them, so one broad article cannot chain two events together.
    scores: dict[str, list[tuple[float, str]]] = {}
    for candidate, story_id in candidates:
        scores.setdefault(story_id, []).append(
            (_similarity(article, candidate, rules), candidate.features.article_id)
        )
    best: tuple[float, str, str] | None = None
    for story_id, members in scores.items():
        mean = sum(score for score, _ in members) / len(members)
        if mean >= rules.threshold and (best is None or mean > best[0]):
            best = (mean, story_id, max(members)[1])
    article_id = article.features.article_id
    if best is None:
        return StoryAssignment(article_id, article_id, 1.0, None)
    return StoryAssignment(article_id, best[1], best[0], best[2])


class _Known:
    """Assigned articles, indexed so each new article meets only the stories it could belong to.

    Candidate stories are found through postings on evidence (an article's top terms, its numeric facts,
    its rarer entities); within a candidate story every member inside the time window counts, so the
    average link stays an average over the story, not over the members that happened to match a key.
    Undated articles (a text file says nothing of when) are inside every window.
    """

    def __init__(self, stored: Iterable[tuple[StoryFeatures, str]], weights: Weights) -> None:
        self.weights = weights
        self.members: dict[str, list[_Prepared]] = {}
        self.postings: dict[str, set[str]] = {}
        for features, story_id in stored:
            self.add(features, story_id)

    def keys(self, article: StoryFeatures) -> set[str]:
        idf = self.weights.terms
        top = sorted(article.terms, key=lambda t: article.terms[t] * idf.get(t, 0.0), reverse=True)
        rare = {e for e in article.entities if self.weights.entities.get(e, 0.0) >= _RARE_ENTITY_IDF}
        return (
            {f"t:{t}" for t in top[:_CANDIDATE_TERMS]}
            | {f"f:{f}" for f in article.facts if not f.startswith("date:")}
            | {f"e:{e}" for e in rare}
        )

    def add(self, article: StoryFeatures, story_id: str) -> None:
        self.members.setdefault(story_id, []).append(_prepare(article, self.weights))
        for key in self.keys(article):
            self.postings.setdefault(key, set()).add(story_id)

    def around(self, article: StoryFeatures, window: timedelta) -> list[tuple[_Prepared, str]]:
        stories = set().union(*(self.postings.get(key, set()) for key in self.keys(article)))
        return [
            (member, story_id)
            for story_id in sorted(stories)
            for member in self.members[story_id]
            if _within(article, member.features, window)
        ]


# How many of an article's terms lead to candidate stories, and how rare an entity must be to do so
# (an IDF of 1.6: named by fewer than about one article in five).
_CANDIDATE_TERMS = 20
_RARE_ENTITY_IDF = 1.6


def _within(a: StoryFeatures, b: StoryFeatures, window: timedelta) -> bool:
    return a.event_time is None or b.event_time is None or abs(a.event_time - b.event_time) <= window
