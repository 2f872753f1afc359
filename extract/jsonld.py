"""JSON-LD in article pages: lenient reading of the <script> texts, and the article object among them.

Pure. Pages put their NewsArticle at the top level, in an array, in `@graph`, or nested in a WebPage's
`mainEntity`; and some of their JSON is broken in recoverable ways (trailing commas, raw control
characters or newlines inside strings, an HTML comment or CDATA wrapper, two objects in one script).
Everything is walked iteratively and only a few levels deep: real metadata nests two or three levels, a
hostile page thousands, and recursion would fail on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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
        "AskPublicNewsArticle",
        "SatiricalArticle",
        "ScholarlyArticle",
        "LiveBlogPosting",
        "BlogPosting",
        "SocialMediaPosting",
        "TechArticle",
        "Report",
    }
)
# The page object that often carries the article (mainEntity) or, failing one, the dates itself.
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "NewsMediaOrganization", "CollectionPage"})

_MAX_DEPTH = 8
# Objects walked per page: a real page has tens, a generated one can have a million.
_MAX_OBJECTS = 5_000
# Keys never worth walking into for the article (they hold other works, not this one).
_SKIPPED_KEYS = frozenset({"@context", "itemListElement", "citation", "review", "comment", "isPartOf"})
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_WRAPPERS = re.compile(
    r"^\s*(?:<!--|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)|(?:-->|/\*\s*\]\]>\s*\*/|\]\]>)\s*$"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class JsonLd:
    """The article object of a page (references into its @graph resolved) and the page object."""

    article: dict[str, Any]
    article_type: str | None
    page: dict[str, Any]


def read_json_ld(scripts: Iterable[str], page_url: str | None = None) -> JsonLd:
    """The article among the JSON-LD of a page's scripts (texts of <script type=application/ld+json>).

    Several article objects (related stories, a live blog's updates) choose the one whose url names the
    page, then the one with most of headline, author and datePublished, then the first.
    """
    objects: list[tuple[dict[str, Any], int]] = []
    for text in scripts:
        for data in _lenient_documents(text):
            objects.extend(_walk(data, len(objects)))
            if len(objects) >= _MAX_OBJECTS:
                break
    by_id = {str(o["@id"]): o for o, _ in objects if isinstance(o.get("@id"), str) and len(o) > 1}
    best: tuple[int, int] | None = None
    article: dict[str, Any] = {}
    article_type: str | None = None
    page: dict[str, Any] = {}
    for order, (candidate, depth) in enumerate(objects):
        names = type_names(candidate.get("@type"))
        found = next((name for name in names if name in ARTICLE_TYPES), None)
        if found is None:
            if not page and any(name in PAGE_TYPES for name in names):
                page = candidate
            continue
        score = (
            4 * bool(page_url and _names_url(candidate, page_url))
            + bool(candidate.get("headline"))
            + bool(candidate.get("author"))
            + bool(candidate.get("datePublished"))
            - depth // 3
        )
        if best is None or score > best[0]:
            best = (score, order)
            article, article_type = candidate, found
    if article:
        # Publisher and author are often references ({"@id": "#org"}) into the same @graph.
        article = {key: _resolve(value, by_id) for key, value in article.items()}
    return JsonLd(article, article_type, page)


def type_names(types: Any) -> list[str]:
    """The @type names of an object, without a schema.org prefix ("https://schema.org/NewsArticle")."""
    raw = (
        [types]
        if isinstance(types, str)
        else [t for t in types if isinstance(t, str)]
        if isinstance(types, list)
        else []
    )
    return [name.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for name in raw]


def _lenient_documents(text: str) -> Iterator[Any]:
    """The JSON values in one script text, repairing what pages commonly break; nothing when hopeless."""
    text = text.strip()
    if not text:
        return
    try:
        yield json.loads(text, strict=False)  # strict=False: raw newlines and tabs inside strings
        return
    except (ValueError, RecursionError):
        pass
    repaired = _CONTROL.sub(" ", _TRAILING_COMMA.sub(r"\1", _WRAPPERS.sub("", text))).strip().rstrip(";")
    decoder = json.JSONDecoder(strict=False)
    position = 0
    while position < len(repaired):
        try:
            value, end = decoder.raw_decode(repaired, position)
        except (ValueError, RecursionError):
            return
        yield value
        # Two objects in one script, separated by whitespace, commas or semicolons.
        position = end
        while position < len(repaired) and repaired[position] in " \t\r\n,;":
            position += 1


def _walk(data: Any, already: int) -> Iterator[tuple[dict[str, Any], int]]:
    """Every object in the value, depth first in document order, with its depth."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    count = already
    while stack and count < _MAX_OBJECTS:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(value, list):
            stack.extend((item, depth + 1) for item in reversed(value))
        elif isinstance(value, dict):
            count += 1
            yield value, depth
            children = [
                (child, depth + 1)
                for key, child in value.items()
                if key not in _SKIPPED_KEYS and isinstance(child, (dict, list))
            ]
            stack.extend(reversed(children))


def _names_url(candidate: dict[str, Any], page_url: str) -> bool:
    entity = candidate.get("mainEntityOfPage")
    urls = (
        candidate.get("url"),
        entity.get("@id") if isinstance(entity, dict) else entity,
        candidate.get("@id"),
    )
    wanted = _bare(page_url)
    return any(isinstance(url, str) and _bare(url) == wanted for url in urls)


def _bare(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/").removeprefix("https:").removeprefix("http:")


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """A reference ({"@id": ...}) replaced by the object it names, also as items of a list (one level)."""
    if isinstance(value, list):
        return [_resolve_one(item, by_id) for item in value]
    return _resolve_one(value, by_id)


def _resolve_one(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict) and set(value) == {"@id"}:
        return by_id.get(str(value["@id"]), value)
    return value
