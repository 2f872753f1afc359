"""The `reprocess` flow: rebuild every article from the stored raw documents with the current rules.

Nothing is fetched: derived rows are forgotten (warehouse/reprocess.py) and the raw documents, now all
pending, go through the same load path as a new ingest, which then makes the analysts' story edits again
on the rebuilt stories (`flows.ingest.make_story_edits_again`). The report says what the new rules
changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from extract.sources import load_sources
from flows.ingest import IngestSummary, current_run_id, io_task, load_documents, run_name
from flows.settings import warehouse_for
from transform.topics import TopicRule
from warehouse.connection import Warehouse, commit_lock, connect
from warehouse.locks import run_guard
from warehouse.reprocess import Snapshot, forget_derived, snapshot


@dataclass(frozen=True)
class ReprocessReport:
    """What reprocessing changed: bodies that now read differently, and duplicate links gained or lost."""

    articles: int
    bodies_changed: int
    new_duplicates: int
    lost_duplicates: int
    new_near_duplicates: int
    # Of the stories before, how many ids still name a story: an id an analyst noted (a link, an export)
    # leads to a story after the rebuild, or no longer does.
    stories_before: int
    story_ids_kept: int
    summary: IngestSummary


@io_task
def take_snapshot(db: Warehouse) -> Snapshot:
    with connect(db) as connection:
        return snapshot(connection)


@io_task
def forget(db: Warehouse) -> None:
    with connect(db) as connection:
        forget_derived(connection)


def _reprocess_run_name() -> str:
    return run_name("reprocess", [str(flow_run.parameters.get("db"))])


@flow(
    name="reprocess",
    description="Re-run cleaning, deduplication and analysis over the stored raw documents.",
    flow_run_name=_reprocess_run_name,
)
def reprocess(
    db: str = "data/newsetl.duckdb",
    config_path: str | None = None,
    lock_wait_seconds: float = 60.0,
    memory_limit: str | None = None,
) -> ReprocessReport:
    """Rebuild every article from the raw documents with the current rules, without fetching anything.

    Pass the sources file to apply its topic rules again (web sources); without it, every document that
    extracts and cleans becomes an article or a duplicate.
    """
    warehouse = warehouse_for(db, memory_limit)
    topic_rules: dict[str, TopicRule] | None = None
    if config_path:
        config = load_sources(Path(config_path))
        topic_rules = {s.name: config.topic_rule(s) for s in config.sources}
    run_id = current_run_id()
    # On a lake, the whole rebuild is one turn at the commit lock: no other run loads meanwhile.
    with (
        run_guard(warehouse, holder=run_id, wait_seconds=lock_wait_seconds),
        commit_lock(warehouse, holder=run_id, wait_seconds=lock_wait_seconds),
    ):
        before = take_snapshot(warehouse)
        forget(warehouse)
        summary = load_documents(warehouse, run_id, [], [], datetime.now(UTC), topic_rules)
        after = take_snapshot(warehouse)
    changed = sum(
        1 for article_id, body in after.bodies.items() if before.bodies.get(article_id, body) != body
    )
    old_links, new_links = set(before.duplicates.items()), set(after.duplicates.items())
    report = ReprocessReport(
        articles=len(after.bodies),
        bodies_changed=changed,
        new_duplicates=len(new_links - old_links),
        lost_duplicates=len(old_links - new_links),
        new_near_duplicates=len(set(after.near.items()) - set(before.near.items())),
        stories_before=len(before.story_ids),
        story_ids_kept=len(before.story_ids & after.story_ids),
        summary=summary,
    )
    get_run_logger().info(
        "Reprocessed %d articles: %d bodies changed, %d new duplicates, %d lost, %d new near-duplicates; "
        "%d of %d story ids kept",
        report.articles,
        report.bodies_changed,
        report.new_duplicates,
        report.lost_duplicates,
        report.new_near_duplicates,
        report.story_ids_kept,
        report.stories_before,
    )
    return report
