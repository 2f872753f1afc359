"""Raw document → extracted text and metadata, by content type. Raises ExtractError/ReadError per document.

Plain text: the first line is the title when it looks like one. HTML: one lxml parse, read for metadata
(extract/pages.py) and main text (extract/readings.py, trafilatura by evidence). JSON: an object with
url/title/text|body|html/published/authors.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import trafilatura

from extract.pages import (
    PageMetadata,
    page_metadata,
    parse_datetime,
    parse_page,
    plausible_date,
    split_authors,
)
from extract.readings import read_main_text
from transform.dates import date_from_url
from transform.errors import ExtractError, ReadError
from transform.records import ExtractedDocument, RawDocument
from transform.segmentation import word_count

# A first line is a title when it is short and does not end like a sentence.
_TITLE_MAX_CHARS = 150
_TITLE_MAX_WORDS = 20
_SENTENCE_END = (".", "!", "?", "…", "。", ":", ";", ",")
# trafilatura falls back to any text it finds: fewer words than this is a menu or an error page. Words
# as the segmentation layer counts them, so unspaced Japanese and Chinese text counts its words too.
_MIN_PAGE_WORDS = 10
# Enough of the text to decide the minimum without segmenting a whole long CJK article.
_WORD_COUNT_PREFIX = 2_000
# Files are capped at 1 MiB a document when read (extract/files.py); web pages, fetched up to 10 MB, are
# capped here, on the text extraction found: ten times a long feature, some 150,000 words.
MAX_TEXT_CHARS = 1_000_000
# Control characters that never occur in text (tab, newline, carriage return and form feed do).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def extract_document(raw: RawDocument) -> ExtractedDocument:
    """Extract title, text and metadata from one raw document."""
    if raw.refused_reason:
        raise ReadError(raw.refused_reason)
    if not raw.content or not raw.content.strip():
        raise ReadError("empty document")
    if raw.content_type == "text/html":
        extracted = extract_html(raw, decode_text(raw.content))
    elif raw.content_type == "application/json":
        extracted = _extract_json(raw)
    else:
        extracted = _extract_plain_text(raw, decode_text(raw.content))
    if len(extracted.text) > MAX_TEXT_CHARS:
        raise ExtractError(
            f"article text is {len(extracted.text):,} characters, over the limit of {MAX_TEXT_CHARS:,}"
            " (cleaning and analysis cost about 10 s of CPU a megabyte)"
        )
    return extracted


def decode_text(content: bytes) -> str:
    """UTF-8 text (a BOM is allowed), or UTF-16/UTF-32 text that starts with its byte order mark; binary
    or undecodable bytes raise ReadError with what to do."""
    # UTF-32 first: its little-endian mark begins with UTF-16's.
    marks = (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    )
    for mark, encoding in marks:
        if content.startswith(mark):
            try:
                text = content[len(mark) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise ReadError(
                    f"not valid {encoding.upper()} (offset {error.start + len(mark)}), though it starts "
                    "with that byte order mark: save the file as UTF-8"
                ) from error
            if "\x00" in text or len(re.findall(r"[\x01-\x08\x0e-\x1a\x1c-\x1f]", text[:4096])) > 8:
                break  # binary bytes that happen to start like a byte order mark
            return text
    if b"\x00" in content or len(_BINARY_BYTES.findall(content[:4096])) > 8:
        raise ReadError("binary content, not text: newsetl reads .txt, .html, .json and .jsonl text files")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(
            f"not valid UTF-8 (byte 0x{content[error.start]:02x} at offset {error.start}): "
            "save the file as UTF-8"
        ) from error


def split_title(text: str) -> tuple[str | None, str]:
    """Split off the first line as a title when it looks like one (short, no final punctuation)."""
    first, _, rest = text.strip().partition("\n")
    first = first.strip()
    looks_like_title = (
        bool(rest.strip())
        and len(first) <= _TITLE_MAX_CHARS
        and len(first.split()) <= _TITLE_MAX_WORDS
        and not first.endswith(_SENTENCE_END)
    )
    return (first, rest) if looks_like_title else (None, text)


def _extract_plain_text(raw: RawDocument, text: str) -> ExtractedDocument:
    title, body = split_title(text)
    return ExtractedDocument(
        doc_id=raw.doc_id, uri=raw.uri, source=raw.source, text=body, title=title, extractor="plain-text"
    )


def extract_html(raw: RawDocument, html: str, url: str | None = None) -> ExtractedDocument:
    """Main text by evidence (extract/readings.py); title, authors, dates, language and canonical URL from
    every metadata source of the page (extract/pages.py). The page is parsed once, and both read the tree.

    The extractor lineage names the reading the text came from and the source of each field, e.g.
    "trafilatura-2.3.1 body=precision title=json-ld authors=meta:author published_at=time".
    """
    tree = parse_page(html)
    meta = page_metadata(tree, _web_base(url or raw.uri), raw.fetched_at) if tree is not None else None
    reading = read_main_text(tree, meta.article_body if meta else None) if tree is not None else None
    text = reading.text if reading else ""
    words = word_count(text[:_WORD_COUNT_PREFIX])
    if reading is None or words < _MIN_PAGE_WORDS:
        raise ExtractError(f"no main text found in the HTML page ({words} words outside navigation)")
    assert meta is not None
    return ExtractedDocument(
        doc_id=raw.doc_id,
        uri=raw.uri,
        source=raw.source,
        text=text,
        title=meta.title,
        url=url or meta.canonical_url,
        authors=meta.authors,
        published_at=meta.published_at,
        language=meta.language,
        extractor=_lineage(reading.name, meta),
    )


def _lineage(reading: str, meta: PageMetadata) -> str:
    wanted = ("title", "authors", "published_at", "language", "canonical_url")
    found = dict(meta.sources)
    fields = " ".join(f"{name}={found[name]}" for name in wanted if name in found)
    return f"trafilatura-{trafilatura.__version__} body={reading} {fields}".strip()


def _extract_json(raw: RawDocument) -> ExtractedDocument:
    assert raw.content is not None
    try:
        record = json.loads(decode_text(raw.content))
    except json.JSONDecodeError as error:
        raise ExtractError(f"invalid JSON: {error}") from error
    except RecursionError as error:  # files are refused earlier (extract/files.py); web bodies are not
        raise ExtractError("JSON nested too deep to be an article") from error
    if not isinstance(record, dict):
        raise ExtractError(f"expected a JSON object, got {type(record).__name__}")
    url = _optional_str(record, "url")
    if isinstance(record.get("html"), str) and not (record.get("text") or record.get("body")):
        page = extract_html(raw, record["html"], url=url)
        return _with_json_metadata(page, record, raw.fetched_at)
    text = record.get("text") or record.get("body")
    if not isinstance(text, str) or not text.strip():
        raise ExtractError("JSON object has no text: expected a non-empty 'text', 'body' or 'html' field")
    return _with_json_metadata(
        ExtractedDocument(
            doc_id=raw.doc_id, uri=raw.uri, source=raw.source, text=text, url=url, extractor="json"
        ),
        record,
        raw.fetched_at,
    )


def _with_json_metadata(
    document: ExtractedDocument, record: dict[str, Any], fetched_at: datetime
) -> ExtractedDocument:
    """Fields given explicitly in the JSON win over what was found in an embedded page; a date outside
    the plausible range (a placeholder such as 0001-01-01) is not one."""
    authors = record.get("authors") or record.get("author")
    return ExtractedDocument(
        doc_id=document.doc_id,
        uri=document.uri,
        source=document.source,
        text=document.text,
        title=_optional_str(record, "title") or document.title,
        url=_optional_str(record, "url") or document.url,
        authors=split_authors(authors) or document.authors,
        published_at=plausible_date(
            parse_datetime(_optional_str(record, "published") or _optional_str(record, "published_at")),
            fetched_at,
        )
        or document.published_at
        or date_from_url(_optional_str(record, "url"), fetched_at),
        language=_optional_str(record, "language") or document.language,
        extractor=document.extractor,
    )


def _optional_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _web_base(uri: str | None) -> str | None:
    """The address relative links of a page resolve against: its web URL; a local file has none."""
    return uri if uri and uri.lower().startswith(("http://", "https://")) else None
