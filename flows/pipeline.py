"""The pipeline core: pending raw documents → a `BatchOutcome` → loaded. Plain functions, no Prefect.

The ingest, web and reprocess flows wrap these stages in tasks (flows/ingest.py); the bench calls them
directly. The promise kept here, once for every source: one document can never stop the others.

- Every exception raised while extracting, cleaning or judging the topic of one document becomes a
  reject of that document (stage, kind, reason), whatever its type: a RecursionError from JSON nested
  5,000 deep is a reject like "no main text found".
- Work that fails for one new article after that (its signature, its story evidence, its analysis rows)
  loses only that work, never the article, and is reported as a warning.
- If a whole batch still fails in deduplication or loading for a reason that is not the storage's
  (`load_isolating`), the batch is split in halves and each half processed and loaded on its own, down
  to single documents: the one that fails alone is rejected, the rest loads, in the same run.
- A document pending in runs that died before finishing (killed, out of memory) is rejected after
  `MAX_ATTEMPTS` of them (`set_aside_repeated_failures`), so no document can stop ingestion for good.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import multiprocessing
import operator
import os
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import duckdb

from extract.documents import extract_document
from transform.analysis import ArticleAnalysis, Findings, analysis_of, find_in_sentences
from transform.article_rows import NO_ROWS, ArticleRows
from transform.boilerplate import line_keys
from transform.cleaning import STEPS, clean_document, steps_for
from transform.dedup import DedupResult, deduplicate_exact
from transform.embeddings import embed, embedding_text
from transform.errors import Reject, TransientError
from transform.near_duplicates import (
    DEFAULT_SCHEME,
    Fingerprint,
    NearDuplicate,
    Signature,
    band_key_rows,
    group_batch,
    signature,
)
from transform.outcomes import BatchOutcome
from transform.records import Article, OffTopic, RawDocument
from transform.search_terms import SearchDocument, search_document
from transform.stories import (
    StoryAssignment,
    StoryFeatures,
    StoryRules,
    as_assigned,
    assign_stories,
    candidate_keys,
    counted,
    story_features,
    takes_embedding,
)
from transform.topics import TopicRule, decide_topic
from warehouse.connection import is_storage_failure
from warehouse.loads import load_outcomes
from warehouse.queries import (
    current_versions,
    known_articles,
    learned_boilerplate,
    near_duplicate_candidates,
    stories_of,
    story_candidates,
)
from warehouse.story_counts import stored_key_counts
from warehouse.story_index import Lookup, candidate_articles

# Runs that may die with a document pending before it is set aside (a killed run is the usual cause of
# one or two; a document that kills every run that reads it is the cause of more).
MAX_ATTEMPTS = 3

Item = TypeVar("Item")
Result = TypeVar("Result")


_frozen_depth = 0
_frozen_guard = threading.Lock()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave the objects alive now out of the cyclic garbage collector's passes until the block ends.

    A batch's documents, articles and evidence (millions of objects at 100k documents) outlive every
    stage that works on them, yet each full collection walked them all again: with collection off, 20k
    documents in one run took 35.3-38.0 s against 39.2-40.3 (docs/scaling-stories.md, section 14).
    Objects the block creates are collected as always; refcounting frees the frozen ones as always (they
    hold no cycles). Forked workers inherit them frozen, so their collections do not touch, and copy, the
    parent's pages either: the gc module's documented use before fork(). Nested blocks freeze again what
    the outer one created since; the outermost unfreezes at its end."""
    global _frozen_depth
    with _frozen_guard:
        _frozen_depth += 1
        gc.freeze()
    try:
        yield
    finally:
        with _frozen_guard:
            _frozen_depth -= 1
            if _frozen_depth == 0:
                gc.unfreeze()


@dataclass(frozen=True)
class Processed:
    """A batch after extraction and cleaning: articles (with their extractor), rejects, off-topic pages."""

    articles: list[tuple[Article, str]]
    rejects: list[Reject]
    off_topic: list[OffTopic]
    # Each extracted document's short lines, per source: the evidence for learning boilerplate.
    line_keys: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    def without(self, doc_ids: Collection[str]) -> Processed:
        """The batch without these documents (another run recorded their outcome meanwhile)."""
        if not doc_ids:
            return self
        return Processed(
            [(a, extractor) for a, extractor in self.articles if a.doc_id not in doc_ids],
            [r for r in self.rejects if r.doc_id not in doc_ids],
            [o for o in self.off_topic if o.doc_id not in doc_ids],
            {doc_id: keys for doc_id, keys in self.line_keys.items() if doc_id not in doc_ids},
        )


@dataclass(frozen=True)
class Deduplicated:
    """A batch after the three levels: exact copies set aside, near-copies grouped, stories assigned."""

    exact: DedupResult
    fingerprints: list[Fingerprint]
    near_duplicates: list[NearDuplicate]
    story_features: list[StoryFeatures]
    stories: list[StoryAssignment]
    rows: ArticleRows = NO_ROWS  # the new articles' analysis and index rows
    warnings: list[str] = field(default_factory=list)
    snapshot: int | None = None  # the lake snapshot its decisions read (None: not read from a lake)


def set_aside_repeated_failures(
    pending: Sequence[RawDocument], attempts: Mapping[str, int]
) -> tuple[list[RawDocument], list[Reject]]:
    """Split pending documents into those to process and rejects for those tried in `MAX_ATTEMPTS` runs
    that never finished."""
    keep: list[RawDocument] = []
    rejects: list[Reject] = []
    for document in pending:
        tried = attempts.get(document.doc_id, 0)
        if tried < MAX_ATTEMPTS:
            keep.append(document)
            continue
        reason = (
            f"set aside after {tried} runs that stopped while it was pending (killed or out of memory); "
            "the raw document is kept: `newsetl reprocess` tries it again"
        )
        rejects.append(Reject(document.uri, "quarantine", reason, document.doc_id, kind="repeated_failure"))
    return keep, rejects


def extract_and_clean(
    documents: Sequence[RawDocument],
    topic_rules: Mapping[str, TopicRule] | None = None,
    learned: Mapping[str, frozenset[str]] | None = None,
    workers: int | None = None,
) -> Processed:
    """Extract and clean each document; any failure rejects that document only. Documents of a source
    with a topic rule that they do not match are set aside (kept raw, not loaded as articles). A source's
    learned boilerplate lines are dropped from its documents. Large batches are shared among `workers`
    processes (see `map_chunks`); the outcome is the same, in the same order."""
    work = functools.partial(_extract_and_clean_here, topic_rules=topic_rules, learned=learned)
    parts = map_chunks(work, documents, workers)
    return Processed(
        [article for part in parts for article in part.articles],
        [reject for part in parts for reject in part.rejects],
        [page for part in parts for page in part.off_topic],
        {doc_id: keys for part in parts for doc_id, keys in part.line_keys.items()},
    )


def _extract_and_clean_here(
    documents: Sequence[RawDocument],
    topic_rules: Mapping[str, TopicRule] | None = None,
    learned: Mapping[str, frozenset[str]] | None = None,
) -> Processed:
    articles: list[tuple[Article, str]] = []
    rejects: list[Reject] = []
    off_topic: list[OffTopic] = []
    line_counts: dict[str, tuple[str, frozenset[str]]] = {}
    steps = {source: steps_for(known_boilerplate=lines) for source, lines in (learned or {}).items()}
    for raw in documents:
        stage = "extract"
        try:
            extracted = extract_document(raw)
            stage = "clean"
            article = clean_document(extracted, steps.get(raw.source, STEPS))
            keys = line_keys(extracted.text)
            stage = "topic"
            rule = (topic_rules or {}).get(raw.source)
            decision = decide_topic(rule, article.title, article.body) if rule else None
        except Exception as error:  # one document, whatever went wrong with it: see the module docstring
            rejects.append(Reject.from_exception(raw.uri, stage, error, raw.doc_id))
            continue
        line_counts[raw.doc_id] = (raw.source, keys)
        if decision and not decision.relevant:
            off_topic.append(OffTopic(raw.doc_id, raw.uri, raw.source, decision.reason))
        else:
            articles.append((article, extracted.extractor))
    return Processed(articles, rejects, off_topic, line_counts)


@dataclass(frozen=True)
class Evidence:
    """What deduplication needs of each article and can compute without the warehouse: its MinHash
    signature (with its shingle count) and its story evidence; and its analysis (sentences, entities,
    facts), read from its text in the same pass as its story evidence. Gathered before a lake's writer
    takes its turn at the commit lock, in parallel with the other writers."""

    signed: dict[str, tuple[Signature, int]]
    features: dict[str, StoryFeatures]
    warnings: list[str] = field(default_factory=list)
    # The articles' analysis rows, and their full-text index rows: tokenized here rather than in the load
    # (on one core, and on a lake in the writer's turn).
    rows: ArticleRows = NO_ROWS

    def __or__(self, other: Evidence) -> Evidence:
        """This evidence and `other`'s (of other articles, or gathered later)."""
        return Evidence(
            self.signed | other.signed,
            self.features | other.features,
            self.warnings + other.warnings,
            self.rows + other.rows,
        )


def gather_evidence(
    articles: Sequence[Article], workers: int | None = None, story_embeddings: bool = False
) -> Evidence:
    """The evidence and analysis of each article (a large batch in `workers` processes). An article whose
    signature cannot be computed is still loaded, as a near-duplicate of nothing; one whose text cannot
    be read starts its own story and has no analysis rows (each with a warning). With
    `story_embeddings`, each report's story evidence carries its sentence embedding too."""
    evidence = functools.reduce(operator.or_, map_chunks(_evidence_here, articles, workers), Evidence({}, {}))
    if story_embeddings:
        warnings = list(evidence.warnings)
        meaning = _with_meaning(articles, evidence.features, warnings)
        evidence = dataclasses.replace(evidence, features=evidence.features | meaning, warnings=warnings)
    return evidence


def _with_meaning(
    articles: Sequence[Article], features: Mapping[str, StoryFeatures], warnings: list[str]
) -> dict[str, StoryFeatures]:
    """The story evidence of the articles that take an embedding (`takes_embedding`) with their sentence
    embeddings. The model runs here, in this process, on every core (torch's threads), not in forked
    workers. If it fails, no document is at fault: the batch goes on without embeddings (its reports meet
    others on the rules' evidence, as articles stored with the setting off do), with a warning."""
    reports = [
        a for a in articles if (found := features.get(a.article_id)) and takes_embedding(found, a.body)
    ]
    try:
        vectors = embed([embedding_text(a.title, a.body) for a in reports])
    except Exception as error:
        warnings.append(
            f"story embeddings failed for {len(reports)} reports ({type(error).__name__}: "
            f"{str(error)[:300]}); their stories were judged on the rules' evidence alone"
        )
        return {}
    return {
        a.article_id: dataclasses.replace(features[a.article_id], meaning=vector)
        for a, vector in zip(reports, vectors, strict=True)
    }


def deduplicate_against_stored(
    connection: duckdb.DuckDBPyConnection, articles: Sequence[Article], versions: bool = True
) -> DedupResult:
    """Exact deduplication (URL, body hash) of `articles` against what is stored. Without `versions` a
    changed text at a known URL counts as a copy, not a new version; which articles are new is the same
    either way (and the stored versions are not read)."""
    known_urls, known_hashes = known_articles(
        connection, [a.canonical_url for a in articles], [a.body_hash for a in articles]
    )
    current = current_versions(connection, list(set(known_urls.values()))) if versions else None
    return deduplicate_exact(articles, known_urls, known_hashes, current)


@frozen_heap()
def deduplicate(
    connection: duckdb.DuckDBPyConnection,
    articles: Sequence[Article],
    now: datetime,
    workers: int | None = None,
    evidence: Evidence | None = None,
    story_embeddings: bool = False,
) -> Deduplicated:
    """Exact (URL, body hash), then near-duplicates (MinHash/LSH), then stories, against what is stored.
    The evidence of the new articles is taken from `evidence` where it has them, else computed here (a
    large batch in `workers` processes; with sentence embeddings if `story_embeddings`)."""
    scheme = DEFAULT_SCHEME
    exact = deduplicate_against_stored(connection, articles)
    given = evidence or Evidence({}, {})
    missing = [a for a in exact.new_articles if a.article_id not in given.features]
    found = gather_evidence(missing, workers, story_embeddings) if missing else Evidence({}, {})
    every = given | found
    new_ids = [a.article_id for a in exact.new_articles]
    signed = [(article_id, *every.signed[article_id]) for article_id in new_ids if article_id in every.signed]
    features = [every.features[article_id] for article_id in new_ids]
    key_rows = band_key_rows([sig for _, sig, _ in signed], scheme)
    keys = {article_id: row.tolist() for (article_id, _, _), row in zip(signed, key_rows, strict=True)}
    candidates = near_duplicate_candidates(connection, scheme.scheme_id, keys)
    near, fingerprints = group_batch(signed, candidates, scheme)
    stored = story_candidates(connection, _candidates_of(connection, features, now))
    stored_story_of = stories_of(connection, [n.matched_article_id for n in near])
    copies = {n.article_id: (n.matched_article_id, n.similarity) for n in near}
    # Rarity over the stored reports, not over the few the index found: the counts of every key compared.
    history = stored_key_counts(connection, counted([*features, *(f for f, _ in stored)]))
    stories = assign_stories(
        features, stored, copies=copies, stored_story_of=stored_story_of, history=history
    )
    # A report taken for a roundup (near several stories) is stored, and left out of the index, as one.
    assigned = [as_assigned(f, a) for f, a in zip(features, stories, strict=True)]
    return Deduplicated(
        exact, fingerprints, near, assigned, stories, every.rows.only(new_ids), every.warnings
    )


def _candidates_of(
    connection: duckdb.DuckDBPyConnection, features: Sequence[StoryFeatures], now: datetime
) -> list[str]:
    """The stored articles the story index finds for the batch's reports, each in its window: an article
    without a date stands at the batch's newest date (or `now`), as `assign_stories` places it."""
    times = [f.event_time for f in features if f.event_time]
    reference = max(times) if times else now
    lookups = [Lookup(f.article_id, f.event_time or reference, candidate_keys(f)) for f in features]
    return candidate_articles(connection, [lookup for lookup in lookups if lookup.keys], StoryRules().window)


def _evidence_here(articles: Sequence[Article]) -> Evidence:
    """The signature, story evidence, analysis and index entry of each article, and warnings for those
    that failed."""
    warnings: list[str] = []

    def sign(article: Article) -> tuple[str, Signature, int]:
        return (article.article_id, *signature(article.body, DEFAULT_SCHEME))

    signed = each_or_warn(articles, sign, "signature", warnings)
    features: list[StoryFeatures] = []
    analyses: list[ArticleAnalysis] = []
    for article in articles:
        # One reading of the sentences serves both: the entities and facts of each.
        found = each_or_warn([article], _sentences_of, "analysis and story evidence", warnings)
        evidence, analysis = [], []
        if found:
            read = functools.partial(_story_evidence, found=found[0])
            evidence = each_or_warn([article], read, "story evidence", warnings)
            analysis = each_or_warn(
                [article], functools.partial(_analysis, found=found[0]), "analysis", warnings
            )
        # Without evidence, the article starts its own story; without analysis, it has no analyst rows.
        features += evidence or [StoryFeatures(article.article_id, None, frozenset(), frozenset())]
        analyses += analysis
    return Evidence(
        {article_id: (sig, shingles) for article_id, sig, shingles in signed},
        {feature.article_id: feature for feature in features},
        warnings,
        _rows_of(articles, analyses, warnings),
    )


def _rows_of(
    articles: Sequence[Article], analyses: Sequence[ArticleAnalysis], warnings: list[str]
) -> ArticleRows:
    """The analysis and index rows of the articles, built here rather than in the load. An article whose
    rows Arrow refuses (text it cannot encode) loses them alone: its analysis rows, with a warning; its
    index entry, which the load builds again and, failing there too, rejects the article (the batch split
    down to it), as when the load built every article's rows."""
    documents = _search_documents(articles)
    try:
        return ArticleRows.of(analyses, documents)
    except Exception:  # some article's rows: found one by one below, as rare as such text is
        pass
    uris = {article.article_id: article.uri for article in articles}
    kept: list[ArticleAnalysis] = []
    for analysis in analyses:
        if (error := _refusal([analysis])) is None:
            kept.append(analysis)
        else:
            name = uris[analysis.article_id]
            warnings.append(f"analysis failed for {name}: {type(error).__name__}: {str(error)[:200]}")
    return ArticleRows.of(kept, [d for d in documents if _refusal(documents=[d]) is None])


def _refusal(
    analyses: Sequence[ArticleAnalysis] = (), documents: Sequence[SearchDocument] = ()
) -> Exception | None:
    """Why Arrow refuses the rows of these records, or None."""
    try:
        ArticleRows.of(analyses, documents)
    except Exception as error:
        return error
    return None


def _search_documents(articles: Sequence[Article]) -> list[SearchDocument]:
    """The index entries of the articles that can be tokenized. One that fails is left out without a
    warning: the load tokenizes it again, and its failure there is reported as before (the batch split
    down to the article, which is rejected)."""
    documents = []
    for article in articles:
        try:
            documents.append(search_document(article.article_id, article.title, article.body))
        except Exception:  # reported by the load: see above
            continue
    return documents


def _sentences_of(article: Article) -> Findings:
    return find_in_sentences(article.body, article.title)


def _story_evidence(article: Article, found: Findings) -> StoryFeatures:
    return story_features(
        article.article_id, article.body, article.published_at, title=article.title, found=found
    )


def _analysis(article: Article, found: Findings) -> ArticleAnalysis:
    return analysis_of(article.article_id, found)


# Below this many items a batch is worked on in this process: starting processes would cost more than
# they save (~0.1 s), and tests and small runs keep one process.
PARALLEL_MIN_ITEMS = 400
# Chunks per worker: a few each, so a chunk of slow documents does not leave the other worker idle.
_CHUNKS_PER_WORKER = 4


def worker_count(items: int, workers: int | None = None) -> int:
    """Processes for `items` of pure per-document work: `workers` when given, else one per core the
    process may use for a batch of at least `PARALLEL_MIN_ITEMS`, else 1."""
    if workers is not None:
        return max(1, workers)
    if items < PARALLEL_MIN_ITEMS:
        return 1
    return usable_cores()


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_chunks(
    work: Callable[[Sequence[Item]], Result], items: Sequence[Item], workers: int | None = None
) -> list[Result]:
    """`work` on consecutive chunks of `items`, results in order: in this process, or in a pool of
    `worker_count` processes that is shut down (its processes joined) before returning.

    `work` must be pure (the pipeline's per-document stages are) and a module-level function or a
    `functools.partial` of one, since chunks travel to the workers by pickle. Workers are forked where the
    platform can (they start in milliseconds with every module already imported). If the pool breaks (a
    worker killed, out of memory), the batch is worked on again in this process.
    """
    count = worker_count(len(items), workers)
    if count <= 1:
        return [work(items)]
    size = -(-len(items) // (count * _CHUNKS_PER_WORKER))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    try:
        with frozen_heap(), ProcessPoolExecutor(count, mp_context=context) as pool:
            return list(pool.map(work, chunks))
    except BrokenProcessPool:
        return [work(items)]


def each_or_warn(
    items: Sequence[Item], work: Callable[[Item], Result], what: str, warnings: list[str]
) -> list[Result]:
    """`work` on each item; an item it fails on is left out, with a warning naming it and the error."""
    results: list[Result] = []
    for item in items:
        try:
            results.append(work(item))
        except Exception as error:
            name = getattr(item, "uri", None) or repr(item)[:80]
            warnings.append(f"{what} failed for {name}: {type(error).__name__}: {str(error)[:200]}")
    return results


def outcome_of(processed: Processed, dedup: Deduplicated) -> BatchOutcome:
    """The batch's outcome, ready for `load_outcomes`."""
    extractors = {article.doc_id: extractor for article, extractor in processed.articles}
    new = dedup.exact.new_articles
    return BatchOutcome(
        articles=tuple((a, extractors[a.doc_id]) for a in new),
        duplicates=dedup.exact.duplicates,
        versions=dedup.exact.versions,
        rejects=tuple(processed.rejects),
        off_topic=tuple(processed.off_topic),
        scheme=DEFAULT_SCHEME,
        fingerprints=tuple(dedup.fingerprints),
        near_duplicates=tuple(dedup.near_duplicates),
        story_features=tuple(dedup.story_features),
        stories=tuple(dedup.stories),
        rows=dedup.rows,
        # Lines are counted once per article: copies of one article must not make its lines look recurring.
        line_keys=tuple(processed.line_keys[a.doc_id] for a in new),
        warnings=tuple(dedup.warnings),
    )


def process_batch(
    connection: duckdb.DuckDBPyConnection,
    documents: Sequence[RawDocument],
    now: datetime,
    topic_rules: Mapping[str, TopicRule] | None = None,
    story_embeddings: bool = False,
) -> BatchOutcome:
    """Every stage between storing raw documents and loading them, for one batch."""
    learned = learned_boilerplate(connection, sorted({d.source for d in documents}))
    processed = extract_and_clean(documents, topic_rules, learned)
    articles = [article for article, _ in processed.articles]
    dedup = deduplicate(connection, articles, now, story_embeddings=story_embeddings)
    return outcome_of(processed, dedup)


def load_isolating(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    documents: Sequence[RawDocument],
    now: datetime,
    topic_rules: Mapping[str, TopicRule] | None = None,
    story_embeddings: bool = False,
) -> BatchOutcome:
    """Process and load `documents`; if that fails for a reason other than the storage, split the batch
    and load each half on its own, down to the single document that fails, which is rejected.

    Halves are loaded one after the other, so the second half is deduplicated against the first as it
    would have been in one batch. Storage failures (disk full, database invalidated) and transient ones
    are raised: they are no document's fault.
    """
    try:
        outcome = process_batch(connection, documents, now, topic_rules, story_embeddings)
        load_outcomes(connection, run_id, now, outcome)
        return outcome
    except TransientError:
        raise
    except Exception as error:
        if is_storage_failure(error) or not documents:
            raise
        if len(documents) == 1:
            document = documents[0]
            rejected = BatchOutcome(
                rejects=(Reject.from_exception(document.uri, "process", error, document.doc_id),)
            )
            load_outcomes(connection, run_id, now, rejected)
            return rejected
    half = len(documents) // 2
    first = load_isolating(connection, run_id, documents[:half], now, topic_rules, story_embeddings)
    return first.merged(
        load_isolating(connection, run_id, documents[half:], now, topic_rules, story_embeddings)
    )
