"""Discovery under random and hostile input: URLs, feeds, sitemaps (plain and gzipped), listing pages.

Whatever the bytes, the parsers return records or raise their own documented error (FeedError,
SitemapError); link handling never raises; every URL that comes out is one the fetcher can ask for.
Any other exception fails the test.

CI runs a small budget (a few seconds in all); `make fuzz` runs 50 times as many examples (see
tests/fuzzing.py).
"""

from __future__ import annotations

import contextlib
import gzip
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract.feeds import FeedError, parse_feed
from extract.listings import parse_listing
from extract.sitemaps import SitemapError, parse_sitemap
from extract.web import _unique
from tests.extract.site import SM
from tests.fuzzing import examples
from transform.urls import absolute_url, broken_web_link, canonical_url, web_url

pytestmark = pytest.mark.fuzz

FUZZ = settings(
    max_examples=examples(60),
    deadline=None,  # a shared CI machine is slow now and then; time is bounded by max_examples
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BASE = "https://news.example.test/section/index.html"

# Pieces of hostile URLs, as found in the wild or written to break parsers.
SCHEMES = st.sampled_from(["http", "https", "HTTPS", "ftp", "javascript", "mailto", "file", "data", ""])
HOSTS = st.sampled_from(
    [
        "example.com",
        "EXAMPLE.com.",
        "127.0.0.1",
        "[::1]",
        "[::1",
        "::1]",
        "[2002:7f00:1::]",
        "[fe80::1%25eth0]",
        "[v1.x]",
        "xn--fsq.example",
        "例え.jp",
        "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",  # full-width letters
        "user:pass@host",
        "a b",
        "",
        "%00",
        "host\u2100",
    ]
)
PORTS = st.sampled_from(
    ["", ":", ":0", ":80", ":443", ":8080", ":65535", ":65536", ":99999", ":-1", ":x", ":1:2"]
)
PATHS = st.text(st.characters(codec="utf-8"), max_size=30).map(lambda text: "/" + text)
QUERIES = st.sampled_from(["", "?", "?utm_source=x&id=1", "?a=%zz", "?a=1;b=2", "?fbclid=1#frag", "?&&="])


@st.composite
def hostile_urls(draw: st.DrawFn) -> str:
    url = f"{draw(SCHEMES)}://{draw(HOSTS)}{draw(PORTS)}{draw(PATHS)}{draw(QUERIES)}"
    if draw(st.booleans()):
        url = f"  {url}\t"
    return url


def any_text(max_size: int = 60) -> st.SearchStrategy[str]:
    # Surrogates too: a str in Python may hold them, and canonical_url takes any str.
    return st.text(st.characters(), max_size=max_size)


LINKS = st.one_of(
    hostile_urls(),
    any_text(),
    st.sampled_from(["//[::1/x", "/a/../../b", "?page=2", "#top", "../x", "http:x", "http:///x", "https:"]),
)
XML_SAFE = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40)


def assert_fetchable(urls: object) -> None:
    for url in urls:  # type: ignore[attr-defined]
        assert isinstance(url, str) and web_url(url), url


@FUZZ
@given(st.one_of(hostile_urls(), any_text(200)))
@example("http://example.com/\x0c?")  # found by CI: whitespace left at the end once the query went
def test_canonical_url_never_raises(url: str) -> None:
    canonical = canonical_url(url)
    assert isinstance(canonical, str)
    if web_url(url.strip()):
        # A usable URL stays usable, and canonicalising it twice changes nothing.
        assert web_url(canonical), canonical
        assert canonical_url(canonical) == canonical


@FUZZ
@given(LINKS, st.one_of(st.none(), st.just(BASE), hostile_urls()))
def test_link_absolutisation_never_raises_and_yields_fetchable_urls(href: str, base: str | None) -> None:
    url = absolute_url(href, base)
    assert url is None or (web_url(url) and "#" not in url)
    assert isinstance(broken_web_link(href, base), bool)
    assert_fetchable(_unique([url] if url else []))


def rss(items: list[tuple[str, str, str]], declaration: str) -> bytes:
    body = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link><pubDate>{escape(date)}</pubDate>"
        f"<description>{escape('<p>' * 30 + title)}</description></item>"
        for link, title, date in items
    )
    return f'{declaration}<rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode(
        "utf-8", "surrogatepass"
    )


def atom(items: list[tuple[str, str, str]], declaration: str) -> bytes:
    body = "".join(
        f"<entry><title>{escape(title)}</title><link href={quote(link)}/>"
        f"<updated>{escape(date)}</updated></entry>"
        for link, title, date in items
    )
    return f"{declaration}<feed xmlns='http://www.w3.org/2005/Atom'>{body}</feed>".encode(
        "utf-8", "surrogatepass"
    )


def quote(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;"}) + '"'


DATES = st.one_of(
    XML_SAFE,
    st.sampled_from(
        [
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+01:00",
            "Mon, 01 Jan 0000 00:00:00 GMT",
            "2025-02-30",
        ]
    ),
)
ITEMS = st.lists(st.tuples(LINKS.filter(lambda s: "\x00" not in s), XML_SAFE, DATES), max_size=8)
DECLARATIONS = st.sampled_from(
    ["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>', "<!DOCTYPE x [<!ENTITY a 'b'>]>"]
)


def damaged(content: bytes, cut: int | None, noise: bytes) -> bytes:
    """The bytes cut short and/or with noise appended, as a flaky server or a hostile one sends them."""
    return (content[:cut] if cut is not None else content) + noise


CUTS = st.one_of(st.none(), st.integers(0, 4000))
NOISE = st.one_of(st.just(b""), st.binary(max_size=40))


@FUZZ
@given(ITEMS, DECLARATIONS, st.sampled_from([rss, atom]), CUTS, NOISE, st.integers(1, 5))
def test_feeds_parse_or_raise_feed_error(
    items: list[tuple[str, str, str]],
    declaration: str,
    build: object,
    cut: int | None,
    noise: bytes,
    limit: int,
) -> None:
    content = damaged(build(items, declaration), cut, noise)  # type: ignore[operator]
    try:
        feed = parse_feed(content, BASE, limit=limit)
    except FeedError:
        return
    assert len(feed.entries) <= limit
    assert_fetchable(e.url for e in feed.entries)
    assert_fetchable(_unique(e.url for e in feed.entries))


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_are_never_more_than_a_feed_or_sitemap_error(content: bytes) -> None:
    with contextlib.suppress(FeedError):
        parse_feed(content, BASE)
    for data in (content, gzip.compress(content), b"\x1f\x8b" + content):
        with contextlib.suppress(SitemapError):
            parse_sitemap(data, BASE)


@FUZZ
@given(
    st.lists(st.tuples(LINKS.filter(lambda s: "\x00" not in s), DATES), max_size=10),
    st.sampled_from(["urlset", "sitemapindex", "rss"]),
    st.booleans(),
    CUTS,
    NOISE,
    st.integers(1, 6),
)
def test_sitemaps_parse_or_raise_sitemap_error(
    locs: list[tuple[str, str]], root: str, gzipped: bool, cut: int | None, noise: bytes, limit: int
) -> None:
    child = "url" if root == "urlset" else "sitemap"
    body = "".join(
        f"<{child}><loc>{escape(loc)}</loc><lastmod>{escape(date)}</lastmod>"
        f"<news:news><news:publication_date>{escape(date)}</news:publication_date></news:news></{child}>"
        for loc, date in locs
    )
    content = damaged(
        f'<?xml version="1.0"?><{root} {SM}>{body}</{root}>'.encode("utf-8", "surrogatepass"), cut, noise
    )
    if gzipped:
        content = gzip.compress(content)
    try:
        sitemap = parse_sitemap(content, BASE, limit=limit)
    except SitemapError:
        return
    assert len(sitemap.entries) + len(sitemap.sitemaps) <= limit
    assert_fetchable(e.url for e in sitemap.entries)
    assert_fetchable(r.url for r in sitemap.sitemaps)


@FUZZ
@given(
    st.lists(LINKS, max_size=10),
    st.one_of(st.none(), LINKS),
    st.one_of(st.none(), LINKS),
    st.integers(0, 300),
    st.one_of(st.just(""), any_text(100)),
)
def test_listing_pages_never_raise(
    hrefs: list[str], base_href: str | None, next_href: str | None, depth: int, junk: str
) -> None:
    links = "".join(f"<div class=item><a href={quote(href)}>x</a></div>" for href in hrefs)
    base = f"<base href={quote(base_href)}>" if base_href is not None else ""
    more = f"<a class=next href={quote(next_href)}>older</a>" if next_href is not None else ""
    html = f"<html><head>{base}</head><body>{'<div>' * depth}{links}{more}{junk}</body></html>"
    page = parse_listing(html, BASE, ".item", "a.next")
    assert_fetchable(page.article_urls)
    assert page.next_url is None or web_url(page.next_url)
    assert_fetchable(_unique(page.article_urls))
