"""The pipeline's per-document stages give the same outcome in worker processes as in one, and leave no
process behind (flows/pipeline.py: map_chunks)."""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extract.files import read_file
from flows import pipeline
from tests.faults.conftest import write_news
from transform.analysis import Findings, find_in_sentences
from transform.article_rows import ArticleRows
from transform.records import RawDocument
from transform.search_terms import SearchDocument, search_document
from warehouse.connection import connect

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture
def documents(tmp_path: Path) -> list[RawDocument]:
    write_news(tmp_path / "in", 12, seed=5, name="news.jsonl")
    (tmp_path / "in" / "empty.txt").write_text("   \n", encoding="utf-8")  # rejected: no text
    found = [document for path in sorted((tmp_path / "in").iterdir()) for document in read_file(path, NOW)]
    assert len(found) > 12
    return found


def test_two_workers_give_what_one_process_gives(documents: list[RawDocument], tmp_path: Path) -> None:
    one = pipeline.extract_and_clean(documents, workers=1)
    two = pipeline.extract_and_clean(documents, workers=2)
    assert one == two and one.rejects  # rejects included, in the same order
    articles = [article for article, _ in one.articles]
    with connect(tmp_path / "a.duckdb") as first, connect(tmp_path / "b.duckdb") as second:
        serial = pipeline.deduplicate(first, articles, NOW, workers=1)
        parallel = pipeline.deduplicate(second, articles, NOW, workers=2)
    assert serial.story_features == parallel.story_features
    assert serial.stories == parallel.stories and serial.near_duplicates == parallel.near_duplicates
    assert [f.article_id for f in serial.fingerprints] == [f.article_id for f in parallel.fingerprints]
    new = {a.article_id for a in serial.exact.new_articles}
    assert serial.rows == parallel.rows and serial.rows.indexed() == new
    assert set(serial.rows.sentences["article_id"].to_pylist()) == new
    assert not multiprocessing.active_children()  # every worker was joined


def test_small_batches_stay_in_this_process() -> None:
    assert pipeline.worker_count(pipeline.PARALLEL_MIN_ITEMS - 1) == 1
    assert pipeline.worker_count(10, workers=3) == 3
    assert pipeline.map_chunks(sum, [1, 2, 3]) == [6]  # one chunk, here


def test_a_failure_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ZeroDivisionError):
        pipeline.map_chunks(_divide, [1, 0, 2, 3], workers=2)
    assert not multiprocessing.active_children()


def _divide(items: Sequence[int]) -> list[float]:
    return [1 / item for item in items]


def test_an_article_whose_sentences_cannot_be_read_loses_that_work_only(
    documents: list[RawDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [article for article, _ in pipeline.extract_and_clean(documents, workers=1).articles]
    bodies = [a.body for a in articles]
    broken = next(a for a in articles if bodies.count(a.body) == 1)  # not one of the batch's copies

    def failing(body: str, title: str | None = None) -> Findings:
        if body == broken.body:
            raise ValueError("unreadable")
        return find_in_sentences(body, title)

    monkeypatch.setattr(pipeline, "find_in_sentences", failing)
    evidence = pipeline.gather_evidence(articles, workers=1)
    assert set(evidence.features) == set(evidence.signed) == {a.article_id for a in articles}
    analysed = set(evidence.rows.sentences["article_id"].to_pylist())
    assert analysed == {a.article_id for a in articles} - {broken.article_id}
    # Its entry in the search index is tokenized with the others'.
    entries = ArticleRows.of(documents=[search_document(a.article_id, a.title, a.body) for a in articles])
    assert evidence.rows.search_documents == entries.search_documents
    assert evidence.rows.postings == entries.postings
    # It starts its own story (no evidence) and is still loaded, with a warning naming it.
    assert (
        not evidence.features[broken.article_id].terms and not evidence.features[broken.article_id].entities
    )
    assert all(evidence.features[a.article_id].terms for a in articles if a is not broken)
    assert evidence.warnings == [
        f"analysis and story evidence failed for {broken.uri}: ValueError: unreadable"
    ]


def test_an_article_whose_rows_arrow_refuses_loses_those_rows_only(
    documents: list[RawDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers build the load's rows (Arrow tables), which cannot hold text Python's str can (a lone
    # surrogate). One article's such text must cost that article's rows, not the batch's evidence.
    articles = [article for article, _ in pipeline.extract_and_clean(documents, workers=1).articles]
    bodies = [a.body for a in articles]
    odd_sentence, odd_term = [a for a in articles if bodies.count(a.body) == 1][:2]  # not copies

    def reading(body: str, title: str | None = None) -> Findings:
        found = find_in_sentences(body, title)
        if body != odd_sentence.body:
            return found
        first = dataclasses.replace(found.body[0], text=found.body[0].text + "\ud800")
        return dataclasses.replace(found, body=(first, *found.body[1:]))

    def tokenizing(article_id: str, title: str | None, body: str) -> SearchDocument:
        entry = search_document(article_id, title, body)
        return (
            dataclasses.replace(entry, terms=(("\udc80", 1),)) if article_id == odd_term.article_id else entry
        )

    monkeypatch.setattr(pipeline, "find_in_sentences", reading)
    monkeypatch.setattr(pipeline, "search_document", tokenizing)
    evidence = pipeline.gather_evidence(articles, workers=1)
    everyone = {a.article_id for a in articles}
    assert set(evidence.rows.sentences["article_id"].to_pylist()) == everyone - {odd_sentence.article_id}
    assert evidence.features[odd_sentence.article_id].terms  # its story evidence is untouched
    assert [w.split(": ")[:2] for w in evidence.warnings] == [
        [f"analysis failed for {odd_sentence.uri}", "UnicodeEncodeError"]
    ]
    # The entry the load cannot take either is left to the load, which tokenizes it again (and, should
    # that fail too, rejects the article alone: tests/warehouse/test_search_index.py).
    assert evidence.rows.indexed() == everyone - {odd_term.article_id}


def _frozen_in_worker(items: Sequence[int]) -> list[int]:
    return [gc.get_freeze_count()]  # what the collector leaves out here: the parent's frozen objects


def _collected(objects: Sequence[object]) -> int:
    """How many of `objects` the cyclic collector's passes walk: frozen ones are in none of its three
    generations, which `gc.get_objects()` lists. (Not a count of frozen objects against one taken before:
    a frozen object freed meanwhile, by another thread of the test process, lowers that count.)"""
    walked = {id(o) for o in gc.get_objects()}
    return sum(id(o) in walked for o in objects)


def test_the_batch_is_left_out_of_collections_while_worked_on_and_only_then() -> None:
    assert gc.get_freeze_count() == 0
    before = [[n] for n in range(1000)]
    with pipeline.frozen_heap():
        assert gc.get_freeze_count() > 0 and _collected(before) == 0
        created = [[n] for n in range(1000)]  # created inside the block: collected as always
        assert _collected(created) == len(created)
        with pipeline.frozen_heap():
            assert _collected(created) == 0  # frozen by the inner block
        assert _collected(created) == 0 and _collected(before) == 0  # the outer block still holds them
    assert gc.get_freeze_count() == 0
    assert _collected(before) == len(before) and _collected(created) == len(created)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers are not forked")
def test_forked_workers_leave_the_parents_objects_out_of_their_collections() -> None:
    counts = pipeline.map_chunks(_frozen_in_worker, list(range(8)), workers=2)
    assert counts and all(count > 0 for [count] in counts)
    assert gc.get_freeze_count() == 0  # unfrozen once the workers are done
