"""Near-duplicates and stories through real ingest runs: across runs, the views analysts query."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from flows.ingest import ingest
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

DEDUP_ROWS = (
    "SELECT regexp_extract(uri, '[^/]+$'), duplicate_kind, duplicate_group, story_id FROM document_dedup"
)


def paragraph(seed: int, words: int = 300) -> str:
    """Sentences of made-up words; each seed has a vocabulary of its own, so texts share no topic."""
    rng = random.Random(seed)
    vocabulary = [f"w{seed}x{i}" for i in range(2000)]
    sentences = []
    for _ in range(words // 12):
        sentence = " ".join(rng.choice(vocabulary) for _ in range(12))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(sentences)


def test_copies_group_across_runs_and_the_most_complete_copy_is_the_unique_one(
    tmp_path: Path, db_path: Path
) -> None:
    body = paragraph(1)
    first = tmp_path / "run1"
    first.mkdir()
    (first / "cut.txt").write_text("Cut short\n\n" + body[: len(body) * 2 // 3], encoding="utf-8")
    (first / "other.txt").write_text("Unrelated\n\n" + paragraph(2), encoding="utf-8")
    ingest([str(first)], db=str(db_path))

    second = tmp_path / "run2"
    second.mkdir()
    (second / "full.txt").write_text("Full text\n\nAdvertisements\n" + body + "\nFollow us", encoding="utf-8")
    (second / "full-syndicated.txt").write_text(
        "Syndicated\n\n" + body.replace(". ", ".\n") + "\nSubscribe to our newsletter", encoding="utf-8"
    )
    summary = ingest([str(second)], db=str(db_path))
    assert (summary.new_articles, summary.near_duplicates, summary.new_stories) == (2, 2, 0)

    with connect(db_path, read_only=True) as con:
        rows = con.execute(DEDUP_ROWS).fetchall()
        unique = con.execute(
            "SELECT regexp_extract(uri, '[^/]+$') FROM unique_articles ORDER BY 1"
        ).fetchall()
        stories = con.execute("SELECT article_count FROM stories ORDER BY article_count").fetchall()
    by_file = {name: (kind, group, story) for name, kind, group, story in rows}
    cut_group = by_file["cut.txt"][1]
    assert by_file["cut.txt"][0] == "original"
    assert by_file["full.txt"][:2] == ("near", cut_group)
    assert by_file["full-syndicated.txt"][:2] == ("near", cut_group)
    assert by_file["other.txt"][0] == "original" and by_file["other.txt"][1] != cut_group
    # A near-copy joins the story of what it copies.
    assert by_file["full.txt"][2] == by_file["cut.txt"][2]
    # The group's best copy is a complete one, not the one seen first.
    assert ("cut.txt",) not in unique
    assert len(unique) == 2
    assert stories == [(1,), (3,)]

    # A rerun changes no group.
    ingest([str(first), str(second)], db=str(db_path))
    with connect(db_path, read_only=True) as con:
        again = con.execute(DEDUP_ROWS).fetchall()
    assert sorted(again) == sorted(rows)
