"""Crawling the configured web sources: discover article URLs per source, then fetch the new ones.

Discovery fetches feeds, sitemaps and listing pages conditionally (their validators come from the
caller, who keeps them in the warehouse); the caller then drops URLs it has already stored and asks
`fetch_articles` for the rest. Every failure is a Reject with a reason; nothing raises for one URL.
Links an index lists that cannot be used (`http://[::1/x`, a port out of range) are skipped and
reported as one reject per index page (kind "invalid_url"), so the rest of the source still loads.
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
# The reject kind of links an index page lists that cannot be used.
INVALID_LINKS = "invalid_url"
# How many skipped links one reject quotes.
_QUOTED_LINKS = 3


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

    @property
    def failed(self) -> bool:
        """True when an index source (feed, sitemap, listing) could not be read: it listed no URL, none of
        its index pages was unchanged, and a fetch or parse failed (skipped links alone do not count)."""
        return (
            self.kind != SourceKind.URL
            and not self.article_urls
            and not self.unchanged
            and any(error.kind != INVALID_LINKS for error in self.errors)
        )


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
            feed = parse_feed(result.content, result.final_url, limit=source.limit)
        except FeedError as error:
            reject = Reject(result.final_url, error.stage, str(error))
            return Discovery(source.name, kind, (), (result,), (reject,))
        notes = ("feed limit reached",) if feed.truncated else ()
        skipped = _invalid_links_rejects((result.final_url, link) for link in feed.invalid_links)
        urls = _unique(e.url for e in feed.entries if e.url)
        return Discovery(source.name, kind, urls, (result,), skipped, notes=notes)
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
        errors = (*walk.errors, *_invalid_links_rejects(walk.invalid_links))
        return Discovery(source.name, kind, urls, walk.fetches, errors, unchanged, notes)
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
    errors = (*listing.errors, *_invalid_links_rejects(listing.invalid_links))
    return Discovery(
        source.name, kind, _unique(listing.article_urls), listing.pages, errors, unchanged, notes
    )


async def discover_all(
    fetcher: Fetcher, config: SourcesConfig, validators: Mapping[str, Validators]
) -> list[Discovery]:
    """Discover every source concurrently (the fetcher's limits still apply)."""
    return list(await asyncio.gather(*(discover(fetcher, config, s, validators) for s in config.web_sources)))


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


def _invalid_links_rejects(found: Iterable[tuple[str, str]]) -> tuple[Reject, ...]:
    """One reject per index page that listed links that cannot be used, quoting the first few."""
    by_page: dict[str, list[str]] = {}
    for page, link in found:
        by_page.setdefault(page, []).append(link)
    rejects = []
    for page, links in by_page.items():
        quoted = ", ".join(repr(link[:200]) for link in links[:_QUOTED_LINKS])
        more = f" and {len(links) - _QUOTED_LINKS} more" if len(links) > _QUOTED_LINKS else ""
        noun = "link" if len(links) == 1 else "links"
        reason = f"{len(links)} {noun} skipped, not usable URLs: {quoted}{more}"
        rejects.append(Reject(page, "discover", reason, kind=INVALID_LINKS))
    return tuple(rejects)
