from __future__ import annotations

import json
from datetime import UTC, datetime

from extract.documents import extract_document
from extract.http import Fetcher, FetchResult
from extract.pages import PageMetadata, page_metadata
from tests.extract.conftest import TEST_POLICY, RecordingSleep, run
from tests.extract.site import Site
from transform.records import SourceKind


def page(*head: str, body: str = "<p>text</p>", lang: str = "") -> str:
    return f"<html{lang}><head>{''.join(head)}</head><body>{body}</body></html>"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_a_fetched_article_page_gives_its_json_ld_metadata(site: Site) -> None:
    async def go() -> FetchResult:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            return await fetcher.fetch(site.url("/articles/3.html"))

    result = run(go())
    meta = page_metadata(result.text, result.final_url)
    assert meta == PageMetadata(
        title="Alibaba and Apple, part 3",
        authors=("Mei Lin", "Tom Hart"),
        published_at=datetime(2025, 2, 3, 1, 30, tzinfo=UTC),
        modified_at=datetime(2025, 2, 3, 4, 0, tzinfo=UTC),
        site_name="Example Tech",
        language="en",
        canonical_url=site.url("/articles/3.html"),
        json_ld_type="NewsArticle",
    )
    extracted = extract_document(result.to_raw_document("example", SourceKind.URL))
    assert extracted.authors == ("Mei Lin", "Tom Hart")
    assert extracted.published_at == meta.published_at
    assert "Qwen models from Alibaba Cloud" in extracted.text


def test_a_graph_with_references_is_resolved() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "#site", "name": "Site"},
            {"@type": "Organization", "@id": "#org", "name": "Alibaba Group Newsroom"},
            {
                "@type": ["Article", "NewsArticle"],
                "headline": "Qwen 3 released",
                "author": {"@id": "#org"},
                "publisher": {"@id": "#org"},
                "inLanguage": {"@type": "Language", "name": "English", "alternateName": "en"},
                "mainEntityOfPage": {"@id": "https://www.alibabagroup.com/en/news/qwen3"},
            },
        ],
    }
    meta = page_metadata(page(ld(graph)))
    assert (meta.title, meta.authors, meta.site_name, meta.language, meta.json_ld_type) == (
        "Qwen 3 released",
        ("Alibaba Group Newsroom",),
        "Alibaba Group Newsroom",
        "en",
        "Article",
    )
    assert meta.canonical_url == "https://www.alibabagroup.com/en/news/qwen3"


def test_without_json_ld_the_head_is_used() -> None:
    html = page(
        '<script type="application/ld+json">{broken</script>',
        '<meta property="og:title" content="OG title">',
        '<meta property="og:site_name" content="Apple Newsroom">',
        '<meta property="og:locale" content="en_US">',
        '<meta property="article:author" content="https://www.example.com/people/x">',
        '<meta property="article:published_time" content="2025-02-13T08:00:00Z">',
        '<meta property="article:modified_time" content="2025-02-14T08:00:00Z">',
        '<meta name="description" content="About Apple Intelligence.">',
        '<link rel="canonical" href="/en/2025/02/story">',
    )
    meta = page_metadata(html, "https://www.apple.com/newsroom/x?utm_source=rss")
    assert meta.title == "OG title" and meta.site_name == "Apple Newsroom"
    assert meta.authors == ()  # an author URL is not a name
    assert meta.language == "en-US"
    assert meta.modified_at == datetime(2025, 2, 14, 8, tzinfo=UTC)
    assert meta.description == "About Apple Intelligence."
    assert meta.canonical_url == "https://www.apple.com/en/2025/02/story"
    assert meta.json_ld_type is None


def test_html_lang_and_title_fallbacks_and_a_bad_json_ld_date() -> None:
    html = page(
        ld({"@type": "BlogPosting", "datePublished": "yesterday"}),
        "<title>Only a title</title>",
        lang=' lang="zh-CN"',
    )
    meta = page_metadata(html)
    assert (meta.title, meta.language, meta.published_at) == ("Only a title", "zh-CN", None)


def test_an_empty_page_has_empty_metadata() -> None:
    assert page_metadata("") == PageMetadata()


FETCHED = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_placeholder_date_falls_through_to_the_next_source() -> None:
    html = page(
        ld({"@type": "NewsArticle", "headline": "H", "datePublished": "0001-01-01T00:00:00-05:00"}),
        '<meta property="article:published_time" content="0001-01-01T00:00:00Z">',
        '<meta name="date" content="2019-11-19T08:00:00Z">',
    )
    assert page_metadata(html, fetched_at=FETCHED).published_at == datetime(2019, 11, 19, 8, tzinfo=UTC)


def test_with_only_placeholders_the_date_comes_from_the_url_path() -> None:
    html = page(
        '<meta property="article:published_time" content="0001-01-01T00:00:00Z">',
        '<link rel="canonical" href="/2019/11/19/storm-hits-coast/">',
    )
    meta = page_metadata(html, "https://news.example/x?id=1", FETCHED)
    assert meta.canonical_url == "https://news.example/2019/11/19/storm-hits-coast/"
    assert meta.published_at == datetime(2019, 11, 19, tzinfo=UTC)
    # A date after the fetch (beyond a day) is no publication date either, and no URL date is left.
    future = page('<meta property="article:published_time" content="2026-06-01T00:00:00Z">')
    assert page_metadata(future, fetched_at=FETCHED).published_at is None


def test_relative_canonical_links_need_the_page_address() -> None:
    html = page('<link rel="canonical" href="/en/2025/02/story">')
    assert (
        page_metadata(html, "https://a.example/feed-item").canonical_url
        == "https://a.example/en/2025/02/story"
    )
    # Without the page's web address (a local file) the path alone names no page: it is not kept.
    assert page_metadata(html).canonical_url is None


def test_broken_canonical_links_are_ignored_not_fatal() -> None:
    for href in ("http://news.example:99999/x", "http://[::1/x", "javascript:alert(1)", "mailto:a@b.c"):
        html = page(f'<link rel="canonical" href="{href}">', f'<meta property="og:url" content="{href}">')
        assert page_metadata(html).canonical_url is None, href
    fallback = page(
        '<link rel="canonical" href="http://[::1/x">',
        '<meta property="og:url" content="https://ok.example/a">',
    )
    assert page_metadata(fallback).canonical_url == "https://ok.example/a"


def test_json_ld_nested_thousands_deep_is_skipped() -> None:
    deep = "[" * 5000 + "]" * 5000
    html = page(f'<script type="application/ld+json">{deep}</script>', "<title>Still here</title>")
    assert page_metadata(html).title == "Still here"
    nested: object = {"@type": "NewsArticle", "headline": "Deep"}
    for _ in range(900):  # deep enough to break a recursive walk, shallow enough for json to parse
        nested = [nested]
    assert page_metadata(page(ld(nested), "<title>T</title>")).title == "T"


def test_json_ld_of_any_shape_is_read_or_skipped() -> None:
    for data in (
        {"@type": True},
        {"@type": 3, "headline": "x"},
        {"@type": None},
        [1, "a", None],
        {"@graph": 5},
    ):
        assert page_metadata(page(ld(data), "<title>T</title>")).title == "T"
    deep_author: object = {"@id": "#org"}
    for _ in range(900):
        deep_author = [deep_author]
    article = {"@type": "NewsArticle", "headline": "H", "author": deep_author}
    assert page_metadata(page(ld(article))).title == "H"
