"""What became of a batch of documents: the one record the pipeline hands to the warehouse to load.

Every pending document of a batch ends in exactly one of: a new article, an exact duplicate, a new
version of a stored article, a reject, or an off-topic document. Near-duplicate groups, story
assignments and analysis rows describe the new articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transform.article_rows import NO_ROWS, ArticleRows
from transform.dedup import Duplicate
from transform.errors import Reject
from transform.near_duplicates import DEFAULT_SCHEME, Fingerprint, MinHashScheme, NearDuplicate
from transform.records import Article, OffTopic
from transform.stories import WEAK_JOIN, StoryAssignment, StoryFeatures
from transform.versions import ArticleVersion


@dataclass(frozen=True)
class BatchOutcome:
    """A processed batch, ready to load in one transaction."""

    # New articles, each with the extractor that produced its text ("trafilatura-2.3.1", "json").
    articles: tuple[tuple[Article, str], ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    versions: tuple[ArticleVersion, ...] = ()
    rejects: tuple[Reject, ...] = ()
    off_topic: tuple[OffTopic, ...] = ()
    scheme: MinHashScheme = DEFAULT_SCHEME
    fingerprints: tuple[Fingerprint, ...] = ()
    near_duplicates: tuple[NearDuplicate, ...] = ()
    story_features: tuple[StoryFeatures, ...] = ()
    stories: tuple[StoryAssignment, ...] = ()
    # The new articles' analysis rows, and their full-text index rows where the batch has them (the load
    # tokenizes the others).
    rows: ArticleRows = NO_ROWS
    # Each new article's short lines with its source: the evidence for learning boilerplate.
    line_keys: tuple[tuple[str, frozenset[str]], ...] = ()
    # Work that failed for one article without losing it (its analysis rows, its story evidence).
    warnings: tuple[str, ...] = field(default=())

    @property
    def new_articles(self) -> tuple[Article, ...]:
        return tuple(article for article, _ in self.articles)

    @property
    def settled_documents(self) -> frozenset[str]:
        """The documents this batch gives an outcome: its new articles', new versions', duplicates',
        off-topic documents' and rejects' (those that became documents)."""
        return frozenset(
            {
                *(article.doc_id for article, _ in self.articles),
                *(version.doc_id for version in self.versions),
                *(duplicate.doc_id for duplicate in self.duplicates),
                *(document.doc_id for document in self.off_topic),
                *(reject.doc_id for reject in self.rejects if reject.doc_id is not None),
            }
        )

    @property
    def new_stories(self) -> int:
        return sum(1 for s in self.stories if s.story_id == s.article_id)

    @property
    def weak_joins(self) -> int:
        """Articles that joined a story on evidence with a score under WEAK_JOIN: the joins to review
        first (a near-copy joins on its text, and is none)."""
        copies = {n.article_id for n in self.near_duplicates}
        return sum(
            1
            for s in self.stories
            if s.matched_article_id is not None and s.score < WEAK_JOIN and s.article_id not in copies
        )

    def merged(self, other: BatchOutcome) -> BatchOutcome:
        """This outcome followed by `other` (batches loaded one after the other), for the run's summary."""
        return BatchOutcome(
            articles=self.articles + other.articles,
            duplicates=self.duplicates + other.duplicates,
            versions=self.versions + other.versions,
            rejects=self.rejects + other.rejects,
            off_topic=self.off_topic + other.off_topic,
            scheme=self.scheme,
            fingerprints=self.fingerprints + other.fingerprints,
            near_duplicates=self.near_duplicates + other.near_duplicates,
            story_features=self.story_features + other.story_features,
            stories=self.stories + other.stories,
            rows=self.rows + other.rows,
            line_keys=self.line_keys + other.line_keys,
            warnings=self.warnings + other.warnings,
        )

    def summarised(self) -> BatchOutcome:
        """This outcome once loaded, without what only the load needed (signatures, story evidence,
        analyses, index entries, line keys): what a run keeps of each of its batches for its summary."""
        return BatchOutcome(
            articles=self.articles,
            duplicates=self.duplicates,
            versions=self.versions,
            rejects=self.rejects,
            off_topic=self.off_topic,
            scheme=self.scheme,
            near_duplicates=self.near_duplicates,
            stories=self.stories,
            warnings=self.warnings,
        )
