"""Exact deduplication: the same page (canonical URL) or the same text (normalised body hash).

The caller passes what is already stored (`known_urls`, `known_hashes`, and the current version of the
articles behind known URLs): no hidden state here. The same URL with a different body is not a copy but
a new version of its article.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from transform.records import Article
from transform.versions import ArticleVersion, describe_change


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
    # New versions of stored (or earlier in the batch) articles: same canonical URL, another body.
    versions: tuple[ArticleVersion, ...] = ()


def first_version(article: Article) -> ArticleVersion:
    return ArticleVersion(
        article.article_id,
        1,
        article.doc_id,
        article.title,
        article.body,
        article.body_hash,
        article.word_count,
    )


def deduplicate_exact(
    articles: Iterable[Article],
    known_urls: Mapping[str, str],
    known_hashes: Mapping[str, str],
    current_versions: Mapping[str, ArticleVersion] | None = None,
) -> DedupResult:
    """Split a batch into new articles, exact duplicates and new versions of known articles.

    Articles are taken in the order given (callers sort them, so reruns decide the same way); the first
    of several identical copies in a batch becomes the article, the others point at it.
    `current_versions` maps the article id behind each known URL to its current version; without it a
    known URL is always a duplicate.
    """
    by_url = dict(known_urls)
    by_hash = dict(known_hashes)
    current = dict(current_versions or {})
    new: list[Article] = []
    duplicates: list[Duplicate] = []
    versions: list[ArticleVersion] = []
    for article in articles:
        if article.canonical_url in by_url:
            article_id = by_url[article.canonical_url]
            latest = current.get(article_id)
            if latest is None or latest.body_hash == article.body_hash:
                duplicates.append(Duplicate(article.doc_id, article.uri, article_id, MatchKind.URL))
            else:
                version = ArticleVersion(
                    article_id,
                    latest.version + 1,
                    article.doc_id,
                    article.title,
                    article.body,
                    article.body_hash,
                    article.word_count,
                    describe_change(latest, article.title, article.body),
                )
                versions.append(version)
                current[article_id] = version
                by_hash[article.body_hash] = article_id
        elif article.body_hash in by_hash:
            duplicates.append(
                Duplicate(article.doc_id, article.uri, by_hash[article.body_hash], MatchKind.BODY)
            )
        else:
            new.append(article)
            by_url[article.canonical_url] = article.article_id
            by_hash[article.body_hash] = article.article_id
            current[article.article_id] = first_version(article)
    return DedupResult(tuple(new), tuple(duplicates), tuple(versions))
