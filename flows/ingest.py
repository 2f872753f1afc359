"""The `ingest` flow: discover → read → store raw → extract and clean → deduplicate → load.

Tasks are thin: each calls one function of flows/pipeline.py (the plain pipeline core), extract/ or
warehouse/. Per-document failures become rejects inside the tasks, so one bad file never fails the run;
only transient errors are retried.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.client.schemas.objects import State, TaskRun
from prefect.exceptions import MissingContextError
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from prefect.utilities.annotations import quote

from extract.files import DEFAULT_MAX_BYTES, FILE_SOURCE, discover_files, read_file
from flows import pipeline
from flows.digest import daily_digest
from flows.pipeline import Deduplicated, Processed
from flows.settings import Settings, warehouse_for
from flows.story_report import EDITS_ARTIFACT_KEY, edits_markdown, stories_of_this_run
from flows.story_text import story_edits_lines
from transform.errors import Reject, TransientError
from transform.health import Alert, HealthRules, SourceRun, check_source
from transform.outcomes import BatchOutcome
from transform.records import Article, RawDocument, SourceKind
from transform.stories import WEAK_JOIN
from transform.topics import TopicRule
from warehouse.connection import (
    ReadCopy,
    Warehouse,
    WarehouseError,
    commit_lock,
    connect,
    is_storage_failure,
    publish_read_copy,
)
from warehouse.health import run_figures, save_source_health, source_history
from warehouse.loads import (
    RunCounts,
    claimed_documents,
    close_abandoned_runs,
    documents_with_outcome,
    finish_run,
    load_outcomes,
    raw_rows,
    record_attempts,
    run_status,
    running_runs,
    start_run,
    store_raw_documents,
    transaction,
)
from warehouse.locks import live_runs, run_guard
from warehouse.queries import (
    attempt_counts,
    changes_since,
    lake_snapshot,
    learned_boilerplate,
    pending_documents,
    run_articles_query,
    run_rejects_query,
)
from warehouse.story_edits import EditReplays, owes_story_edits, replay_story_edits

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


# Rows of an artifact's table (new articles, rejects). A backfill's 80,000 new articles made a 15 MB
# artifact (1.9 s to send, more for the server to store, a page the UI cannot show), and past ~1.5 MB
# (about 8,000 rows) the server logs "Refusing to publish event of size ..." for it; 1,000 rows: ~0.2 MB.
ARTIFACT_ROWS = 1_000
# How many times a run whose decisions went stale by its turn at a lake's commit lock decides again after
# the turn (another writer may commit once more meanwhile) before it decides in a turn, where nothing else
# commits but it (`process_batch`).
DECISIONS_OUTSIDE_THE_TURN = 2


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
    # Articles that joined a story on evidence under WEAK_JOIN: the joins to review first.
    weak_joins: int = 0
    rejects: tuple[Reject, ...] = field(default=())
    crawl: CrawlCounts | None = None
    alerts: tuple[Alert, ...] = ()
    # The analysts' story edits a reprocess left owed, made again by this run or still waiting.
    story_edits: EditReplays = field(default_factory=EditReplays)

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

    def weak_joins_advice(self, command: str = "newsetl", quote: str = "`") -> str:
        """What to do about the run's weak joins (say there are some), naming the commands as `command`
        runs them, each between `quote`s."""
        joins = f"{self.weak_joins} article{'s' if self.weak_joins > 1 else ''}"
        return (
            f"{joins} joined a story with a score under {WEAK_JOIN}, where half the joins are wrong on "
            f"our story sets: review them with {quote}{command} stories --weakest{quote}, correct one with "
            f"{quote}{command} split-story{quote}."
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
        if self.weak_joins:
            lines += ["", self.weak_joins_advice()]
        if edits := story_edits_lines(self.story_edits):
            lines += ["", *edits]
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
            lines += [f"| {r.stage} | {r.reason} | `{r.uri}` |" for r in self.rejects[:ARTIFACT_ROWS]]
            if len(self.rejects) > ARTIFACT_ROWS:
                more = len(self.rejects) - ARTIFACT_ROWS
                lines += ["", f'... and {more:,} more: `newsetl sql "{run_rejects_query(self.run_id)}"`']
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
        except TransientError:
            raise
        except Exception as error:  # one file, whatever went wrong with it, never the batch
            rejects.append(Reject.from_exception(path.as_uri(), "read", error))
    return documents, rejects


@dataclass(frozen=True)
class Stored:
    """After storing raw: how many documents were new, what is pending, and what was set aside."""

    new: int
    pending: list[RawDocument]
    set_aside: list[Reject]
    abandoned_runs: int


@io_task
def store_raw(
    db: Warehouse,
    documents: list[RawDocument],
    run_id: str,
    flow_run_id: str | None,
    now: datetime,
    early_rejects: list[Reject] | None = None,
) -> Stored:
    """Store every document raw before any processing, and the rejects of paths and files that never
    became documents; return what is pending (new or left over) and not claimed by another live run.

    Runs left 'running' by a process that died are closed first (on a DuckDB file this run holds the
    writer lock, so none is live; on a lake, those whose lease is gone); documents pending in
    `pipeline.MAX_ATTEMPTS` such runs are rejected, the rest are recorded as attempted by this run: its
    claim, which other runs of a lake leave to it while it lives. On a lake all this is one turn at the
    commit lock, so two runs never claim one document.
    """
    rows = raw_rows(documents, run_id)
    with connect(db) as connection:
        others = [run for run in running_runs(connection) if run != run_id]
        alive = live_runs(db, others)
        abandoned = close_abandoned_runs(connection, [run for run in others if run not in alive], now)
        start_run(connection, run_id, flow_run_id, now)
        stored = store_raw_documents(connection, rows)
        claimed = claimed_documents(connection, alive)
        pending = [d for d in pending_documents(connection, documents) if d.doc_id not in claimed]
        attempts = attempt_counts(connection, [d.doc_id for d in pending])
        pending, set_aside = pipeline.set_aside_repeated_failures(pending, attempts)
        if set_aside or early_rejects:
            load_outcomes(connection, run_id, now, BatchOutcome(rejects=(*(early_rejects or ()), *set_aside)))
        record_attempts(connection, run_id, [d.doc_id for d in pending], now)
        return Stored(stored, pending, set_aside, abandoned)


@io_task
def learned_lines(db: Warehouse, documents: list[RawDocument]) -> dict[str, frozenset[str]]:
    with connect(db, read_only=True, run_reads=True) as connection:  # no turn at a lake's commit lock
        return learned_boilerplate(connection, sorted({d.source for d in documents}))


@io_task
def copies_and_versions(db: Warehouse, articles: list[Article]) -> set[str]:
    """The batch's articles that cannot be new: copies or new versions of a stored article (its URL or
    its text), or of an earlier article of the batch, as exact deduplication decides against what is
    stored now. Their analysis and story evidence are not computed: a page fetched again in new bytes
    (`--refetch`, a folder or an archive ingested again) or an outlet's copy of a stored text. Stored
    articles are never removed, so deduplication under the commit lock finds them no more new than this
    read did."""
    if not articles:  # (a run with nothing new still shows the task: every run has the same graph)
        return set()
    with connect(db, read_only=True, run_reads=True) as connection:  # no turn at a lake's commit lock
        exact = pipeline.deduplicate_against_stored(connection, articles, versions=False)
    new = {article.article_id for article in exact.new_articles}
    return {article.article_id for article in articles if article.article_id not in new}


@task(cache_policy=NONE)
def extract_and_clean(
    documents: list[RawDocument],
    topic_rules: dict[str, TopicRule] | None = None,
    learned: dict[str, frozenset[str]] | None = None,
    workers: int | None = None,
) -> Processed:
    """Extract and clean each document (in `workers` processes, by default as the batch's size calls
    for); a failure of any kind rejects that document only."""
    return pipeline.extract_and_clean(documents, topic_rules, learned, workers=workers)


@task(cache_policy=NONE)
def gather_evidence(articles: list[Article], story_embeddings: bool = False) -> pipeline.Evidence:
    """Each article's MinHash signature and story evidence (with `story_embeddings`, its sentence
    embedding too): what deduplication needs that the warehouse does not hold; and its analysis
    (sentences, entity mentions, numeric facts) for the analyst tables, from the same reading of its
    sentences. Computed before the commit lock, so a lake's writers do it in parallel."""
    return pipeline.gather_evidence(articles, story_embeddings=story_embeddings)


@io_task
def deduplicate(
    db: Warehouse,
    articles: list[Article],
    now: datetime,
    evidence: pipeline.Evidence | None = None,
    story_embeddings: bool = False,
) -> Deduplicated:
    """Exact (URL, body hash), then near-duplicates (MinHash/LSH), then stories, against what is stored.
    A read, without a turn at a lake's commit lock: its queries are one transaction, so they see one
    snapshot of a lake (whose catalog is read once, not per query), recorded with the decisions."""
    with connect(db, read_only=True, run_reads=True) as connection, transaction(connection):
        dedup = pipeline.deduplicate(
            connection, articles, now, evidence=evidence, story_embeddings=story_embeddings
        )
        return replace(dedup, snapshot=lake_snapshot(connection))


@io_task
def stale_decisions(db: Warehouse, snapshot: int | None) -> list[str]:
    """What other writers of a lake changed after `snapshot` that deduplication reads (tables, kinds of
    change): decisions made against it no longer hold unless this is empty. Called in a turn at the commit
    lock, so nothing changes between this answer and the load. Nothing on a DuckDB file: the run holds
    its only writer's lock from start to end."""
    if snapshot is None:
        return []
    with connect(db, read_only=True, run_reads=True) as connection:
        return changes_since(connection, snapshot)


@io_task
def taken_over(db: Warehouse, run_id: str, doc_ids: list[str]) -> set[str]:
    """The batch's documents another run recorded an outcome for while this one processed them: on a
    lake, a run whose lease was cut (its catalog session lost in a PostgreSQL restart) was taken for dead
    and its claims processed again; this run then leaves them to that one. Only a run another closed as
    abandoned can have lost documents so (a run closes the dead before it claims), so a run still
    'running' looks no further. Always none on a DuckDB file."""
    with connect(db) as connection:
        if run_status(connection, run_id) == "running":
            return set()
        return documents_with_outcome(connection, doc_ids)


@io_task
def load(db: Warehouse, run_id: str, now: datetime, outcome: BatchOutcome) -> None:
    with pipeline.frozen_heap(), connect(db) as connection:
        load_outcomes(connection, run_id, now, outcome)


@io_task
def load_isolating(
    db: Warehouse,
    run_id: str,
    now: datetime,
    batch: list[RawDocument],
    topic_rules: dict[str, TopicRule] | None,
    story_embeddings: bool = False,
) -> BatchOutcome:
    """After a batch failed: process and load its documents still pending in halves, down to the document
    that fails alone, which is rejected (see flows/pipeline.py). The run's other batches wait their turn."""
    with connect(db) as connection:
        settled = documents_with_outcome(connection, [document.doc_id for document in batch])
        pending = [document for document in batch if document.doc_id not in settled]
        return pipeline.load_isolating(connection, run_id, pending, now, topic_rules, story_embeddings)


@io_task
def record_source_health(
    db: Warehouse, run_id: str, sources: list[SourceRun], rules: HealthRules | None = None
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
    return Failed(message=describe_alerts(alerts))


def describe_alerts(alerts: Sequence[Alert]) -> str:
    return f"{len(alerts)} source alert(s): " + "; ".join(f"{a.source}: {a.rule}" for a in alerts)


@io_task
def make_story_edits_again(db: Warehouse, run_id: str) -> EditReplays:
    """Make the analysts' story edits again on the stories a reprocess rebuilt, once no document of it is
    pending: in the reprocess's own run, or in the next run when the reprocess died before the end. Every
    run asks, reading a few rows (on a lake without waiting for the commit lock); the edits take it."""
    with connect(db, read_only=True, run_reads=True) as connection:
        if not owes_story_edits(connection):
            return EditReplays()
    with commit_lock(db, holder=run_id), connect(db) as connection:
        replays = replay_story_edits(connection, datetime.now(UTC))
    # The count (or what waits), then each edit skipped; nothing when another run paid them meanwhile.
    lines = story_edits_lines(replays)
    logger = get_run_logger()
    for number, line in enumerate(lines):
        (logger.warning if number else logger.info)(line)
    return replays


@io_task
def refresh_read_copy(db: Warehouse) -> ReadCopy | None:
    """Publish the warehouse's read copy for analysts and `newsetl sql` (see warehouse.connection). A
    failure does not undo the run: readers keep the previous copy, and the error says so. A lake has
    none: its readers read it as it is, at its latest snapshot."""
    if db.lake is not None:
        return None
    try:
        published = publish_read_copy(db)
    except (OSError, WarehouseError) as error:
        get_run_logger().error("The read copy was not refreshed (readers see the previous run): %s", error)
        return None
    logger = get_run_logger()
    if not published.copied:
        logger.info("Read copy %s unchanged (the run changed nothing)", published.path)
    elif published.whole_copy_reason:
        logger.info(
            "Read copy %s: copied whole (%s), %.1f MB in %.2f s",
            published.path,
            published.whole_copy_reason,
            published.size_bytes / 1e6,
            published.seconds,
        )
    else:
        logger.info(
            "Read copy %s: %.1f of %.1f MB written in %.2f s",
            published.path,
            published.written_bytes / 1e6,
            published.size_bytes / 1e6,
            published.seconds,
        )
    return published


@io_task
def record_run_end(db: Warehouse, run_id: str, status: str, counts: RunCounts) -> None:
    with connect(db) as connection:
        finish_run(connection, run_id, status, counts, datetime.now(UTC))


def run_name(verb: str, inputs: Sequence[str]) -> str:
    """A flow run's name from its inputs, as the runs list shows it: "ingest samples", "web newsroom +3"."""
    if not inputs:
        return verb
    more = f" +{len(inputs) - 1}" if len(inputs) > 1 else ""
    return f"{verb} {Path(inputs[0]).name or inputs[0]}{more}"


def _ingest_run_name() -> str:
    return run_name("ingest", [str(p) for p in flow_run.parameters.get("paths") or []])


def finished(summary: IngestSummary) -> IngestSummary:
    """What a loading flow returns: its summary or, when sources raised drift alerts, a Completed state
    named "Completed with alerts" holding it, so the runs list tells such runs apart. (Prefect makes a
    state that a flow returns the run's final state, and hands its data to the caller of the flow.)"""
    if not summary.alerts:
        return summary
    state: State[IngestSummary] = Completed(
        name="Completed with alerts", message=describe_alerts(summary.alerts), data=summary
    )
    return cast(IngestSummary, state)


@flow(
    name="ingest",
    description="Load documents from files or folders into the DuckDB warehouse.",
    flow_run_name=_ingest_run_name,
)
def ingest(
    paths: list[str],
    db: str | None = None,
    max_file_bytes: int = DEFAULT_MAX_BYTES,
    lock_wait_seconds: float = 60.0,
    memory_limit: str | None = None,
) -> IngestSummary:
    """Ingest every supported file under `paths` into the warehouse at `db` (default: NEWSETL_DB where the
    run executes, else data/newsetl.duckdb). Safe to rerun."""
    warehouse = warehouse_for(db, memory_limit)
    logger = get_run_logger()
    now = datetime.now(UTC)
    run_id = current_run_id()
    with run_guard(warehouse, holder=run_id, wait_seconds=lock_wait_seconds):
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
        summary = load_documents(
            warehouse, run_id, documents, [*path_rejects, *read_rejects], now, sources=sources
        )
    return finished(summary)


def opaque(value: Batch) -> Batch:
    """Hand a batch to a task without Prefect walking every field of every record in it, looking for
    futures to resolve: on large batches that walk cost more than the work itself (bench: 8.6 of 16 s)."""
    return cast(Batch, quote(value))


def current_run_id() -> str:
    """The Prefect flow run id (so a warehouse row leads to its run in the UI), or a fresh id outside one."""
    return flow_run.get_id() or str(uuid.uuid4())


@dataclass(frozen=True)
class Stages:
    """The steps `process_batch` runs: the tasks above in the ingest flow, or their plain functions
    (bench/workers.py measures a lake's writers without a Prefect server on the same cores). `hand`
    passes a batch to a step: `opaque` for tasks, as is for plain functions."""

    learned_lines: Callable[..., dict[str, frozenset[str]]]
    extract_and_clean: Callable[..., Processed]
    copies_and_versions: Callable[..., set[str]]
    gather_evidence: Callable[..., pipeline.Evidence]
    taken_over: Callable[..., set[str]]
    deduplicate: Callable[..., Deduplicated]
    stale_decisions: Callable[..., list[str]]
    load: Callable[..., None]
    hand: Callable[[Any], Any]

    @classmethod
    def of_tasks(cls) -> Stages:
        return cls(
            learned_lines,
            extract_and_clean,
            copies_and_versions,
            gather_evidence,
            taken_over,
            deduplicate,
            stale_decisions,
            load,
            opaque,
        )

    @classmethod
    def plain(cls) -> Stages:
        return cls(
            learned_lines.fn,
            extract_and_clean.fn,
            copies_and_versions.fn,
            gather_evidence.fn,
            taken_over.fn,
            deduplicate.fn,
            stale_decisions.fn,
            load.fn,
            lambda batch: batch,
        )


def process_batch(
    db: Warehouse,
    run_id: str,
    now: datetime,
    pending: list[RawDocument],
    topic_rules: dict[str, TopicRule] | None,
    workers: int | None = None,
    stages: Stages | None = None,
    story_embeddings: bool = False,
) -> tuple[BatchOutcome, int]:
    """Extract, clean, analyse, deduplicate and load the stored documents still pending; the outcome,
    and how many documents another run recorded meanwhile (left to it).

    Everything that does not write comes first: extraction, cleaning, then analysis, signatures and story
    evidence of every article that may be new (not a copy or version of a stored or an earlier one), then
    deduplication's decisions against one snapshot of what is stored. The batch loads in a turn at a
    lake's commit lock, if no other writer committed anything the decisions read after that snapshot;
    otherwise the run leaves its turn, decides again against the newer snapshot, and takes another turn
    (after `DECISIONS_OUTSIDE_THE_TURN` such rounds it decides in the turn). Writers of one lake do the
    first part side by side and take turns at the second, so each decides against every article committed
    before it (docs/scaling.md). A DuckDB file's run holds its writer lock throughout, so nothing can be
    taken over and no decision goes stale.
    """
    step = stages or Stages.of_tasks()
    hand = step.hand
    learned = step.learned_lines(db, hand(pending))
    processed = step.extract_and_clean(hand(pending), topic_rules, learned, workers)
    articles = [article for article, _ in processed.articles]
    repeats = step.copies_and_versions(db, hand(articles))
    fresh = [article for article in articles if article.article_id not in repeats]
    evidence = step.gather_evidence(hand(fresh), story_embeddings)

    def decide() -> pipeline.Deduplicated:
        # On the batch's articles as they stand: those another run took over meanwhile are left out below.
        # A new article without evidence (taken for a repeat) gets it in deduplicate: that does not happen
        # while stored articles are never removed (`copies_and_versions`).
        return step.deduplicate(db, hand(articles), now, hand(evidence), story_embeddings)

    dedup = decide()
    doc_ids = [document.doc_id for document in pending]
    left_to_others: set[str] = set()
    decided_outside = 0
    while True:
        with commit_lock(db, holder=run_id):
            taken = set()
            if db.lake is not None:
                taken = step.taken_over(db, run_id, [i for i in doc_ids if i not in left_to_others])
                left_to_others |= taken
                processed = processed.without(taken)
                articles = [article for article, _ in processed.articles]
            stale = step.stale_decisions(db, dedup.snapshot)
            if stale:
                _log_in_flow_run(
                    "Deduplication decides again: another run committed to %s after its snapshot",
                    ", ".join(stale),
                )
            changed = bool(taken or stale)
            if not changed or decided_outside == DECISIONS_OUTSIDE_THE_TURN:
                if changed:  # in this turn nothing else commits: decided against what is stored now
                    dedup = decide()
                outcome = pipeline.outcome_of(processed, dedup)
                step.load(db, run_id, now, hand(outcome))
                return outcome, len(left_to_others)
        # Decided again after the turn, so that other writers' turns do not wait for it; the next turn
        # checks the new snapshot.
        dedup = decide()
        decided_outside += 1


def _log_in_flow_run(message: str, *args: object) -> None:
    """Log at INFO to the Prefect flow run, when there is one (the bench and tests call the flow's steps
    as plain functions)."""
    try:
        logger = get_run_logger()
    except MissingContextError:
        return
    logger.info(message, *args)


def process_pending(
    db: Warehouse,
    run_id: str,
    now: datetime,
    pending: list[RawDocument],
    topic_rules: dict[str, TopicRule] | None,
    workers: int | None = None,
    story_embeddings: bool = False,
) -> BatchOutcome:
    """The pending documents in batches of at most NEWSETL_MAX_BATCH_DOCUMENTS, each processed by
    `process_batch` with the tasks above and loaded before the next starts: beyond the raw documents, what
    the run holds in memory (articles, evidence, analyses) grows with a batch, not with all it found
    (100,000 generated documents: 5.6 GB at the peak in one batch, 2.8 GB in batches of 20,000, 8% slower),
    and a batch is deduplicated against the batches before it as against any stored article. A batch that
    fails for a reason other than the warehouse's storage is loaded again in halves (`load_isolating`), so
    one bad document is a reject and the rest loads."""
    size = Settings().max_batch_documents
    # A run with nothing pending still runs one (empty) batch: every run shows the same tasks.
    batches = [pending[start : start + size] for start in range(0, len(pending), size)] or [pending]
    if len(batches) == 1:
        return _process_one_batch(db, run_id, now, batches[0], topic_rules, workers, story_embeddings)
    logger = get_run_logger()
    outcome = BatchOutcome()
    for number, batch in enumerate(batches, 1):
        logger.info("Batch %d of %d: %s documents", number, len(batches), f"{len(batch):,}")
        loaded = _process_one_batch(db, run_id, now, batch, topic_rules, workers, story_embeddings)
        # Only what the run's summary reads: the evidence each load needed would keep every batch in memory.
        outcome = outcome.merged(loaded.summarised())
    return outcome


def _process_one_batch(
    db: Warehouse,
    run_id: str,
    now: datetime,
    batch: list[RawDocument],
    topic_rules: dict[str, TopicRule] | None,
    workers: int | None,
    story_embeddings: bool,
) -> BatchOutcome:
    try:
        outcome, taken = process_batch(
            db, run_id, now, batch, topic_rules, workers, story_embeddings=story_embeddings
        )
        if taken:
            get_run_logger().warning("%d documents were recorded by another run meanwhile", taken)
        return outcome
    except TransientError:
        raise
    except Exception as error:
        if is_storage_failure(error):
            raise
        get_run_logger().warning(
            "The batch failed (%s: %s); loading it in parts", type(error).__name__, error
        )
        return load_isolating(db, run_id, now, opaque(batch), topic_rules, story_embeddings)


def load_documents(
    db: Warehouse,
    run_id: str,
    documents: list[RawDocument],
    early_rejects: list[Reject],
    now: datetime,
    topic_rules: dict[str, TopicRule] | None = None,
    crawl: CrawlCounts | None = None,
    sources: list[SourceRun] | None = None,
    health_rules: HealthRules | None = None,
    failure: Callable[[IngestSummary], str | None] | None = None,
) -> IngestSummary:
    """The part every source shares: store raw, process what is pending, load, publish the summary.

    Call it inside a flow that holds the warehouse's run guard (`warehouse.locks.run_guard`). `failure`
    says why a run that loaded what it could still failed (a web run that could fetch nothing): its
    `runs` row is then 'failed'.
    """
    logger = get_run_logger()
    # Batches of documents are wrapped in opaque(): Prefect would otherwise walk every field of every
    # record looking for futures, which costs more than the work itself on large batches.
    try:
        stored = store_raw(db, opaque(documents), run_id, flow_run.get_id(), now, opaque(early_rejects))
        if stored.abandoned_runs:
            logger.warning("Closed %d run(s) left 'running' by a process that died", stored.abandoned_runs)
        pending = stored.pending
        logger.info("Read %d documents, %d new; %d to process", len(documents), stored.new, len(pending))
        # Read where the run executes, as the warehouse is (`warehouse_for`): a deployment's worker
        # environment decides, so every writer of one warehouse can be given the same.
        story_embeddings = Settings().story_embeddings
        outcome = process_pending(db, run_id, now, pending, topic_rules, story_embeddings=story_embeddings)
        outcome = BatchOutcome(rejects=(*early_rejects, *stored.set_aside)).merged(outcome)
        for warning in outcome.warnings:
            logger.warning(warning)
        summary = IngestSummary(
            run_id=run_id,
            db_path=db.shown,
            documents_seen=len(documents),
            documents_new=stored.new,
            new_articles=len(outcome.articles),
            exact_duplicates=len(outcome.duplicates),
            near_duplicates=len(outcome.near_duplicates),
            new_stories=outcome.new_stories,
            new_versions=len(outcome.versions),
            off_topic=len(outcome.off_topic),
            weak_joins=outcome.weak_joins,
            rejects=outcome.rejects,
            crawl=crawl,
        )
        alerts = record_source_health(db, run_id, sources or [], health_rules)
        summary = replace(summary, alerts=tuple(alerts), story_edits=make_story_edits_again(db, run_id))
    except Exception:
        record_run_end(db, run_id, "failed", RunCounts(len(documents), 0, 0, 0, 0))
        raise
    record_run_end(db, run_id, "failed" if failure and failure(summary) else "completed", summary.counts)
    refresh_read_copy(db)
    raise_health_alerts(alerts, return_state=True)
    publish_artifacts(summary, outcome.new_articles)
    logger.info(
        "%d new articles, %d exact duplicates, %d near duplicates, %d new stories, %d rejected",
        summary.new_articles,
        summary.exact_duplicates,
        summary.near_duplicates,
        summary.new_stories,
        len(summary.rejects),
    )
    publish_reports(db, now, run_id)
    return summary


def publish_reports(db: Warehouse, now: datetime, run_id: str) -> None:
    """The daily digest and the stories of this run, side by side: each task waits mostly on the Prefect
    API (one after the other they took 0.7-1.0 s of a 1,000-document run, side by side 0.3-0.45 s). A
    report that fails is a failed task run and a warning, never a failed ingest (the run's data is
    committed before)."""
    reports = {
        "The daily digest was": daily_digest.submit(db, now),
        "The stories of this run were": stories_of_this_run.submit(db, run_id),
    }
    for subject, report in reports.items():
        report.wait()
        if not report.state.is_completed():
            get_run_logger().warning("%s not published: %s", subject, report.state.message)


def publish_artifacts(summary: IngestSummary, new_articles: tuple[Article, ...]) -> None:
    """The run's summary and its new articles, shown on the flow run's page in the Prefect UI."""
    create_markdown_artifact(
        summary.to_markdown(), key="ingest-summary", description="What the ingest run did"
    )
    if summary.story_edits.edits:
        create_markdown_artifact(
            edits_markdown(summary.story_edits),
            key=EDITS_ARTIFACT_KEY,
            description="The analysts' story edits made again",
        )
    if new_articles:
        from textwrap import shorten

        def title(article: Article) -> str:
            # Untitled documents (plain text without a title line, JSON without one) show how they begin.
            if article.title and article.title.strip():
                return article.title
            return "(untitled) " + shorten(article.body, width=80, placeholder=" …")

        count = len(new_articles)
        description = f"{count} new article{'' if count == 1 else 's'}"
        if count > ARTIFACT_ROWS:
            description = (
                f"The first {ARTIFACT_ROWS:,} of {count:,} new articles; all of them: newsetl sql "
                f'"{run_articles_query(summary.run_id)}"'
            )
        create_table_artifact(
            [
                {"title": title(a), "url": a.canonical_url, "source": a.source, "words": a.word_count}
                for a in new_articles[:ARTIFACT_ROWS]
            ],
            key="new-articles",
            description=description,
        )
