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
