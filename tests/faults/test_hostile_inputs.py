"""Hostile and messy documents can never stop ingestion: each is a reject (or loads without the part that
was broken), the rest of the batch loads, and the next run is clean.

The pages here are written for these tests; they reproduce what broke real runs: broken canonical links,
JSON nested thousands deep, a placeholder publication date (0001-01-01) on a whole newspaper network, a
document that fails in a later stage, a document pending in runs that kept dying.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from extract.files import read_file
from flows import pipeline
from flows.ingest import ingest
from flows.reprocess import reprocess
from tests.faults.conftest import (
    Ledger,
    integrity,
    jsonl_uris,
    lost_rows,
    raw_uris,
    refuse_to_load,
    write_news,
)
from transform.records import RawDocument
from warehouse.connection import connect
from warehouse.loads import raw_rows, store_raw_documents

pytestmark = pytest.mark.usefixtures("prefect_harness")

BODY = (
    "<p>Alibaba Cloud said on Tuesday that its Qwen models now run on more devices than a year ago, "
    "according to figures shared with developers at a conference in Hangzhou.</p>"
    "<p>The company did not say how many of those devices were phones, but analysts expect the number to "
    "grow as Apple Intelligence reaches more iPhones sold in mainland China this year.</p>"
)


def article_page(head: str, title: str) -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head>"
        f"<body><article><h1>{title}</h1>{BODY}<p>{title}.</p></article></body></html>"
    )


def nested_json(depth: int) -> str:
    return '{"url": "https://deep.example/1", "text": ' + "[" * depth + "]" * depth + "}"


def test_hostile_pages_are_rejected_or_loaded_and_never_block_the_batch(
    tmp_path: Path, db_path: Path, ledger: Ledger
) -> None:
    inbox = tmp_path / "in"
    good = write_news(inbox, 12, seed=31, name="good.jsonl")
    pages = {
        "bad-port.html": '<link rel="canonical" href="http://news.example:99999/x">',
        "bad-ipv6.html": '<link rel="canonical" href="http://[::1/x"><meta property="og:url" content="http://[::1/y">',
        "deep-ld.html": '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>",
    }
    for name, head in pages.items():
        (inbox / name).write_text(article_page(head, f"Page {name}"), encoding="utf-8")
    (inbox / "deep.json").write_text(nested_json(200_000), encoding="utf-8")
    (inbox / "deep-line.jsonl").write_text(
        json.dumps({"url": "https://fine.example/1", "title": "Fine", "text": "Doubao gains users fast."})
        + "\n"
        + nested_json(100_000)
        + "\n",
        encoding="utf-8",
    )

    summary = ingest([str(inbox)], db=str(db_path))

    rejected = {r.uri.rsplit("/", 1)[-1]: r for r in summary.rejects}
    assert set(rejected) == {"deep.json", "deep-line.jsonl#line=2"}
    assert all(r.reason and r.kind for r in rejected.values())
    with connect(db_path, read_only=True) as connection:
        loaded = dict(
            connection.execute(
                "SELECT regexp_extract(uri, '[^/]+$'), canonical_url FROM articles WHERE uri LIKE '%.html'"
            ).fetchall()
        )
    # A broken canonical link is ignored: the page is the article, under its own address.
    assert set(loaded) == set(pages)
    assert all(url.startswith("file://") for url in loaded.values())
    report = integrity(db_path)
    assert report.ok, report.describe()
    assert report.articles + report.duplicates == good + len(pages) + 1

    rerun = ingest([str(inbox)], db=str(db_path))
    assert rerun.nothing_new and not rerun.rejects
    expected = jsonl_uris(inbox / "good.jsonl") | jsonl_uris(inbox / "deep-line.jsonl")
    expected |= {(inbox / name).resolve().as_uri() for name in [*pages, "deep.json"]}
    ledger.record(inputs=len(expected), lost=lost_rows(expected, db_path))


def test_placeholder_dates_do_not_fail_the_batch(tmp_path: Path, db_path: Path, ledger: Ledger) -> None:
    inbox = tmp_path / "in"
    good = write_news(inbox, 10, seed=32, name="good.jsonl")
    placeholder = (
        '<meta property="article:published_time" content="0001-01-01T00:00:00-05:00">'
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}</script>'
    )
    for n in range(5):
        (inbox / f"network-{n}.html").write_text(
            article_page(placeholder, f"Network story {n}"), encoding="utf-8"
        )
    (inbox / "network-with-url-date.html").write_text(
        article_page(
            placeholder + '<link rel="canonical" href="https://paper.example/2019/11/19/storm/">', "Storm"
        ),
        encoding="utf-8",
    )
    (inbox / "placeholder.jsonl").write_text(
        json.dumps(
            {
                "url": "https://p.example/a",
                "title": "P",
                "text": "Ernie adds users.",
                "published": "0001-01-01",
            }
        )
        + "\n",
        encoding="utf-8",
    )

    summary = ingest([str(inbox)], db=str(db_path))

    assert not summary.rejects
    with connect(db_path, read_only=True) as connection:
        dates = dict(
            connection.execute(
                "SELECT regexp_extract(uri, '[^/]+$') AS name, published_at FROM articles"
                " WHERE name LIKE 'network%' OR name LIKE 'placeholder%'"
            ).fetchall()
        )
    assert dates.pop("network-with-url-date.html") == datetime(2019, 11, 19, tzinfo=UTC)
    assert set(dates.values()) == {None}
    assert len(dates) == 6
    report = integrity(db_path)
    assert report.ok, report.describe()
    assert report.articles + report.duplicates == good + 7
    ledger.record(inputs=good + 7, lost=report.pending)


def test_a_document_that_fails_in_a_later_stage_is_isolated_in_the_same_run(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, ledger: Ledger
) -> None:
    inbox = tmp_path / "in"
    documents = write_news(inbox, 16, seed=33, name="news.jsonl")
    poisoned = f"{(inbox / 'news.jsonl').resolve().as_uri()}#line=5"
    refuse_to_load(monkeypatch, poisoned)

    summary = ingest([str(inbox)], db=str(db_path))

    [reject] = summary.rejects
    assert (reject.uri, reject.stage, reject.kind) == (poisoned, "process", "unexpected:ValueError")
    assert "a defect that only this document triggers" in reject.reason
    report = integrity(db_path)
    assert report.ok, report.describe()
    assert report.rejected_documents == 1
    assert report.articles + report.duplicates == documents - 1
    monkeypatch.undo()
    assert ingest([str(inbox)], db=str(db_path)).nothing_new
    ledger.record(inputs=documents, lost=lost_rows(jsonl_uris(inbox / "news.jsonl"), db_path))


def pending_in_three_dead_runs(inbox: Path, db_path: Path) -> tuple[int, RawDocument]:
    """Generated news in `inbox` (how many documents), and one of them stored as if three runs had stored
    it and died (killed, out of memory) while it was pending, the last still marked running."""
    documents = write_news(inbox, 8, seed=34, name="news.jsonl")
    suspect = read_file(inbox / "news.jsonl", datetime.now(UTC))[2]
    with connect(db_path) as connection:
        store_raw_documents(connection, raw_rows([suspect], "dead-1"))
        for run in ("dead-1", "dead-2", "dead-3"):
            connection.execute("INSERT INTO processing_attempts VALUES (?, ?, now())", [suspect.doc_id, run])
        connection.execute(
            "INSERT INTO runs (run_id, started_at, status) VALUES ('dead-3', now(), 'running')"
        )
    return documents, suspect


def test_a_document_pending_in_runs_that_died_is_set_aside(
    tmp_path: Path, db_path: Path, ledger: Ledger
) -> None:
    inbox = tmp_path / "in"
    documents, suspect = pending_in_three_dead_runs(inbox, db_path)

    summary = ingest([str(inbox)], db=str(db_path))

    [reject] = summary.rejects
    assert (reject.uri, reject.stage, reject.kind) == (suspect.uri, "quarantine", "repeated_failure")
    assert "newsetl reprocess" in reject.reason
    with connect(db_path, read_only=True) as connection:
        status = connection.execute("SELECT status FROM runs WHERE run_id = 'dead-3'").fetchone()
    assert status == ("abandoned",)
    report = integrity(db_path)
    assert report.ok, report.describe()
    assert report.rejected_documents == 1
    assert report.articles + report.duplicates == documents - 1
    ledger.record(inputs=documents, lost=lost_rows(jsonl_uris(inbox / "news.jsonl"), db_path))


def test_a_quarantined_document_is_tried_again_by_reprocess(tmp_path: Path, db_path: Path) -> None:
    inbox = tmp_path / "in"
    documents, _ = pending_in_three_dead_runs(inbox, db_path)
    [reject] = ingest([str(inbox)], db=str(db_path)).rejects
    assert reject.stage == "quarantine"

    # What the reject's reason promises: the reprocess tries it again, and it loads.
    report = reprocess(str(db_path))
    assert report.summary.rejects == ()
    assert report.articles + report.summary.counts.exact_duplicates == documents
    assert integrity(db_path).rejected_documents == 0


def test_reprocessing_again_and_again_rebuilds_every_article_each_time(tmp_path: Path, db_path: Path) -> None:
    # Each run that took a document counted as an attempt at it, settled or not: after an ingest and two
    # reprocesses, the third set every document aside as if three runs had died on it.
    inbox = tmp_path / "in"
    documents = write_news(inbox, 8, seed=36, name="news.jsonl")
    first = ingest([str(inbox)], db=str(db_path))
    loaded = first.counts.new_articles
    assert loaded and not first.rejects
    for _ in range(4):
        report = reprocess(str(db_path))
        assert (report.articles, report.summary.rejects) == (loaded, ())
    report_after = integrity(db_path)
    assert report_after.ok, report_after.describe()
    assert report_after.articles + report_after.duplicates == documents


def test_a_run_killed_after_its_load_left_a_complete_index_and_is_closed_by_the_next(
    tmp_path: Path, db_path: Path
) -> None:
    inbox = tmp_path / "in"
    write_news(inbox, 6, seed=35, name="news.jsonl")
    ingest([str(inbox)], db=str(db_path))
    # What a kill after `load` leaves: a run 'running'. The search index was written in the load's own
    # transaction, so no article is missing from it (there is no refresh step left to be killed in).
    with connect(db_path) as connection:
        connection.execute(
            "INSERT INTO runs (run_id, started_at, status) VALUES ('killed', now(), 'running')"
        )
    broken = integrity(db_path)
    assert broken.unfinished_runs == 1 and broken.articles_missing_from_search == 0
    assert not broken.ok

    summary = ingest([str(inbox)], db=str(db_path))

    assert summary.nothing_new
    report = integrity(db_path)
    assert report.ok, report.describe()


def test_raw_documents_of_every_input_are_kept(tmp_path: Path, db_path: Path) -> None:
    inbox = tmp_path / "in"
    (inbox).mkdir()
    (inbox / "deep.json").write_text(nested_json(50_000), encoding="utf-8")
    ingest([str(inbox)], db=str(db_path))
    assert raw_uris(db_path) == {(inbox / "deep.json").resolve().as_uri()}


def test_a_failure_of_the_warehouse_itself_fails_the_run_and_rejects_nothing(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, ledger: Ledger
) -> None:
    inbox = tmp_path / "in"
    documents = write_news(inbox, 6, seed=36, name="news.jsonl")

    def broken_schema(*args: object) -> None:
        raise duckdb.BinderException("a statement that does not fit the schema")

    # No document is at fault: loading in halves would only reject them all.
    monkeypatch.setattr(pipeline, "load_outcomes", broken_schema)
    monkeypatch.setattr("flows.ingest.load_outcomes", broken_schema)
    with pytest.raises(duckdb.BinderException):
        ingest([str(inbox)], db=str(db_path))
    report = integrity(db_path)
    assert (report.rejected_documents, report.pending) == (0, documents)

    monkeypatch.undo()
    summary = ingest([str(inbox)], db=str(db_path))
    assert summary.new_articles + summary.exact_duplicates == documents
    assert integrity(db_path).ok
    ledger.record(inputs=documents, lost=lost_rows(jsonl_uris(inbox / "news.jsonl"), db_path))
