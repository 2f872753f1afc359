"""RSS 2.0 / Atom / RDF (RSS 1.0) feeds → entries, with feedparser. Pure: bytes in, records out.

feedparser is given bytes, never a URL string: given a string that looks like a URL it would fetch it
itself, around our fetcher's limits and robots.txt rules. At most `limit` entries become records (the
bytes are capped by the fetcher), and a link that cannot be used (`http://[::1/x`, a port out of range)
skips its entry and is listed, never raised.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from transform.errors import ExtractError
from transform.urls import absolute_url, broken_web_link

DEFAULT_LIMIT = 1000

# Media types a feed is served with, for Fetcher.fetch(accept=...).
FEED_CONTENT_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    # Misconfigured servers send feeds as text/html or text/plain; the parser decides what they hold.
    "text/html",
    "text/plain",
)


_NOT_PROBLEMS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedError(ExtractError):
    """The bytes are not a feed that can be read (malformed XML, or not a feed at all)."""

    stage = "feed"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed: where the article is, and what the feed says about it."""

    url: str
    title: str | None = None
    published: datetime | None = None  # the entry's publication date, else its update date
    updated: datetime | None = None
    summary: str | None = None
    authors: tuple[str, ...] = ()
    entry_id: str | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed. `problem` is set when the XML was broken but entries could still be recovered.

    `invalid_links` are the links (as written) of entries skipped because the link could not be used;
    `truncated` says entries past the limit were left unread.
    """

    kind: str  # feedparser's version: "rss20", "atom10", "rss10" (RDF), ...
    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]
    problem: str | None = None
    invalid_links: tuple[str, ...] = ()
    truncated: bool = False


def parse_feed(
    content: bytes, base_url: str | None = None, *, strict: bool = False, limit: int = DEFAULT_LIMIT
) -> Feed:
    """Parse feed bytes; relative links resolve against `base_url` (the URL the feed came from).

    Broken XML raises FeedError when nothing could be recovered, or always when `strict`; otherwise the
    recovered entries come back with `problem` naming the error. Entries without a web link are skipped
    (there is nothing to fetch); those whose link looks like a web link but cannot be parsed are listed in
    `invalid_links`. Only the first `limit` entries with a link are taken (feeds list newest first).
    """
    headers = {"content-location": base_url} if base_url else {}
    parsed: Any = feedparser.parse(content, response_headers=headers, sanitize_html=True)
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    # Only XML errors count: feedparser also flags a missing Content-Type or an overridden charset.
    broken_xml = error is not None and not isinstance(error, _NOT_PROBLEMS)
    problem = f"malformed XML: {_describe(error)}" if broken_xml else None
    entries: list[FeedEntry] = []
    invalid: list[str] = []
    truncated = False
    for raw in parsed.entries:
        link = raw.get("link") or _first_link(raw)
        if not link:
            continue
        url = absolute_url(str(link), base_url)
        if url is None:
            if broken_web_link(str(link), base_url):
                invalid.append(str(link))
            continue
        if len(entries) >= limit:
            truncated = True
            break
        entries.append(_entry(raw, url))
    if not parsed.get("version"):
        raise FeedError(problem or "not an RSS, Atom or RDF feed (no feed element found)")
    if problem and (strict or not entries):
        raise FeedError(problem)
    channel = parsed.feed
    return Feed(
        kind=parsed.get("version"),
        title=_text(channel.get("title")),
        link=channel.get("link"),
        entries=tuple(entries),
        problem=problem,
        invalid_links=tuple(invalid),
        truncated=truncated,
    )


def _entry(raw: Any, url: str) -> FeedEntry:
    # Not raw.get(): feedparser answers a missing updated_parsed with published_parsed, and a warning.
    updated = raw["updated_parsed"] if "updated_parsed" in raw else None  # noqa: SIM401
    authors = tuple(a["name"].strip() for a in raw.get("authors", []) if a.get("name", "").strip())
    if not authors and raw.get("author"):
        authors = (str(raw["author"]).strip(),)
    return FeedEntry(
        url=url,
        title=_text(raw.get("title")),
        # RDF's dc:date and Atom's <updated> are the only dates some feeds give.
        published=_datetime(raw.get("published_parsed") or updated),
        updated=_datetime(updated),
        summary=_text(raw.get("summary")),
        authors=authors,
        entry_id=raw.get("id"),
    )


def _first_link(raw: Any) -> str | None:
    for link in raw.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None


def _text(value: str | None) -> str | None:
    """Plain text from a feed field, which may hold (sanitized) HTML."""
    if not value:
        return None
    text = BeautifulSoup(value, "lxml").get_text(" ", strip=True) if "<" in value else value.strip()
    return " ".join(text.split()) or None


def _datetime(value: time.struct_time | None) -> datetime | None:
    # feedparser normalises every date it understands to a UTC struct_time.
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):  # a year datetime cannot hold, e.g. 0000 or 99999
        return None


def _describe(error: Any) -> str:
    if hasattr(error, "getMessage") and hasattr(error, "getLineNumber"):  # an XML (SAX) parse error
        return f"{error.getMessage()} at line {error.getLineNumber()}, column {error.getColumnNumber()}"
    return str(error)
