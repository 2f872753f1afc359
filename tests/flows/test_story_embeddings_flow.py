"""NEWSETL_STORY_EMBEDDINGS in real ingest runs (a Prefect test harness, a DuckDB file): the setting, read
where the run executes, makes each new report's sentence embedding, stores it, and a later run's report of
the same event in other words joins the stored story by it. Without it, the rules decide alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extract.files import DEFAULT_MAX_BYTES
from flows import ingest as ingest_module
from flows import pipeline
from flows.ingest import ingest
from tests.transform.test_story_embeddings import (
    PRICE_CUT,
    PRICE_CUT_RETOLD,
    RIVAL_LAUNCH,
    RULING,
    RULING_RETOLD,
)
from warehouse.connection import Warehouse, connect

pytestmark = pytest.mark.usefixtures("prefect_harness")


def write(folder: Path, name: str, article: tuple[str, str], published: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    title, body = article
    url = f"https://news.example/{name}"
    document = {"url": url, "title": title, "text": body, "published": published}
    (folder / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")


def stories_and_vectors(db: Path) -> tuple[int, list[int | None]]:
    with connect(db, read_only=True) as connection:
        stories = connection.execute("SELECT count(DISTINCT story_id) FROM story_articles").fetchone()
        vectors = connection.execute(
            "SELECT octet_length(meaning) FROM story_features ORDER BY article_id"
        ).fetchall()
    assert stories is not None
    return int(stories[0]), [length for (length,) in vectors]


def test_a_later_report_in_other_words_joins_the_stored_story(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "monday", "ruling", RULING, "2025-06-03T09:00:00+00:00")
    write(tmp_path / "tuesday", "retold", RULING_RETOLD, "2025-06-03T15:00:00+00:00")
    plain = tmp_path / "plain.duckdb"
    ingest([str(tmp_path / "monday")], db=str(plain))
    ingest([str(tmp_path / "tuesday")], db=str(plain))
    assert stories_and_vectors(plain) == (2, [None, None])

    monkeypatch.setenv("NEWSETL_STORY_EMBEDDINGS", "1")
    embedded = tmp_path / "embedded.duckdb"
    ingest([str(tmp_path / "monday")], db=str(embedded))
    second = ingest([str(tmp_path / "tuesday")], db=str(embedded))
    assert second.new_articles == 1 and second.new_stories == 0  # joined the stored one
    assert stories_and_vectors(embedded) == (1, [384, 384])


GERMAN_REPORT = (
    "Corvane senkt die Preise des Nimbus 7 in China",
    "Corvane hat die Preise seiner Nimbus-7-Telefone in China auf Tmall und JD.com um bis zu 900 Yuan "
    "gesenkt. Das Basismodell kostet nun 4.599 Yuan, das Nimbus 7 Pro 6.899 Yuan. Der Marktanteil des "
    "Herstellers fiel nach Schätzungen von Quillmark Research im ersten Quartal auf 14,2 Prozent.",
)


def test_a_later_report_of_another_event_stays_out_of_the_stored_story_its_background_retells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rules alone join a rival's launch to the price cut whose figures it recaps; with the embeddings
    # the stored reports' vectors tell the later run it is another event. Only English reports take one.
    write(tmp_path / "tuesday", "cut", PRICE_CUT, "2025-06-03T09:00:00+00:00")
    write(tmp_path / "tuesday", "retold", PRICE_CUT_RETOLD, "2025-06-03T14:00:00+00:00")
    write(tmp_path / "tuesday", "german", GERMAN_REPORT, "2025-06-03T15:00:00+00:00")
    write(tmp_path / "thursday", "launch", RIVAL_LAUNCH, "2025-06-03T19:00:00+00:00")
    plain = tmp_path / "plain.duckdb"
    ingest([str(tmp_path / "tuesday")], db=str(plain))
    assert ingest([str(tmp_path / "thursday")], db=str(plain)).new_stories == 0

    monkeypatch.setenv("NEWSETL_STORY_EMBEDDINGS", "1")
    embedded = tmp_path / "embedded.duckdb"
    ingest([str(tmp_path / "tuesday")], db=str(embedded))
    assert ingest([str(tmp_path / "thursday")], db=str(embedded)).new_stories == 1
    with connect(embedded, read_only=True) as connection:
        vectors = dict(
            connection.execute(
                "SELECT a.uri, octet_length(f.meaning) FROM story_features AS f "
                "JOIN articles AS a USING (article_id)"
            ).fetchall()
        )
    assert {uri.rsplit("/", 1)[-1].removesuffix(".json"): length for uri, length in vectors.items()} == {
        "cut": 384,
        "retold": 384,
        "german": None,
        "launch": 384,
    }


def test_a_model_that_fails_leaves_the_batch_to_the_rules_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No document is at fault when the model fails (memory, a broken install): every article loads, with
    # no vector, and the run says why its stories were judged on the rules alone.
    def broken(texts: list[str]) -> list[bytes]:
        raise RuntimeError("out of memory")

    monkeypatch.setattr(pipeline, "embed", broken)
    write(tmp_path / "in", "ruling", RULING, "2025-06-03T09:00:00+00:00")
    write(tmp_path / "in", "retold", RULING_RETOLD, "2025-06-03T15:00:00+00:00")
    db = Warehouse(tmp_path / "w.duckdb")
    now = datetime.now(UTC)
    files, _ = ingest_module.discover.fn([str(tmp_path / "in")])
    documents, rejects = ingest_module.read.fn(files, now, DEFAULT_MAX_BYTES)
    stored = ingest_module.store_raw.fn(db, documents, "run", None, now, rejects)
    outcome, _ = ingest_module.process_batch(
        db, "run", now, stored.pending, None, 1, ingest_module.Stages.plain(), story_embeddings=True
    )
    assert len(outcome.articles) == 2 and not outcome.rejects
    assert [w for w in outcome.warnings if w.startswith("story embeddings failed for 2 reports")]
    assert "RuntimeError: out of memory" in outcome.warnings[-1]
    assert stories_and_vectors(tmp_path / "w.duckdb") == (2, [None, None])
