"""The records passed between stages. Frozen dataclasses: built once, never mutated."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from transform import segmentation


class SourceKind(StrEnum):
    FILE = "file"
    FEED = "feed"
    SITEMAP = "sitemap"
    LISTING = "listing"
    URL = "url"
    WARC = "warc"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document exactly as it came from the outside world, before any processing.

    A document is identified by its URI and the hash of its bytes, so the same bytes read twice from the
    same place are the same document, and an edited file is a new one.
    """

    source: str
    source_kind: SourceKind
    uri: str
    fetched_at: datetime
    content_type: str
    content: bytes | None
    sha256: str
    size_bytes: int
    # Set when the document was refused before it could be read whole (too large, unreadable).
    refused_reason: str | None = None
    # Web documents only: how the page answered, for lineage and for conditional requests next time.
    http_status: int | None = None
    requested_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def doc_id(self) -> str:
        return document_id(self.uri, self.sha256)


def document_id(uri: str, sha256: str) -> str:
    """A stable id for (uri, content): the same document always gets the same id."""
    return hashlib.sha256(f"{uri}\n{sha256}".encode()).hexdigest()[:24]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """What extraction found in a raw document: text and metadata, not yet cleaned."""

    doc_id: str
    uri: str
    source: str
    text: str
    title: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    language: str | None = None
    extractor: str = "unknown"


@dataclass(frozen=True, slots=True)
class CleaningAudit:
    """What each cleaning step changed, so a body that differs from its source can be explained."""

    changes: tuple[tuple[str, int], ...] = ()
    details: tuple[tuple[str, str], ...] = ()

    def count(self, step: str) -> int:
        return sum(n for name, n in self.changes if name == step)


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article, ready for deduplication and loading."""

    article_id: str
    doc_id: str
    uri: str
    canonical_url: str
    source: str
    title: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    language: str | None
    body: str
    body_hash: str
    # Segmented words (`transform.segmentation.word_count`): Chinese and Japanese words, not clauses.
    word_count: int
    audit: CleaningAudit = field(default_factory=CleaningAudit)
    # People and credits moved out of the body by cleaning ("Editor | NAME", "Photo by NAME").
    editors: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()

    @property
    def char_count(self) -> int:
        """Characters of the body, whitespace not counted: a length comparable across scripts."""
        return segmentation.char_count(self.body)


@dataclass(frozen=True, slots=True)
class HttpCacheEntry:
    """What a URL answered last time: the validators to send for a conditional request next time."""

    url: str
    etag: str | None
    last_modified: str | None
    status: int | None
    fetched_at: datetime
    role: str  # "index" (feed, sitemap, listing page) or "article"


@dataclass(frozen=True, slots=True)
class OffTopic:
    """A document kept raw but not loaded as an article: its source's topic rule did not match."""

    doc_id: str
    uri: str
    source: str
    reason: str
