"""Stories: articles from different outlets about the same event, joined by evidence specific to it.

Two reports of one event share what few other articles of the window share: rare names of people,
places, organisations and products, numbers and amounts, the words of the headline. Evidence between
two articles is a mass: the sum, over what they share, of how rare each shared thing is (its inverse
document frequency over the reports the warehouse holds and the batch: `KeyCounts`). A name that many
articles carry (Apple, Trump, China) weighs little; "Lanxi Dynamics" or "31,200 SUVs" weighs a lot.

- names: words of proper names beyond the watch list (transform.story_evidence), and watched entities
  with their aliases (so "阿里巴巴" is Alibaba), which are broad and count for less;
- facts: percentages, money, dates (transform.facts, in English, German and Chinese spellings) and
  counts; numbers agree within a rounding tolerance (9% and 8.48%, HK$2.3 trillion and HK$2.2 trillion);
- headline: the key terms of a title, found in the other article's title, names or top terms;
- meaning: where the run made them (`NEWSETL_STORY_EMBEDDINGS`, transform/embeddings.py; English reports),
  the cosine of two articles' sentence embeddings above a floor: reports of one event worded differently;
  and far under it, two reports of different events, however much background they share.

The mass becomes a score in [0, 1) that fades when the two articles are days apart (a follow-up days
later is a new story). An article joins the story whose members in the window it matches best on
average (average link, so one broad article cannot chain two events), when that passes the threshold.
Roundups (market wraps, briefings, live blogs, deal and "best of" lists) and previews ("what to
expect") join nothing and nothing joins them: they mention several events and report none. Nor do
briefs (under `MIN_WORDS` words and stating no figure: a photo caption says too little; a one-sentence
wire brief with its event's amounts, shares or counts is a report), and a story that reached
`max_story_size` articles in the window takes no more (the next report starts a story that continues it).
Candidate stories come from postings on each article's rarest evidence, and each article looks at a
bounded number of them (`StoryRules.max_candidates`), whatever the number of articles in the window.
An article without a date is compared only with the articles within the window of the newest date the
run knows (of the batch and the stored window), needs twice the evidence of a dated pair
(`StoryRules.undated_evidence`), and its assignment says so (`StoryAssignment.undated`). A story that
reached `max_story_size` is continued by a new story, and the assignment names the full one
(`StoryAssignment.overflow_of`).
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from transform.analysis import Findings, find_in_sentences
from transform.common_words import commonness
from transform.embeddings import unit_vector
from transform.entities import DEFAULT_WATCHLIST
from transform.fingerprints import normalise_for_matching
from transform.language import detect_language
from transform.segmentation import CJK_CHARACTER, HAN_KANA
from transform.story_evidence import (
    INITIALS,
    as_written,
    cjk_words,
    commentator_names,
    headline_terms,
    is_german,
    is_preview,
    names,
    quantities,
    roundup_signs,
    segmented_word_count,
    singular,
    tallies,
    unmarked,
)
from transform.story_vectors import Fact, Figures, shared_figure_masses

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

REPORT, ROUNDUP, PREVIEW, BRIEF = "report", "roundup", "preview", "brief"
# Fewer words than this (a photo caption, a one-line alert) is too little to tell one event from another.
MIN_WORDS = 25
# An article's lead: its headline and its first sentences (`StoryFeatures.lead_figures`).
LEAD_SENTENCES = 3


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What an article says, reduced to the evidence stories are judged on."""

    article_id: str
    event_time: datetime | None  # None when the source gave no date
    entities: frozenset[str]  # watched entities (canonical names)
    # fact keys (pct:, money:, date:), counts (num:), measures (qty:) and results (tally:)
    facts: frozenset[str]
    terms: Mapping[str, float] = field(default_factory=dict)  # top terms, sublinear term frequency
    # words of other proper names, casefolded; initials made from a name written in full are marked
    # ("~pboc": `transform.story_evidence.INITIALS`)
    names: frozenset[str] = frozenset()
    headline: frozenset[str] = frozenset()  # key terms of the title
    kind: str = REPORT  # report, roundup, preview or brief: only reports join and are joined
    script: str = ""  # "cjk" (Han, kana or Hangul), "latin", or "" when unknown (stored before it was kept)
    meaning: bytes | None = None  # the sentence embedding (transform.embeddings), when the run made one
    # The facts written in the headline and the first `LEAD_SENTENCES` sentences: what a report puts first
    # (empty for evidence stored before it was kept).
    lead_figures: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class StoryRules:
    window: timedelta = timedelta(days=7)
    threshold: float = 0.55
    # Evidence mass (sum of shared rarities, 1 for a key no other article holds) at which the score
    # reaches 1 - 1/e: between two and three rare things shared.
    scale: float = 2.5
    name_weight: float = 1.0
    entity_weight: float = 0.5
    fact_weight: float = 1.0
    headline_weight: float = 0.5
    # A figure both articles write in their leads counts again, for this share of its mass: two reports of
    # one event put its figure first ("cuts prices by up to 60%"), where an article citing the event
    # writes it further down, and an article of another event writes its own. Measured on the development
    # and check sets (docs/stories.md): 0.3-0.7 score alike; recall rose on most sets, precision lost a
    # pair on two.
    lead_figure_weight: float = 0.5
    # Sentence embeddings (when both articles have one: English reports, the language the model reads):
    # a cosine above the floor adds up to `meaning_weight` rare names, `weight * (cos - floor) / (1 - floor)`.
    # Reports of one event in other words reach 0.6-0.8; so do different events of one company in a feed
    # that follows it (the shipped samples: 0.66 for a spending plan and the quarter's results), which a
    # floor of 0.5 joined. Chosen by bench/embeddings.py: the best mean F1 of the development story sets
    # among the weights and floors with which the samples still join only copies of a report (0.7 until
    # everyday words came to weigh less, transform/common_words.py: their mass fell, and with 0.6 the
    # embeddings join again two pairs of the development sets, and the retold ruling of the tests).
    meaning_weight: float = 2.0
    meaning_floor: float = 0.6
    # And a cosine under `meaning_apart` says two reports tell of different events: the score with which an
    # article joins a story counts `meaning_apart_factor` of such a pair's. The model reads the title and
    # the first sentences, what a report puts first: its own event. Full-length reports of one company's
    # week recap each other's prices, trackers and analysts, and the rules' evidence saturates (a price cut
    # and a rival's phone launch score 1.0); of such wrong pairs the rules would join, the cosine's median
    # is 0.29, of the right pairs of the short development sets 0.72 (a tenth under 0.56). Chosen by
    # bench/embeddings.py as the weight and floor are (docs/stories.md, "What the event is").
    meaning_apart: float = 0.4
    meaning_apart_factor: float = 0.3
    # Time apart: full strength within `full_strength`, fading to `faded_strength` at `faded_by` (and so to
    # the edge of the window). Reports of one event come within a day and a half (the next day's analysis,
    # the evening's reactions): of the development sets' 473 right pairs, 5 are more than 36 hours apart.
    # A follow-up days later (the chief quits over the flood, the relief fund is set up) shares the event's
    # names and places: at full strength it joined the event's story (bench/data/stories_dev2), and faded
    # by four days one two days later still did (stories_dev6). Faded by two days, a pair more than about
    # 44 hours apart cannot reach the threshold (its strength is under 0.55); it may follow the story
    # instead (`StoryAssignment.follows`). The choice: docs/stories.md, "Faded by two days".
    full_strength: timedelta = timedelta(hours=36)
    faded_strength: float = 0.3
    faded_by: timedelta = timedelta(days=2)
    date_tolerance_days: int = 2
    # Figures agree within this share of the last written digit of the rounder one (at most a tenth of
    # it): 8.48% and 8%, 31,200 and 31,000 agree; 8.48% and 8.91%, HK$66 and HK$67, 30% and 33% do not.
    rounding_tolerance: float = 0.6
    max_candidates: int = 12  # candidate stories an article is scored against
    max_members: int = 16  # latest members of a story that its average is taken over
    max_story_size: int = 500  # a story this big in the window takes no more articles: a new one starts
    # An article without a date is compared with the articles within `window` of the newest dated article
    # of the batch and the stored window, and needs this many times the evidence of a dated pair (the
    # scale is multiplied by it): at the default threshold, about four rare things shared instead of two.
    undated_evidence: float = 2.0
    # Between Chinese, Japanese or Korean text and Latin-script text, words and most names cannot be
    # shared: only figures, watched entities and Latin names carry. Such a pair is judged on what can
    # carry, needing this share of the evidence of a same-script pair.
    cross_script_evidence: float = 0.75
    # An article near this many stories at once (a report of each at `roundup_share` of the threshold or
    # more) reports none of them: a roundup whose headline and shape did not say so ("Rates, rails and a
    # bridge").
    roundup_stories: int = 3
    roundup_share: float = 0.7
    # The share of the names' evidence that counts when the two articles share no figure and no word of
    # a headline ("Brightwater names a chief executive" and "Brightwater's drug extends survival").
    names_alone: float = 0.6
    # The score of two articles of one script whose headlines each name someone or somewhere the other
    # article does not write: a wildfire near Bend and one near 100 Mile House, both forcing evacuations
    # on one day, share the words of the event's kind and none of its places (bench/data/stories_dev5).
    unshared_headline_names: float = 0.7
    # The score of two articles whose headlines or leads each write a result (a game's score, a vote's
    # tally) and no result in common: two games of one team two days apart share the team, its arena and
    # its players, and little else tells them apart (bench/data/stories_dev5).
    different_results: float = 0.5


# A join on evidence under this score is one to review (`newsetl stories --weakest`): on the story sets the
# rules were developed on, half of such joins are wrong, against one in sixteen of those over 0.9
# (`joins_by_score_own_sets` in bench/results.json).
WEAK_JOIN = 0.6


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    article_id: str
    story_id: str
    score: float
    matched_article_id: str | None
    # The article or its match has no date: it joined on content alone, which had to be strong.
    undated: bool = False
    # Stories the article came near (a report of each scored over `roundup_share` of the threshold), each
    # on evidence of its own (`_met_on_own_evidence`): from `roundup_stories` of them up, it is taken for a
    # roundup and starts a story of its own.
    spread: int = 0
    # The story the article matched best had reached `max_story_size`: it starts (or joins) a new story
    # instead, and this names the full one, so the split is visible rather than silent.
    overflow_of: str | None = None
    # The article starts a story, but its evidence meets an earlier story's as a join's would, had time not
    # faded the scores (some of that story's reports came more than `full_strength` before it): it follows
    # that story, as a relief fund follows a flood two days later. Only on an article that starts a story.
    follows: str | None = None


def story_features(
    article_id: str,
    text: str,
    event_time: datetime | None,
    watchlist: Mapping[str, tuple[str, ...]] = DEFAULT_WATCHLIST,
    title: str | None = None,
    found: Findings | None = None,
) -> StoryFeatures:
    """The evidence of an article: entities, facts and counts, top terms, names, headline terms, kind.
    `found`: the article's entities and facts when the caller has them already (its analysis's)."""
    words = [w for w in _TERM.findall(normalise_for_matching(text)) if w not in _STOPWORDS]
    if HAN_KANA.search(text):  # a run of Han or kana is a phrase, not a word: segment it
        words = [w for w in words if not HAN_KANA.search(w)] + cjk_words(text)
    counts = Counter(words).most_common(TOP_TERMS)
    terms = {term: 1.0 + math.log(count) for term, count in counts}
    found = found or find_in_sentences(text, title, watchlist)
    full, facts, mentions = found.text, found.facts(), found.mentions()
    # A watched entity's alias words are that entity's evidence, not another name's.
    alias_words = {w.casefold() for m in mentions for w in m.alias.split()}
    named = names(text)
    signs = roundup_signs(title, text, named)
    # Whether the article is German, as `names` found it (one reading of its opening, not two).
    german = is_german(text)
    named -= commentator_names([s.text for s in found.body], german) - headline_terms(title)
    results = tallies(title, text)  # read from the headline and lead alone
    fact_keys = frozenset(f.key for f in facts) | quantities(full, facts, german) | results
    lead = _lead_end(found)
    lead_facts = [f for f in facts if f.start < lead]
    lead_figures = fact_keys & (
        {f.key for f in lead_facts} | quantities(full[:lead], lead_facts, german) | results
    )
    kind = (
        ROUNDUP
        if signs.is_roundup
        else PREVIEW
        if is_preview(title, text, event_time)
        else BRIEF
        if _words(text) < MIN_WORDS and not _states_figures(fact_keys)
        else REPORT
    )
    return StoryFeatures(
        article_id,
        event_time,
        frozenset(m.entity for m in mentions),
        fact_keys,
        terms,
        # A headline in title case would make every word a name.
        frozenset(name for name in named if unmarked(name) not in alias_words),
        headline_terms(title),
        kind,
        _script_of_terms(terms),
        lead_figures=lead_figures,
    )


def _lead_end(found: Findings) -> int:
    """Where an article's lead ends in `found.text`: after its `LEAD_SENTENCES`th sentence."""
    if len(found.body) <= LEAD_SENTENCES:
        return len(found.text)
    last = found.body[LEAD_SENTENCES - 1]
    return last.start + len(last.text)


def _states_figures(fact_keys: Iterable[str]) -> bool:
    """Whether a text names amounts, shares or counts: what a one-sentence wire brief carries of its event
    and a photo caption, which shows a scene and dates it, does not."""
    return any(not key.startswith("date:") for key in fact_keys)


def _words(text: str) -> int:
    """Words; Chinese and Japanese (no spaces) segmented by transform.segmentation."""
    words = len(text.split())
    return words if words >= MIN_WORDS or not HAN_KANA.search(text) else segmented_word_count(text)


# Pseudo-documents that mention nothing: with few articles in the window, a key they all share still
# carries weight; with many, a key every article uses weighs almost nothing.
_PRIOR_DOCUMENTS = 10
# The rarity of a key the weights never saw: as rare as can be (`Weights.rare`, and the lookups of
# `_prepare` and `_posting_keys`, which call the tables' own `get` on every term of every candidate).
_UNSEEN = 1.0


@dataclass(frozen=True, slots=True)
class Weights:
    """Rarity (normalised inverse document frequency) over the stored reports and the batch: of terms
    and names (one vocabulary, so a headline word meets the other article's body; an everyday word's scaled
    down, `transform.common_words`), of entities, of facts."""

    terms: Mapping[str, float]
    entities: Mapping[str, float]
    facts: Mapping[str, float] = field(default_factory=dict)
    total: int = 0

    @staticmethod
    def rare(table: Mapping[str, float], key: str) -> float:
        """How rare a key is, in (0, 1]; a key the weights never saw is as rare as can be."""
        return table.get(key, _UNSEEN)


@dataclass(frozen=True, slots=True)
class KeyCounts:
    """Document frequencies of story evidence: of `reports` reports, how many hold each word (terms,
    names and headline terms: one vocabulary, as `Weights.terms`), each watched entity, each fact.

    The warehouse keeps them for every report it stores (warehouse/story_counts.py), so rarity is
    counted over the history, not over the few articles a run compares: a scheduled run of ten articles
    and their candidates would find a company's city or a quarter's round figure as rare as an event's
    own names, and join reports of different events."""

    words: Mapping[str, int] = field(default_factory=dict)
    entities: Mapping[str, int] = field(default_factory=dict)
    facts: Mapping[str, int] = field(default_factory=dict)
    reports: int = 0

    def __add__(self, other: KeyCounts) -> KeyCounts:
        return KeyCounts(
            Counter(self.words) + Counter(other.words),
            Counter(self.entities) + Counter(other.entities),
            Counter(self.facts) + Counter(other.facts),
            self.reports + other.reports,
        )


def _idf(frequency: Mapping[str, int], total: int) -> dict[str, float]:
    """Rarity: the IDF of a key over the IDF of a key only one article holds, in (0, 1], so the same
    evidence weighs the same in a window of 50 articles and of 50,000."""
    rarest = math.log((total + _PRIOR_DOCUMENTS + 1) / 2)
    return {
        key: math.log((total + _PRIOR_DOCUMENTS + 1) / (df + 1)) / rarest for key, df in frequency.items()
    }


def _vocabulary(features: StoryFeatures) -> set[str]:
    return set(map(singular, features.terms)) | as_written(features.names) | features.headline


def shared_names(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    """The names two articles share (each article's `StoryFeatures.names`), as written: initials made
    from a full name meet the same initials the other article writes, and not the same initials made
    from the same name, whose words the two already share ("Marcus Lee of Orbis Insight" is not also
    "mloi" and "mlooi")."""
    return _names_met(*_split_initials(a), *_split_initials(b))


def _names_met(
    written_a: frozenset[str], made_a: frozenset[str], written_b: frozenset[str], made_b: frozenset[str]
) -> frozenset[str]:
    """`shared_names` of two articles' names already split (`_split_initials`)."""
    names = written_a & written_b
    if made_a:
        names |= made_a & written_b
    if made_b:
        names |= written_a & made_b
    return names


def _split_initials(names: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The names an article writes, and the initials it made from full names (without their mark)."""
    made = frozenset(name[1:] for name in names if name.startswith(INITIALS))
    return (names - {INITIALS + name for name in made} if made else names), made


def counted(features: Iterable[StoryFeatures]) -> KeyCounts:
    """The document frequencies of the reports among `features`: a roundup or a preview repeats the
    evidence of the events it mentions, and counting it would make the evidence of every event a roundup
    mentions look common."""
    articles = [f for f in features if f.kind == REPORT]
    return KeyCounts(
        Counter(word for f in articles for word in _vocabulary(f)),
        Counter(entity for f in articles for entity in f.entities),
        Counter(fact for f in articles for fact in f.facts),
        len(articles),
    )


def weights_for(features: Iterable[StoryFeatures], history: KeyCounts | None = None) -> Weights:
    """Rarity over the reports among `features` and, when given, the stored reports `history` counts."""
    counts = counted(features)
    if history is not None:
        counts = counts + history
    total = counts.reports
    # A word common in the language says little of one event however few reports of the window hold it.
    common = commonness()
    words = {key: rarity * common.get(key, 1.0) for key, rarity in _idf(counts.words, total).items()}
    return Weights(words, _idf(counts.entities, total), _idf(counts.facts, total), total)


_Fact = Fact  # kind, value, unit of its last written digit, rarity
# A date says less than a figure: reports of different events of one day carry the same date.
_DATE_WEIGHT = 0.5
_PRECISE = re.compile(r"[1-9](?:\.?\d){2,}")  # three significant digits or more: "4.12e+05", "5.13e+12"


@functools.lru_cache(maxsize=65536)
def _specificity(key: str) -> float:
    """How much a figure says by itself: a date little (every report of the day has it), a round figure
    ("2%", "100 million") as much as its rarity, a precise one ("412,000", "5.13 trillion") half again:
    two reports do not write the same three digits by chance."""
    if key.startswith("date:"):
        return _DATE_WEIGHT
    value = key.rpartition(":")[2].partition("e")[0].lstrip("-")
    return 1.5 if _PRECISE.match(value.rstrip("0").rstrip(".")) else 1.0


@dataclass(frozen=True, slots=True)
class _Prepared:
    """An article's evidence weighted once, so comparing it with many others costs only the overlap."""

    features: StoryFeatures
    names: frozenset[str]  # the names it writes
    initials: frozenset[str]  # initials it made from names written in full, unmarked (`shared_names`)
    vocabulary: frozenset[str]
    facts: tuple[_Fact, ...]
    keys: Mapping[str, float]  # posting keys with their rarity
    figures: Figures  # the facts as arrays, to meet many articles' facts at once
    script: str = ""  # "cjk" or "latin" (read from the terms when the stored evidence did not keep it)
    meaning: npt.NDArray[np.float32] | None = None  # the sentence embedding as a unit vector
    # The first `_STEM` letters of the vocabulary's words, so that "Leipziger" meets "Leipzig" and "Thai"
    # "Thailand"; and those of the names the headline writes (`_names_unshared`).
    vocabulary_stems: frozenset[str] = frozenset()
    headline_name_stems: frozenset[str] = frozenset()
    tallies: frozenset[str] = frozenset()  # the results it writes (`_results_differ`)


_STEM = 4


def _script_of_terms(terms: Iterable[str]) -> str:
    """The script most of an article's top terms are written in: "cjk" (Han, kana, Hangul) or "latin".

    Most, not any: an English report that gives a few Chinese names in their own script (通义千问, 夸克)
    is English, and read as Chinese it was judged across scripts (less evidence asked for) and took no
    embedding. On the evaluation sets and the samples, Chinese, Japanese and Korean articles have 88-100%
    of their top terms in those scripts, English and German ones 0-2%."""
    terms = list(terms)
    written = sum(1 for term in terms if CJK_CHARACTER.search(term))
    return "cjk" if 2 * written > len(terms) else "latin"


def _script_of(features: StoryFeatures) -> str:
    """The script stored evidence did not keep (it is read back without it) is read again from its terms."""
    if features.script or not features.terms:
        return features.script
    return _script_of_terms(features.terms)


def _prepare(features: StoryFeatures, weights: Weights) -> _Prepared:
    singulars = {t: singular(t) for t in features.terms}  # once per term: the rarity and the vocabulary
    # `Weights.rare` as the tables' own lookups: this runs for every term of every candidate.
    term_rarity, fact_rarity = weights.terms.get, weights.facts.get
    rarity = {t: term_rarity(word, _UNSEEN) for t, word in singulars.items()}
    vector = {t: w * rarity[t] for t, w in features.terms.items()}
    facts = tuple(
        (*_fact_value(key), fact_rarity(key, _UNSEEN) * _specificity(key)) for key in sorted(features.facts)
    )
    names, initials = _split_initials(features.names)
    every_name = names | initials  # as written
    vocabulary = frozenset(singulars.values()) | every_name | features.headline  # as `_vocabulary`
    headline_name_stems = frozenset(name[:_STEM] for name in features.headline & every_name)
    return _Prepared(
        features,
        names,
        initials,
        vocabulary,
        facts,
        _posting_keys(features, every_name, weights, vector, singulars),
        Figures.of(facts),
        _script_of(features),
        unit_vector(features.meaning) if features.meaning else None,
        # Read only when both headlines name something (`_names_unshared`): most candidates' do not.
        frozenset(word[:_STEM] for word in vocabulary) if headline_name_stems else frozenset(),
        headline_name_stems,
        frozenset(key for key in features.facts if key.startswith("tally:")),
    )


def _posting_keys(
    features: StoryFeatures,
    names: frozenset[str],
    weights: Weights,
    vector: Mapping[str, float],
    singulars: Mapping[str, str],
) -> dict[str, float]:
    """Every piece of evidence but dates, with its rarity; of the terms, only the top ones
    (`names`: its names as written; `singulars`: each term's singular)."""
    term_rarity, fact_rarity, entity_rarity = weights.terms.get, weights.facts.get, weights.entities.get
    # In sorted order, so the candidate stories' shared rarity adds up in one order whatever Python's hash
    # seed (`_Known.around`): the same articles get the same stories in every process.
    keyed = {f"n:{n}": term_rarity(n, _UNSEEN) for n in sorted(names | features.headline)}
    keyed |= {f"f:{f}": fact_rarity(f, _UNSEEN) for f in sorted(features.facts) if not f.startswith("date:")}
    keyed |= {f"e:{e}": entity_rarity(e, _UNSEEN) for e in sorted(features.entities)}
    # sorted(...)[:n] is what heapq.nlargest is documented to equal (ties in the same order), and faster
    # on vectors this short.
    top = sorted(vector, key=vector.__getitem__, reverse=True)[:_CANDIDATE_TERMS]
    keyed |= {f"t:{t}": term_rarity(singulars[t], _UNSEEN) for t in top}
    return keyed


def candidate_keys(features: StoryFeatures) -> frozenset[str]:
    """The keys the warehouse's story index posts an article under, and looks its candidates up by: its
    names and headline terms (n:), figures other than dates (f:), watched entities (e:) and top terms by
    weight (t:, ties by term), as `_posting_keys` has them but without rarities, which the index counts
    itself. None for an article that is not a report: nothing joins it and it joins nothing."""
    if features.kind != REPORT:
        return frozenset()
    top = sorted(features.terms.items(), key=lambda item: (-item[1], item[0]))[:_CANDIDATE_TERMS]
    return frozenset(
        [f"n:{n}" for n in as_written(features.names) | features.headline]
        + [f"f:{f}" for f in features.facts if not f.startswith("date:")]
        + [f"e:{e}" for e in features.entities]
        + [f"t:{t}" for t, _ in top]
    )


@functools.lru_cache(maxsize=65536)  # the same figures recur across the candidates of every batch
def _fact_value(key: str) -> tuple[str, float, float]:
    """("pct", 8.48, 0.01) from "pct:8.48", ("money:HKD", 2.2e12, 1e11) from "money:HKD:2.2e+12",
    ("date", 42, 1) from a month-day date (as a day of the year, roughly: enough for a day or two)."""
    kind, _, value = key.rpartition(":")
    if kind == "tally":  # a result agrees only with the same result: as a number, exactly
        high, _, low = value.partition("-")
        return kind, int(high) * 100 + int(low), 0.01
    if kind == "date":
        month, day = value.split("-")
        return kind, (int(month) - 1) * 31 + int(day), 1.0
    mantissa, _, exponent = value.partition("e")
    if "." in mantissa:
        last_digit = -len(mantissa.split(".")[1])
    else:
        last_digit = len(mantissa) - len(mantissa.rstrip("0")) if mantissa.strip("0-") else 0
    number = float(value)
    # Trailing zeros say little of precision ("100,000", "30%", "$1 billion"): at most a tenth of it.
    return kind, number, min(10.0 ** (last_digit + int(exponent or 0)), abs(number) / 10 or 1.0)


# The script whose reports are compared by their sentence embeddings: the model reads English, and
# Chinese texts of different events reach cosines of 0.7-0.89 with it (the team's set), as high as its
# reports of one event.
_EMBEDDED_SCRIPT = "latin"
# The language it reads. German reports of one event and their English reports reach 0.09-0.73 (median
# 0.45, the development sets): a cosine under `StoryRules.meaning_apart` would keep them apart, so German
# text, which it reads no better, takes no vector either.
_EMBEDDED_LANGUAGE = "en"


def takes_embedding(features: StoryFeatures, text: str) -> bool:
    """Whether a run with story embeddings embeds this article: a report (only reports join stories)
    whose `text` (its body) is English, the language the model reads (`detect_language`)."""
    return (
        features.kind == REPORT
        and features.script == _EMBEDDED_SCRIPT
        and detect_language(text) == _EMBEDDED_LANGUAGE
    )


def _cosines(a: _Prepared, others: Sequence[_Prepared]) -> list[float | None]:
    """The embeddings' cosine of `a` with each of `others`; None unless both have an embedding and are in
    the script the model reads (`_EMBEDDED_SCRIPT`; a stored article's script is read from its terms,
    `_script_of`)."""
    found: list[float | None] = [None] * len(others)
    if a.meaning is None or a.script != _EMBEDDED_SCRIPT:
        return found
    near = [
        index
        for index, other in enumerate(others)
        if other.meaning is not None and other.script == _EMBEDDED_SCRIPT
    ]
    if near:
        vectors = np.stack([others[index].meaning for index in near])  # type: ignore[misc]
        for index, cosine in zip(near, (vectors @ a.meaning).tolist(), strict=True):
            found[index] = cosine
    return found


def _meaning(cosine: float | None, rules: StoryRules) -> float:
    """How far a cosine passes the floor, in [0, 1]; 0 without one."""
    if cosine is None:
        return 0.0
    return max(0.0, (cosine - rules.meaning_floor) / (1.0 - rules.meaning_floor))


def _fact_mass(a: _Prepared, b: _Prepared, rules: StoryRules) -> float:
    """Rarity of the facts of one article that agree with a fact of the other (outlets round and
    re-date: 8.48% and 8%, 2.81 billion and 2.8 billion, the 11th and the 13th), the smaller of the two
    directions, so one number cannot count for several (`transform.story_vectors`)."""
    return _fact_masses(a, [b], rules)[0]


def _fact_masses(a: _Prepared, others: Sequence[_Prepared], rules: StoryRules) -> list[float]:
    """`_fact_mass` of `a` with each of `others`, at once."""
    return shared_figure_masses(
        a.figures, [other.figures for other in others], rules.rounding_tolerance, rules.date_tolerance_days
    )


def _shared(a: frozenset[str], b: frozenset[str], table: Mapping[str, float], weights: Weights) -> float:
    if a.isdisjoint(b):  # most pairs of candidates: one test in C
        return 0
    # Summed in sorted order: a set's order follows Python's hash seed, and so would the last bits of
    # the sum, and a decision at the threshold with them.
    return sum(weights.rare(table, key) for key in sorted(a & b))


def _shared_beyond(
    headline: frozenset[str], names: frozenset[str], vocabulary: frozenset[str], weights: Weights
) -> float:
    """`_shared(headline - names, vocabulary, ...)`, without building the difference for the most pairs,
    whose headline shares no word with the other article at all."""
    if headline.isdisjoint(vocabulary):
        return 0
    return _shared(headline - names, vocabulary, weights.terms, weights)


def _shared_mass(
    a: _Prepared,
    b: _Prepared,
    weights: Weights,
    rules: StoryRules,
    facts: float | None = None,
    meaning: float | None = None,
) -> float:
    """The evidence `a` and `b` share, weighed: the names, entities, facts and headline terms both hold
    (each a mass of IDFs) and how far their embeddings' cosine passes the floor (`facts`, `meaning`: as
    `_fact_masses` and `_meaning` have them, when the caller computed them for many articles at once).
    Summed here, not kept in a record first: this runs for every pair a batch compares."""
    fa, fb = a.features, b.features
    # A name both articles hold counts once, as a name, not again because a headline carries it
    # (the company in both headlines is what two reports of different events of one company share).
    names = _shared_prepared_names(a, b)
    headline = max(
        _shared_beyond(fa.headline, names, b.vocabulary, weights),
        _shared_beyond(fb.headline, names, a.vocabulary, weights),
    )
    # As `_shared(fa.names, fb.names, ...)`, from the intersection already taken.
    named = sum(weights.rare(weights.terms, key) for key in sorted(names)) if names else 0
    entities = _shared(fa.entities, fb.entities, weights.entities, weights)
    facts = _fact_mass(a, b, rules) if facts is None else facts
    meaning = _meaning(_cosines(a, [b])[0], rules) if meaning is None else meaning
    lead = _shared_lead_figures(fa, fb, weights) if fa.lead_figures and fb.lead_figures else 0
    # Names alone (no figure, no headline word in common) are what two articles about one company on one
    # day share: its name, its city. They count for less than with something of the event.
    alone = rules.names_alone if not facts and not headline else 1.0
    return (
        rules.name_weight * named * alone
        + rules.entity_weight * entities
        + rules.fact_weight * facts
        + rules.headline_weight * headline
        + rules.meaning_weight * meaning
        + rules.lead_figure_weight * lead
    )


def _shared_prepared_names(a: _Prepared, b: _Prepared) -> frozenset[str]:
    """`shared_names` of two prepared articles (split once each, not for every pair)."""
    return _names_met(a.names, a.initials, b.names, b.initials)


def _shared_lead_figures(a: StoryFeatures, b: StoryFeatures, weights: Weights) -> float:
    """The mass of the figures other than dates that both articles write in their leads, as written (not
    within rounding, as `_fact_mass` meets them): every report of a day has its date."""
    shared = a.lead_figures & b.lead_figures
    return sum(
        weights.rare(weights.facts, key) * _specificity(key)
        for key in sorted(shared)
        if not key.startswith("date:")
    )


def _strength(a: StoryFeatures, b: StoryFeatures, rules: StoryRules) -> float:
    """1 within `full_strength` of each other, fading to `faded_strength` at `faded_by` apart;
    1 when either has no date: time says nothing, and `_score` asks for more evidence instead."""
    if a.event_time is None or b.event_time is None:
        return 1.0
    apart = abs(a.event_time - b.event_time)
    if apart <= rules.full_strength:
        return 1.0
    span = max(min(rules.faded_by, rules.window) - rules.full_strength, timedelta(seconds=1))
    return max(
        rules.faded_strength, 1.0 - (1.0 - rules.faded_strength) * (apart - rules.full_strength) / span
    )


def _score(
    a: _Prepared,
    b: _Prepared,
    weights: Weights,
    rules: StoryRules,
    facts: float | None = None,
    meaning: float | None = None,
) -> float:
    return _score_of_mass(_shared_mass(a, b, weights, rules, facts, meaning), a, b, rules)


def _score_of_mass(mass: float, a: _Prepared, b: _Prepared, rules: StoryRules) -> float:
    """The score of a pair sharing evidence of `mass`: more is asked of a pair without a date, less of
    one across scripts, and time apart fades it."""
    return _unfaded_score(mass, a, b, rules) * _strength(a.features, b.features, rules)


def _unfaded_score(mass: float, a: _Prepared, b: _Prepared, rules: StoryRules) -> float:
    """`_score_of_mass` before time apart fades it."""
    undated = a.features.event_time is None or b.features.event_time is None
    scale = rules.scale * (rules.undated_evidence if undated else 1.0)
    if a.script != b.script and {a.script, b.script} == {"cjk", "latin"}:
        scale *= rules.cross_script_evidence
    return 1.0 - math.exp(-mass / scale)


def _names_unshared(a: _Prepared, b: _Prepared) -> bool:
    """Each headline names someone or somewhere the other article does not write: not among its names,
    its headline or its top words (one script: across scripts most names cannot be shared)."""
    return (
        a.script == b.script
        and bool(a.headline_name_stems and b.headline_name_stems)
        and a.headline_name_stems.isdisjoint(b.vocabulary_stems)
        and b.headline_name_stems.isdisjoint(a.vocabulary_stems)
    )


def _results_differ(a: _Prepared, b: _Prepared) -> bool:
    """Each article writes a result (`tally:` keys, from its headline and lead) and none is the other's."""
    return bool(a.tallies and b.tallies) and a.tallies.isdisjoint(b.tallies)


def similarity(
    a: StoryFeatures, b: StoryFeatures, weights: Weights, rules: StoryRules = StoryRules()
) -> float:
    """Evidence that two articles report the same event, in [0, 1)."""
    return _score(_prepare(a, weights), _prepare(b, weights), weights, rules)


def assign_stories(
    new: Sequence[StoryFeatures],
    stored: Sequence[tuple[StoryFeatures, str]],
    rules: StoryRules = StoryRules(),
    copies: Mapping[str, tuple[str, float]] | None = None,
    stored_story_of: Mapping[str, str] | None = None,
    history: KeyCounts | None = None,
) -> list[StoryAssignment]:
    """Give each new article a story: the story of its best match in the window, or a new one (its own id).

    `stored` pairs already-assigned articles in the time window with their story ids. New articles are
    taken in order, and each can join a story started earlier in the same batch. A near-copy (`copies`:
    article id → (id of the article it copies, similarity)) always joins the story of what it copies,
    found in this batch or in `stored_story_of`. Roundups and previews start a story of their own.
    Rarity is counted over the new articles and `history`, the document frequencies of the stored
    reports (which count those of `stored`); without it, over the new articles and `stored` alone.
    """
    weights = (
        weights_for(new, history) if history is not None else weights_for([*(f for f, _ in stored), *new])
    )
    dated = [f.event_time for f in [*(f for f, _ in stored), *new] if f.event_time is not None]
    known = _Known(stored, weights, max(dated) if dated else None)
    story_of = {**(stored_story_of or {}), **{f.article_id: story for f, story in stored}}
    assignments: list[StoryAssignment] = []
    for article in new:
        prepared = _prepare(article, weights)
        copied = (copies or {}).get(article.article_id)
        if copied and copied[0] in story_of:
            assignment = StoryAssignment(article.article_id, story_of[copied[0]], copied[1], copied[0])
        elif article.kind != REPORT:
            assignment = StoryAssignment(article.article_id, article.article_id, 1.0, None)
        else:
            assignment = _best_story(prepared, known.around(prepared, rules), weights, rules)
            if known.is_full(assignment.story_id):
                assignment = known.overflow(assignment)
            if assignment.spread >= rules.roundup_stories:
                # Near several stories at once: a roundup whatever its headline says. It joins nothing,
                # and nothing joins it (it is not posted).
                prepared = _prepare(dataclasses.replace(article, kind=ROUNDUP), weights)
        known.times[article.article_id] = article.event_time
        # A near-copy joins what it copies, whatever the dates: only a join on evidence is flagged.
        if not (copied and copied[0] in story_of) and known.undated(assignment):
            assignment = dataclasses.replace(assignment, undated=True)
        assignments.append(assignment)
        known.add(prepared, assignment.story_id)
        story_of[article.article_id] = assignment.story_id
    return assignments


def as_assigned(
    features: StoryFeatures, assignment: StoryAssignment, rules: StoryRules = StoryRules()
) -> StoryFeatures:
    """The evidence to store for an article once assigned: a report found near several stories at once
    (`assignment.spread`) is kept as the roundup it was taken for, so later runs and the story index
    (`candidate_keys`) leave it out as this run did."""
    if features.kind == REPORT and assignment.spread >= rules.roundup_stories:
        return dataclasses.replace(features, kind=ROUNDUP)
    return features


def _best_story(
    article: _Prepared, candidates: Iterable[tuple[str, list[_Prepared]]], weights: Weights, rules: StoryRules
) -> StoryAssignment:
    # Average link: an article joins a story when it is close to the story's articles on average,
    # not merely to one of them, so one broad article cannot chain two events together.
    best: tuple[float, str, str] | None = None
    # The stories it comes near: story id -> its closest member, and the evidence shared with that member.
    near: dict[str, tuple[_Prepared, dict[str, float]]] = {}
    candidates = list(candidates)
    everyone = [member for _, members in candidates for member in members]
    facts = iter(_fact_masses(article, everyone, rules))
    all_cosines = iter(_cosines(article, everyone))
    # The story it would join but for time apart (its unfaded mean score, the story): what it follows.
    follows: tuple[float, str] | None = None
    for story_id, members in candidates:
        cosines = [next(all_cosines) for _ in members]
        unfaded = [
            _unfaded_score(
                _shared_mass(article, member, weights, rules, next(facts), _meaning(cosine, rules)),
                article,
                member,
                rules,
            )
            for member, cosine in zip(members, cosines, strict=True)
        ]
        strengths = [_strength(article.features, member.features, rules) for member in members]
        scored = [
            (score * strength, member.features.article_id)
            for score, strength, member in zip(unfaded, strengths, members, strict=True)
        ]
        closest = max(range(len(scored)), key=scored.__getitem__)
        # Near a story: near one of its reports, as a roundup's line on an event is near one report of it.
        # A story that also holds reports in another script, which the line cannot meet, stays near it.
        nearest = scored[closest][0]
        mean = None
        if nearest >= rules.threshold * min(rules.roundup_share, 1.0):  # else neither near nor a match
            if nearest >= rules.threshold * rules.roundup_share:
                near[story_id] = (
                    members[closest],
                    _shared_evidence(article, members[closest], weights, rules),
                )
            mean = _mean_score([score for score, _ in scored], article, members, cosines, rules)
            if mean >= rules.threshold and (best is None or mean > best[0]):
                best = (mean, story_id, scored[closest][1])
        # Kept out by time alone? Asked only of a story with a faded member whose nearest member would pass
        # unfaded (the mean is at most the nearest): most candidates are neither.
        joined = mean is not None and mean >= rules.threshold
        if not joined and min(strengths) < 1.0 and max(unfaded) >= rules.threshold:
            again = _mean_score(unfaded, article, members, cosines, rules)
            if again >= rules.threshold and (follows is None or (again, story_id) > follows):
                follows = (again, story_id)
    article_id = article.features.article_id
    # A roundup mentions several events, each on its own evidence. Without a date, an article near
    # several stories is still taken for one on their number alone: with no time to tell a neighbouring
    # event from the same one, it is judged more strictly (as undated pairs need twice the evidence,
    # `undated_evidence`). The samples hold such an article: Apple's Qwen deal, near the regulator's
    # review of Apple's AI and three more stories of Apple in China.
    own = _met_on_own_evidence(article, near, rules)
    spread = len(own) if article.features.event_time is not None else len(near)
    if best is None and follows is not None and spread < rules.roundup_stories:
        return StoryAssignment(article_id, article_id, 1.0, None, spread=spread, follows=follows[1])
    if best is None or spread >= rules.roundup_stories:
        return StoryAssignment(article_id, article_id, 1.0, None, spread=spread)
    if len(near) >= rules.roundup_stories and best[1] not in own:
        # Near several stories on the same evidence (a company's name, its chief): that evidence cannot
        # say which event the article reports, so it joins none of them (and stays a report others join).
        return StoryAssignment(article_id, article_id, 1.0, None, spread=spread)
    return StoryAssignment(article_id, best[1], best[0], best[2], spread=spread)


def _mean_score(
    scores: Sequence[float],
    article: _Prepared,
    members: Sequence[_Prepared],
    cosines: Sequence[float | None],
    rules: StoryRules,
) -> float:
    """The mean of `article`'s scores with a story's `members` (`cosines`: its embeddings' with theirs, as
    `_cosines` has them). Whether it joins asks more of a pair whose headlines name what the other does
    not, whose results differ, or whose embeddings say different events (`meaning_apart`); whether it is
    near does not (a roundup's headline names one of the events it lists, and is near the others)."""
    return sum(
        score
        * (rules.unshared_headline_names if _names_unshared(article, member) else 1.0)
        * (rules.different_results if _results_differ(article, member) else 1.0)
        * (rules.meaning_apart_factor if cosine is not None and cosine < rules.meaning_apart else 1.0)
        for score, member, cosine in zip(scores, members, cosines, strict=True)
    ) / len(scores)


def _shared_evidence(a: _Prepared, b: _Prepared, weights: Weights, rules: StoryRules) -> dict[str, float]:
    """The keys `a` and `b` both hold, each with the mass it adds as `_shared_mass` weighs it: names, watched
    entities, facts and headline words. Simpler than `_shared_mass` in three ways: two count a little
    more (figures meet only when written alike, not within rounding; names weigh in full even when they
    are all two articles share, `names_alone`), one less (a figure both leads write counts once,
    `lead_figure_weight` left out)."""
    fa, fb = a.features, b.features
    names = _shared_prepared_names(a, b)
    headline = ((fa.headline & b.vocabulary) | (fb.headline & a.vocabulary)) - names
    return {
        **{f"w:{key}": rules.headline_weight * weights.rare(weights.terms, key) for key in headline},
        **{f"w:{key}": rules.name_weight * weights.rare(weights.terms, key) for key in names},
        **{
            f"e:{key}": rules.entity_weight * weights.rare(weights.entities, key)
            for key in fa.entities & fb.entities
        },
        **{
            f"f:{key}": rules.fact_weight * _specificity(key) * weights.rare(weights.facts, key)
            for key in fa.facts & fb.facts
        },
    }


def joined_on(a: StoryFeatures, b: StoryFeatures, most: int = 10) -> tuple[str, ...]:
    """The evidence two articles of one story share, for people reading why they were joined: watched
    entities, names, figures (as their keys have them: "8.5%", "CNY 1.892e+11", "12 km"), then headline
    words; at most `most`, then "...". Figures count when their keys are equal, as `_shared_evidence` has
    them (8.48% and 8.5%, which joining takes for one figure within rounding, are not listed)."""
    names, entities = shared_names(a.names, b.names), a.entities & b.entities
    # A headline word already shown as a name or as a word of an entity ("alibaba" beside "Alibaba").
    shown_words = names | {word for entity in entities for word in entity.casefold().split()}
    shown = [
        *sorted(entities),
        *sorted(names),
        *(_figure_as_written(key) for key in sorted(a.facts & b.facts)),
        *sorted((a.headline & b.headline) - shown_words),
    ]
    return tuple(shown[:most]) + (("...",) if len(shown) > most else ())


def _figure_as_written(key: str) -> str:
    """A fact key as a reader would write it: "pct:8.5" -> "8.5%", "money:HKD:2.2e+12" -> "HKD 2.2e+12",
    "qty:km:18" -> "18 km", "date:09-09" -> "09-09", "tally:4-3" -> "4-3", "num:1200" -> "1200"."""
    kind, _, rest = key.partition(":")
    if kind == "pct":
        return f"{rest}%"
    if kind in ("money", "qty"):
        unit, _, value = rest.partition(":")
        return f"{unit} {value}" if kind == "money" else f"{value} {unit}"
    return rest or key


def _met_on_own_evidence(
    article: _Prepared, near: Mapping[str, tuple[_Prepared, Mapping[str, float]]], rules: StoryRules
) -> set[str]:
    """Of the stories `article` comes near (`near`: each with its closest member and the evidence shared
    with it), those it meets on evidence of their own: what it shares with none of the other stories
    would bring it near that one by itself. A roundup meets each event it lists on that event's names and
    figures. A report of one more event of a company meets the company's other stories on the same
    evidence (its name, its chief, its city), which early in a warehouse's life, with little history to
    say how common those are, can weigh enough to come near several: taken for a roundup, it joined
    nothing and nothing joined it, the most of what runs one after the other missed
    (docs/scaling-stories.md, section 18). A story met on an embedding alone (no key shared) counts, as
    before."""
    own = set()
    for story_id, (member, shared) in near.items():
        others = set().union(*(evidence for other, (_, evidence) in near.items() if other != story_id))
        # Summed exactly, whatever the order: the decision does not follow the hash seed.
        mass = math.fsum(weight for key, weight in shared.items() if key not in others)
        near_by_itself = _score_of_mass(mass, article, member, rules) >= rules.threshold * rules.roundup_share
        if not shared or near_by_itself:
            own.add(story_id)
    return own


class _Known:
    """Assigned reports, indexed so each new article meets only the stories it could belong to.

    Postings lead from an article's evidence (names, headline terms, facts other than dates, entities,
    top terms) to the stories holding it; keys held by too many stories are skipped as too broad. Of the
    stories with a member in a new article's time window, those sharing the most rare evidence with it
    are its candidates, at most `max_candidates` of them, each judged on its latest `max_members`
    members in the window.
    Roundups and previews are never posted, so nothing joins them. An article without a date counts as
    dated at `reference` (the newest date of the batch and the stored window) for the window.
    """

    def __init__(
        self, stored: Iterable[tuple[StoryFeatures, str]], weights: Weights, reference: datetime | None = None
    ) -> None:
        self.weights = weights
        self.reference = reference
        self.members: dict[str, list[_Prepared]] = {}
        self.postings: dict[str, set[str]] = {}
        self.times: dict[str, datetime | None] = {}
        self.continued: dict[str, str] = {}  # full story -> the story that continues it
        # The first and last times of each story's members (an undated one at `reference`), so a story
        # with no member in an article's window is passed over without reading its members; a story
        # holding an article with no time at all (no date anywhere) is always read.
        self.spans: dict[str, tuple[datetime, datetime]] = {}
        self.timeless: set[str] = set()
        self.max_story_size = 0
        for features, story_id in stored:
            self.add(_prepare(features, weights), story_id)

    def add(self, article: _Prepared, story_id: str) -> None:
        self.times[article.features.article_id] = article.features.event_time
        if article.features.kind != REPORT:
            return
        self.members.setdefault(story_id, []).append(article)
        for key in article.keys:
            self.postings.setdefault(key, set()).add(story_id)
        time = article.features.event_time or self.reference
        span = self.spans.get(story_id)
        if time is None or story_id in self.timeless:
            self.timeless.add(story_id)
        else:
            self.spans[story_id] = (min(span[0], time), max(span[1], time)) if span else (time, time)

    def around(self, article: _Prepared, rules: StoryRules) -> list[tuple[str, list[_Prepared]]]:
        shared: dict[str, float] = {}
        for key, rarity in article.keys.items():
            posted = self.postings.get(key, ())
            # A key held by very many stories (Apple, China, "market") says nothing of which one.
            if len(posted) <= _BROAD_KEY_STORIES:
                for story_id in posted:
                    shared[story_id] = shared.get(story_id, 0.0) + rarity
        candidates = []
        self.max_story_size = rules.max_story_size
        time = article.features.event_time or self.reference
        if time is not None:
            # Stories with no member within the window are dropped before the best are taken: in a batch
            # spanning months (a backfill), older stories sharing more would otherwise fill the places.
            start, end = time - rules.window, time + rules.window
            shared = {
                story_id: mass
                for story_id, mass in shared.items()
                if story_id in self.timeless
                or (self.spans[story_id][1] >= start and self.spans[story_id][0] <= end)
            }
        # Ties broken by story id, not by the order the stories were met in (which follows the hash seed).
        for story_id in heapq.nlargest(
            rules.max_candidates, shared, key=lambda story: (shared[story], story)
        ):
            # The latest `max_members` members within the window, in order: read from the end, so a
            # large story costs only its latest members.
            latest: list[_Prepared] = []
            for member in reversed(self.members[story_id]):
                if _within(article.features, member.features, rules.window, self.reference):
                    latest.append(member)
                    if len(latest) == rules.max_members:
                        break
            if latest:
                candidates.append((story_id, latest[::-1]))
        return candidates

    def is_full(self, story_id: str) -> bool:
        return len(self.members.get(story_id, ())) >= self.max_story_size

    def undated(self, assignment: StoryAssignment) -> bool:
        matched = assignment.matched_article_id
        return matched is not None and (
            self.times.get(assignment.article_id) is None or self.times.get(matched) is None
        )

    def overflow(self, assignment: StoryAssignment) -> StoryAssignment:
        """The article matched a story that is full: it goes to the story continuing that one (started
        by the first article that overflowed), flagged with the full story's id."""
        full = assignment.story_id
        while self.is_full(full) and full in self.continued:
            full = self.continued[full]
        if not self.is_full(full):
            return dataclasses.replace(assignment, story_id=full, overflow_of=assignment.story_id)
        self.continued[full] = assignment.article_id
        return dataclasses.replace(
            assignment, story_id=assignment.article_id, matched_article_id=None, overflow_of=full
        )


# How many of an article's top terms lead to candidate stories, and how many stories a key may hold
# before it is too broad to look up (which bounds the work per article whatever the window holds).
_CANDIDATE_TERMS = 10
_BROAD_KEY_STORIES = 64


def _within(a: StoryFeatures, b: StoryFeatures, window: timedelta, reference: datetime | None = None) -> bool:
    """Whether two articles are within the window; one without a date stands at `reference` (the newest
    date the run knows), so an undated article meets only the articles of the current window."""
    time_a, time_b = a.event_time or reference, b.event_time or reference
    return time_a is None or time_b is None or abs(time_a - time_b) <= window
