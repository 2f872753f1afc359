"""Exact deduplication: the same page (canonical URL) or the same text (normalised body hash).

The caller passes what is already stored (`known_urls`, `known_hashes`): no hidden state here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from transform.records import Article


class MatchKind(StrEnum):
    URL = "url"
    BODY = "body"


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A document whose article is already stored (or earlier in the batch) as `article_id`."""

    doc_id: str
    uri: str
    article_id: str
    match: MatchKind


@dataclass(frozen=True, slots=True)
class DedupResult:
    new_articles: tuple[Article, ...]
    duplicates: tuple[Duplicate, ...]


def deduplicate_exact(
    articles: Iterable[Article],
    known_urls: Mapping[str, str],
    known_hashes: Mapping[str, str],
) -> DedupResult:
    """Split a batch into new articles and exact duplicates.

    Articles are taken in the order given (callers sort them, so reruns decide the same way); the first
    of several identical copies in a batch becomes the article, the others point at it.
    """
    by_url = dict(known_urls)
    by_hash = dict(known_hashes)
    new: list[Article] = []
    duplicates: list[Duplicate] = []
    for article in articles:
        if article.canonical_url in by_url:
            duplicates.append(
                Duplicate(article.doc_id, article.uri, by_url[article.canonical_url], MatchKind.URL)
            )
        elif article.body_hash in by_hash:
            duplicates.append(
                Duplicate(article.doc_id, article.uri, by_hash[article.body_hash], MatchKind.BODY)
            )
        else:
            new.append(article)
            by_url[article.canonical_url] = article.article_id
            by_hash[article.body_hash] = article.article_id
    return DedupResult(tuple(new), tuple(duplicates))
