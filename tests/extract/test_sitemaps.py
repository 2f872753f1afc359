from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime

import pytest

from extract.http import Fetcher, Validators
from extract.sitemaps import SitemapError, SitemapWalk, parse_sitemap, walk_sitemaps
from tests.extract.conftest import TEST_POLICY, RecordingSleep, run
from tests.extract.site import SM, Site


def walk(site: Site, **kwargs: object) -> SitemapWalk:
    async def go() -> SitemapWalk:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            return await walk_sitemaps(fetcher, site.url("/sitemap_index.xml"), **kwargs)  # type: ignore[arg-type]

    return run(go())


def test_an_index_with_a_news_child_and_a_gzipped_child(site: Site) -> None:
    result = walk(site)
    assert not result.errors and not result.truncated
    # The newest child (the news sitemap, lastmod 13 Feb) is read first.
    assert [f.url for f in result.fetches] == [
        site.url("/sitemap_index.xml"),
        site.url("/sitemap-news.xml"),
        site.url("/sitemap-articles.xml.gz"),
    ]
    news = result.entries[0]
    assert news.url == site.url("/articles/12.html")
    assert (news.news_title, news.news_language, news.news_publication) == (
        "Alibaba and Apple, part 12",
        "en",
        "Example Tech",
    )
    assert news.date == datetime(2025, 2, 13, 1, 30, tzinfo=UTC)
    assert len(result.entries) == 13  # 1 news + 12 from the gzipped urlset
    assert result.entries[1].lastmod == datetime(2025, 2, 1, tzinfo=UTC)


def test_limit_and_since(site: Site) -> None:
    limited = walk(site, limit=5)
    assert len(limited.entries) == 5 and limited.truncated
    recent = walk(site, since=datetime(2025, 2, 10, tzinfo=UTC))
    assert sorted(e.url.rsplit("/", 1)[1] for e in recent.entries) == [
        "10.html",
        "11.html",
        "12.html",
        "12.html",
    ]


def test_a_second_walk_with_validators_is_only_conditional_requests(site: Site) -> None:
    first = walk(site)
    stored = {f.url: f.validators for f in first.fetches}
    second = walk(site, validators=stored)
    assert second.entries == ()
    assert [f.unchanged for f in second.fetches] == [True]  # the index is unchanged: children not asked for
    assert all(v != Validators() for v in stored.values())


def big_sitemap(count: int) -> bytes:
    urls = "".join(
        f"<url><loc>https://x.test/a/{i}</loc><lastmod>2025-02-13</lastmod></url>" for i in range(count)
    )
    return f'<?xml version="1.0"?><urlset {SM}>{urls}</urlset>'.encode()


def test_a_100k_url_gzipped_sitemap_is_bounded_work() -> None:
    content = gzip.compress(big_sitemap(100_000))
    started = time.perf_counter()
    sitemap = parse_sitemap(content, limit=50)
    assert time.perf_counter() - started < 0.5
    assert len(sitemap.entries) == 50 and sitemap.truncated
    assert sitemap.entries[-1].url == "https://x.test/a/49"


def test_exactly_limit_urls_is_not_truncated() -> None:
    sitemap = parse_sitemap(big_sitemap(3), limit=3)
    assert len(sitemap.entries) == 3 and not sitemap.truncated


def test_decompressed_size_is_capped() -> None:
    with pytest.raises(SitemapError, match="over the 10,000-byte limit once decompressed"):
        parse_sitemap(gzip.compress(big_sitemap(1000)), limit=10_000, max_bytes=10_000)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<urlset><url><loc>https://x.test/a</loc></url", "malformed sitemap XML"),
        (b"<html><body>hi</body></html>", "not a sitemap: the root element is <html>"),
        (b"\x1f\x8b\x08\x00broken", "broken gzip data"),
        (b"", "malformed sitemap XML"),
    ],
)
def test_unreadable_sitemaps(content: bytes, message: str) -> None:
    with pytest.raises(SitemapError, match=message):
        parse_sitemap(content)


def test_entity_expansion_is_not_performed() -> None:
    content = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://x.test/&x;</loc></url></urlset>"""
    entries = parse_sitemap(content).entries
    assert all("root:" not in e.url for e in entries)
