"""The `ingest` flow: discover → read → store raw → extract and clean → deduplicate → load.

Tasks are thin: each calls one function of extract/, transform/ or warehouse/. Per-document failures
become rejects inside the tasks, so one bad file never fails the run; only transient errors are retried.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.client.schemas.objects import State, TaskRun
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from prefect.utilities.annotations import quote

from extract.documents import extract_document
from extract.files import DEFAULT_MAX_BYTES, FILE_SOURCE, discover_files, read_file
from flows.settings import configure_warehouse
from transform.analysis import ArticleAnalysis, analyse
from transform.boilerplate import line_keys
from transform.cleaning import STEPS, clean_document, steps_for
from transform.dedup import DedupResult, deduplicate_exact
from transform.errors import Reject, TerminalError, TransientError
from transform.health import Alert, HealthRules, SourceRun, check_source
from transform.near_duplicates import (
    DEFAULT_SCHEME,
    Fingerprint,
    NearDuplicate,
    band_keys,
    group_batch,
    signature,
)
from transform.records import Article, OffTopic, RawDocument, SourceKind
from transform.stories import StoryAssignment, StoryFeatures, StoryRules, assign_stories, story_features
from transform.topics import TopicRule, decide_topic
from warehouse.connection import connect
from warehouse.health import run_figures, save_source_health, source_history
from warehouse.loads import RunCounts, finish_run, load_outcomes, start_run, store_raw_documents
from warehouse.locks import writer_lock
from warehouse.queries import (
    current_versions,
    known_articles,
    learned_boilerplate,
    near_duplicate_candidates,
    pending_documents,
    stories_of,
    story_candidates,
)
from warehouse.search import refresh_search_index

Batch = TypeVar("Batch")


def _retry_if_transient(task: Any, task_run: TaskRun, state: State[Any]) -> bool:
    """Retry only errors that may pass (locked file, I/O hiccup); a terminal error would fail again."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False


# Tasks that touch the disk or the database: retried on transient errors. No input caching: the inputs
# are documents, and every run must look at the world afresh.
io_task = task(
    cache_policy=NONE, retries=3, retry_delay_seconds=[1, 5, 15], retry_condition_fn=_retry_if_transient
)


@dataclass(frozen=True)
class CrawlCounts:
    """What a web run saw before loading: article URLs listed, skipped as stored, fetched, unchanged."""

    discovered: int
    already_stored: int
    fetched: int
    unchanged: int
    failed: int


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run did; printed by the CLI and published as a Prefect artifact."""

    run_id: str
    db_path: str
    documents_seen: int
    documents_new: int
    new_articles: int
    exact_duplicates: int
    near_duplicates: int = 0
    new_stories: int = 0
    new_versions: int = 0
    off_topic: int = 0
    rejects: tuple[Reject, ...] = field(default=())
    crawl: CrawlCounts | None = None
    alerts: tuple[Alert, ...] = ()

    @property
    def counts(self) -> RunCounts:
        return RunCounts(
            documents_seen=self.documents_seen,
            documents_new=self.documents_new,
            new_articles=self.new_articles,
            exact_duplicates=self.exact_duplicates,
            rejected=len(self.rejects),
            near_duplicates=self.near_duplicates,
            new_stories=self.new_stories,
        )

    @property
    def nothing_new(self) -> bool:
        return self.documents_new == 0 and self.new_articles == 0 and self.new_versions == 0

    def to_markdown(self) -> str:
        lines = [
            "# newsetl ingest",
            "",
            "| documents seen | new documents | new articles | new versions | exact duplicates "
            "| near duplicates | new stories | rejected |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {self.documents_seen} | {self.documents_new} | {self.new_articles} | {self.new_versions} "
            f"| {self.exact_duplicates} | {self.near_duplicates} | {self.new_stories} "
            f"| {len(self.rejects)} |",
            "",
            f"Database: `{self.db_path}`",
        ]
        if self.crawl:
            c = self.crawl
            lines += [
                "",
                "## Web",
                "",
                "| article URLs listed | already stored | fetched | unchanged (304) | failed | off topic |",
                "|---:|---:|---:|---:|---:|---:|",
                f"| {c.discovered} | {c.already_stored} | {c.fetched} | {c.unchanged} | {c.failed} "
                f"| {self.off_topic} |",
            ]
        if self.rejects:
            lines += ["", "## Rejected", "", "| stage | reason | uri |", "|---|---|---|"]
            lines += [f"| {r.stage} | {r.reason} | `{r.uri}` |" for r in self.rejects]
        return "\n".join(lines)


@io_task
def discover(paths: list[str]) -> tuple[list[Path], list[Reject]]:
    return discover_files(Path(p) for p in paths)


@io_task
def read(files: list[Path], now: datetime, max_file_bytes: int) -> tuple[list[RawDocument], list[Reject]]:
    documents: list[RawDocument] = []
    rejects: list[Reject] = []
    for path in files:
        try:
            documents.extend(read_file(path, now, max_file_bytes))
        except TerminalError as error:
            rejects.append(Reject.from_error(path.as_uri(), error))
    return documents, rejects


@io_task
def store_raw(
    db: str, documents: list[RawDocument], run_id: str, flow_run_id: str | None, now: datetime
) -> tuple[int, list[RawDocument]]:
    """Store every document raw before any processing; return how many were new and all still pending."""
    with connect(db) as connection:
        start_run(connection, run_id, flow_run_id, now)
        stored = store_raw_documents(connection, documents, run_id)
        return stored, pending_documents(connection)


@dataclass(frozen=True)
class Processed:
    """A batch after extraction and cleaning: articles (with their extractor), rejects, off-topic pages."""

    articles: list[tuple[Article, str]]
    rejects: list[Reject]
    off_topic: list[OffTopic]
    # Each extracted document's short lines, per source: the evidence for learning boilerplate.
    line_keys: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)


@io_task
def learned_lines(db: str, documents: list[RawDocument]) -> dict[str, frozenset[str]]:
    with connect(db) as connection:
        return learned_boilerplate(connection, sorted({d.source for d in documents}))


@task(cache_policy=NONE)
def extract_and_clean(
    documents: list[RawDocument],
    topic_rules: dict[str, TopicRule] | None = None,
    learned: dict[str, frozenset[str]] | None = None,
) -> Processed:
    """Extract and clean each document; a failure rejects that document only. Documents of a source with
    a topic rule that they do not match are set aside (kept raw, not loaded as articles). A source's
    learned boilerplate lines are dropped from its documents."""
    articles: list[tuple[Article, str]] = []
    rejects: list[Reject] = []
    off_topic: list[OffTopic] = []
    line_counts: dict[str, tuple[str, frozenset[str]]] = {}
    steps = {source: steps_for(known_boilerplate=lines) for source, lines in (learned or {}).items()}
    for raw in documents:
        try:
            extracted = extract_document(raw)
            article = clean_document(extracted, steps.get(raw.source, STEPS))
            line_counts[raw.doc_id] = (raw.source, line_keys(extracted.text))
        except TerminalError as error:
            rejects.append(Reject.from_error(raw.uri, error, doc_id=raw.doc_id))
            continue
        rule = (topic_rules or {}).get(raw.source)
        decision = decide_topic(rule, article.title, article.body) if rule else None
        if decision and not decision.relevant:
            off_topic.append(OffTopic(raw.doc_id, raw.uri, raw.source, decision.reason))
        else:
            articles.append((article, extracted.extractor))
    return Processed(articles, rejects, off_topic, line_counts)


@task(cache_policy=NONE)
def analyse_articles(articles: list[Article]) -> list[ArticleAnalysis]:
    """Sentences, entity mentions and numeric facts of each new article, for the analyst tables."""
    return [analyse(a.article_id, a.body) for a in articles]


@dataclass(frozen=True)
class Deduplicated:
    """A batch after the three levels: exact copies set aside, near-copies grouped, stories assigned."""

    exact: DedupResult
    fingerprints: list[Fingerprint]
    near_duplicates: list[NearDuplicate]
    story_features: list[StoryFeatures]
    stories: list[StoryAssignment]


@io_task
def deduplicate(db: str, articles: list[Article], now: datetime) -> Deduplicated:
    """Exact (URL, body hash), then near-duplicates (MinHash/LSH), then stories, against what is stored."""
    scheme = DEFAULT_SCHEME
    with connect(db) as connection:
        known_urls, known_hashes = known_articles(
            connection, [a.canonical_url for a in articles], [a.body_hash for a in articles]
        )
        versions = current_versions(connection, list(set(known_urls.values())))
        exact = deduplicate_exact(articles, known_urls, known_hashes, versions)
        signed = [(a.article_id, *signature(a.body, scheme)) for a in exact.new_articles]
        candidates = near_duplicate_candidates(
            connection,
            scheme.scheme_id,
            {article_id: band_keys(sig, scheme) for article_id, sig, _ in signed},
        )
        near, fingerprints = group_batch(signed, candidates, scheme)
        features = [story_features(a.article_id, a.body, a.published_at) for a in exact.new_articles]
        window = StoryRules().window
        times = [f.event_time for f in features if f.event_time] or [now]
        stored = story_candidates(connection, min(times) - window, max(times) + window)
        stored_story_of = stories_of(connection, [n.matched_article_id for n in near])
    copies = {n.article_id: (n.matched_article_id, n.similarity) for n in near}
    stories = assign_stories(features, stored, copies=copies, stored_story_of=stored_story_of)
    return Deduplicated(exact, fingerprints, near, features, stories)


@io_task
def load(
    db: str,
    run_id: str,
    now: datetime,
    dedup: Deduplicated,
    extractors: dict[str, str],
    rejects: list[Reject],
    off_topic: list[OffTopic],
    analyses: list[ArticleAnalysis],
    line_counts: list[tuple[str, frozenset[str]]],
) -> None:
    with connect(db) as connection:
        load_outcomes(
            connection,
            run_id,
            now,
            [(a, extractors[a.doc_id]) for a in dedup.exact.new_articles],
            dedup.exact.duplicates,
            rejects,
            scheme=DEFAULT_SCHEME,
            fingerprints=dedup.fingerprints,
            near_duplicates=dedup.near_duplicates,
            story_features=dedup.story_features,
            stories=dedup.stories,
            off_topic=off_topic,
            versions=dedup.exact.versions,
            analyses=analyses,
            line_keys=line_counts,
        )


@io_task
def refresh_search(db: str) -> None:
    with connect(db) as connection:
        refresh_search_index(connection)


@io_task
def record_source_health(
    db: str, run_id: str, sources: list[SourceRun], rules: HealthRules | None = None
) -> list[Alert]:
    """Each source's figures for this run, checked against its own history by the drift rules."""
    with connect(db) as connection:
        runs = run_figures(connection, run_id, sources)
        alerts = [
            alert
            for run in runs
            for alert in check_source(
                run, source_history(connection, run.source, run_id), rules or HealthRules()
            )
        ]
        save_source_health(connection, run_id, runs, alerts, datetime.now(UTC))
    return alerts


@task(cache_policy=NONE)
def raise_health_alerts(alerts: list[Alert]) -> State[None]:
    """Fails (in the UI, not the run) when a source drifted, so operators see it among the task runs."""
    if not alerts:
        return Completed(message="all sources healthy")
    lines = "\n".join(f"- **{a.source}** ({a.rule}): {a.message}" for a in alerts)
    create_markdown_artifact(f"# Source alerts\n\n{lines}", key="source-alerts", description="Drift alerts")
    return Failed(
        message=f"{len(alerts)} source alert(s): " + "; ".join(f"{a.source}: {a.rule}" for a in alerts)
    )


@io_task
def record_run_end(db: str, run_id: str, status: str, counts: RunCounts) -> None:
    with connect(db) as connection:
        finish_run(connection, run_id, status, counts, datetime.now(UTC))


@flow(name="ingest", description="Load documents from files or folders into the DuckDB warehouse.")
def ingest(
    paths: list[str],
    db: str = "data/newsetl.duckdb",
    max_file_bytes: int = DEFAULT_MAX_BYTES,
    lock_wait_seconds: float = 60.0,
    memory_limit: str | None = None,
) -> IngestSummary:
    """Ingest every supported file under `paths` into the warehouse at `db`. Safe to rerun."""
    configure_warehouse(memory_limit)
    logger = get_run_logger()
    now = datetime.now(UTC)
    run_id = current_run_id()
    with writer_lock(db, holder=run_id, wait_seconds=lock_wait_seconds):
        files, path_rejects = discover(paths)
        logger.info("Found %d files under %s", len(files), ", ".join(paths))
        documents, read_rejects = read(files, now, max_file_bytes)
        sources = [
            SourceRun(
                FILE_SOURCE,
                str(SourceKind.FILE),
                discovered=len(files),
                fetched=len(documents),
                failed=len(read_rejects),
                seconds=(datetime.now(UTC) - now).total_seconds(),
            )
        ]
        return load_documents(db, run_id, documents, [*path_rejects, *read_rejects], now, sources=sources)


def opaque(value: Batch) -> Batch:
    """Hand a batch to a task without Prefect walking every field of every record in it, looking for
    futures to resolve: on large batches that walk cost more than the work itself (bench: 8.6 of 16 s)."""
    return cast(Batch, quote(value))


def current_run_id() -> str:
    """The Prefect flow run id (so a warehouse row leads to its run in the UI), or a fresh id outside one."""
    return flow_run.get_id() or str(uuid.uuid4())


def load_documents(
    db: str,
    run_id: str,
    documents: list[RawDocument],
    early_rejects: list[Reject],
    now: datetime,
    topic_rules: dict[str, TopicRule] | None = None,
    crawl: CrawlCounts | None = None,
    sources: list[SourceRun] | None = None,
    health_rules: HealthRules | None = None,
) -> IngestSummary:
    """The part every source shares: store raw, process what is pending, load, publish the summary.

    Call it inside a flow that holds the warehouse's writer lock.
    """
    logger = get_run_logger()
    # Batches of documents are wrapped in opaque(): Prefect would otherwise walk every field of every
    # record looking for futures, which costs more than the work itself on large batches.
    try:
        documents_new, pending = store_raw(db, opaque(documents), run_id, flow_run.get_id(), now)
        logger.info("Read %d documents, %d new; %d to process", len(documents), documents_new, len(pending))
        learned = learned_lines(db, opaque(pending))
        processed = extract_and_clean(opaque(pending), topic_rules, learned)
        dedup = deduplicate(db, opaque([article for article, _ in processed.articles]), now)
        analyses = analyse_articles(opaque(list(dedup.exact.new_articles)))
        rejects = [*early_rejects, *processed.rejects]
        extractors = {a.doc_id: extractor for a, extractor in processed.articles}
        # Lines are counted once per article: copies of one article must not make its lines look recurring.
        counted = [processed.line_keys[a.doc_id] for a in dedup.exact.new_articles]
        load(
            db,
            run_id,
            now,
            opaque(dedup),
            opaque(extractors),
            opaque(rejects),
            opaque(processed.off_topic),
            opaque(analyses),
            opaque(counted),
        )
        if dedup.exact.new_articles:
            refresh_search(db)
    except Exception:
        record_run_end(db, run_id, "failed", RunCounts(len(documents), 0, 0, 0, 0))
        raise
    alerts = record_source_health(db, run_id, sources or [], health_rules)
    summary = IngestSummary(
        run_id=run_id,
        db_path=str(Path(db).resolve()),
        documents_seen=len(documents),
        documents_new=documents_new,
        new_articles=len(dedup.exact.new_articles),
        exact_duplicates=len(dedup.exact.duplicates),
        near_duplicates=len(dedup.near_duplicates),
        new_stories=sum(1 for s in dedup.stories if s.story_id == s.article_id),
        new_versions=len(dedup.exact.versions),
        off_topic=len(processed.off_topic),
        rejects=tuple(rejects),
        crawl=crawl,
        alerts=tuple(alerts),
    )
    record_run_end(db, run_id, "completed", summary.counts)
    raise_health_alerts(alerts, return_state=True)
    publish_artifacts(summary, dedup.exact.new_articles)
    logger.info(
        "%d new articles, %d exact duplicates, %d near duplicates, %d new stories, %d rejected",
        summary.new_articles,
        summary.exact_duplicates,
        summary.near_duplicates,
        summary.new_stories,
        len(summary.rejects),
    )
    return summary


def publish_artifacts(summary: IngestSummary, new_articles: tuple[Article, ...]) -> None:
    """The run's summary and its new articles, shown on the flow run's page in the Prefect UI."""
    create_markdown_artifact(
        summary.to_markdown(), key="ingest-summary", description="What the ingest run did"
    )
    if new_articles:
        create_table_artifact(
            [
                {"title": a.title or "", "url": a.canonical_url, "source": a.source, "words": a.word_count}
                for a in new_articles
            ],
            key="new-articles",
            description=f"{len(new_articles)} new articles",
        )
