from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from extract.datetimes import parse_datetime
from extract.documents import decode_text, extract_document, split_title
from transform.errors import ExtractError, ReadError
from transform.records import RawDocument, SourceKind, sha256_hex

NOW = datetime(2025, 2, 13, 8, 0, tzinfo=UTC)

PAGE = """<!doctype html>
<html lang="en"><head>
<title>Qwen on iPhone | Example Tech</title>
<meta property="og:title" content="Apple brings Qwen models to iPhones in China">
<meta name="author" content="Mei Lin and Tom Hart">
<meta property="article:published_time" content="2025-02-13T09:30:00+08:00">
<link rel="canonical" href="https://tech.example.com/2025/02/qwen-iphone?utm_source=rss">
</head><body>
<nav><a href="/">Home</a> <a href="/ai">AI</a> <a href="/login">Log in</a></nav>
<div class="cookie">We use cookies to improve your experience. Accept all cookies.</div>
<article>
<h1>Apple brings Qwen models to iPhones in China</h1>
<p>Apple will use language models from Alibaba Cloud to power its assistant features on phones sold in
mainland China, two people familiar with the plan said on Thursday.</p>
<p>The arrangement gives Alibaba a large new channel for its Qwen family, which already serves thousands
of enterprise customers through the company's cloud platform.</p>
<p>Analysts said the deal could lift Alibaba Cloud revenue growth later this year, while Apple gains a
partner that meets local rules on generative AI services.</p>
</article>
<footer>Copyright 2025 Example Tech. All rights reserved. Share on WeChat.</footer>
</body></html>"""


def raw(content: bytes, content_type: str = "text/plain", uri: str = "file:///x.txt") -> RawDocument:
    return RawDocument(
        source="files",
        source_kind=SourceKind.FILE,
        uri=uri,
        fetched_at=NOW,
        content_type=content_type,
        content=content,
        sha256=sha256_hex(content),
        size_bytes=len(content),
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Alibaba Cloud doubles AI spending\n\nThe company said...", "Alibaba Cloud doubles AI spending"),
        ("Apple picked a partner in China. It was Alibaba.\nMore text.", None),
        ("Only one line without a body", None),
        ("Why Alibaba?\nBecause of Qwen.", None),
        (("A very long first line " * 10).strip() + "\nBody", None),
    ],
)
def test_first_line_is_a_title_only_when_it_looks_like_one(text: str, title: str | None) -> None:
    assert split_title(text)[0] == title


def test_plain_text_document() -> None:
    doc = extract_document(raw(b"Qwen reaches iPhone\n\nApple said so on Thursday.\n"))
    assert doc.title == "Qwen reaches iPhone"
    assert doc.text.strip() == "Apple said so on Thursday."
    assert doc.extractor == "plain-text"


def test_html_page_gives_main_text_and_metadata() -> None:
    doc = extract_document(raw(PAGE.encode(), "text/html", "file:///page.html"))
    assert doc.title == "Apple brings Qwen models to iPhones in China"
    assert doc.authors == ("Mei Lin", "Tom Hart")
    assert doc.published_at == datetime(2025, 2, 13, 1, 30, tzinfo=UTC)
    assert doc.language == "en"
    assert doc.url == "https://tech.example.com/2025/02/qwen-iphone?utm_source=rss"
    assert "power its assistant features" in doc.text
    assert "partner that meets local rules" in doc.text
    assert "cookies" not in doc.text
    assert "Log in" not in doc.text
    assert doc.extractor.startswith("trafilatura-")


def test_html_without_text_is_rejected() -> None:
    with pytest.raises(ExtractError, match="no main text"):
        extract_document(raw(b"<html><body><nav>Home</nav></body></html>", "text/html"))


def test_json_object_with_text_and_metadata() -> None:
    record = {
        "url": "https://news.example.org/a",
        "title": "Alibaba shares jump",
        "body": "Shares rose 8% in Hong Kong.",
        "published": "2025-02-12",
        "authors": ["Ana Ruiz", "Li Wei"],
    }
    doc = extract_document(raw(json.dumps(record).encode(), "application/json"))
    assert (doc.url, doc.title, doc.text) == (record["url"], record["title"], record["body"])
    assert doc.authors == ("Ana Ruiz", "Li Wei")
    assert doc.published_at == datetime(2025, 2, 12, tzinfo=UTC)


def test_json_object_with_html_uses_the_page_extractor() -> None:
    record = {"url": "https://news.example.org/b", "html": PAGE, "authors": "Desk Reporter"}
    doc = extract_document(raw(json.dumps(record).encode(), "application/json"))
    assert doc.url == "https://news.example.org/b"
    assert doc.authors == ("Desk Reporter",)
    assert doc.title == "Apple brings Qwen models to iPhones in China"
    assert "Alibaba Cloud" in doc.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{broken", "invalid JSON"),
        (b"[1, 2]", "expected a JSON object, got list"),
        (b'{"title": "no text"}', "JSON object has no text"),
    ],
)
def test_bad_json_is_rejected_with_the_reason(content: bytes, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        extract_document(raw(content, "application/json"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty document"),
        (b"  \n\t ", "empty document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
        ("caf\u00e9".encode("latin-1") + b" menu", "not valid UTF-8 .byte 0xe9 at offset 3"),
    ],
)
def test_unreadable_bytes_are_rejected_with_the_reason(content: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        extract_document(raw(content))


def test_refused_document_is_rejected_with_its_reason() -> None:
    refused = RawDocument(
        source="files",
        source_kind=SourceKind.FILE,
        uri="file:///big.txt",
        fetched_at=NOW,
        content_type="text/plain",
        content=None,
        sha256="0" * 64,
        size_bytes=10**9,
        refused_reason="file is too big",
    )
    with pytest.raises(ReadError, match="file is too big"):
        extract_document(refused)


def test_decode_accepts_a_byte_order_mark_and_cjk() -> None:
    assert decode_text("\ufeff通义千问 Qwen".encode()) == "通义千问 Qwen"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-13T08:00:00Z", datetime(2025, 2, 13, 8, tzinfo=UTC)),
        ("2025-02-13", datetime(2025, 2, 13, tzinfo=UTC)),
        ("13 February 2025", None),
        (None, None),
    ],
)
def test_parse_datetime(value: str | None, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


def test_a_page_with_more_text_than_any_article_is_a_reject() -> None:
    from extract.documents import MAX_TEXT_CHARS
    from transform.errors import ExtractError
    from transform.records import RawDocument, SourceKind, sha256_hex

    body = "<p>" + "Qwen news for the record. " * (MAX_TEXT_CHARS // 25 + 10) + "</p>"
    content = f"<html><body><article>{body}</article></body></html>".encode()
    raw = RawDocument(
        "web", SourceKind.URL, "https://x.test/a", datetime(2026, 3, 1, tzinfo=UTC), "text/html",
        content, sha256_hex(content), len(content),
    )  # fmt: skip
    with pytest.raises(ExtractError, match="over the limit"):
        extract_document(raw)
