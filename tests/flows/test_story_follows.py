"""A follow-up two days after an event's reports, loaded by a later run: it starts its own story, which
follows the event's (migration 026), as the run's flow stores it, its "stories of this run" report says
and `newsetl stories` shows it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest import ingest
from tests.flows.test_story_report import stories_of_run
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

T0 = datetime(2025, 10, 6, 7, 0, tzinfo=UTC)
COLLAPSE = {
    "url": "https://www.valleypost.example/brenna-bridge-collapse",
    "title": "Brenna footbridge collapses over the Ostra river, injuring 14",
    "text": "A footbridge over the Ostra river in Brenna collapsed on Monday morning during a school "
    "crossing, injuring 14 people, two of them seriously, regional fire chief Tomas Vetter said. The "
    "Kellan Street bridge, built in 1987 by contractor Halvik Bau, had been closed for inspection twice "
    "since 2019. Mayor Ruth Ondrej ordered checks of the town's other 11 bridges.",
    "published": T0.isoformat(),
}
NEXT_DAY = {
    "url": "https://www.dailyriver.example/brenna-bridge-checks",
    "title": "Brenna checks 11 bridges after Kellan Street collapse",
    "text": "Engineers began checking Brenna's 11 remaining bridges on Tuesday after the Kellan Street "
    "footbridge over the Ostra collapsed, injuring 14. Fire chief Tomas Vetter said two of the injured "
    "were still in hospital. Mayor Ruth Ondrej said the 1987 bridge by Halvik Bau had failed an "
    "inspection in 2019.",
    "published": (T0 + timedelta(hours=22)).isoformat(),
}
CHARGED = {
    "url": "https://www.valleypost.example/brenna-bridge-engineer-charged",
    "title": "Halvik Bau engineer charged over Brenna bridge collapse",
    "text": "Prosecutors in Brenna charged a Halvik Bau engineer with negligence on Friday over the "
    "collapse of the Kellan Street footbridge over the Ostra, which injured 14 people. Mayor Ruth "
    "Ondrej said the 1987 bridge had failed its 2019 inspection, and fire chief Tomas Vetter said all "
    "of the injured had now left hospital.",
    "published": (T0 + timedelta(days=3, hours=2)).isoformat(),
}


def write(folder: Path, *articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "news.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return folder


def test_a_follow_up_loaded_days_later_starts_a_story_that_follows_the_events(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    monday = ingest([str(write(tmp_path / "monday", COLLAPSE, NEXT_DAY))], db=str(db))
    friday = ingest([str(write(tmp_path / "friday", CHARGED))], db=str(db))
    with connect(db, read_only=True) as connection:
        rows = connection.execute(
            "SELECT a.canonical_url, s.story_id, s.follows_story FROM story_articles AS s JOIN articles AS a "
            "USING (article_id) ORDER BY a.published_at"
        ).fetchall()
    (collapse, event, none), (_, joined, also_none), (_, own, follows) = rows
    assert collapse == COLLAPSE["url"] and joined == event and none is None and also_none is None
    assert own != event and follows == event
    # The run's report says so in the story's row; the first run's row of the event follows nothing.
    [report] = stories_of_run(friday.run_id)
    assert f"| {CHARGED['title']} | created, follows `{event[:12]}` | 1 | 1 | 1 |" in report
    assert "follows" not in stories_of_run(monday.run_id)[0].split("## What joined")[0]

    result = CliRunner().invoke(app, ["stories", "--db", str(db)])
    assert result.exit_code == 0, result.output
    blocks = {block.split("\n")[0]: block for block in result.stdout.strip().split("\n\n")}
    charged = blocks[CHARGED["title"]]
    assert f"  story {own}\n" in charged
    assert f"  follows story {event}: the same evidence, too long after it to join\n" in charged
    assert "follows" not in blocks[COLLAPSE["title"]]
    assert f"  followed by story {own}\n" in blocks[COLLAPSE["title"]]
