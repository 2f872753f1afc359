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
from bisect import bisect_left, bisect_right, insort
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


def _fact_overlap(a: frozenset[str], b: frozenset[str], rules: StoryRules) -> float:
    """Share of the smaller fact set that agrees with a fact of the other: a short article naming fewer
    facts is not penalised for it."""
    if not a or not b:
        return 0.0

    def agreeing_share(facts: frozenset[str], others: frozenset[str]) -> float:
        values = [_fact_value(key) for key in others]
        agreeing = sum(1 for key in facts if any(_facts_agree(_fact_value(key), v, rules) for v in values))
        return agreeing / len(facts)

    if len(a) == len(b):
        return max(agreeing_share(a, b), agreeing_share(b, a))
    smaller, larger = (a, b) if len(a) < len(b) else (b, a)
    return agreeing_share(smaller, larger)


def similarity(
    a: StoryFeatures, b: StoryFeatures, weights: Weights, rules: StoryRules = StoryRules()
) -> float:
    """Weighted evidence that two articles report the same event, in [0, 1]."""
    return (
        rules.text_weight * _cosine(a.terms, b.terms, weights.terms)
        + rules.entity_weight * _weighted_jaccard(a.entities, b.entities, weights.entities)
        + rules.fact_weight * _fact_overlap(a.facts, b.facts, rules)
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
    known = _Known(stored)
    story_of = {**(stored_story_of or {}), **{f.article_id: story for f, story in stored}}
    assignments: list[StoryAssignment] = []
    for article in new:
        copied = (copies or {}).get(article.article_id)
        if copied and copied[0] in story_of:
            assignment = StoryAssignment(article.article_id, story_of[copied[0]], copied[1], copied[0])
        else:
            assignment = _best_story(article, known.around(article, rules.window), weights, rules)
        assignments.append(assignment)
        known.add(article, assignment.story_id)
        story_of[article.article_id] = assignment.story_id
    return assignments


def _best_story(
    article: StoryFeatures,
    candidates: Iterable[tuple[StoryFeatures, str]],
    weights: Weights,
    rules: StoryRules,
) -> StoryAssignment:
    # Average link: an article joins a story when it is close to the story's articles on average,
    # not merely to one of them, so one broad article cannot chain two events together.
    scores: dict[str, list[tuple[float, str]]] = {}
    for candidate, story_id in candidates:
        scores.setdefault(story_id, []).append(
            (similarity(article, candidate, weights, rules), candidate.article_id)
        )
    best: tuple[float, str, str] | None = None
    for story_id, members in scores.items():
        mean = sum(score for score, _ in members) / len(members)
        if mean >= rules.threshold and (best is None or mean > best[0]):
            best = (mean, story_id, max(members)[1])
    if best is None:
        return StoryAssignment(article.article_id, article.article_id, 1.0, None)
    return StoryAssignment(article.article_id, best[1], best[0], best[2])


class _Known:
    """Assigned articles: dated ones in event-time order, so an article meets only those inside its
    window; undated ones (a text file says nothing of when) meet every article."""

    def __init__(self, stored: Iterable[tuple[StoryFeatures, str]]) -> None:
        entries = list(stored)
        self.dated = sorted((e for e in entries if e[0].event_time), key=_time_key)
        self.undated = [e for e in entries if not e[0].event_time]

    def add(self, article: StoryFeatures, story_id: str) -> None:
        if article.event_time:
            insort(self.dated, (article, story_id), key=_time_key)
        else:
            self.undated.append((article, story_id))

    def around(self, article: StoryFeatures, window: timedelta) -> list[tuple[StoryFeatures, str]]:
        if not article.event_time:
            return [*self.dated, *self.undated]
        low = bisect_left(self.dated, article.event_time - window, key=_time_key)
        high = bisect_right(self.dated, article.event_time + window, key=_time_key)
        return [*self.dated[low:high], *self.undated]


def _time_key(entry: tuple[StoryFeatures, str]) -> datetime:
    return entry[0].event_time or datetime.min
