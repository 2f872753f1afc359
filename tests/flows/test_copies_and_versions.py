"""Articles that cannot be new (a page fetched again in new bytes, a second copy in one batch) are not
analysed: the ingest flow asks which they are (`copies_and_versions`) before analysis and story evidence,
and a wrong answer costs time, never an article's rows."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extract.files import DEFAULT_MAX_BYTES
from flows import ingest
from transform.records import Article
from warehouse.connection import Warehouse, connect

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
# Our own short reports, unrelated to each other.
REPORTS = {
    "harbour.txt": (
        "Harbour crane order",
        "The port authority of Velmora ordered six electric cranes from Tarsk Heavy Industries for 84 "
        "million euros. The first two cranes arrive in May, the port said on Monday. Dockworkers "
        "welcomed the order.",
    ),
    "orchard.txt": (
        "Orchard co-operative expands",
        "The Lindqvist orchard co-operative bought 40 hectares next to its packing plant in Aurel. Members "
        "voted for the purchase on Friday. The co-operative plans to plant pears there next spring.",
    ),
}


def write(folder: Path, name: str, trailer: str = "") -> None:
    folder.mkdir(exist_ok=True)
    title, body = REPORTS[name]
    (folder / name).write_text(f"{title}\n\n{body}\n{trailer}", encoding="utf-8")


class Recorded:
    """The plain stages, recording which articles the evidence (and analysis) step was asked for."""

    def __init__(self, all_copies: bool = False) -> None:
        self.evidence: list[str] = []
        plain = ingest.Stages.plain()

        def gather(articles: list[Article], story_embeddings: bool = False) -> Any:
            self.evidence += [a.uri.rsplit("/", 1)[-1] for a in articles]
            return plain.gather_evidence(articles, story_embeddings)

        def repeats(db: Warehouse, articles: list[Article]) -> set[str]:
            if all_copies:  # a wrong answer: every article taken for a copy
                return {a.article_id for a in articles}
            return plain.copies_and_versions(db, articles)

        self.stages = dataclasses.replace(plain, gather_evidence=gather, copies_and_versions=repeats)


def run(db: Warehouse, folder: Path, stages: ingest.Stages) -> Any:
    files, _ = ingest.discover.fn([str(folder)])
    documents, rejects = ingest.read.fn(files, NOW, DEFAULT_MAX_BYTES)
    stored = ingest.store_raw.fn(db, documents, f"run-{folder.name}", None, NOW, rejects)
    outcome, _ = ingest.process_batch(db, f"run-{folder.name}", NOW, stored.pending, None, 1, stages)
    return outcome


def rows(db: Warehouse, table: str) -> int:
    with connect(db, read_only=True) as connection:
        found = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert found is not None
    return int(found[0])


def test_a_page_fetched_again_is_neither_analysed_nor_given_evidence_again(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    write(tmp_path / "first", "harbour.txt")
    run(db, tmp_path / "first", ingest.Stages.plain())
    sentences = rows(db, "article_sentences")

    # The same report again, in new bytes (another file, a trailing blank line), beside a new report.
    write(tmp_path / "second", "harbour.txt", trailer="\n\n")
    write(tmp_path / "second", "orchard.txt")
    recorded = Recorded()
    outcome = run(db, tmp_path / "second", recorded.stages)

    assert recorded.evidence == ["orchard.txt"]
    assert [a.uri.rsplit("/", 1)[-1] for a, _ in outcome.articles] == ["orchard.txt"]
    assert len(outcome.duplicates) == 1
    assert rows(db, "articles") == 2 and rows(db, "article_sentences") > sentences


def test_a_wrong_answer_costs_time_never_an_articles_rows(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    write(tmp_path / "only", "harbour.txt")
    write(tmp_path / "only", "orchard.txt")
    recorded = Recorded(all_copies=True)
    outcome = run(db, tmp_path / "only", recorded.stages)

    # Both are new: analysed once the load's deduplication found so (evidence and analysis inside
    # deduplicate, which this recording does not see), and loaded with every row a new article has.
    assert recorded.evidence == []
    assert len(outcome.articles) == 2
    assert rows(db, "article_sentences") >= 6
    assert rows(db, "story_features") == 2 and rows(db, "article_signatures") == 2
    assert rows(db, "lsh_bands") == 2 * 32


def test_the_second_copy_in_one_batch_is_not_analysed(tmp_path: Path) -> None:
    db = Warehouse(tmp_path / "w.duckdb")
    write(tmp_path / "batch", "harbour.txt")
    write(tmp_path / "batch", "orchard.txt")
    (tmp_path / "batch" / "zz-harbour-again.txt").write_bytes(
        (tmp_path / "batch" / "harbour.txt").read_bytes() + b"\n"
    )
    recorded = Recorded()
    outcome = run(db, tmp_path / "batch", recorded.stages)

    assert recorded.evidence == ["harbour.txt", "orchard.txt"]
    assert len(outcome.articles) == 2 and len(outcome.duplicates) == 1
