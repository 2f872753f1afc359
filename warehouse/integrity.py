"""The integrity query: do the warehouse's counts add up? Useful after a crash, a restore or an upgrade.

Every raw document ends in exactly one outcome (an article, a new version of one, a duplicate, a reject,
off topic) or is still pending; every article carries its dedup, story, version and search index rows, written
in the same transaction as the article itself.
`check_integrity` counts both and names what does not add up.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

INTEGRITY = """
-- document_outcomes: one row per (document, outcome); a document with two rows there has two outcomes.
WITH per_document AS (
    SELECT d.doc_id, count(o.outcome) AS outcomes
    FROM raw_documents AS d LEFT JOIN document_outcomes AS o ON o.doc_id = d.doc_id
    GROUP BY d.doc_id
)
SELECT
    (SELECT count(*) FROM raw_documents) AS raw_documents,
    (SELECT count(*) FROM articles) AS articles,
    (SELECT count(*) FROM document_duplicates) AS duplicates,
    (SELECT count(DISTINCT doc_id) FROM rejects WHERE doc_id IS NOT NULL) AS rejected_documents,
    (SELECT count(*) FROM off_topic_documents) AS off_topic,
    (SELECT count(*) FROM article_versions WHERE version > 1) AS versions,
    (SELECT count(*) FROM per_document WHERE outcomes = 0) AS pending,
    (SELECT count(*) FROM per_document WHERE outcomes > 1) AS several_outcomes,
    -- Outcomes of documents that are not stored: the raw bytes were lost.
    (SELECT count(*) FROM document_outcomes AS o
     WHERE NOT EXISTS (SELECT 1 FROM raw_documents AS d WHERE d.doc_id = o.doc_id)) AS orphan_outcomes,
    (SELECT count(*) FROM document_duplicates AS dup
     WHERE NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.article_id = dup.article_id))
        AS duplicates_of_missing_articles,
    -- Exact dedup keeps one article per canonical URL and per body.
    (SELECT count(*) - count(DISTINCT canonical_url) FROM articles) AS repeated_urls,
    (SELECT count(*) - count(DISTINCT body_hash) FROM articles) AS repeated_bodies,
    (SELECT count(*) FROM articles AS a
     WHERE (SELECT count(*) FROM article_signatures AS s WHERE s.article_id = a.article_id) <> 1)
        AS articles_without_one_signature,
    (SELECT count(*) FROM articles AS a
     WHERE (SELECT count(*) FROM story_articles AS s WHERE s.article_id = a.article_id) <> 1)
        AS articles_without_one_story,
    (SELECT count(*) FROM articles AS a
     WHERE (SELECT count(*) FROM article_versions AS v
            WHERE v.article_id = a.article_id AND v.valid_to IS NULL) <> 1)
        AS articles_without_one_current_version,
    (SELECT count(*) FROM article_signatures AS s
     WHERE NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.article_id = s.article_id))
        AS signatures_of_missing_articles,
    (SELECT count(*) FROM story_articles AS s
     WHERE NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.article_id = s.article_id))
        AS stories_of_missing_articles,
    (SELECT count(*) FROM runs WHERE status = 'running') AS unfinished_runs,
    -- The pending list (what runs read to find their work) against the anti-join it stands for.
    (SELECT count(*) FROM per_document AS p
     WHERE p.outcomes = 0 AND p.doc_id NOT IN (SELECT doc_id FROM pending_documents)) AS pending_not_listed,
    (SELECT count(*) FROM pending_documents AS p
     WHERE p.doc_id NOT IN (SELECT doc_id FROM per_document WHERE outcomes = 0)) AS listed_not_pending
"""

# Counts that must be zero in a sound warehouse between runs. A run killed midway stays 'running': the
# next run closes it as 'abandoned'. During a run, its own row counts. Articles are indexed for search
# in the transaction that loads them; only a file made before migration 012 has articles missing from
# the index, until `newsetl maintenance` (or `newsetl reprocess`) indexes them.
_PROBLEMS = (
    "unfinished_runs",
    "articles_missing_from_search",
    "several_outcomes",
    "orphan_outcomes",
    "duplicates_of_missing_articles",
    "repeated_urls",
    "repeated_bodies",
    "articles_without_one_signature",
    "articles_without_one_story",
    "articles_without_one_current_version",
    "signatures_of_missing_articles",
    "stories_of_missing_articles",
    "pending_not_listed",
    "listed_not_pending",
    "reports_miscounted",
)


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """The warehouse's counts, and the count of each kind of inconsistency (all zero when sound)."""

    raw_documents: int
    articles: int
    duplicates: int
    rejected_documents: int
    off_topic: int
    versions: int
    pending: int
    several_outcomes: int
    orphan_outcomes: int
    duplicates_of_missing_articles: int
    repeated_urls: int
    repeated_bodies: int
    articles_without_one_signature: int
    articles_without_one_story: int
    articles_without_one_current_version: int
    signatures_of_missing_articles: int
    stories_of_missing_articles: int
    unfinished_runs: int
    pending_not_listed: int
    listed_not_pending: int
    articles_missing_from_search: int = 0
    # The number of reports the story evidence's document frequencies count, less the stored reports.
    reports_miscounted: int = 0

    @property
    def accounted(self) -> int:
        """Documents with an outcome or pending: equals raw_documents when every document has one fate."""
        return (
            self.articles
            + self.versions
            + self.duplicates
            + self.rejected_documents
            + self.off_topic
            + self.pending
        )

    @property
    def problems(self) -> dict[str, int]:
        """Each non-zero inconsistency by name; also the gap when the outcomes do not add up."""
        found = {name: getattr(self, name) for name in _PROBLEMS if getattr(self, name)}
        if self.accounted != self.raw_documents:
            found["outcomes_minus_raw_documents"] = self.accounted - self.raw_documents
        return found

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        line = (
            f"{self.raw_documents} raw documents = {self.articles} articles + {self.versions} versions"
            f" + {self.duplicates} duplicates"
            f" + {self.rejected_documents} rejected + {self.off_topic} off topic + {self.pending} pending"
        )
        if self.ok:
            return f"{line}: OK"
        return f"{line}: " + ", ".join(f"{name} {count}" for name, count in self.problems.items())


def check_integrity(connection: duckdb.DuckDBPyConnection) -> IntegrityReport:
    """Count documents by outcome and every inconsistency between the tables (reads only; schema 17+)."""
    row = connection.execute(INTEGRITY).fetchone()
    assert row is not None  # an aggregate query always returns one row
    names = [column[0] for column in connection.description or ()]
    counts = {name: int(value) for name, value in zip(names, row, strict=True)}
    return IntegrityReport(
        **counts,
        articles_missing_from_search=articles_missing_from_search(connection),
        reports_miscounted=reports_miscounted(connection),
    )


def articles_missing_from_search(connection: duckdb.DuckDBPyConnection) -> int:
    """Articles the full-text index does not hold exactly once (all of them when the file predates the
    index, migration 012)."""
    if not _has_table(connection, "search_documents"):
        row = connection.execute("SELECT count(*) FROM articles").fetchone()
    else:
        row = connection.execute(
            "SELECT count(*) FROM articles AS a"
            " WHERE (SELECT count(*) FROM search_documents AS d WHERE d.article_id = a.article_id) <> 1"
        ).fetchone()
    return int(row[0]) if row else 0


def reports_miscounted(connection: duckdb.DuckDBPyConnection) -> int:
    """The number of reports `story_key_counts` holds less the reports stored (story_features): 0 when the
    counts were kept with every load; 0 for a file opened read-only before migration 022, which
    backfills them when it runs."""
    if not _has_table(connection, "story_key_counts"):
        return 0
    row = connection.execute(
        """
        SELECT (SELECT coalesce(sum(documents), 0) FROM story_key_counts
                WHERE key_hash = md5_number_upper('#reports'))
             - (SELECT count(*) FROM story_features WHERE coalesce(kind, 'report') = 'report')
        """
    ).fetchone()
    return int(row[0]) if row else 0


def _has_table(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the warehouse has the table: a file opened read-only keeps the schema it was made with."""
    row = connection.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])
