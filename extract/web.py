"""Crawling the configured web sources: discover article URLs per source, then fetch the new ones.

Discovery fetches feeds, sitemaps and listing pages conditionally (their validators come from the
caller, who keeps them in the warehouse); the caller then drops URLs it has already stored and asks
`fetch_articles` for the rest. Every failure is a Reject with a reason; nothing raises for one URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from extract.feeds import FEED_CONTENT_TYPES, FeedError, parse_feed
from extract.http import Fetcher, FetchResult, Validators
from extract.listings import walk_listing
from extract.sitemaps import walk_sitemaps
from extract.sources import FeedSource, ListingSource, SitemapSource, SourcesConfig, UrlsSource
from transform.errors import Reject
from transform.records import SourceKind
from transform.urls import canonical_url

WebSource = FeedSource | SitemapSource | ListingSource | UrlsSource
ARTICLE_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True)
class Discovery:
    """What one source's index pages led to."""

    source: str
    kind: SourceKind
    article_urls: tuple[str, ...]
    # Every index fetch (feed, sitemap, listing page): their validators are kept for the next run.
    fetches: tuple[FetchResult, ...] = ()
    errors: tuple[Reject, ...] = ()
    unchanged: int = 0
    notes: tuple[str, ...] = field(default=())


_KINDS: Mapping[str, SourceKind] = {
    "feed": SourceKind.FEED,
    "sitemap": SourceKind.SITEMAP,
    "listing": SourceKind.LISTING,
    "urls": SourceKind.URL,
}


async def discover(
    fetcher: Fetcher, config: SourcesConfig, source: WebSource, validators: Mapping[str, Validators]
) -> Discovery:
    """The article URLs a source lists now (canonical, in order, without repeats)."""
    private = config.allows_private(source)
    kind = _KINDS[source.kind]
    if isinstance(source, UrlsSource):
        return Discovery(source.name, kind, _unique(str(url) for url in source.urls))
    if isinstance(source, FeedSource):
        result = await fetcher.fetch(
            source.url, validators.get(source.url), accept=FEED_CONTENT_TYPES, allow_private_addresses=private
        )
        if result.unchanged:
            return Discovery(source.name, kind, (), (result,), unchanged=1)
        if not result.ok or result.content is None:
            return Discovery(source.name, kind, (), (result,), (result.to_reject("discover"),))
        try:
            feed = parse_feed(result.content, result.final_url)
        except FeedError as error:
            return Discovery(
                source.name, kind, (), (result,), (Reject(result.final_url, error.stage, str(error)),)
            )
        return Discovery(source.name, kind, _unique(e.url for e in feed.entries if e.url), (result,))
    if isinstance(source, SitemapSource):
        walk = await walk_sitemaps(
            fetcher,
            source.url,
            limit=source.limit,
            since=source.since_datetime,
            validators=validators,
            allow_private_addresses=private,
        )
        notes = ("sitemap limit reached",) if walk.truncated else ()
        unchanged = sum(1 for f in walk.fetches if f.unchanged)
        urls = _unique(e.url for e in walk.entries)
        return Discovery(source.name, kind, urls, walk.fetches, walk.errors, unchanged, notes)
    listing = await walk_listing(
        fetcher,
        source.url,
        source.link_selector,
        source.next_selector,
        max_pages=source.max_pages,
        validators=validators.get(source.url),
        allow_private_addresses=private,
    )
    unchanged = sum(1 for p in listing.pages if p.unchanged)
    notes = (f"stopped: {listing.stopped}",)
    return Discovery(
        source.name, kind, _unique(listing.article_urls), listing.pages, listing.errors, unchanged, notes
    )


async def discover_all(
    fetcher: Fetcher, config: SourcesConfig, validators: Mapping[str, Validators]
) -> list[Discovery]:
    """Discover every source concurrently (the fetcher's limits still apply)."""
    return list(await asyncio.gather(*(discover(fetcher, config, s, validators) for s in config.sources)))


async def fetch_articles(
    fetcher: Fetcher,
    requests: Sequence[tuple[str, Validators | None]],
    *,
    allow_private_addresses: bool | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Fetch article pages (conditionally when validators are given), in the order asked."""
    return await fetcher.fetch_all(
        requests, on_result=on_result, allow_private_addresses=allow_private_addresses
    )


def _unique(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(canonical_url(url) for url in urls))
