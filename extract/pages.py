"""Article page metadata: JSON-LD (NewsArticle and kin), Open Graph, <meta>, <html lang>, canonical link.

Pure: HTML (or an already parsed soup) in, a `PageMetadata` out. Each field takes the first source that
has it, most structured first: JSON-LD, then Open Graph / article:*, then plain <meta> and the markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bs4 import BeautifulSoup, Tag

from transform.dates import date_from_url, plausible_published
from transform.urls import absolute_url

# schema.org types whose fields describe the article itself (not the site, a breadcrumb or a video).
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "LiveBlogPosting",
        "BlogPosting",
        "TechArticle",
        "Report",
    }
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What an article page says about itself. Every field is None (or empty) when the page is silent."""

    title: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    modified_at: datetime | None = None
    site_name: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    # The schema.org @type the JSON-LD fields came from ("NewsArticle"), None without JSON-LD.
    json_ld_type: str | None = None


def page_metadata(
    page: str | BeautifulSoup, url: str | None = None, fetched_at: datetime | None = None
) -> PageMetadata:
    """Metadata of an article page; relative links (canonical) resolve against `url` when given.

    Without `url`, only an absolute http(s) canonical link is kept. A publication date must be plausible
    for a page fetched at `fetched_at` (see transform/dates.py); a placeholder falls through to the next
    source, and last to the date in the URL's path (/2019/11/19/).
    """
    soup = page if isinstance(page, BeautifulSoup) else BeautifulSoup(page, "lxml")
    ld = _article_json_ld(soup)
    html_tag = soup.find("html")
    canonical = soup.find("link", rel="canonical", href=True)
    canonical_href = str(canonical["href"]).strip() if isinstance(canonical, Tag) else None
    canonical_url = next(
        (
            found
            for href in (canonical_href, _meta(soup, "og:url"), _ld_url(ld))
            if href and (found := absolute_url(href, url))
        ),
        None,
    )
    lang = html_tag.get("lang") if isinstance(html_tag, Tag) else None
    article_authors = [a for a in split_authors(_meta(soup, "article:author")) if not a.startswith("http")]
    reference = fetched_at or _NO_REFERENCE
    return PageMetadata(
        title=_first(
            _ld_text(ld, "headline"),
            _meta(soup, "og:title"),
            _meta(soup, "twitter:title"),
            _tag_text(soup, "h1"),
            _tag_text(soup, "title"),
        ),
        description=_first(
            _meta(soup, "og:description"), _meta(soup, "description"), _ld_text(ld, "description")
        ),
        authors=_ld_people(ld.get("author"))
        or split_authors(_meta(soup, "author"))
        or tuple(article_authors),
        published_at=_first_date(
            reference,
            _ld_text(ld, "datePublished"),
            _meta(soup, "article:published_time"),
            _meta(soup, "date"),
            _meta(soup, "pubdate"),
        )
        or date_from_url(canonical_url or url, reference),
        modified_at=_first_date(
            reference,
            _ld_text(ld, "dateModified"),
            _meta(soup, "article:modified_time"),
            _meta(soup, "og:updated_time"),
        ),
        site_name=_first(
            _ld_name(ld.get("publisher")), _meta(soup, "og:site_name"), _meta(soup, "application-name")
        ),
        language=_first(
            _ld_language(ld.get("inLanguage")),
            str(lang).strip() if lang else None,
            (_meta(soup, "og:locale") or "").replace("_", "-"),
        ),
        canonical_url=canonical_url,
        json_ld_type=ld.get("@type_name"),
    )


def _first(*values: str | None) -> str | None:
    return next((value for value in values if value), None)


def _first_date(reference: datetime, *values: str | None) -> datetime | None:
    """The first value that parses as a plausible date: a malformed or placeholder JSON-LD date falls
    through to the meta tags."""
    return next(
        (parsed for value in values if (parsed := plausible_date(parse_datetime(value), reference))), None
    )


# With no fetch time, only the lower bound of a plausible date applies.
_NO_REFERENCE = datetime.max.replace(tzinfo=UTC)


def plausible_date(value: datetime | None, fetched_at: datetime | None) -> datetime | None:
    """`value` when it can be the publication date of a document fetched at `fetched_at`, else None."""
    return plausible_published(value, fetched_at or _NO_REFERENCE)


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 (with 'Z' or an offset, or a bare date) → aware UTC datetime; anything else → None.

    Implausible values still parse here (callers that want publication dates use `plausible_date`); a
    value whose conversion to UTC leaves the calendar (0001-01-01T00:00-05:00) is None, not an error.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
    content = tag.get("content") if tag else None
    return str(content).strip() or None if content else None


def _tag_text(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find(name)
    return tag.get_text(" ", strip=True) or None if tag else None


_AUTHOR_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*")


def split_authors(value: object) -> tuple[str, ...]:
    """Author names from a list or from one string that separates them with commas, ';', 'and' or '&'."""
    if isinstance(value, list):
        names = [str(item).strip() for item in value]
    elif isinstance(value, str):
        names = _AUTHOR_SEPARATORS.split(value.strip())
    else:
        return ()
    return tuple(name for name in names if name)


def _article_json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    """The first article-like JSON-LD object (with `@type_name` added), or {}; broken JSON is skipped."""
    objects: list[dict[str, Any]] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, RecursionError):  # broken, or nested deeper than any real metadata
            continue
        objects.extend(_objects(data))
    by_id = {str(o["@id"]): o for o in objects if isinstance(o.get("@id"), str)}
    for candidate in objects:
        types = candidate.get("@type")
        names = (
            [types]
            if isinstance(types, str)
            else [t for t in types if isinstance(t, str)]
            if isinstance(types, list)
            else []
        )
        article_type = next((name for name in names if name in ARTICLE_TYPES), None)
        if article_type:
            # Publisher and author are often references ({"@id": "#org"}) into the same @graph.
            resolved = {key: _resolve(value, by_id) for key, value in candidate.items()}
            return resolved | {"@type_name": article_type}
    return {}


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD document, top-level and in arrays and @graph, in document order.

    Iterative, and only a few levels deep: real metadata nests two or three levels, a hostile page
    thousands, and recursion would fail on it.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_LD_DEPTH:
            continue
        if isinstance(value, list):
            stack.extend((item, depth + 1) for item in reversed(value))
        elif isinstance(value, dict):
            yield value
            stack.append((value.get("@graph"), depth + 1))


_MAX_LD_DEPTH = 8


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """A reference ({"@id": ...}) replaced by the object it names, also as items of a list (one level)."""
    if isinstance(value, list):
        return [_resolve_one(item, by_id) for item in value]
    return _resolve_one(value, by_id)


def _resolve_one(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict) and set(value) == {"@id"}:
        return by_id.get(str(value["@id"]), value)
    return value


def _ld_text(ld: dict[str, Any], key: str) -> str | None:
    value = ld.get(key)
    if isinstance(value, list) and value:
        value = value[0]
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() or None if isinstance(value, str) else None


def _ld_people(value: Any) -> tuple[str, ...]:
    people = value if isinstance(value, list) else [value]
    names = [name for person in people if (name := _ld_name(person))]
    return tuple(dict.fromkeys(names))


def _ld_language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return _ld_name(value)


def _ld_url(ld: dict[str, Any]) -> str | None:
    entity = ld.get("mainEntityOfPage")
    url = ld.get("url") or (entity.get("@id") if isinstance(entity, dict) else entity)
    return url.strip() or None if isinstance(url, str) else None
