from __future__ import annotations

import httpx
import pytest

from extract.http import Fetcher
from extract.listings import ListingError, ListingWalk, check_selector, parse_listing, walk_listing
from tests.extract.conftest import TEST_POLICY, RecordingSleep, run
from tests.extract.site import ARTICLE_COUNT, Site

LINKS, NEXT = "article h2 a", "a.next"


def walk(site: Site, max_pages: int) -> ListingWalk:
    async def go() -> ListingWalk:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            return await walk_listing(fetcher, site.url("/news/"), LINKS, NEXT, max_pages=max_pages)

    return run(go())


def test_walking_every_page_finds_every_article(site: Site) -> None:
    result = walk(site, max_pages=10)
    assert result.stopped == "last page" and not result.errors
    assert result.article_urls == tuple(site.url(f"/articles/{n}.html") for n in range(1, ARTICLE_COUNT + 1))
    assert [page.url for page in result.pages] == [
        site.url("/news/"),
        site.url("/news/?page=2"),
        site.url("/news/?page=3"),
    ]


def test_the_page_limit_stops_the_walk(site: Site) -> None:
    result = walk(site, max_pages=2)
    assert result.stopped == "page limit"
    assert len(result.pages) == 2 and len(result.article_urls) == 10
    assert site.url("/news/?page=3") not in [page.url for page in result.pages]


def test_links_are_absolute_unique_and_web_only() -> None:
    html = """<html><head><base href="https://news.example.com/section/"></head><body>
    <ul class="list"><li><a href="a.html#comments">A</a></li><li><a href="/b.html">B</a></li>
    <li><a href="a.html">A again</a></li><li><a href="javascript:void(0)">JS</a></li>
    <li><span>no link</span></li><li><div><a href="mailto:x@y">mail</a></div></li></ul>
    <a rel="next" href="?page=2">Next</a></body></html>"""
    page = parse_listing(html, "https://ignored.example/", ".list li", "a[rel=next]")
    assert page.article_urls == ("https://news.example.com/section/a.html", "https://news.example.com/b.html")
    assert page.next_url == "https://news.example.com/section/?page=2"


def test_no_next_selector_means_no_next_page() -> None:
    assert parse_listing("<a href='/x'>x</a>", "https://e.test/", "a").next_url is None


def test_an_invalid_selector_is_a_clear_error() -> None:
    with pytest.raises(ListingError, match=r"invalid CSS selector 'a\[\['"):
        parse_listing("<a href='/x'>x</a>", "https://e.test/", "a[[")
    assert check_selector("article > h2 a") is None


def test_a_next_link_back_to_a_read_page_stops_the_walk() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404, stream=httpx.ByteStream(b""))
        page = b"<article><h2><a href='/a1'>1</a></h2></article><a class='next' href='/list?page=1'>again</a>"
        return httpx.Response(200, headers={"Content-Type": "text/html"}, stream=httpx.ByteStream(page))

    async def go() -> ListingWalk:
        async with Fetcher(
            TEST_POLICY, transport=httpx.MockTransport(handler), sleep=RecordingSleep()
        ) as fetcher:
            return await walk_listing(fetcher, "https://e.test/list?page=1", LINKS, NEXT, max_pages=5)

    result = run(go())
    assert (result.stopped, result.article_urls, len(result.pages)) == ("loop", ("https://e.test/a1",), 1)


def test_a_failed_page_is_reported(site: Site) -> None:
    async def go() -> ListingWalk:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            return await walk_listing(fetcher, site.url("/no/listing"), LINKS, NEXT)

    result = run(go())
    assert result.stopped == "failed"
    assert [(r.stage, r.reason) for r in result.errors] == [("listing", "HTTP 404")]
