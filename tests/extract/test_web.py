"""Discovery against the local site: one bad link in a feed, sitemap or listing never fails the source."""

from __future__ import annotations

import socket

from extract.http import Fetcher
from extract.sources import SourcesConfig, parse_sources
from extract.web import INVALID_LINKS, Discovery, discover, discover_all
from tests.extract.conftest import TEST_POLICY, RecordingSleep, run
from tests.extract.site import BAD_LINKS, Site


def config(sources: str) -> SourcesConfig:
    return parse_sources(f"[http]\nallow_private_addresses = true\n{sources}")


def discover_sources(cfg: SourcesConfig) -> list[Discovery]:
    async def go() -> list[Discovery]:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            return await discover_all(fetcher, cfg, {})

    return run(go())


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_bad_links_are_skipped_and_reported_while_the_rest_of_each_source_loads(site: Site) -> None:
    cfg = config(
        f"""
[[sources]]
name = "feed"
kind = "feed"
url = "{site.url("/bad-links.rss")}"

[[sources]]
name = "sitemap"
kind = "sitemap"
url = "{site.url("/bad-links-sitemap.xml")}"

[[sources]]
name = "listing"
kind = "listing"
url = "{site.url("/bad-links-listing/")}"
link_selector = "a.story"
next_selector = "a.next"
"""
    )
    feed, sitemap, listing = discover_sources(cfg)
    assert feed.article_urls == (site.url("/articles/1.html"), site.url("/articles/2.html"))
    assert sitemap.article_urls == (site.url("/articles/3.html"), site.url("/articles/4.html"))
    assert listing.article_urls == (site.url("/articles/5.html"), site.url("/articles/6.html"))
    # The feed parser drops the unclosed bracket itself; the port out of range is reported.
    (feed_reject,) = feed.errors
    assert (feed_reject.uri, feed_reject.kind, feed_reject.stage) == (
        site.url("/bad-links.rss"),
        INVALID_LINKS,
        "discover",
    )
    assert repr(BAD_LINKS[0]) in feed_reject.reason
    for discovery, index, skipped in (
        (sitemap, "/bad-links-sitemap.xml", 2),
        (listing, "/bad-links-listing/", 3),  # the broken next-page link too
    ):
        (reject,) = discovery.errors
        assert (reject.uri, reject.kind) == (site.url(index), INVALID_LINKS)
        assert reject.reason.startswith(f"{skipped} links skipped, not usable URLs: ")
        assert all(repr(link) in reject.reason for link in BAD_LINKS)
    assert not any(d.failed for d in (feed, sitemap, listing))
    assert listing.notes == ("stopped: last page",)


def test_a_source_whose_index_cannot_be_fetched_is_failed_and_says_why(site: Site) -> None:
    port = closed_port()
    cfg = config(
        f"""
[[sources]]
name = "refused"
kind = "feed"
url = "http://127.0.0.1:{port}/feed.rss"

[[sources]]
name = "not-a-feed"
kind = "feed"
url = "{site.url("/news/")}"

[[sources]]
name = "fine"
kind = "feed"
url = "{site.url("/feed.rss")}"

[[sources]]
name = "pages"
kind = "urls"
urls = ["http://127.0.0.1:{port}/a.html"]
"""
    )
    refused, not_a_feed, fine, pages = discover_sources(cfg)
    assert refused.failed and "connection failed" in refused.errors[0].reason
    assert not_a_feed.failed and "not an RSS, Atom or RDF feed" in not_a_feed.errors[0].reason
    assert not fine.failed and len(fine.article_urls) == 3
    assert not pages.failed  # a urls source has no index to fail


def test_a_feed_reads_at_most_its_limit(site: Site) -> None:
    cfg = config(f'[[sources]]\nname = "f"\nkind = "feed"\nurl = "{site.url("/feed.rss")}"\nlimit = 2\n')

    async def go() -> Discovery:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            return await discover(fetcher, cfg, cfg.web_sources[0], {})

    discovery = run(go())
    assert discovery.article_urls == (site.url("/articles/1.html"), site.url("/articles/2.html"))
    assert discovery.notes == ("feed limit reached",)
