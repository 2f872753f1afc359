"""Hostile answers from the web can never stop a `newsetl run`: each is a reject, the healthy sources in
the same run load, and the next run is clean.

Everything is served by the local test site (tests/extract/site.py) on 127.0.0.1, started three times:
three hosts (ports), as a Retry-After pauses a whole host and the others must go on. The cases are what
broke real runs: links with a port out of range or an unclosed IPv6 bracket in a feed, sitemap or listing,
a redirect to such a link, a Retry-After of an hour (or of centuries), a `<meta charset="utf-16">` on an
ASCII page, a JSON array of 100k numbers, and a run in which no source could be read.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.ingest import ingest
from flows.web import run_failure, web
from tests.extract.site import ARTICLE_COUNT, BAD_LINKS, Site, serve
from tests.faults.conftest import Ledger, integrity, jsonl_uris, lost_rows, write_news
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

HTTP = """
[http]
contact = "mailto:tests@example.com"
min_delay_seconds = 0.0
allow_private_addresses = true
"""


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[Site, Site, Site]]:
    """Three hosts: the healthy one first."""
    started = [serve() for _ in range(3)]
    yield started[0][0], started[1][0], started[2][0]
    for _, stop in started:
        stop()


def write_sources(path: Path, *sources: tuple[str, str, str]) -> str:
    """A sources file of (name, kind, url) entries; kind "urls" takes the URL as its one page."""
    entries = []
    for name, kind, url in sources:
        where = f'urls = ["{url}"]' if kind == "urls" else f'url = "{url}"'
        selector = 'link_selector = "a.story"\n' if kind == "listing" else ""
        entries.append(f'\n[[sources]]\nname = "{name}"\nkind = "{kind}"\n{where}\n{selector}')
    path.write_text(HTTP + "".join(entries), encoding="utf-8")
    return str(path)


def article_texts(db: Path) -> dict[str, str]:
    with connect(db, read_only=True) as connection:
        return dict(connection.execute("SELECT uri, body FROM articles").fetchall())


def assert_sound(db: Path) -> None:
    report = integrity(db)
    assert report.ok, report.describe()


def assert_clean_rerun(config: str, db: Path, rejects: set[str] | None = None) -> None:
    """A rerun loads nothing new, and fails only where the first run did (those links are listed still)."""
    rerun = web(config, db=str(db))
    assert rerun.nothing_new
    assert {r.uri for r in rerun.rejects} == (rejects or set())
    assert_sound(db)


def test_bad_links_in_a_feed_a_sitemap_and_a_listing_leave_the_healthy_source_whole(
    tmp_path: Path, db_path: Path, sites: tuple[Site, Site, Site], ledger: Ledger
) -> None:
    site = sites[0]
    config = write_sources(
        tmp_path / "newsetl.toml",
        ("feed", "feed", site.url("/bad-links.rss")),
        ("sitemap", "sitemap", site.url("/bad-links-sitemap.xml")),
        ("listing", "listing", site.url("/bad-links-listing/")),
        ("healthy", "sitemap", site.url("/sitemap_index.xml")),
    )

    summary = web(config, db=str(db_path))

    indexes = {site.url(p) for p in ("/bad-links.rss", "/bad-links-sitemap.xml", "/bad-links-listing/")}
    assert {r.uri for r in summary.rejects} == indexes
    for reject in summary.rejects:
        assert (reject.stage, reject.kind) == ("discover", "invalid_url")
        assert "not usable URLs" in reject.reason and "99999" in reject.reason
    healthy = {site.url(f"/articles/{n}.html") for n in range(1, ARTICLE_COUNT + 1)}
    assert set(article_texts(db_path)) == healthy
    assert run_failure(summary) is None
    assert_sound(db_path)
    assert_clean_rerun(config, db_path, rejects=indexes)
    ledger.record(inputs=len(healthy) + 3 * len(BAD_LINKS), lost=lost_rows(healthy, db_path))


def test_a_redirect_to_a_bad_link_is_a_reject_and_the_healthy_source_loads(
    tmp_path: Path, db_path: Path, sites: tuple[Site, Site, Site], ledger: Ledger
) -> None:
    site = sites[0]
    redirects = {site.url("/redirect-bad-port"), site.url("/redirect-bad-ipv6")}
    config = write_sources(
        tmp_path / "newsetl.toml",
        ("redirect-bad-port", "urls", site.url("/redirect-bad-port")),
        ("redirect-bad-ipv6", "urls", site.url("/redirect-bad-ipv6")),
        ("healthy", "urls", site.url("/articles/4.html")),
    )

    summary = web(config, db=str(db_path))

    assert {r.uri for r in summary.rejects} == redirects
    for reject in summary.rejects:
        assert (reject.stage, reject.kind) == ("fetch", "invalid_url")
        assert reject.reason
    assert set(article_texts(db_path)) == {site.url("/articles/4.html")}
    assert_sound(db_path)
    assert_clean_rerun(config, db_path, rejects=redirects)
    ledger.record(inputs=3, lost=lost_rows({site.url("/articles/4.html")}, db_path))


def test_a_long_retry_after_defers_its_urls_without_holding_the_run(
    tmp_path: Path, db_path: Path, sites: tuple[Site, Site, Site], ledger: Ledger
) -> None:
    site, busy, down = sites
    token = uuid.uuid4().hex[:8]
    later, offline = busy.url(f"/later/7/{token}"), down.url(f"/offline/8/{token}")
    paused = {later, offline}
    healthy = {site.url(f"/articles/{n}.html") for n in (1, 2, 3)}
    config = write_sources(
        tmp_path / "newsetl.toml",
        ("healthy", "feed", site.url("/feed.rss")),
        ("busy-for-an-hour", "urls", later),
        ("down-for-centuries", "urls", offline),
    )

    started = time.monotonic()
    summary = web(config, db=str(db_path))
    seconds = time.monotonic() - started

    # The policy's URL budget is 120 s and the Retry-Afters ask for an hour and for centuries.
    print(f"a run with an hour's 429 and a centuries' 503 on two hosts: {seconds:.1f} s")
    assert seconds < 60, f"the run took {seconds:.0f} s"
    assert {r.uri for r in summary.rejects} == paused
    for reject in summary.rejects:
        assert (reject.stage, reject.kind) == ("fetch", "deferred")
        assert "deferred to the next run" in reject.reason
    assert set(article_texts(db_path)) == healthy
    assert_sound(db_path)

    # The hosts now answer 200: the deferred URLs are fetched and loaded, nothing else is.
    second = web(config, db=str(db_path))
    assert second.crawl is not None and second.crawl.fetched == 2 and not second.rejects
    assert set(article_texts(db_path)) == healthy | paused
    assert_sound(db_path)
    assert_clean_rerun(config, db_path)
    ledger.record(inputs=len(healthy | paused), lost=lost_rows(healthy | paused, db_path))


def test_a_meta_utf16_page_is_read_as_utf8_and_loads(
    tmp_path: Path, db_path: Path, sites: tuple[Site, Site, Site], ledger: Ledger
) -> None:
    site = sites[0]
    page, healthy = site.url("/meta-utf16"), site.url("/articles/5.html")
    config = write_sources(tmp_path / "newsetl.toml", ("pages", "urls", page), ("healthy", "urls", healthy))

    summary = web(config, db=str(db_path))

    assert not summary.rejects
    texts = article_texts(db_path)
    assert set(texts) == {page, healthy}
    assert "Apple will use Qwen models from Alibaba Cloud on iPhones in China." in texts[page]
    assert_sound(db_path)
    assert_clean_rerun(config, db_path)
    ledger.record(inputs=2, lost=lost_rows({page, healthy}, db_path))


def test_a_json_array_of_100k_numbers_is_one_reject_and_quick(
    tmp_path: Path, db_path: Path, ledger: Ledger
) -> None:
    inbox = tmp_path / "in"
    good = write_news(inbox, 10, seed=41, name="good.jsonl")
    good += write_news(inbox, 6, seed=42, name="more.jsonl")
    numbers = inbox / "numbers.json"
    numbers.write_text(json.dumps([n % 10 for n in range(100_000)], separators=(",", ":")), encoding="utf-8")
    assert numbers.stat().st_size >= 200_000

    started = time.monotonic()
    summary = ingest([str(inbox)], db=str(db_path))
    seconds = time.monotonic() - started

    print(f"ingest of a 100k-number JSON array beside {good} documents: {seconds:.1f} s")
    assert seconds < 60, f"the ingest took {seconds:.0f} s"  # 54 s and 100k rejects before the cap
    [reject] = summary.rejects
    assert reject.uri == numbers.resolve().as_uri()
    assert reject.stage and reject.kind and "100,000" in reject.reason
    report = integrity(db_path)
    assert report.ok, report.describe()
    assert (report.articles + report.duplicates, report.rejected_documents) == (good, 1)
    rerun = ingest([str(inbox)], db=str(db_path))
    assert rerun.nothing_new and not rerun.rejects
    assert_sound(db_path)
    expected = jsonl_uris(inbox / "good.jsonl") | jsonl_uris(inbox / "more.jsonl") | {reject.uri}
    ledger.record(inputs=len(expected), lost=lost_rows(expected, db_path))


def test_a_run_in_which_every_source_fails_exits_1_and_leaves_the_warehouse_sound(
    tmp_path: Path, db_path: Path, sites: tuple[Site, Site, Site], ledger: Ledger
) -> None:
    from flows.cli import app

    site = sites[0]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{probe.getsockname()[1]}/feed.rss"
    config = write_sources(
        tmp_path / "newsetl.toml",
        ("refused", "feed", refused),
        ("missing", "feed", site.url("/no-such-feed.rss")),
        ("broken", "feed", site.url("/broken.xml")),
        ("missing-sitemap", "sitemap", site.url("/no-such-sitemap.xml")),
    )

    result = CliRunner().invoke(app, ["run", "--config", config, "--db", str(db_path)])

    assert result.exit_code == 1, result.output
    assert "error: no feed, sitemap or listing page could be read (4 sources)" in result.stderr
    assert_sound(db_path)
    ledger.record(inputs=4, lost=integrity(db_path).pending)
