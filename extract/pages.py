"""Article page metadata: JSON-LD (NewsArticle and kin), Open Graph, <meta>, <html lang>, canonical link.

Pure: HTML (or an already parsed soup) in, a `PageMetadata` out. Each field takes the first source that
has it, most structured first: JSON-LD, then Open Graph / article:*, then plain <meta> and the markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

# The head-parsing helpers of extract/documents.py, shared so both read <meta> the same way.
from extract.documents import _meta, _split_authors, _tag_text, parse_datetime

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


def page_metadata(page: str | BeautifulSoup, url: str | None = None) -> PageMetadata:
    """Metadata of an article page; relative links (canonical) resolve against `url` when given."""
    soup = page if isinstance(page, BeautifulSoup) else BeautifulSoup(page, "lxml")
    ld = _article_json_ld(soup)
    html_tag = soup.find("html")
    canonical = soup.find("link", rel="canonical", href=True)
    canonical_href = str(canonical["href"]).strip() if isinstance(canonical, Tag) else None
    canonical_href = canonical_href or _meta(soup, "og:url") or _ld_url(ld)
    lang = html_tag.get("lang") if isinstance(html_tag, Tag) else None
    article_authors = [a for a in _split_authors(_meta(soup, "article:author")) if not a.startswith("http")]
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
        or _split_authors(_meta(soup, "author"))
        or tuple(article_authors),
        published_at=_first_date(
            _ld_text(ld, "datePublished"),
            _meta(soup, "article:published_time"),
            _meta(soup, "date"),
            _meta(soup, "pubdate"),
        ),
        modified_at=_first_date(
            _ld_text(ld, "dateModified"), _meta(soup, "article:modified_time"), _meta(soup, "og:updated_time")
        ),
        site_name=_first(
            _ld_name(ld.get("publisher")), _meta(soup, "og:site_name"), _meta(soup, "application-name")
        ),
        language=_first(
            _ld_language(ld.get("inLanguage")),
            str(lang).strip() if lang else None,
            (_meta(soup, "og:locale") or "").replace("_", "-"),
        ),
        canonical_url=urljoin(url, canonical_href) if canonical_href and url else canonical_href,
        json_ld_type=ld.get("@type_name"),
    )


def _first(*values: str | None) -> str | None:
    return next((value for value in values if value), None)


def _first_date(*values: str | None) -> datetime | None:
    """The first value that parses as a date: a malformed JSON-LD date falls through to the meta tags."""
    return next((parsed for value in values if (parsed := parse_datetime(value))), None)


def _article_json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    """The first article-like JSON-LD object (with `@type_name` added), or {}; broken JSON is skipped."""
    objects: list[dict[str, Any]] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        objects.extend(_objects(data))
    by_id = {str(o["@id"]): o for o in objects if isinstance(o.get("@id"), str)}
    for candidate in objects:
        types = candidate.get("@type")
        names = [types] if isinstance(types, str) else [t for t in types or [] if isinstance(t, str)]
        article_type = next((name for name in names if name in ARTICLE_TYPES), None)
        if article_type:
            # Publisher and author are often references ({"@id": "#org"}) into the same @graph.
            resolved = {key: _resolve(value, by_id) for key, value in candidate.items()}
            return resolved | {"@type_name": article_type}
    return {}


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph"))


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, list):
        return [_resolve(item, by_id) for item in value]
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
