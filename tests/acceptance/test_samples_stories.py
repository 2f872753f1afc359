"""The shipped samples' stories: what a new user sees first after `make run`."""

from __future__ import annotations

from pathlib import Path

from bench.workers import ingest_batch
from tests.conftest import SAMPLES
from warehouse.connection import Warehouse, connect


def test_the_samples_stories_join_only_copies_of_one_report(tmp_path: Path) -> None:
    # The samples' two reports of the Qwen-Atlas release (one of them undated) cannot meet: the undated
    # one stands at the newest sample date, four weeks after the other (docs/stories.md). So a story of
    # several articles here is a copy and its original. Two different reports joined ("ByteDance bets on
    # scale as Doubao passes 70 million weekly users" with "Alibaba renames its chatbot the Qwen app ...",
    # both undated, sharing the names of rival chatbots) is the wrong merge a change of the story rules
    # made once, and CI did not see.
    db = Warehouse(tmp_path / "samples.duckdb")
    ingest_batch(db, SAMPLES, workers=None)
    with connect(db, read_only=True) as con:
        joined = con.execute(
            """
            SELECT list(DISTINCT a.title ORDER BY a.title) FROM story_articles AS s
            JOIN articles AS a USING (article_id) GROUP BY s.story_id HAVING count(*) > 1
            """
        ).fetchall()
        stories = con.execute("SELECT count(DISTINCT story_id) FROM story_articles").fetchone()
    assert joined and all(len(titles) == 1 for (titles,) in joined), joined
    assert stories == (24,)
