"""Sitemaps (index, urlset, Google News; plain or gzipped) → article URLs, in bounded work.

`parse_sitemap` reads the XML as a stream (lxml iterparse) and drops each element once read, so a
100,000-URL sitemap costs the same memory as a small one, and it stops at `limit` URLs. Decompressed
size is capped too (the sitemap protocol allows 50 MB). `walk_sitemaps` follows an index with a fetcher.
A <loc> that cannot be used (`http://[::1/x`, a port out of range) is skipped and listed, never raised.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from extract.http import Fetcher, FetchResult, Validators
from extract.pages import parse_datetime
from transform.errors import ExtractError, Reject
from transform.urls import absolute_url, broken_web_link

MAX_SITEMAP_BYTES = 50 * 1024 * 1024
DEFAULT_LIMIT = 1000
# Media types sitemaps are served with, for Fetcher.fetch(accept=...).
SITEMAP_CONTENT_TYPES = (
    "application/xml",
    "text/xml",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
    "text/plain",
)


class SitemapError(ExtractError):
    """The bytes are not a readable sitemap (malformed XML, broken gzip, too large, another root)."""

    stage = "sitemap"


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One <url> of a urlset, with the Google News fields when present."""

    url: str
    lastmod: datetime | None = None
    news_title: str | None = None
    news_published: datetime | None = None
    news_language: str | None = None
    news_publication: str | None = None

    @property
    def date(self) -> datetime | None:
        """The best date for "is this new": the news publication date, else lastmod."""
        return self.news_published or self.lastmod


@dataclass(frozen=True, slots=True)
class SitemapRef:
    """One <sitemap> of a sitemap index."""

    url: str
    lastmod: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: a urlset has entries, an index has sitemaps. `truncated`: more were left unread.

    `invalid_links` are the <loc> values (as written) skipped because they are not usable web URLs.
    """

    kind: str  # "urlset" or "sitemapindex"
    entries: tuple[SitemapEntry, ...] = ()
    sitemaps: tuple[SitemapRef, ...] = ()
    truncated: bool = False
    invalid_links: tuple[str, ...] = ()


def parse_sitemap(
    content: bytes,
    base_url: str | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    since: datetime | None = None,
    max_bytes: int = MAX_SITEMAP_BYTES,
) -> Sitemap:
    """Parse a sitemap (gzip is detected by its magic bytes), taking at most `limit` URLs or sitemaps.

    With `since` (aware datetime), entries and child sitemaps dated before it are skipped; undated ones
    are kept, since nothing says they are old. Raises SitemapError.
    """
    stream: io.BufferedIOBase = io.BytesIO(content)
    if content[:2] == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=stream)
    kind: str | None = None
    entries: list[SitemapEntry] = []
    refs: list[SitemapRef] = []
    invalid: list[str] = []
    try:
        context = etree.iterparse(
            _Capped(stream, max_bytes),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
            remove_pis=True,
        )
        for event, element in context:
            name = _local_name(element.tag)
            if kind is None:
                if name not in ("urlset", "sitemapindex"):
                    raise SitemapError(f"not a sitemap: the root element is <{name}>")
                kind = name
                continue
            if event != "end" or name not in ("url", "sitemap"):
                continue
            taken = len(entries) + len(refs)
            fields = _fields(element)
            _release(element)
            loc = fields.get("loc")
            url = absolute_url(loc, base_url) if loc else None
            if loc and url is None and broken_web_link(loc, base_url):
                invalid.append(loc)
            if url is None:
                continue
            item = _entry(url, fields) if name == "url" else _ref(url, fields)
            date = _date(item)
            if since is not None and date is not None and date < since:
                continue
            if taken >= limit:
                return Sitemap(
                    kind, tuple(entries), tuple(refs), truncated=True, invalid_links=tuple(invalid)
                )
            if isinstance(item, SitemapEntry):
                entries.append(item)
            else:
                refs.append(item)
    except etree.XMLSyntaxError as error:
        raise SitemapError(f"malformed sitemap XML: {error}") from error
    except (OSError, EOFError, zlib.error) as error:
        raise SitemapError(f"broken gzip data: {error}") from error
    if kind is None:
        raise SitemapError("empty sitemap")
    return Sitemap(kind, tuple(entries), tuple(refs), invalid_links=tuple(invalid))


def _date(item: SitemapEntry | SitemapRef) -> datetime | None:
    return item.date if isinstance(item, SitemapEntry) else item.lastmod


@dataclass(frozen=True, slots=True)
class SitemapWalk:
    """What walking a sitemap (and its children) found.

    `fetches` holds every sitemap fetch, so the caller can store the new validators; unchanged (304)
    sitemaps contribute no entries. `errors` are per-sitemap rejects; the walk goes on without them.
    `invalid_links` pairs each skipped <loc> (as written) with the sitemap it was found in.
    """

    entries: tuple[SitemapEntry, ...]
    fetches: tuple[FetchResult, ...]
    errors: tuple[Reject, ...]
    truncated: bool
    invalid_links: tuple[tuple[str, str], ...] = ()


async def walk_sitemaps(
    fetcher: Fetcher,
    url: str,
    *,
    limit: int = DEFAULT_LIMIT,
    since: datetime | None = None,
    validators: Mapping[str, Validators] | None = None,
    max_sitemaps: int = 50,
    allow_private_addresses: bool | None = None,
) -> SitemapWalk:
    """Fetch a sitemap or sitemap index and its children (newest first), up to `limit` URLs in total and
    `max_sitemaps` fetches. Conditional GETs use `validators[url]` when given."""
    queue, seen = [url], {url}
    entries: list[SitemapEntry] = []
    fetches: list[FetchResult] = []
    errors: list[Reject] = []
    invalid: list[tuple[str, str]] = []
    truncated = False
    while queue and len(entries) < limit:
        if len(fetches) >= max_sitemaps:
            truncated = True
            break
        current = queue.pop(0)
        result = await fetcher.fetch(
            current,
            (validators or {}).get(current),
            accept=SITEMAP_CONTENT_TYPES,
            allow_private_addresses=allow_private_addresses,
        )
        fetches.append(result)
        if result.error is not None:
            errors.append(result.to_reject())
        if not result.ok or result.content is None:
            continue
        try:
            sitemap = parse_sitemap(result.content, result.final_url, limit=limit - len(entries), since=since)
        except SitemapError as error:
            errors.append(Reject.from_error(current, error))
            continue
        entries.extend(sitemap.entries)
        invalid.extend((result.final_url, link) for link in sitemap.invalid_links)
        truncated = truncated or sitemap.truncated
        # Newest children first, undated last: with a limit, the recent URLs are the ones worth having.
        for ref in sorted(sitemap.sitemaps, key=_recency, reverse=True):
            if ref.url not in seen:
                seen.add(ref.url)
                queue.append(ref.url)
    return SitemapWalk(
        tuple(entries), tuple(fetches), tuple(errors), truncated or bool(queue), tuple(invalid)
    )


def _recency(ref: SitemapRef) -> tuple[bool, float]:
    return (ref.lastmod is not None, ref.lastmod.timestamp() if ref.lastmod else 0.0)


def _entry(url: str, fields: dict[str, str]) -> SitemapEntry:
    return SitemapEntry(
        url=url,
        lastmod=parse_datetime(fields.get("lastmod")),
        news_title=fields.get("title"),
        news_published=parse_datetime(fields.get("publication_date")),
        news_language=fields.get("language"),
        news_publication=fields.get("name"),
    )


def _ref(url: str, fields: dict[str, str]) -> SitemapRef:
    return SitemapRef(url, parse_datetime(fields.get("lastmod")))


def _fields(element: etree._Element) -> dict[str, str]:
    """Leaf texts by local name (loc, lastmod, and the news: fields nested under <news:news>)."""
    found: dict[str, str] = {}
    for child in element.iter():
        if child is not element and isinstance(child.tag, str) and child.text and child.text.strip():
            found.setdefault(_local_name(child.tag), child.text.strip())
    return found


def _local_name(tag: object) -> str:
    """ "loc" for "{namespace}loc". Not etree.QName, which raises on a tag a truncated file leaves
    (such as "news:")."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _release(element: etree._Element) -> None:
    """Drop a read element and its already-read siblings, so memory stays flat on huge sitemaps."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


class _Capped:
    """A read-only stream that raises SitemapError past `limit` bytes (checked after decompression)."""

    def __init__(self, inner: io.BufferedIOBase, limit: int) -> None:
        self._inner, self._limit, self._read = inner, limit, 0

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size if size >= 0 else self._limit + 1)
        self._read += len(data)
        if self._read > self._limit:
            raise SitemapError(f"sitemap is over the {self._limit:,}-byte limit once decompressed")
        return data
