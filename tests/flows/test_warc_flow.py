"""The warc flow under a real Prefect run and a real DuckDB: on-topic pages loaded with their archive
lineage, broken records rejected with their offsets, a rerun that adds nothing, a killed run that goes
on from its saved offset, and archives fetched by URL from 127.0.0.1 through a warc source."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import flows.warc as warc_module
import flows.warc_chunks as warc_chunks
from flows.warc import WarcSummary, warc
from tests.extract.warc_files import Record, page, write_warc
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

ON_TOPIC = {0, 3, 6, 9}


def archive(path: Path, count: int = 12) -> list[int]:
    """`count` pages, those in ON_TOPIC about Apple's AI, then a PDF; returns the record offsets."""
    pdf = Record("https://news.example.com/report.pdf", b"%PDF-1.7", content_type="application/pdf")
    return write_warc(path, [page(n, n in ON_TOPIC) for n in range(count)] + [pdf])


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def test_on_topic_pages_load_with_their_lineage_and_a_rerun_adds_nothing(
    tmp_path: Path, db_path: Path
) -> None:
    path = tmp_path / "news.warc.gz"
    offsets = archive(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])  # the last record (the PDF) is cut short
    first = warc([str(path)], db=str(db_path), processes=2)
    assert isinstance(first, WarcSummary)
    assert (first.counts.records, first.counts.pages, first.counts.off_topic) == (13, 12, 8)
    assert first.ingest.new_articles == 4 and first.ingest.documents_new == 4
    assert [r.kind for r in first.ingest.rejects] == ["truncated"]
    assert first.ingest.rejects[0].uri == f"{path.as_uri()}#offset={offsets[12]}"
    lineage = rows(
        db_path, "SELECT canonical_url, warc_file, record_offset, record_id FROM article_warc_lineage"
    )
    by_url = {url.rsplit("-", 1)[1]: (file, offset, record_id) for url, file, offset, record_id in lineage}
    assert set(by_url) == {str(n) for n in ON_TOPIC}
    assert all(
        file == path.as_uri() and record_id.startswith("<urn:uuid:") for file, _, record_id in by_url.values()
    )
    assert {offset for _, offset, _ in by_url.values()} == {offsets[n] for n in ON_TOPIC}
    assert rows(db_path, "SELECT DISTINCT source, source_kind FROM raw_documents") == [("warc", "warc")]
    assert rows(db_path, "SELECT finished, next_offset, records, off_topic, rejected FROM warc_files") == [
        (True, path.stat().st_size, 13, 8, 1)
    ]
    counted = (
        "SELECT (SELECT count(*) FROM raw_documents), (SELECT count(*) FROM rejects),"
        " (SELECT count(*) FROM articles)"
    )
    before = rows(db_path, counted)

    again = warc([str(path)], db=str(db_path), processes=1)
    assert again.counts.already_read == 1 and again.counts.records == 0
    assert again.ingest.new_articles == 0 and again.ingest.nothing_new
    assert rows(db_path, counted) == before


def test_a_run_killed_midway_goes_on_from_the_saved_offset_and_adds_each_page_once(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "news.warc"
    offsets = archive(path)
    monkeypatch.setattr(warc_chunks, "CHUNK_RECORDS", 4)
    saved = warc_module.save_progress
    calls = []

    def dies_on_the_second_save(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        if len(calls) == 2:  # the second chunk is loaded, but the process dies before saving its offset
            raise RuntimeError("killed")
        saved(*args, **kwargs)

    monkeypatch.setattr(warc_module, "save_progress", dies_on_the_second_save)
    with pytest.raises(RuntimeError, match="killed"):
        warc([str(path)], db=str(db_path), processes=1)
    assert rows(db_path, "SELECT next_offset, finished, records FROM warc_files") == [(offsets[4], False, 4)]
    loaded = rows(db_path, "SELECT count(*) FROM articles")[0][0]
    assert loaded == 3  # pages 0, 3 (first chunk) and 6 (second chunk, whose offset was not saved)

    monkeypatch.setattr(warc_module, "save_progress", saved)
    rest = warc([str(path)], db=str(db_path), processes=1)
    assert rest.counts.records == 13 - 4  # from the saved offset on
    assert rest.ingest.new_articles == 1  # page 9; page 6 was read again and found stored
    assert rows(db_path, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(4, 4)]
    assert rows(db_path, "SELECT finished, records, pages FROM warc_files") == [(True, 13, 12)]
    assert rows(db_path, "SELECT count(*) FROM rejects WHERE kind = 'not_html'") == [(1,)]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "served"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


def test_a_warc_source_in_the_config_is_fetched_by_url_and_loaded_under_its_name(
    tmp_path: Path, db_path: Path, served: tuple[str, Path]
) -> None:
    base, folder = served
    archive(folder / "cc-news.warc.gz")
    config = tmp_path / "newsetl.toml"
    config.write_text(
        f"""
[http]
min_delay_seconds = 0.0
allow_private_addresses = true

[[sources]]
name = "cc-news-sample"
kind = "warc"
archives = ["{base}/cc-news.warc.gz", "{base}/missing.warc.gz"]
""",
        encoding="utf-8",
    )
    summary = warc([], db=str(db_path), config_path=str(config), processes=1)
    assert summary.counts.archives == 2 and summary.counts.fetch_failures == 1
    assert summary.ingest.new_articles == 4
    assert rows(db_path, "SELECT DISTINCT source FROM raw_documents") == [("cc-news-sample",)]
    fetch_rejects = rows(db_path, "SELECT uri, kind FROM rejects WHERE stage = 'fetch'")
    assert fetch_rejects == [(f"{base}/missing.warc.gz", "http_status")]
    assert rows(db_path, "SELECT warc_file, finished FROM warc_files") == [(f"{base}/cc-news.warc.gz", True)]
    assert not list(db_path.parent.glob("newsetl-warc-*"))  # the download was removed


def test_cc_news_days_are_listed_fetched_and_loaded(
    tmp_path: Path, db_path: Path, served: tuple[str, Path]
) -> None:
    import gzip
    from datetime import date

    base, folder = served
    month = folder / "crawl-data" / "CC-NEWS" / "2024" / "01"
    month.mkdir(parents=True)
    names = ["CC-NEWS-20240114230000-00001.warc.gz", "CC-NEWS-20240115010000-00002.warc.gz"]
    archive(month / names[0], count=3)  # the day before: not read
    archive(month / names[1], count=6)
    listing = "".join(f"crawl-data/CC-NEWS/2024/01/{name}\n" for name in names)
    (month / "warc.paths.gz").write_bytes(gzip.compress(listing.encode()))
    config = tmp_path / "newsetl.toml"
    config.write_text("[http]\nmin_delay_seconds = 0.0\nallow_private_addresses = true\n", encoding="utf-8")
    summary = warc(
        [],
        db=str(db_path),
        config_path=str(config),
        cc_news=(date(2024, 1, 15), date(2024, 1, 15)),
        cc_news_base=f"{base}/",
        processes=1,
    )
    assert summary.counts.archives == 1 and summary.counts.pages == 6
    assert summary.ingest.new_articles == len(ON_TOPIC & set(range(6)))
    assert rows(db_path, "SELECT warc_file FROM warc_files") == [
        (f"{base}/crawl-data/CC-NEWS/2024/01/{names[1]}",)
    ]


def test_a_page_the_prefilter_fails_on_goes_on_to_extraction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extract.warc import read_archive
    from transform.topic_prefilter import TopicPrefilter, prefilter_for
    from transform.topics import DEFAULT_TOPIC

    path = tmp_path / "news.warc"
    archive(path, count=2)

    def fails(self: TopicPrefilter, text: str) -> bool:
        raise KeyError("a matcher defect")

    monkeypatch.setattr(TopicPrefilter, "may_match", fails)
    (chunk,) = warc_chunks.chunks(read_archive(path, path.as_uri()), prefilter_for(DEFAULT_TOPIC))
    assert len(chunk.captures) == 2 and chunk.off_topic == 0 and chunk.next_offset is None
