"""Listing pages (a section front, a tag page) → article URLs and the next page, by CSS selectors.

`parse_listing` is pure (HTML in, URLs out); `walk_listing` follows next-page links with a fetcher, up to
a page limit, and stops early on a failed page or a next link that points back to a page already read.
A link that cannot be used (`http://[::1/x`, a port out of range) is skipped and listed, never raised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import soupsieve
from bs4 import BeautifulSoup, Tag

from extract.http import Fetcher, FetchResult, Validators
from transform.errors import ExtractError, Reject
from transform.urls import absolute_url, broken_web_link

LISTING_CONTENT_TYPES = ("text/html", "application/xhtml+xml")


class ListingError(ExtractError):
    """The selectors cannot be used (invalid CSS)."""

    stage = "listing"


@dataclass(frozen=True, slots=True)
class ListingPage:
    """Absolute article URLs found on one page (document order, no repeats), and the next page.

    `invalid_links` are the hrefs (as written) skipped because they are not usable web URLs.
    """

    article_urls: tuple[str, ...]
    next_url: str | None = None
    invalid_links: tuple[str, ...] = ()


def check_selector(selector: str) -> str | None:
    """Why `selector` is not valid CSS for soupsieve, or None when it is (for config validation)."""
    try:
        soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as error:
        return str(error).splitlines()[0]
    return None


def parse_listing(
    html: str, base_url: str, link_selector: str, next_selector: str | None = None
) -> ListingPage:
    """Apply `link_selector` (elements that are, or contain, <a href>) and `next_selector` to a page.

    Links resolve against <base href> when the page has one, else `base_url`; fragments are dropped and
    only http(s) links are kept. Raises ListingError on an invalid selector.
    """
    for selector in (link_selector, next_selector):
        if selector and (problem := check_selector(selector)):
            raise ListingError(f"invalid CSS selector {selector!r}: {problem}")
    if not html.isascii():
        # A lone surrogate (possible in a str, never in decoded bytes) would stop lxml: replace it.
        html = html.encode("utf-8", "replace").decode("utf-8")
    soup = BeautifulSoup(html, "lxml")
    base_tag = soup.find("base", href=True)
    base = base_url
    if isinstance(base_tag, Tag):
        base = absolute_url(str(base_tag["href"]), base_url) or base_url
    invalid: dict[str, None] = {}

    def links(selector: str) -> Iterator[str]:
        for tag in soup.select(selector):
            href = _href(tag)
            if href is None:
                continue
            url = absolute_url(href, base)
            if url is not None:
                parts = urlsplit(url)
                yield urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
            elif broken_web_link(href, base):
                invalid[href] = None

    urls = dict.fromkeys(links(link_selector))
    next_url = next(links(next_selector), None) if next_selector else None
    return ListingPage(tuple(urls), next_url, tuple(invalid))


@dataclass(frozen=True, slots=True)
class ListingWalk:
    """What walking a listing found: article URLs over all pages, every page fetch, and failures."""

    article_urls: tuple[str, ...]
    pages: tuple[FetchResult, ...]
    errors: tuple[Reject, ...]
    # Why the walk stopped: "last page", "page limit", "loop", "unchanged", "failed".
    stopped: str
    # Each skipped href (as written) with the page it was found on.
    invalid_links: tuple[tuple[str, str], ...] = ()


async def walk_listing(
    fetcher: Fetcher,
    url: str,
    link_selector: str,
    next_selector: str | None = None,
    *,
    max_pages: int = 5,
    validators: Validators | None = None,
    allow_private_addresses: bool | None = None,
) -> ListingWalk:
    """Fetch a listing page and follow its next-page links, at most `max_pages` pages.

    `validators` apply to the first page only: when it is unchanged (304) the walk stops there, since a
    front page that did not change has no new articles to lead to.
    """
    urls: dict[str, None] = {}
    pages: list[FetchResult] = []
    errors: list[Reject] = []
    seen: set[str] = set()
    invalid: list[tuple[str, str]] = []
    current: str | None = url
    stopped = "last page"
    while current is not None:
        if len(pages) >= max_pages:
            stopped = "page limit"
            break
        seen.add(current)
        result = await fetcher.fetch(
            current,
            validators if not pages else None,
            accept=LISTING_CONTENT_TYPES,
            allow_private_addresses=allow_private_addresses,
        )
        pages.append(result)
        if result.unchanged:
            stopped = "unchanged"
            break
        if not result.ok:
            errors.append(result.to_reject("listing"))
            stopped = "failed"
            break
        try:
            page = parse_listing(result.text, result.final_url, link_selector, next_selector)
        except ListingError as error:
            errors.append(Reject.from_error(current, error))
            stopped = "failed"
            break
        urls.update(dict.fromkeys(page.article_urls))
        invalid.extend((result.final_url, link) for link in page.invalid_links)
        current = page.next_url
        if current is not None and current in seen:
            stopped = "loop"
            break
    return ListingWalk(tuple(urls), tuple(pages), tuple(errors), stopped, tuple(invalid))


def _href(tag: Tag) -> str | None:
    """The href of the tag (an <a>) or of the first <a href> inside it; None for none or a same-page link."""
    anchor = tag if tag.name == "a" and tag.get("href") else tag.find("a", href=True)
    if not isinstance(anchor, Tag):
        return None
    href = str(anchor.get("href") or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "#")):
        return None
    return href
