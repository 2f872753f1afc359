"""The analyst tables after real ingest runs: sentences, mentions, facts, learned boilerplate."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest import ingest
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

PROMO = "Get the Asia Tech Brief in your inbox every morning"


def test_mentions_and_facts_answer_what_each_outlet_said(tmp_path: Path, db_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Alibaba jumps on Apple deal\n\nAlibaba shares rose 8.48% in Hong Kong on February 12. "
        "Apple said nothing about its iPhone plans.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "Deal lifts Alibaba\n\nShares of Alibaba gained about 8.5 percent, to HK$121, after the report.\n",
        encoding="utf-8",
    )
    ingest([str(tmp_path)], db=str(db_path))
    with connect(db_path, read_only=True) as con:
        facts = con.execute(
            """
            SELECT a.title, f.fact_text, f.value, f.unit
            FROM numeric_facts AS f JOIN articles AS a USING (article_id)
            WHERE f.entity = 'Alibaba' AND f.kind = 'percent' ORDER BY a.title
            """
        ).fetchall()
        mentions = con.execute(
            "SELECT entity, count(*) FROM entity_mentions GROUP BY 1 ORDER BY 1"
        ).fetchall()
        sentences = con.execute("SELECT count(*) FROM article_sentences").fetchone()
    assert facts == [
        ("Alibaba jumps on Apple deal", "8.48%", 8.48, "%"),
        ("Deal lifts Alibaba", "8.5 percent", 8.5, "%"),
    ]
    assert mentions == [("Alibaba", 2), ("Apple", 1), ("iPhone", 1)]  # bodies only, not titles
    assert sentences == (3,)


def test_a_line_recurring_in_a_source_is_learned_and_dropped_from_the_next_run(
    tmp_path: Path, db_path: Path
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    for n in range(4):
        (first / f"{n}.txt").write_text(
            f"Story {n}\n\nAlibaba Cloud news item number {n} with its own words.\n{PROMO}\n",
            encoding="utf-8",
        )
    ingest([str(first)], db=str(db_path))
    with connect(db_path, read_only=True) as con:
        learned = con.execute("SELECT source, line, documents FROM learned_boilerplate").fetchall()
        first_bodies = [row[0] for row in con.execute("SELECT body FROM articles").fetchall()]
    assert learned == [("files", PROMO.lower(), 4)]
    assert all(PROMO in body for body in first_bodies)  # learned from this run on, not retroactively

    second = tmp_path / "second"
    second.mkdir()
    (second / "new.txt").write_text(
        f"Another story\n\nQwen ships a new model for developers.\n{PROMO}\n", encoding="utf-8"
    )
    ingest([str(second)], db=str(db_path))
    with connect(db_path, read_only=True) as con:
        body = con.execute("SELECT body FROM articles WHERE title = 'Another story'").fetchone()
        audit = con.execute(
            "SELECT step, details FROM cleaning_changes WHERE step = 'drop_known_lines'"
        ).fetchall()
    assert body == ("Qwen ships a new model for developers.",)
    assert audit == [("drop_known_lines", [PROMO])]


def test_reprocess_rebuilds_articles_with_the_current_rules_and_reports_changes(
    tmp_path: Path, db_path: Path
) -> None:
    from flows.reprocess import reprocess
    from warehouse.queries import table_counts

    for n in range(4):
        (tmp_path / f"{n}.txt").write_text(
            f"Story {n}\n\nAlibaba Cloud news item number {n} with its own words.\n{PROMO}\n",
            encoding="utf-8",
        )
    (tmp_path / "copy.txt").write_text((tmp_path / "0.txt").read_text(encoding="utf-8"), encoding="utf-8")
    ingest([str(tmp_path)], db=str(db_path))
    with connect(db_path, read_only=True) as con:
        before = table_counts(con)

    # The promo line was learned during that run: reprocessing applies it to the stored documents.
    report = reprocess(str(db_path))
    assert (report.articles, report.bodies_changed, report.new_duplicates, report.lost_duplicates) == (
        4,
        4,
        0,
        0,
    )
    # Each story is still named after its one article.
    assert (report.story_ids_kept, report.stories_before) == (4, 4)
    with connect(db_path, read_only=True) as con:
        after = table_counts(con)
        bodies = [row[0] for row in con.execute("SELECT body FROM articles").fetchall()]
        statuses = dict(con.execute("SELECT status, count(*) FROM document_status GROUP BY 1").fetchall())
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    assert not any(PROMO in body for body in bodies)
    assert statuses == {"article": 4, "duplicate": 1}

    # A story id the rebuild does not make again is counted as gone (here one renamed behind its back).
    with connect(db_path) as con:
        con.execute(
            "UPDATE story_articles SET story_id = 'renamed'"
            " WHERE story_id = (SELECT min(story_id) FROM story_articles)"
        )
    again = reprocess(str(db_path))
    assert (again.bodies_changed, again.new_duplicates, again.lost_duplicates) == (0, 0, 0)
    assert (again.story_ids_kept, again.stories_before) == (3, 4)
