"""A run weighs story evidence by how rare it is among the reports the warehouse holds
(story_key_counts), not among the few articles it compares: a scheduled run of two articles about one
company would otherwise find the company's city, its cloud unit and its models as rare as an event's own
names, and join two of its events."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flows.ingest import ingest
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Two reports of different events of Alibaba's cloud unit (a spending plan, a quarter's results), without
# dates: they share the company, its unit, its models, Hong Kong and the words of its results.
EVENTS = ("alibaba-cloud-capex-plan.txt", "alibaba-earnings-cloud-growth.txt")
PLACES = (
    "Frankfurt",
    "Jakarta",
    "Riyadh",
    "Seoul",
    "Mexico City",
    "Dubai",
    "Manila",
    "Sydney",
    "Paris",
    "Tokyo",
)


def company_history(folder: Path, reports: int = 40) -> None:
    """Reports of other events of the same company, months before: each names its own place, partner and
    figures, and every one the company's cloud unit, its models and its Hong Kong shares."""
    start = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    lines = []
    for n in range(reports):
        place = PLACES[n % len(PLACES)]
        text = (
            f"Alibaba Group said its cloud unit, Alibaba Cloud, will open a data centre in {place} with "
            f"partner Vendora{n} Systems, its {n + 2}th region outside China. The group expects AI-related "
            f"product revenue from the site to grow at a triple-digit pace, and said spending on servers "
            f"for its Qwen models would reach {100 + 7 * n} million yuan this quarter. Shares of Alibaba "
            f"rose {1 + n % 5}.{n % 10}% in Hong Kong, where the stock trades as AHK, after the group told "
            f"analysts that cloud revenue growth in the unit held up. Chief executive Eddie Wu said the "
            f"opening in {place} was planned with Vendora{n}, which will run the site's operations."
        )
        lines.append(
            json.dumps(
                {
                    "url": f"https://www.cloudwire.example/alibaba-cloud-region-{n}",
                    "title": f"Alibaba Cloud opens a {place} region with Vendora{n}",
                    "text": text,
                    "published": (start + timedelta(days=3 * n)).isoformat(),
                }
            )
        )
    folder.mkdir(parents=True)
    (folder / "history.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def stories_of(db: Path, names: tuple[str, ...]) -> list[str]:
    with connect(db, read_only=True) as connection:
        rows = connection.execute(
            "SELECT a.uri, s.story_id FROM articles AS a JOIN story_articles AS s USING (article_id)"
        ).fetchall()
    story_of = {Path(uri.partition("#")[0]).name: story for uri, story in rows}
    return [story_of[name] for name in names]


def test_a_small_run_weighs_evidence_by_the_stored_reports(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    for name in EVENTS:
        shutil.copy(SAMPLES / name, run / name)
    alone = tmp_path / "alone.duckdb"
    ingest([str(run)], db=str(alone))
    # Over the two articles alone, what they share looks rare: with no history, they are one story.
    first, second = stories_of(alone, EVENTS)
    assert first == second

    with_history = tmp_path / "history.duckdb"
    company_history(tmp_path / "history")
    ingest([str(tmp_path / "history")], db=str(with_history))
    ingest([str(run)], db=str(with_history))
    # After 40 reports of the company's other events, the same run sees that it is common.
    first, second = stories_of(with_history, EVENTS)
    assert first != second
