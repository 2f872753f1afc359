"""A run weighs story evidence by how rare it is among the reports the warehouse holds
(story_key_counts), not among the few articles it compares: a scheduled run of two articles about one
company would otherwise find the company's city, its cloud unit and its models as rare as an event's own
names, and join two of its events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flows.ingest import ingest
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

# Two reports of different events of Alibaba's cloud unit (a spending plan, a quarter's results), without
# dates: they share the company, its unit, its chief executive, its models, Hong Kong and the words of its
# results, as the company's other reports do (`company_history`). Written here: the samples' two reports
# of these events stopped joining even alone when the initials both made from "Alibaba's Hong Kong" stopped
# counting beside its words (docs/stories.md, "Initials made from a name meet only written initials").
EVENTS = {
    "alibaba-cloud-spending.txt": "Alibaba Cloud to spend 380 billion yuan on AI computing\n\n"
    "The Hangzhou-based Alibaba Group said its cloud unit, Alibaba Cloud, will spend 380 billion yuan "
    "on computing infrastructure over three years. Chief executive Eddie Wu said demand for its Qwen "
    "models keeps growing and that AI-related product revenue grew at a triple-digit pace. Shares of "
    "Alibaba rose in Hong Kong, where the stock trades as AHK, after the plan was announced to analysts.\n",
    "alibaba-cloud-quarter.txt": "Alibaba's cloud revenue grows 26% in the quarter\n\n"
    "The Hangzhou-based Alibaba Group said revenue at its cloud unit, Alibaba Cloud, grew 26% to 33.4 "
    "billion yuan in the quarter, with AI-related product revenue growing at a triple-digit pace. Chief "
    "executive Eddie Wu told analysts that companies keep adopting its Qwen models. Shares of Alibaba, "
    "which trade in Hong Kong as AHK, fell 2% after the results.\n",
}
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
            f"The Hangzhou-based Alibaba Group said its cloud unit, Alibaba Cloud, will open a data centre "
            f"in {place} with partner Vendora{n} Systems, its {n + 2}th region outside China. The group "
            f"expects AI-related product revenue from the site to grow at a triple-digit pace, and said "
            f"spending on servers for its Qwen models would reach {100 + 7 * n} million yuan this quarter. "
            f"Shares of Alibaba rose {1 + n % 5}.{n % 10}% in Hong Kong, where the stock trades as AHK, "
            f"after the group told analysts that cloud revenue growth in the unit held up. Chief executive "
            f"Eddie Wu said the opening in {place} was planned with Vendora{n}, which will run the site's "
            f"operations."
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
    for name, text in EVENTS.items():
        (run / name).write_text(text, encoding="utf-8")
    alone = tmp_path / "alone.duckdb"
    ingest([str(run)], db=str(alone))
    # Over the two articles alone, what they share looks rare: with no history, they are one story.
    first, second = stories_of(alone, tuple(EVENTS))
    assert first == second

    with_history = tmp_path / "history.duckdb"
    company_history(tmp_path / "history")
    ingest([str(tmp_path / "history")], db=str(with_history))
    ingest([str(run)], db=str(with_history))
    # After 40 reports of the company's other events, the same run sees that it is common.
    first, second = stories_of(with_history, tuple(EVENTS))
    assert first != second
