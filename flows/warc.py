"""The `warc` flow: fill the warehouse from web archives (WARC/ARC files, local or fetched).

For each archive, from where the last run stopped (warehouse/warc.py):

    read records (extract/warc.py) → HTML pages → topic prefilter on their cheap text → chunks of pages
    → store raw + lineage → extract and clean in worker processes → deduplicate → load → save the offset

Most pages of a news archive are off topic, so the prefilter (transform/topic_prefilter.py) runs on the
tag-stripped text of every page before anything costly, and only pages that may be on topic are stored
and extracted; the full topic rule then decides on the extracted article, as for web sources. The
stages after reading are the ingest flow's own tasks (flows/ingest.py), fed one chunk at a time; only
extraction is different: it runs in worker processes, one per core, whatever a chunk's size
(flows/warc_chunks.py holds the chunking and that call: plain functions, which the bench calls too).

Resuming: an archive's next offset is saved after each chunk is loaded, so a killed run goes on from
the last chunk; pages of a chunk stored before the kill are found stored and are not added twice; an
archive read to its end is skipped.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from extract.http import Fetcher, HttpPolicy
from extract.sources import SourcesConfig, load_sources
from extract.warc import (
    CC_NEWS_BASE,
    WARC_SOURCE,
    WarcCapture,
    download_archive,
    is_remote,
    list_cc_news,
    read_archive,
)
from flows.ingest import (
    IngestSummary,
    current_run_id,
    describe_alerts,
    io_task,
    load,
    make_story_edits_again,
    opaque,
    process_pending,
    publish_artifacts,
    publish_reports,
    raise_health_alerts,
    record_run_end,
    record_source_health,
    refresh_read_copy,
    run_name,
    store_raw,
)
from flows.pipeline import usable_cores
from flows.settings import warehouse_for
from flows.warc_chunks import Chunk, chunks
from transform.errors import Reject
from transform.health import SourceRun
from transform.outcomes import BatchOutcome
from transform.records import SourceKind
from transform.topic_prefilter import prefilter_for
from transform.topics import DEFAULT_TOPIC, TopicRule
from warehouse.connection import Warehouse, connect
from warehouse.loads import RunCounts
from warehouse.locks import run_guard
from warehouse.warc import WarcCaptureRow, WarcProgress, save_warc_captures, save_warc_progress, warc_progress

# An archive fetched by URL is at most this large (CC-NEWS files are about 1 GB).
MAX_ARCHIVE_BYTES = 8 * 1024**3


@dataclass(frozen=True)
class Archive:
    """One archive to read: where it is, the source its pages belong to, and that source's topic rule."""

    location: str
    source: str = WARC_SOURCE
    topic: TopicRule | None = DEFAULT_TOPIC
    allow_private_addresses: bool = False

    @property
    def warc_file(self) -> str:
        """The archive's name in the warehouse: its URL, or its absolute file URI."""
        return self.location if is_remote(self.location) else Path(self.location).resolve().as_uri()


@dataclass(frozen=True)
class WarcCounts:
    """What a warc run read, before loading."""

    archives: int = 0
    already_read: int = 0
    records: int = 0
    pages: int = 0
    off_topic: int = 0
    read_rejects: int = 0
    fetch_failures: int = 0

    def plus(self, chunk: Chunk) -> WarcCounts:
        return replace(
            self,
            records=self.records + chunk.records,
            pages=self.pages + chunk.pages,
            off_topic=self.off_topic + chunk.off_topic,
            read_rejects=self.read_rejects + len(chunk.rejects),
        )


@dataclass(frozen=True)
class WarcSummary:
    """What a warc run did: the archive counts and the usual ingest summary of what was loaded."""

    counts: WarcCounts
    ingest: IngestSummary


@io_task
def read_progress(db: Warehouse, warc_file: str) -> WarcProgress | None:
    with connect(db) as connection:
        return warc_progress(connection, warc_file)


@io_task
def save_lineage(db: Warehouse, captures: list[WarcCapture], run_id: str) -> None:
    rows = [
        WarcCaptureRow(c.warc_file, c.offset, c.record_id, c.to_raw_document().doc_id, c.url, c.captured_at)
        for c in captures
    ]
    with connect(db) as connection:
        save_warc_captures(connection, rows, run_id)


@io_task
def save_progress(db: Warehouse, progress: WarcProgress, run_id: str) -> None:
    with connect(db) as connection:
        save_warc_progress(connection, progress, run_id, datetime.now(UTC))


@io_task
def fetch_archive(
    url: str, folder: Path, policy: HttpPolicy, allow_private: bool
) -> tuple[Path | None, Reject | None]:
    """Download an archive through the project's fetcher into `folder`: its path, or why it failed."""

    async def get() -> tuple[Path | None, Reject | None]:
        async with Fetcher(policy) as fetcher:
            path, result = await download_archive(fetcher, url, folder, MAX_ARCHIVE_BYTES, allow_private)
        return path, None if path else result.to_reject()

    return asyncio.run(get())


@io_task
def list_cc_news_files(
    days: tuple[date, date], base: str, policy: HttpPolicy
) -> tuple[list[str], list[Reject]]:
    """The URLs of the CC-NEWS files started on the days from days[0] to days[1] (monthly listings)."""

    async def get() -> tuple[list[str], list[Reject]]:
        async with Fetcher(policy) as fetcher:
            return await list_cc_news(fetcher, *days, base=base)

    urls, rejects = asyncio.run(get())
    get_run_logger().info("CC-NEWS %s to %s: %d files listed", days[0], days[1], len(urls))
    return urls, rejects


def load_chunk(
    db: Warehouse,
    run_id: str,
    now: datetime,
    chunk: Chunk,
    source: str,
    topic_rules: dict[str, TopicRule],
    processes: int | None,
) -> tuple[int, BatchOutcome]:
    """Store, extract, deduplicate and load one chunk with the ingest flow's tasks; (new documents,
    outcome). A chunk that fails is loaded again in halves (`flows.ingest.process_pending`)."""
    documents = [capture.to_raw_document(source) for capture in chunk.captures]
    save_lineage(db, opaque(chunk.captures), run_id)
    stored = store_raw(db, opaque(documents), run_id, flow_run.get_id(), now, opaque(chunk.rejects))
    # Every chunk in one process per core, whatever its size (extraction is most of an archive's cost).
    outcome = process_pending(db, run_id, now, stored.pending, topic_rules, processes or usable_cores())
    return stored.new, BatchOutcome(rejects=(*chunk.rejects, *stored.set_aside)).merged(outcome)


def archives_of(locations: Sequence[str], config: SourcesConfig | None, source: str) -> list[Archive]:
    """The archives to read: those given (under `source`, with the config's topic rule or the default),
    then, with a config, every archive of its warc sources (with each source's rule)."""
    default_topic = config.topic.to_rule() if config and config.topic else DEFAULT_TOPIC
    private = bool(config and config.http.allow_private_addresses)
    archives = [Archive(location, source, default_topic, private) for location in locations]
    for warc_source in config.warc_sources if config else []:
        assert config is not None
        rule = config.topic_rule(warc_source)
        allowed = config.allows_private(warc_source)
        archives += [Archive(a, warc_source.name, rule, allowed) for a in warc_source.archives]
    return archives


def _warc_run_name() -> str:
    return run_name("warc", [str(p) for p in flow_run.parameters.get("locations") or []])


@flow(
    name="warc",
    description="Load the pages of web archives (WARC/ARC files or URLs) on the topic into the warehouse.",
    flow_run_name=_warc_run_name,
)
def warc(
    locations: list[str],
    db: str = "data/newsetl.duckdb",
    config_path: str | None = None,
    source: str = WARC_SOURCE,
    all_topics: bool = False,
    processes: int | None = None,
    cc_news: tuple[date, date] | None = None,
    cc_news_base: str = CC_NEWS_BASE,
    lock_wait_seconds: float = 60.0,
    memory_limit: str | None = None,
) -> WarcSummary:
    """Read every archive in `locations` (then the CC-NEWS files of the days `cc_news` = (first, last),
    then the warc sources of `config_path`), from where the last run stopped, and load its pages that are
    on topic. Safe to rerun: a finished archive is skipped."""
    warehouse = warehouse_for(db, memory_limit)
    config = load_sources(Path(config_path)) if config_path else None
    policy = config.http.to_policy() if config else HttpPolicy()
    listed, listing_rejects = list_cc_news_files(cc_news, cc_news_base, policy) if cc_news else ([], [])
    archives = archives_of([*locations, *listed], config, source)
    if all_topics:
        archives = [replace(archive, topic=None) for archive in archives]
    run_id = current_run_id()
    now = datetime.now(UTC)
    with run_guard(warehouse, holder=run_id, wait_seconds=lock_wait_seconds):
        return _read_and_load(warehouse, run_id, now, archives, policy, processes, listing_rejects)


@dataclass
class _Totals:
    """What the run has read and loaded so far (one per run, never shared)."""

    counts: WarcCounts
    outcome: BatchOutcome = field(default_factory=BatchOutcome)
    seen: int = 0
    new: int = 0
    early: list[Reject] = field(default_factory=list)
    sources: dict[str, SourceRun] = field(default_factory=dict)


def _read_and_load(
    db: Warehouse,
    run_id: str,
    now: datetime,
    archives: list[Archive],
    policy: HttpPolicy,
    processes: int | None,
    early: list[Reject],
) -> WarcSummary:
    logger = get_run_logger()
    totals = _Totals(WarcCounts(archives=len(archives)), early=list(early))
    started = datetime.now(UTC)
    try:
        for archive in archives:
            progress = read_progress(db, archive.warc_file) or WarcProgress(archive.warc_file, archive.source)
            if progress.finished:
                logger.info("%s was read to its end by an earlier run: skipped", archive.warc_file)
                totals.counts = replace(totals.counts, already_read=totals.counts.already_read + 1)
                continue
            folder = Path(tempfile.mkdtemp(prefix="newsetl-warc-", dir=db.path.parent))
            try:
                path: Path | None = Path(archive.location)
                if is_remote(archive.location):
                    path, failure = fetch_archive(
                        archive.location, folder, policy, archive.allow_private_addresses
                    )
                if path is None:
                    totals.early.append(failure or Reject(archive.warc_file, "fetch", "no content"))
                    totals.counts = replace(totals.counts, fetch_failures=totals.counts.fetch_failures + 1)
                    continue
                progress = _load_archive(db, run_id, now, archive, path, progress, processes, totals)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            before = totals.sources.get(archive.source) or SourceRun(archive.source, str(SourceKind.WARC))
            totals.sources[archive.source] = replace(
                before,
                discovered=before.discovered + progress.pages,
                fetched=before.fetched + progress.pages,
                seconds=(datetime.now(UTC) - started).total_seconds(),
            )
        if totals.early:
            load(db, run_id, now, BatchOutcome(rejects=tuple(totals.early)))
            totals.outcome = BatchOutcome(rejects=tuple(totals.early)).merged(totals.outcome)
        summary = _summary(db, run_id, totals)
        summary = replace(
            summary,
            alerts=tuple(record_source_health(db, run_id, list(totals.sources.values()))),
            story_edits=make_story_edits_again(db, run_id),
        )
    except Exception:
        record_run_end(db, run_id, "failed", RunCounts(totals.seen, totals.new, 0, 0, 0))
        raise
    to_read = len(archives) - totals.counts.already_read
    failed = to_read > 0 and totals.counts.fetch_failures == to_read  # no archive could be fetched
    record_run_end(db, run_id, "failed" if failed else "completed", summary.counts)
    refresh_read_copy(db)
    raise_health_alerts(list(summary.alerts), return_state=True)
    publish_artifacts(summary, totals.outcome.new_articles)
    publish_reports(db, now, run_id)
    counts = totals.counts
    logger.info(
        "%d records, %d pages, %d set aside by the prefilter; %d new articles, %d rejected",
        counts.records,
        counts.pages,
        counts.off_topic,
        summary.new_articles,
        len(summary.rejects),
    )
    result = WarcSummary(counts, summary)
    if failed:
        return cast(WarcSummary, Failed(message="no archive could be fetched; see the rejects", data=result))
    if summary.alerts:
        state: State[WarcSummary] = Completed(
            name="Completed with alerts", message=describe_alerts(summary.alerts), data=result
        )
        return cast(WarcSummary, state)
    return result


def _load_archive(
    db: Warehouse,
    run_id: str,
    now: datetime,
    archive: Archive,
    path: Path,
    progress: WarcProgress,
    processes: int | None,
    totals: _Totals,
) -> WarcProgress:
    """Read one archive from its saved offset, chunk by chunk, saving the offset after each chunk loads."""
    logger = get_run_logger()
    logger.info("Reading %s from offset %d", archive.warc_file, progress.next_offset)
    prefilter = prefilter_for(archive.topic) if archive.topic else None
    rules = {archive.source: archive.topic} if archive.topic else {}
    for chunk in chunks(read_archive(path, archive.warc_file, progress.next_offset), prefilter):
        stored_new, outcome = load_chunk(db, run_id, now, chunk, archive.source, rules, processes)
        totals.counts = totals.counts.plus(chunk)
        totals.seen, totals.new = totals.seen + len(chunk.captures), totals.new + stored_new
        totals.outcome = totals.outcome.merged(outcome)
        progress = replace(
            progress,
            next_offset=path.stat().st_size if chunk.next_offset is None else chunk.next_offset,
            finished=chunk.next_offset is None,
            records=progress.records + chunk.records,
            pages=progress.pages + chunk.pages,
            off_topic=progress.off_topic + chunk.off_topic,
            rejected=progress.rejected + len(chunk.rejects),
        )
        save_progress(db, progress, run_id)
        logger.info(
            "%s: %d records, %d pages, %d past the prefilter, %d rejected; next offset %d%s",
            path.name,
            chunk.records,
            chunk.pages,
            len(chunk.captures),
            len(chunk.rejects),
            progress.next_offset,
            " (the end)" if progress.finished else "",
        )
    return progress


def _summary(db: Warehouse, run_id: str, totals: _Totals) -> IngestSummary:
    outcome = totals.outcome
    return IngestSummary(
        run_id=run_id,
        db_path=db.shown,
        documents_seen=totals.seen,
        documents_new=totals.new,
        new_articles=len(outcome.articles),
        exact_duplicates=len(outcome.duplicates),
        near_duplicates=len(outcome.near_duplicates),
        new_stories=outcome.new_stories,
        new_versions=len(outcome.versions),
        off_topic=len(outcome.off_topic) + totals.counts.off_topic,
        weak_joins=outcome.weak_joins,
        rejects=outcome.rejects,
    )
