from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extract.feeds import FEED_CONTENT_TYPES, Feed, FeedError, parse_feed
from extract.http import Fetcher
from tests.extract.conftest import TEST_POLICY, RecordingSleep, run
from tests.extract.site import BROKEN_FEED, Site


def fetch_feed(site: Site, path: str) -> Feed:
    async def go() -> Feed:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            result = await fetcher.fetch(site.url(path), accept=FEED_CONTENT_TYPES)
        assert result.ok and result.content is not None, result.error
        return parse_feed(result.content, result.final_url)

    return run(go())


def test_rss_entries_with_absolute_links_dates_authors_and_plain_summaries(site: Site) -> None:
    feed = fetch_feed(site, "/feed.rss")
    assert (feed.kind, feed.title, feed.problem) == ("rss20", "Example Tech", None)
    first = feed.entries[0]
    assert first.url == site.url("/articles/1.html")
    assert first.published == datetime(2025, 2, 1, 1, 30, tzinfo=UTC)
    assert first.summary == "Qwen on iPhone 1"
    assert first.entry_id == site.url("/a1")  # a guid is a permalink unless it says otherwise
    assert first.authors == ("Desk",)
    assert len(feed.entries) == 3


def test_atom_entries(site: Site) -> None:
    feed = fetch_feed(site, "/feed.atom")
    assert feed.kind == "atom10"
    assert [e.url for e in feed.entries] == [site.url("/articles/1.html"), site.url("/articles/2.html")]
    assert feed.entries[1].updated == datetime(2025, 2, 2, 1, 30, tzinfo=UTC)
    assert feed.entries[0].authors == ("Mei Lin",)


def test_rdf_entries(site: Site) -> None:
    feed = fetch_feed(site, "/feed.rdf")
    assert feed.kind == "rss10"
    (entry,) = feed.entries
    assert (entry.url, entry.title, entry.authors) == ("http://x/r1", "Tongyi update", ("Li Wei",))
    assert entry.published == datetime(2025, 2, 10, 8, tzinfo=UTC)


def test_malformed_xml_is_a_clear_error(site: Site) -> None:
    with pytest.raises(FeedError, match=r"malformed XML: .* at line 1, column \d+"):
        fetch_feed(site, "/broken.xml")


def test_recovered_entries_carry_the_problem_unless_strict() -> None:
    content = BROKEN_FEED.replace(
        b"<item><title>A</titl", b"<item><title>A</title><link>http://x/a</link></item><item><t"
    )
    feed = parse_feed(content)
    assert [e.url for e in feed.entries] == ["http://x/a"]
    assert feed.problem is not None and feed.problem.startswith("malformed XML")
    with pytest.raises(FeedError):
        parse_feed(content, strict=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body>Not a feed</body></html>", "not an RSS, Atom or RDF feed"),
        (b"{not xml", "malformed XML"),
        (b"", "not an RSS, Atom or RDF feed"),
    ],
)
def test_non_feeds_are_rejected(content: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(content)


def test_entries_without_a_web_link_are_skipped() -> None:
    content = b"""<rss version="2.0"><channel><title>t</title>
<item><title>no link</title></item><item><title>mail</title><link>mailto:a@b</link></item>
<item><title>ok</title><link>https://x.test/ok</link></item></channel></rss>"""
    assert [e.title for e in parse_feed(content).entries] == ["ok"]
