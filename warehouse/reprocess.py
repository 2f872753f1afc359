"""Reprocessing: forget everything derived from the raw documents, so the next load rebuilds it.

Raw documents, runs, source health, learned boilerplate, HTTP validators and the analysts' story edits
stay (the edits owed until the run that rebuilds the stories makes them again). Derived rows go in one
transaction; until they are rebuilt every raw document is simply *pending*, which the ingest path
already knows how to finish, so a crash in between loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.loads import transaction
from warehouse.story_edits import owe_story_edits

# Everything cleaning, deduplication and analysis produced, children first.
DERIVED_TABLES = (
    # The full-text index is rebuilt by the loads, like every other row derived from an article.
    "search_postings",
    "search_documents",
    "lsh_bands",
    "article_signatures",
    "near_duplicates",
    "story_postings",
    "story_key_counts",
    "story_features",
    "story_articles",
    "article_sentences",
    "entity_mentions",
    "numeric_facts",
    "cleaning_changes",
    "article_versions",
    "document_duplicates",
    "off_topic_documents",
    "articles",
    # Line counts are recounted from the rebuilt articles; the learned lines themselves are kept, so a
    # decision once made stays stable (and applies to the rebuilt bodies).
    "source_line_counts",
    "source_documents_counted",
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What reprocessing may change, to compare before and after: each article's body hash, each duplicate
    document's article, each near-duplicate's group, and the ids of the stories (only the ids: which
    survive a rebuild is what the report says, and a 1M warehouse need not hold each article's story
    twice for it)."""

    bodies: dict[str, str]
    duplicates: dict[str, str]
    near: dict[str, str]
    story_ids: frozenset[str]


def snapshot(connection: duckdb.DuckDBPyConnection) -> Snapshot:
    """The warehouse's `Snapshot` now."""
    return Snapshot(
        dict(connection.execute("SELECT article_id, body_hash FROM articles").fetchall()),
        dict(connection.execute("SELECT doc_id, article_id FROM document_duplicates").fetchall()),
        dict(connection.execute("SELECT article_id, group_id FROM near_duplicates").fetchall()),
        frozenset(
            story
            for (story,) in connection.execute("SELECT DISTINCT story_id FROM story_articles").fetchall()
        ),
    )


def forget_derived(connection: duckdb.DuckDBPyConnection) -> None:
    """Delete every derived row (and documents' rejects, which are decisions too), in one transaction."""
    with transaction(connection):
        for table in DERIVED_TABLES:
            connection.execute(f"DELETE FROM {table}")
        connection.execute("DELETE FROM rejects WHERE doc_id IS NOT NULL")
        # Every raw document is pending again, and no run has tried it yet: the runs that took a document
        # before settled it (or stopped and left it to be set aside, `flows.pipeline.MAX_ATTEMPTS`).
        # Counted on, those attempts set every document aside in the third reprocess (an ingest and two
        # reprocesses make three) and any quarantined one at once, which a reprocess is to try again.
        # A run still running on a lake keeps its claims.
        connection.execute("DELETE FROM pending_documents")
        connection.execute("INSERT INTO pending_documents SELECT doc_id FROM raw_documents")
        connection.execute(
            "DELETE FROM processing_attempts"
            " WHERE run_id NOT IN (SELECT run_id FROM runs WHERE status = 'running')"
        )
        # The analysts' story edits are made again once the stories are rebuilt.
        owe_story_edits(connection)
