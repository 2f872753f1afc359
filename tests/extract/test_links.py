"""Links as indexes write them: the ones that cannot be used are skipped and listed, never fatal.

The URL functions themselves (canonical_url, absolute_url, broken_web_link) are tested in
tests/transform/test_urls.py.
"""

from __future__ import annotations

import gzip

import pytest

from extract.feeds import parse_feed
from extract.listings import parse_listing
from extract.sitemaps import SitemapError, parse_sitemap
from tests.extract.site import BAD_LINKS, SM


def test_a_sitemap_skips_and_lists_locs_that_cannot_be_used() -> None:
    locs = [*BAD_LINKS, "https://x.test/a", "ftp://x.test/file", "/relative"]
    body = f"<urlset {SM}>" + "".join(f"<url><loc>{loc}</loc></url>" for loc in locs) + "</urlset>"
    for content in (body.encode(), gzip.compress(body.encode())):
        sitemap = parse_sitemap(content, "https://x.test/sitemap.xml")
        assert [e.url for e in sitemap.entries] == ["https://x.test/a", "https://x.test/relative"]
        assert sitemap.invalid_links == BAD_LINKS
    index = f"<sitemapindex {SM}><sitemap><loc>{BAD_LINKS[1]}</loc></sitemap></sitemapindex>"
    assert parse_sitemap(index.encode()).invalid_links == (BAD_LINKS[1],)


def test_a_listing_skips_and_lists_links_that_cannot_be_used() -> None:
    html = (
        '<base href="http://[::1/"><a class="s" href="http://127.0.0.1:99999/x">1</a>'
        '<a class="s" href="/ok#c">2</a><a class="s" href="mailto:a@x.test">3</a>'
        '<a class="n" href="http://[::1/next">older</a><a class="n" href="?page=2">older</a>'
    )
    page = parse_listing(html, "https://x.test/news/", "a.s", "a.n")
    # The broken <base> is ignored: links resolve against the page's own URL.
    assert page.article_urls == ("https://x.test/ok",)
    assert page.next_url == "https://x.test/news/?page=2"
    assert page.invalid_links == ("http://127.0.0.1:99999/x", "http://[::1/next")


def test_a_feed_skips_and_lists_links_that_cannot_be_used_and_stops_at_its_limit() -> None:
    links = [BAD_LINKS[0], *(f"/a/{n}" for n in range(5))]
    items = "".join(f"<item><title>{n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    content = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    feed = parse_feed(content, "https://x.test/feed", limit=3)
    assert [e.url for e in feed.entries] == ["https://x.test/a/0", "https://x.test/a/1", "https://x.test/a/2"]
    assert feed.invalid_links == (BAD_LINKS[0],) and feed.truncated
    whole = parse_feed(content, "https://x.test/feed")
    assert len(whole.entries) == 5 and not whole.truncated


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+01:00"])
def test_a_feed_date_outside_the_calendar_is_no_date(date: str) -> None:
    # feedparser turns these into years 10000 and 0, which no datetime can hold.
    content = f"""<rss version="2.0"><channel><title>t</title><item><title>x</title>
<link>https://x.test/a</link><pubDate>{date}</pubDate></item></channel></rss>""".encode()
    (entry,) = parse_feed(content).entries
    assert (entry.url, entry.published) == ("https://x.test/a", None)


def test_a_sitemap_cut_inside_a_prefixed_tag_is_a_sitemap_error() -> None:
    # Found by the fuzz suite: the element "news:" a cut leaves made etree.QName raise ValueError.
    entry = (
        "<sitemap><loc>http://user:pass@host/\x80</loc><lastmod>\xa0</lastmod>"
        "<news:news><news:publication_date>\xa0</news:publication_date></news:news></sitemap>"
    )
    content = f'<?xml version="1.0"?><sitemapindex {SM}>{entry * 4}</sitemapindex>'.encode()
    cut = content.rindex(b"<news:news>") + len(b"<news:")
    with pytest.raises(SitemapError, match="malformed sitemap XML"):
        parse_sitemap(content[:cut], "https://x.test/sitemap.xml", limit=3)


def test_a_listing_given_a_lone_surrogate_still_parses() -> None:
    page = parse_listing('<a class="s" href="/x">\ud800</a>', "https://x.test/", "a.s")
    assert page.article_urls == ("https://x.test/x",)
