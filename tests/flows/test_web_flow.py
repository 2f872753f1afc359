"""The web flow against a real site on 127.0.0.1: fetch, load, and a rerun that fetches no article again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.web import web
from tests.extract.site import Site, serve
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    running, stop = serve()
    yield running
    stop()


def write_config(path: Path, site: Site, extra: str = "") -> Path:
    path.write_text(
        f"""
[http]
contact = "mailto:tests@example.com"
min_delay_seconds = 0.0
allow_private_addresses = true

[[sources]]
name = "example-feed"
kind = "feed"
url = "{site.url("/feed.rss")}"

[[sources]]
name = "example-sitemap"
kind = "sitemap"
url = "{site.url("/sitemap_index.xml")}"
{extra}
""",
        encoding="utf-8",
    )
    return path


def test_a_web_run_loads_new_articles_and_a_rerun_fetches_none_again(
    tmp_path: Path, db_path: Path, site: Site
) -> None:
    config = write_config(tmp_path / "newsetl.toml", site)
    first = web(str(config), db=str(db_path))
    assert first.crawl is not None
    assert first.crawl.fetched == first.crawl.discovered > 0
    assert first.new_articles + first.exact_duplicates == first.crawl.fetched
    assert not first.rejects
    with connect(db_path, read_only=True) as con:
        stored = con.execute(
            "SELECT count(*), count(DISTINCT http_status), min(content_encoding) FROM raw_documents"
        ).fetchone()
        lineage = con.execute("SELECT source, source_kind FROM raw_documents ORDER BY 1 LIMIT 1").fetchone()
        titles = con.execute(
            "SELECT count(*) FROM articles WHERE title LIKE 'Alibaba and Apple, part %'"
        ).fetchone()
    assert stored == (first.crawl.fetched, 1, "gzip")
    assert lineage is not None and lineage[0] in {"example-feed", "example-sitemap"}
    assert titles == (first.new_articles,)

    before = len(site.paths())
    second = web(str(config), db=str(db_path))
    assert second.crawl is not None
    assert second.crawl.fetched == 0
    # The feed lists its few latest articles again (all stored); the unchanged sitemap lists nothing.
    assert 0 < second.crawl.already_stored == second.crawl.discovered < first.crawl.discovered
    assert second.nothing_new
    new_requests = site.paths()[before:]
    assert not [p for p in new_requests if p.startswith("/articles/")]
    # The sitemap index answers 304 to the validators kept from the first run.
    index_requests = site.requests_for("/sitemap_index.xml")
    assert index_requests[-1].headers.get("if-none-match") == '"v1"'


def test_off_topic_pages_are_kept_raw_but_not_loaded(tmp_path: Path, db_path: Path, site: Site) -> None:
    config = write_config(
        tmp_path / "newsetl.toml",
        site,
        extra='[sources.topic]\nall_of = [["Huawei"]]\n',
    )
    summary = web(str(config), db=str(db_path))
    assert summary.crawl is not None and summary.off_topic > 0
    with connect(db_path, read_only=True) as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM document_status GROUP BY 1").fetchall())
        reason = con.execute("SELECT DISTINCT reason FROM off_topic_documents").fetchall()
    assert statuses.get("off_topic") == summary.off_topic
    assert reason == [("no mention of Huawei",)]
