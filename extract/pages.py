"""Article page metadata from every common source, on the one lxml tree extraction shares.

Pure: HTML (or the tree `parse_page` made of it) in, a `PageMetadata` out. Each field takes the first
source that has it, most structured first: JSON-LD (wherever it sits in the page), then Open Graph /
article:*, Dublin Core and other <meta> conventions, then microdata (itemprop) and the markup (<time>,
<h1>, <title>, rel=author). `PageMetadata.sources` names the source each field came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from extract.authors import clean_authors, person_name
from extract.datetimes import parse_date_text, parse_datetime
from extract.jsonld import ARTICLE_TYPES, read_json_ld
from transform.dates import date_from_url, plausible_published
from transform.urls import absolute_url

__all__ = [
    "ARTICLE_TYPES",
    "PageMetadata",
    "page_metadata",
    "parse_datetime",
    "parse_page",
    "plausible_date",
    "split_authors",
]


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
    # (field, source) for each field found: ("published_at", "meta:article:published_time").
    sources: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # The JSON-LD articleBody, a candidate reading of the main text (extract/readings.py).
    article_body: str | None = field(default=None, compare=False, repr=False)


# <meta> keys (property, name or itemprop, lower case) for each field, in order of trust.
_TITLE_META = ("og:title", "twitter:title", "dc.title", "dcterms.title")
_AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "twitter:creator:name",
)
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "og:published_time",
    "published_time",
    "article.published",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
    "article:post_date",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
)
_LANGUAGE_META = ("content-language", "dc.language", "dcterms.language", "language")

_LD_SCRIPTS = XPath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")
_ITEMPROP_AUTHORS = XPath(
    "//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' author ') or @itemprop='creator']"
)
_ITEMPROP_NAME = XPath(".//*[@itemprop='name']")
_REL_AUTHORS = XPath("//a[@rel='author'] | //*[contains(concat(' ', @class, ' '), ' byline-author ')]")
# Bylines in the markup: the last resort for authors, short texts only (see _texts); the innermost
# element of a nest (div.author > a.author-link) holds just the name.
_BYLINE = (
    "*[contains(@class, 'byline') or contains(@class, 'author')]"
    "[not(descendant::*[contains(@class, 'byline') or contains(@class, 'author')])]"
)
_BYLINES = XPath(f"//{_BYLINE}")
_BYLINES_AFTER_H1 = XPath(f"(//h1)[1]/following::{_BYLINE}")
_MAX_BYLINE_CHARS = 120
_ITEMPROP_PUBLISHED = XPath("//*[@itemprop='datePublished']")
_PUBLISH_TIMES = XPath(
    "//time[@datetime][@pubdate or @itemprop='datePublished' or contains(@class, 'publish')"
    " or contains(@class, 'date') or ancestor::*[contains(@class, 'byline') or contains(@class, 'dateline')"
    " or contains(@class, 'meta')]]"
)
_TIME_AFTER_H1 = XPath("(//h1)[1]/following::time[@datetime][1]")
# The text that follows the headline, where a dateline sits ("TNW 2016年10月14日07:17", "May 20, 2019").
_TEXT_AFTER_H1 = XPath(
    "(//h1)[1]/following::text()[not(ancestor::script or ancestor::style)][normalize-space()]"
    "[position() <= 40]"
)
_DATELINE = re.compile(
    r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*\d{1,2}:\d\d)?"
    r"|\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d(?:\s+\d{1,2}:\d\d)?"
    r"|(?:19|20)\d\d-\d\d-\d\d"
    r"|\b[A-Z][a-z]{2,8}\.? \d{1,2}, (?:19|20)\d\d"
    r"|\b\d{1,2}\.? (?:de )?[A-Za-zé]{3,10}\.? (?:de )?(?:19|20)\d\d"
)
_ANY_TIME = XPath("(//article//time[@datetime] | //time[@datetime])[1]")
_CANONICAL = XPath("//link[@rel='canonical'][@href]/@href")

_EXPLICIT_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
# With no fetch time, only the lower bound of a plausible date applies.
_NO_REFERENCE = datetime.max.replace(tzinfo=UTC)


def parse_page(html: str | bytes) -> HtmlElement | None:
    """The page's lxml tree exactly as trafilatura builds it (same parser, same repairs), so metadata
    and every reading of the body share one parse. None for something that is no HTML document."""
    tree = load_html(html)
    return tree if isinstance(tree, HtmlElement) else None


def page_metadata(
    page: str | HtmlElement | None, url: str | None = None, fetched_at: datetime | None = None
) -> PageMetadata:
    """Metadata of an article page; relative links (canonical) resolve against `url` when given.

    Without `url`, only an absolute http(s) canonical link is kept. A publication date must be plausible
    for a page fetched at `fetched_at` (see transform/dates.py); a placeholder falls through to the next
    source, and last to the date in the URL's path (/2019/11/19/). The tree is only read, never changed.
    """
    tree = parse_page(page) if isinstance(page, str) else page
    if tree is None:
        return PageMetadata()
    return _Reader(tree, url, fetched_at or _NO_REFERENCE).metadata()


def plausible_date(value: datetime | None, fetched_at: datetime | None) -> datetime | None:
    """`value` when it can be the publication date of a document fetched at `fetched_at`, else None."""
    return plausible_published(value, fetched_at or _NO_REFERENCE)


def split_authors(value: object) -> tuple[str, ...]:
    """Author names given explicitly (a JSON record's field): a list, or one string separating them with
    commas, ';', 'and' or '&'. Names are trusted as written; page metadata goes through clean_authors."""
    if isinstance(value, list):
        return tuple(name for item in value if (name := str(item).strip()))
    if isinstance(value, str):
        return tuple(name for name in _EXPLICIT_SEPARATORS.split(value.strip()) if name)
    return ()


Candidate = tuple[str, Callable[[], Any]]


class _Reader:
    """Reads one page's fields; each field takes the first candidate source that gives a value."""

    def __init__(self, tree: HtmlElement, url: str | None, reference: datetime) -> None:
        self.tree, self.url, self.reference = tree, url, reference
        self.meta = _meta_index(tree)
        scripts = [script.text or "" for script in _LD_SCRIPTS(tree)]
        self.ld = read_json_ld(scripts, url)
        self.sources: list[tuple[str, str]] = []

    def metadata(self) -> PageMetadata:
        article, page = self.ld.article, self.ld.page
        canonical_url = self._first(
            "canonical_url",
            [
                ("link:canonical", lambda: self._absolute(next(iter(_CANONICAL(self.tree)), None))),
                ("meta:og:url", lambda: self._absolute(self.meta.get("og:url"))),
                ("json-ld", lambda: self._absolute(_ld_url(article))),
            ],
        )
        site_name = self._first(
            "site_name",
            [
                ("json-ld", lambda: _text(person_name(_one(article.get("publisher"))))),
                ("meta:og:site_name", lambda: self.meta.get("og:site_name")),
                ("meta:application-name", lambda: self.meta.get("application-name")),
            ],
        )
        return PageMetadata(
            title=self._first(
                "title",
                [
                    ("json-ld", lambda: _text(_one(article.get("headline")))),
                    *self._metas(_TITLE_META),
                    *self._markup_titles(),
                ],
            ),
            description=self._first(
                "description",
                [
                    *self._metas(("og:description", "description", "twitter:description")),
                    ("json-ld", lambda: _text(_one(article.get("description")))),
                ],
            ),
            authors=self._first_authors(site_name),
            published_at=self._first_date(
                "published_at",
                [
                    ("json-ld", lambda: _one(article.get("datePublished"))),
                    *self._metas(_PUBLISHED_META),
                    ("itemprop:datePublished", self._itemprop_published),
                    ("time", lambda: next((t.get("datetime") for t in _PUBLISH_TIMES(self.tree)), None)),
                    ("json-ld:page", lambda: _one(page.get("datePublished"))),
                    ("json-ld:dateCreated", lambda: _one(article.get("dateCreated"))),
                ],
            )
            or self._url_date(canonical_url)
            or self._first_date(
                "published_at",
                [
                    (
                        "time:after-h1",
                        lambda: next((t.get("datetime") for t in _TIME_AFTER_H1(self.tree)), None),
                    ),
                    ("text:after-h1", self._date_after_h1),
                    ("htmldate", lambda: _htmldate(self.tree, canonical_url or self.url, self.reference)),
                    ("text:title", lambda: _dateline(self._element_text("title"))),
                    ("time:first", lambda: next((t.get("datetime") for t in _ANY_TIME(self.tree)), None)),
                ],
            ),
            modified_at=self._first_date(
                "modified_at",
                [("json-ld", lambda: _one(article.get("dateModified"))), *self._metas(_MODIFIED_META)],
            ),
            site_name=site_name,
            language=self._first(
                "language",
                [
                    ("json-ld", lambda: _language(article.get("inLanguage"))),
                    ("html:lang", lambda: self.tree.get("lang") if self.tree.tag == "html" else None),
                    ("meta:og:locale", lambda: (self.meta.get("og:locale") or "").replace("_", "-")),
                    *self._metas(_LANGUAGE_META),
                ],
            ),
            canonical_url=canonical_url,
            json_ld_type=self.ld.article_type,
            sources=tuple(self.sources),
            article_body=_text(_one(article.get("articleBody")), keep_lines=True),
        )

    def _first(self, name: str, candidates: list[Candidate]) -> str | None:
        for source, read in candidates:
            value = read()
            if isinstance(value, str) and (value := " ".join(value.split())):
                self.sources.append((name, source))
                return value
        return None

    def _first_date(self, name: str, candidates: list[Candidate]) -> datetime | None:
        """The first value that parses as a plausible date: a malformed or placeholder JSON-LD date falls
        through to the meta tags."""
        for source, read in candidates:
            value = read()
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(int(value)) if abs(value) < 1e14 else None
            if isinstance(value, str) and (parsed := plausible_date(parse_date_text(value), self.reference)):
                self.sources.append((name, source))
                return parsed
        return None

    def _first_authors(self, site_name: str | None) -> tuple[str, ...]:
        article = self.ld.article
        candidates: list[tuple[str, Callable[[], Any]]] = [
            ("json-ld", lambda: article.get("author")),
            ("json-ld:creator", lambda: article.get("creator")),
        ]
        candidates += [(f"meta:{key}", lambda key=key: self.meta.get(key)) for key in _AUTHOR_META]  # type: ignore[misc]
        candidates += [
            ("itemprop:author", self._itemprop_authors),
            ("rel:author", lambda: self._texts(_REL_AUTHORS)),
            ("byline", self._byline),
        ]
        for source, read in candidates:
            names = clean_authors(read())
            names = tuple(name for name in names if name != site_name or source.startswith("json-ld"))
            if names:
                self.sources.append(("authors", source))
                return names
        return ()

    def _metas(self, keys: tuple[str, ...]) -> list[Candidate]:
        return [(f"meta:{key}", lambda key=key: self.meta.get(key)) for key in keys]  # type: ignore[misc]

    def _markup_titles(self) -> list[Candidate]:
        """The first <h1> when the <title> holds it (the title without the site's name); else <title>,
        since an <h1> the title does not contain is often the site's logo or a section's name; else <h1>."""
        h1, title = self._element_text("h1"), self._element_text("title")
        if h1 and title and " ".join(h1.split()).casefold() in " ".join(title.split()).casefold():
            return [("h1", lambda: h1)]
        return [("title", lambda: title), ("h1", lambda: h1)]

    def _element_text(self, tag: str) -> str | None:
        element = self.tree.find(f".//{tag}")
        return element.text_content() if element is not None else None

    def _itemprop_published(self) -> str | None:
        for element in _ITEMPROP_PUBLISHED(self.tree):
            value = element.get("content") or element.get("datetime") or element.text_content()
            if value and value.strip():
                return str(value)
        return None

    def _itemprop_authors(self) -> list[str]:
        names = []
        for element in _ITEMPROP_AUTHORS(self.tree)[:10]:
            inner = _ITEMPROP_NAME(element)
            value = (
                element.get("content")
                or (inner[0].get("content") or inner[0].text_content() if inner else None)
                or element.text_content()
            )
            if value and value.strip():
                names.append(value.strip())
        return names

    def _date_after_h1(self) -> str | None:
        """The first date with a year in the text after the headline (a dateline), when nothing in the
        page's markup states one."""
        return next((found for text in _TEXT_AFTER_H1(self.tree) if (found := _dateline(str(text)))), None)

    def _byline(self) -> list[str]:
        """The article's own byline: the first after the headline (<h1>), else the first in the page;
        later ones belong to comments and related stories."""
        for text in [*self._texts(_BYLINES_AFTER_H1), *self._texts(_BYLINES)]:
            if clean_authors(text):  # "By" alone, or a date, is no byline
                return [text]
        return []

    def _texts(self, xpath: XPath) -> list[str]:
        """The texts of the elements found, when short enough to be names (a bio is not a byline)."""
        texts = (" ".join(element.text_content().split()) for element in xpath(self.tree)[:10])
        return [text for text in texts if text and len(text) <= _MAX_BYLINE_CHARS]

    def _absolute(self, href: str | None) -> str | None:
        return absolute_url(href.strip(), self.url) if href and href.strip() else None

    def _url_date(self, canonical_url: str | None) -> datetime | None:
        found = date_from_url(canonical_url or self.url, self.reference)
        if found:
            self.sources.append(("published_at", "url"))
        return found


def _dateline(text: str | None) -> str | None:
    match = _DATELINE.search(text) if text else None
    return match.group() if match else None


def _htmldate(tree: HtmlElement, url: str | None, reference: datetime) -> str | None:
    """htmldate's reading of a page that states its date nowhere structured (in its text, in classes
    named like dates...): the quick search only, some milliseconds; it copies the tree it cleans."""
    from htmldate import find_date  # imported on first need: most pages state their date in metadata

    latest = reference if reference != _NO_REFERENCE else None  # None: htmldate's own bound, today
    try:
        found = find_date(
            tree,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S",
            url=url,
            max_date=latest.strftime("%Y-%m-%d") if latest else None,
        )
    except (ValueError, TypeError, OverflowError, RecursionError):
        return None
    return found if isinstance(found, str) else None


def _meta_index(tree: HtmlElement) -> dict[str, str]:
    """Each <meta> key (property, name, itemprop or http-equiv, lower case) → its first non-empty content."""
    index: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attribute)
            if key:
                index.setdefault(key.strip().lower(), content.strip())
    return index


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _text(value: Any, keep_lines: bool = False) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip() if keep_lines else " ".join(value.split())
    return text or None


def _language(value: Any) -> str | None:
    value = _one(value)
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return _text(value)


def _ld_url(ld: dict[str, Any]) -> str | None:
    entity = ld.get("mainEntityOfPage")
    url = ld.get("url") or (entity.get("@id") if isinstance(entity, dict) else entity)
    return _text(_one(url))
