"""Acceptance on the user's five real articles in ../shared/seeds (read in place, never copied)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.conftest import SEEDS
from tests.flows.test_cli import newsetl
from warehouse.connection import connect
from warehouse.queries import table_counts

if not SEEDS.is_dir():
    pytest.skip(
        f"the user's seed articles are not at {SEEDS} (a clone without ../shared)", allow_module_level=True
    )

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def test_there_are_five_seeds() -> None:
    assert len(SEED_FILES) == 5


@pytest.mark.usefixtures("prefect_harness")
def test_the_five_seeds_load_clean_and_only_once(db_path: Path) -> None:
    summary = ingest([str(SEEDS)], db=str(db_path))
    assert (summary.documents_seen, summary.new_articles, len(summary.rejects)) == (5, 5, 0)
    with connect(db_path, read_only=True) as con:
        bodies = [row[0] for row in con.execute("SELECT body FROM articles").fetchall()]
        first = table_counts(con)
    assert len(bodies) == 5
    for body in bodies:
        assert not any(line.strip().lower() == "advertisements" for line in body.splitlines())

    with connect(db_path, read_only=True) as con:
        dedup = con.execute("SELECT uri, duplicate_kind, story_id FROM document_dedup").fetchall()
        story_count = con.execute("SELECT count(*) FROM stories").fetchone()
    kinds = {Path(uri).name[:3]: kind for uri, kind, _ in dedup}
    stories = {Path(uri).name[:3]: story for uri, _, story in dedup}
    # The "Advertisements" article (001) paraphrases the one-line article (000): not a copy.
    assert kinds == dict.fromkeys(["000", "001", "002", "003", "004"], "original")
    # Four reports of Apple choosing Alibaba for iPhones in China (Feb 2025) are one story; the summary of
    # Alibaba's September 2025 conference is another.
    assert stories["000"] == stories["001"] == stories["002"] == stories["003"]
    assert stories["004"] != stories["000"]
    assert story_count == (2,)

    again = ingest([str(SEEDS)], db=str(db_path))
    assert again.nothing_new
    with connect(db_path, read_only=True) as con:
        second = table_counts(con)
    assert {k: v for k, v in second.items() if k != "runs"} == {k: v for k, v in first.items() if k != "runs"}


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name)
def test_newsetl_clean_handles_every_seed(seed: Path) -> None:
    result: subprocess.CompletedProcess[str] = newsetl("clean", str(seed))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "\nAdvertisements\n" not in result.stdout
