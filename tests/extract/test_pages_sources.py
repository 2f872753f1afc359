"""Metadata from every common source: JSON-LD wherever it sits, broken-but-recoverable JSON, the date and
author conventions of real newspapers, and the source each field came from."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from extract.authors import clean_authors
from extract.datetimes import parse_date_text
from extract.jsonld import read_json_ld
from extract.pages import page_metadata

FETCHED = datetime(2026, 3, 1, tzinfo=UTC)


def page(*head: str, body: str = "<p>text</p>") -> str:
    return f"<html><head>{''.join(head)}</head><body>{body}</body></html>"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_a_news_article_nested_in_a_web_page_main_entity_gives_its_date_and_authors() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": "Front page section",
        "mainEntity": {
            "@type": "NewsArticle",
            "headline": "Harbour bridge reopens after repairs",
            "datePublished": "Fri Apr 28 19:20:36 CEST 2023",
            "author": [
                {"@type": "Person", "givenName": "Ines", "familyName": "Okafor"},
                {"@type": "Person", "name": "Pavel Dvořák (pd)"},
            ],
        },
    }
    meta = page_metadata(page(ld(data), "<title>Site</title>"), fetched_at=FETCHED)
    assert meta.title == "Harbour bridge reopens after repairs"
    assert meta.published_at == datetime(2023, 4, 28, 17, 20, 36, tzinfo=UTC)
    assert meta.authors == ("Ines Okafor", "Pavel Dvořák")
    assert meta.json_ld_type == "NewsArticle"
    assert dict(meta.sources)["published_at"] == "json-ld"


def test_an_article_in_a_graph_next_to_teasers_is_the_one_naming_the_page() -> None:
    graph = {
        "@graph": [
            {"@type": "NewsArticle", "headline": "Teaser", "url": "https://n.example/other"},
            {
                "@type": "NewsArticle",
                "headline": "The story",
                "url": "https://n.example/story",
                "datePublished": "2024-05-02T10:00:00Z",
                "author": {"@id": "#p1"},
            },
            {"@type": "Person", "@id": "#p1", "name": "Rosa Lind"},
        ]
    }
    meta = page_metadata(page(ld(graph)), "https://n.example/story?ref=home", FETCHED)
    assert (meta.title, meta.authors) == ("The story", ("Rosa Lind",))


@pytest.mark.parametrize(
    "script",
    [
        '{"@type": "NewsArticle", "headline": "Recovered", "datePublished": "2024-01-02",}',
        '{"@type": "NewsArticle", "headline": "Recovered",\n "datePublished": "2024-01-02", "x": [1, 2,],}',
        '<!-- {"@type": "NewsArticle", "headline": "Recovered", "datePublished": "2024-01-02"} -->',
        '{"@type": "NewsArticle", "headline": "Recovered", "datePublished": "2024-01-02",'
        ' "description": "a raw\ttab and a\nnewline"};',
        '{"@type": "WebSite", "name": "S"} {"@type": "NewsArticle", "headline": "Recovered",'
        ' "datePublished": "2024-01-02"}',
        '[{"@type": "NewsArticle", "headline": "Recovered", "datePublished": "2024-01-02"\x01}]',
    ],
)
def test_broken_but_recoverable_json_ld_is_read(script: str) -> None:
    html = page(f'<script type="application/ld+json">{script}</script>', "<title>T</title>")
    meta = page_metadata(html, fetched_at=FETCHED)
    assert (meta.title, meta.published_at) == ("Recovered", datetime(2024, 1, 2, tzinfo=UTC))


def test_hopeless_json_ld_is_skipped() -> None:
    assert read_json_ld(['{"@type": "NewsArticle", "headline": ']).article == {}


@pytest.mark.parametrize(
    ("tag", "source"),
    [
        (
            '<meta property="og:article:published_time" content="2023-04-28T19:20:36+02:00">',
            "meta:og:article:published_time",
        ),
        ('<meta name="publishdate" content="2023-04-28 19:20:36+02:00">', "meta:publishdate"),
        ('<meta name="DC.date.issued" content="2023-04-28T17:20:36Z">', "meta:dc.date.issued"),
        ('<meta name="dc.date" content="28.04.2023 17:20:36">', "meta:dc.date"),
        ('<meta itemprop="datePublished" content="2023-04-28T17:20:36Z">', "meta:datepublished"),
        ('<meta name="sailthru.date" content="Fri, 28 Apr 2023 19:20:36 +0200">', "meta:sailthru.date"),
    ],
)
def test_published_time_from_each_meta_convention(tag: str, source: str) -> None:
    meta = page_metadata(page(tag), fetched_at=FETCHED)
    assert meta.published_at == datetime(2023, 4, 28, 17, 20, 36, tzinfo=UTC)
    assert dict(meta.sources)["published_at"] == source


def test_published_time_from_the_markup() -> None:
    itemprop = page(body='<span itemprop="datePublished" datetime="2023-04-28T17:20:36Z">28 April</span>')
    assert page_metadata(itemprop, fetched_at=FETCHED).published_at == datetime(
        2023, 4, 28, 17, 20, 36, tzinfo=UTC
    )
    time_tag = page(
        body='<div class="byline">By Ann Lee <time datetime="2023-04-28">Apr 28</time></div><p>x</p>'
    )
    meta = page_metadata(time_tag, fetched_at=FETCHED)
    assert meta.published_at == datetime(2023, 4, 28, tzinfo=UTC)
    assert dict(meta.sources)["published_at"] == "time"
    assert meta.authors == ("Ann Lee",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-04-28T19:20:36+02:00", datetime(2023, 4, 28, 17, 20, 36, tzinfo=UTC)),
        ("Fri Apr 28 19:20:36 CEST 2023", datetime(2023, 4, 28, 17, 20, 36, tzinfo=UTC)),
        ("Fri, 28 Apr 2023 19:20:36 GMT", datetime(2023, 4, 28, 19, 20, 36, tzinfo=UTC)),
        ("28 de abril de 2023", datetime(2023, 4, 28, tzinfo=UTC)),
        ("2023年4月28日", datetime(2023, 4, 28, tzinfo=UTC)),
        ("Published: 28.04.2023 19:20", datetime(2023, 4, 28, 19, 20, tzinfo=UTC)),
        ("yesterday", None),  # relative: would need the clock
        ("3 hours ago", None),
        ("April 2023", None),  # no day
        ("not a date at all", None),
        ("", None),
    ],
)
def test_dates_as_newspapers_write_them(value: str, expected: datetime | None) -> None:
    assert parse_date_text(value) == expected


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("By Mei Lin and Tom Hart", ("Mei Lin", "Tom Hart")),
        ("Ana Ruiz, Li Wei & Tom Hart", ("Ana Ruiz", "Li Wei", "Tom Hart")),
        ("Anna Berg (obe)", ("Anna Berg",)),
        ("Anna Berg (obe) und Jonas Roth (jro)", ("Anna Berg", "Jonas Roth")),
        ("reporter@news.example", ()),
        ("Tom Hart (tom.hart@news.example)", ("Tom Hart",)),
        ("@tomhart", ()),
        ("Tom Hart @tomhart", ("Tom Hart",)),
        ("Jane Doe, Staff Writer", ("Jane Doe",)),
        ("Brenda Goodman, MA", ("Brenda Goodman",)),
        ("By Ann Lee March 25, 2015", ("Ann Lee",)),
        ("Par Sébastien Farcis", ("Sébastien Farcis",)),
        ("Theresa May", ("Theresa May",)),
        ("王伟", ("王伟",)),
        ("https://news.example/people/ann", ()),
        ({"@type": "Person", "givenName": "Mei", "familyName": "Lin"}, ("Mei Lin",)),
        ([{"name": "Ann Lee"}, "Ann Lee", {"name": ["Tom Hart"]}], ("Ann Lee", "Tom Hart")),
    ],
)
def test_author_names_are_split_and_cleaned(value: object, names: tuple[str, ...]) -> None:
    assert clean_authors(value) == names


def test_authors_from_meta_conventions_and_microdata() -> None:
    dc = page('<meta name="DC.creator" content="By Ines Okafor">')
    assert page_metadata(dc).authors == ("Ines Okafor",)
    microdata = page(
        body='<p>x</p><span itemprop="author" itemscope><span itemprop="name">Rosa Lind</span> (rl)</span>'
    )
    meta = page_metadata(microdata)
    assert meta.authors == ("Rosa Lind",)
    assert dict(meta.sources)["authors"] == "itemprop:author"


def test_the_site_name_is_no_author_unless_json_ld_says_so() -> None:
    html = page(
        '<meta property="og:site_name" content="Daily Example">',
        '<meta name="author" content="Daily Example">',
    )
    assert page_metadata(html).authors == ()


def test_a_title_h1_the_title_tag_does_not_hold_is_a_logo_or_section() -> None:
    section = page(
        "<title>Harbour bridge reopens - Daily Example</title>", body="<h1>Local news</h1><p>x</p>"
    )
    assert page_metadata(section).title == "Harbour bridge reopens - Daily Example"
    clean = page(
        "<title>Harbour bridge reopens - Daily Example</title>", body="<h1>Harbour bridge reopens</h1>"
    )
    meta = page_metadata(clean)
    assert meta.title == "Harbour bridge reopens"
    assert dict(meta.sources)["title"] == "h1"


def test_a_date_no_markup_states_comes_from_the_dateline_or_the_title() -> None:
    after_h1 = page(
        body="<h1>Harbour bridge reopens</h1><div>Daily Example 2016年10月14日07:17</div><p>x</p>"
    )
    meta = page_metadata(after_h1, fetched_at=FETCHED)
    assert meta.published_at == datetime(2016, 10, 14, 7, 17, tzinfo=UTC)
    assert dict(meta.sources)["published_at"] == "text:after-h1"
    time_after_h1 = page(
        body='<time datetime="2011-01-01">old</time><h1>H</h1><p>By A <time datetime="2016-11-15T07:00:00Z">'
        "1 day ago</time></p>"
    )
    assert page_metadata(time_after_h1, fetched_at=FETCHED).published_at == datetime(
        2016, 11, 15, 7, tzinfo=UTC
    )
    in_title = page("<title>Una solución no violenta - 07.12.2017 - Diario</title>")
    assert page_metadata(in_title, fetched_at=FETCHED).published_at == datetime(2017, 12, 7, tzinfo=UTC)
