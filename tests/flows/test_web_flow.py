"""The web flow against a real site on 127.0.0.1: fetch, load, and a rerun that fetches no article again."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.client.schemas.objects import State

from flows.terminal import flow_outcome
from flows.web import run_failure, web
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


def test_bad_links_in_every_kind_of_index_are_rejects_and_the_rest_loads(
    tmp_path: Path, db_path: Path, site: Site
) -> None:
    config = tmp_path / "newsetl.toml"
    config.write_text(
        f"""
[http]
min_delay_seconds = 0.0
allow_private_addresses = true

[[sources]]
name = "feed"
kind = "feed"
url = "{site.url("/bad-links.rss")}"

[[sources]]
name = "sitemap"
kind = "sitemap"
url = "{site.url("/bad-links-sitemap.xml")}"

[[sources]]
name = "listing"
kind = "listing"
url = "{site.url("/bad-links-listing/")}"
link_selector = "a.story"
""",
        encoding="utf-8",
    )
    summary = web(str(config), db=str(db_path))
    assert summary.crawl is not None and summary.crawl.fetched == 6
    assert summary.new_articles + summary.exact_duplicates == 6
    skipped = [r for r in summary.rejects if r.kind == "invalid_url"]
    assert sorted(r.uri for r in skipped) == sorted(
        site.url(path) for path in ("/bad-links.rss", "/bad-links-sitemap.xml", "/bad-links-listing/")
    )
    assert run_failure(summary) is None


def test_a_deferred_url_is_a_reject_and_is_fetched_again_on_the_next_run(
    tmp_path: Path, db_path: Path, site: Site
) -> None:
    path = f"/busy-long/{uuid.uuid4().hex[:8]}"  # 429 with Retry-After: 3600
    config = tmp_path / "newsetl.toml"
    config.write_text(
        f'[http]\nallow_private_addresses = true\n\n[[sources]]\nname = "pages"\nkind = "urls"\n'
        f'urls = ["{site.url(path)}"]\n',
        encoding="utf-8",
    )
    # Nothing could be fetched: the run fails (as the CLI's exit 1 says), its summary holds the reject.
    first, failure = flow_outcome(web(str(config), db=str(db_path), return_state=True))
    assert failure == "nothing could be fetched; see the rejects above"
    (reject,) = first.rejects
    assert (reject.uri, reject.kind) == (site.url(path), "deferred")
    assert "deferred to the next run" in reject.reason
    second, _ = flow_outcome(web(str(config), db=str(db_path), return_state=True))
    assert second.crawl is not None and second.crawl.already_stored == 0
    assert len(site.requests_for(path)) == 2


def test_a_run_where_no_index_could_be_read_fails_and_names_the_sources(
    tmp_path: Path, db_path: Path, site: Site
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sources = "".join(
        f'\n[[sources]]\nname = "refused-{n}"\nkind = "feed"\nurl = "http://127.0.0.1:{port}/{n}.rss"\n'
        for n in range(7)
    )
    config = tmp_path / "newsetl.toml"
    config.write_text(f"[http]\nallow_private_addresses = true\nretries = 0\n{sources}", encoding="utf-8")
    state = web(str(config), db=str(db_path), return_state=True)
    # Failed in Prefect, with the reason as the state's message (no exception: the run still returns
    # its summary for the CLI to print), and an alert for every source.
    assert state.is_failed()
    summary, problem = flow_outcome(state)
    assert problem is not None and problem == run_failure(summary)
    assert problem.startswith("no feed, sitemap or listing page could be read (7 sources): refused-0: ")
    assert problem.endswith("; and 2 more") and "connection failed" in problem
    assert [(a.source, a.rule) for a in summary.alerts] == [(f"refused-{n}", "unreadable") for n in range(7)]
    assert all("connection failed" in a.message for a in summary.alerts)
    assert flow_run_name(state) == "web refused-0 +6"
    # One source that still reads is enough for a run that succeeds, with the others' alerts.
    healthy = f'\n[[sources]]\nname = "fine"\nkind = "feed"\nurl = "{site.url("/feed.rss")}"\n'
    config.write_text(config.read_text(encoding="utf-8") + healthy, encoding="utf-8")
    state = web(str(config), db=str(db_path), return_state=True)
    assert state.is_completed() and state.name == "Completed with alerts"
    assert state.message and state.message.startswith("7 source alert(s): refused-0: unreadable; ")
    assert run_failure(state.result()) is None


def flow_run_name(state: State[Any]) -> str:
    from prefect.client.orchestration import get_client

    assert state.state_details.flow_run_id is not None
    with get_client(sync_client=True) as client:
        return client.read_flow_run(state.state_details.flow_run_id).name
