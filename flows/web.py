"""The `web` flow: crawl the sources of a newsetl.toml, then load what was fetched like any document.

Discovery and fetching are extract/web.py; this module only wires them to the warehouse (validators
for conditional requests, URLs already stored) and to the shared load path of flows/ingest.py.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Failed
from rich.progress import Progress

from extract.http import Fetcher, FetchResult, Validators
from extract.sources import SitemapSource, SourcesConfig, load_sources
from extract.web import INVALID_LINKS, Discovery, discover_all, fetch_articles
from flows.ingest import (
    CrawlCounts,
    IngestSummary,
    current_run_id,
    finished,
    io_task,
    load_documents,
    run_name,
)
from flows.settings import warehouse_for
from transform.errors import Reject
from transform.health import SourceRun
from transform.records import HttpCacheEntry, RawDocument, SourceKind
from transform.topics import TopicRule
from warehouse.connection import Warehouse, connect
from warehouse.loads import save_http_validators
from warehouse.locks import run_guard
from warehouse.queries import http_validators, index_validators, stored_urls

# How many failed sources the run's error line names before "and N more".
_NAMED_SOURCES = 5


@dataclass(frozen=True)
class WebCrawlCounts(CrawlCounts):
    """CrawlCounts plus what the index sources (feeds, sitemaps, listings) did, so a run in which every
    one of them failed can say which and exit 1 (see `run_failure`)."""

    index_sources: int = 0
    # "name: first reason" for each index source that could not be read (Discovery.failed).
    failed_sources: tuple[str, ...] = ()

    @property
    def every_index_failed(self) -> bool:
        return 0 < self.index_sources == len(self.failed_sources)


def run_failure(summary: IngestSummary) -> str | None:
    """Why a web run counts as failed (the CLI exits 1 with this line), or None when something loaded.

    A run fails when nothing was fetched, unchanged or already stored, and either every index source
    failed (no feed, sitemap or listing page could be read) or every article fetch failed.
    """
    crawl = summary.crawl
    if crawl is None or crawl.fetched or crawl.unchanged or crawl.already_stored:
        return None
    if isinstance(crawl, WebCrawlCounts) and crawl.every_index_failed:
        failed = crawl.failed_sources
        named = "; ".join(failed[:_NAMED_SOURCES])
        more = f"; and {len(failed) - _NAMED_SOURCES} more" if len(failed) > _NAMED_SOURCES else ""
        return f"no feed, sitemap or listing page could be read ({len(failed)} sources): {named}{more}"
    if crawl.failed:
        return "nothing could be fetched; see the rejects above"
    return None


@dataclass(frozen=True)
class Crawl:
    documents: list[RawDocument]
    rejects: list[Reject]
    counts: CrawlCounts
    sources: list[SourceRun]


def _blocked(result: FetchResult) -> bool:
    """Refused by robots.txt or answered 401/403/429: the site is keeping us out, not empty."""
    return result.error_code == "robots" or result.status in (401, 403, 429)


def _source_runs(
    discoveries: list[Discovery], fetched: list[tuple[str, FetchResult]], seconds: float
) -> list[SourceRun]:
    runs = []
    for discovery in discoveries:
        mine = [result for source, result in fetched if source == discovery.source]
        index_blocked = sum(1 for f in discovery.fetches if _blocked(f))
        runs.append(
            SourceRun(
                discovery.source,
                str(discovery.kind),
                discovered=len(discovery.article_urls),
                fetched=sum(1 for r in mine if r.ok),
                unchanged=discovery.unchanged + sum(1 for r in mine if r.unchanged),
                failed=len(discovery.errors) + sum(1 for r in mine if not r.ok and not r.unchanged),
                blocked=index_blocked + sum(1 for r in mine if _blocked(r)),
                seconds=seconds,
                unreadable=_failure_reason(discovery) if discovery.failed else None,
            )
        )
    return runs


@io_task
def crawl(config: SourcesConfig, db: Warehouse, run_id: str, refetch: bool) -> Crawl:
    """Discover every source's article URLs, skip those already stored (unless `refetch`), fetch the rest."""
    return asyncio.run(_crawl(config, db, run_id, refetch))


async def _crawl(config: SourcesConfig, db: Warehouse, run_id: str, refetch: bool) -> Crawl:
    logger = get_run_logger()
    started = time.monotonic()
    with connect(db) as connection:
        known_index = {url: Validators(*v) for url, v in index_validators(connection).items()}
    async with Fetcher(config.http.to_policy()) as fetcher:
        discoveries = await discover_all(fetcher, config, known_index)
        wanted = {url: d for d in discoveries for url in d.article_urls}
        with connect(db) as connection:
            stored = set() if refetch else stored_urls(connection, list(wanted))
            validators = http_validators(connection, list(wanted)) if refetch else {}
        to_fetch = [url for url in wanted if url not in stored]
        logger.info(
            "%d article URLs listed, %d already stored, %d to fetch", len(wanted), len(stored), len(to_fetch)
        )
        results = await _fetch_with_progress(fetcher, config, wanted, to_fetch, validators)
    documents: list[RawDocument] = []
    rejects: list[Reject] = [r for d in discoveries for r in d.errors]
    for url, result in zip(to_fetch, results, strict=True):
        if result.ok:
            documents.append(result.to_raw_document(wanted[url].source, wanted[url].kind))
        elif not result.unchanged:
            rejects.append(result.to_reject())
    with connect(db) as connection:
        save_http_validators(connection, _cache_entries(discoveries, results), run_id)
    counts = WebCrawlCounts(
        discovered=len(wanted),
        already_stored=len(stored),
        fetched=len(documents),
        unchanged=sum(1 for r in results if r.unchanged),
        failed=sum(1 for r in results if not r.ok and not r.unchanged),
        index_sources=sum(1 for d in discoveries if d.kind != SourceKind.URL),
        failed_sources=tuple(_failure_line(d) for d in discoveries if d.failed),
    )
    for line in counts.failed_sources:
        logger.warning("source failed: %s", line)
    fetched = [(wanted[url].source, result) for url, result in zip(to_fetch, results, strict=True)]
    return Crawl(documents, rejects, counts, _source_runs(discoveries, fetched, time.monotonic() - started))


def _failure_line(discovery: Discovery) -> str:
    return f"{discovery.source}: {_failure_reason(discovery)}"


def _failure_reason(discovery: Discovery) -> str:
    return next((e.reason for e in discovery.errors if e.kind != INVALID_LINKS), "failed")[:200]


async def _fetch_with_progress(
    fetcher: Fetcher,
    config: SourcesConfig,
    wanted: dict[str, Discovery],
    to_fetch: list[str],
    validators: dict[str, tuple[str | None, str | None]],
) -> list[FetchResult]:
    by_source = {s.name: s for s in config.sources}
    requests = [(url, Validators(*validators[url]) if url in validators else None) for url in to_fetch]
    private = any(config.allows_private(by_source[wanted[url].source]) for url in to_fetch)
    # A progress bar for people at a terminal; schedulers and logs get the summary lines instead.
    if not sys.stderr.isatty() or not to_fetch:
        return await fetch_articles(fetcher, requests, allow_private_addresses=private)
    with Progress(transient=True) as progress:
        bar = progress.add_task("fetching articles", total=len(requests))
        advance: Callable[[FetchResult], None] = lambda _: progress.advance(bar)  # noqa: E731
        return await fetch_articles(fetcher, requests, allow_private_addresses=private, on_result=advance)


def _cache_entries(discoveries: list[Discovery], results: list[FetchResult]) -> list[HttpCacheEntry]:
    def entry(result: FetchResult, role: str) -> HttpCacheEntry:
        return HttpCacheEntry(
            result.final_url if result.ok else result.url,
            result.etag,
            result.last_modified,
            result.status,
            result.fetched_at,
            role,
        )

    index = [entry(f, "index") for d in discoveries for f in d.fetches if f.ok or f.unchanged]
    return [*index, *(entry(r, "article") for r in results if r.ok or r.unchanged)]


def _source_names() -> list[str]:
    """The names of the sources in the run's sources file, for the run's name."""
    config_path = str(flow_run.parameters.get("config_path"))
    try:
        return [source.name for source in load_sources(Path(config_path)).sources] or [config_path]
    except Exception:  # the run itself fails on a bad file, with the reason; its name is only a name
        return [config_path]


def _web_run_name() -> str:
    return run_name("web", _source_names())


def _backfill_run_name() -> str:
    return f"{run_name('backfill', _source_names())} since {flow_run.parameters.get('since')}"


def _outcome(summary: IngestSummary) -> IngestSummary:
    """What the web flows return: when nothing could be fetched (`run_failure`), a Failed state holding
    the summary, so the run is red in Prefect with the reason and the CLI still prints what happened
    (no exception, so no traceback either); otherwise as `finished`."""
    if problem := run_failure(summary):
        return cast(IngestSummary, Failed(message=problem, data=summary))
    return finished(summary)


@flow(
    name="web",
    description="Fetch new articles from the web sources of a newsetl.toml and load them.",
    flow_run_name=_web_run_name,
)
def web(
    config_path: str,
    db: str | None = None,
    refetch: bool = False,
    lock_wait_seconds: float = 60.0,
    memory_limit: str | None = None,
) -> IngestSummary:
    """Crawl the configured sources (only what is new since the last run) and load it into `db` (default:
    NEWSETL_DB where the run executes, else data/newsetl.duckdb)."""
    warehouse = warehouse_for(db, memory_limit)
    summary = _crawl_and_load(load_sources(Path(config_path)), warehouse, refetch, lock_wait_seconds)
    return _outcome(summary)


@flow(
    name="backfill",
    description="Fetch older articles: sitemaps read back to a date, then loaded as usual.",
    flow_run_name=_backfill_run_name,
)
def backfill(
    config_path: str,
    since: date,
    db: str = "data/newsetl.duckdb",
    lock_wait_seconds: float = 60.0,
    memory_limit: str | None = None,
) -> IngestSummary:
    """Like `web`, but every sitemap source lists URLs back to `since` (and up to its limit); pages
    already stored are still not fetched again."""
    warehouse = warehouse_for(db, memory_limit)
    config = load_sources(Path(config_path))
    sources = [
        s.model_copy(update={"since": since}) if isinstance(s, SitemapSource) else s for s in config.sources
    ]
    summary = _crawl_and_load(
        config.model_copy(update={"sources": sources}), warehouse, False, lock_wait_seconds
    )
    return _outcome(summary)


def _crawl_and_load(
    config: SourcesConfig, db: Warehouse, refetch: bool, lock_wait_seconds: float
) -> IngestSummary:
    run_id = current_run_id()
    topic_rules: dict[str, TopicRule] = {s.name: config.topic_rule(s) for s in config.sources}
    with run_guard(db, holder=run_id, wait_seconds=lock_wait_seconds):
        result = crawl(config, db, run_id, refetch)
        return load_documents(
            db,
            run_id,
            result.documents,
            result.rejects,
            datetime.now(UTC),
            topic_rules,
            result.counts,
            result.sources,
            config.health.to_rules(),
            failure=run_failure,
        )
