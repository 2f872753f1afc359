"""Source health, versions and alerts against a local site whose pages change between runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.terminal import flow_outcome
from flows.web import web
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")


@dataclass
class ChangingSite:
    """A feed of article pages; tests add, edit and break pages between runs."""

    base: str = ""
    pages: dict[str, str] = field(default_factory=dict)
    forbidden: bool = False

    def article(self, slug: str, body: str, date: str = "2025-02-13T08:00:00Z") -> None:
        self.pages[slug] = (
            f"<html lang='en'><head><title>{slug}</title>"
            f"<meta property='article:published_time' content='{date}'></head>"
            f"<body><article><h1>{slug}</h1><p>{body}</p><p>{body}</p></article></body></html>"
        )

    def feed(self) -> str:
        items = "".join(f"<item><title>{s}</title><link>{self.base}/a/{s}</link></item>" for s in self.pages)
        return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>"


@pytest.fixture
def changing_site() -> Iterator[ChangingSite]:
    site = ChangingSite()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                status, kind, body = 200, "text/plain", "User-agent: *\nAllow: /\n"
            elif site.forbidden:
                status, kind, body = 403, "text/html", "<p>go away</p>"
            elif self.path == "/feed.rss":
                status, kind, body = 200, "application/rss+xml", site.feed()
            elif self.path.startswith("/a/") and self.path[3:] in site.pages:
                status, kind, body = 200, "text/html; charset=utf-8", site.pages[self.path[3:]]
            else:
                status, kind, body = 404, "text/html", "missing"
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


def story(n: int, words: int = 40) -> str:
    return " ".join(
        f"Alibaba and Apple report {n} detail{i} about Qwen on iPhones." for i in range(words // 8)
    )


def test_versions_health_rows_and_drift_alerts(
    tmp_path: Path, db_path: Path, changing_site: ChangingSite
) -> None:
    config = tmp_path / "newsetl.toml"
    config.write_text(
        f"""
[http]
min_delay_seconds = 0.0
allow_private_addresses = true

[health]
min_history = 2

[[sources]]
name = "changing"
kind = "feed"
url = "{changing_site.base}/feed.rss"
""",
        encoding="utf-8",
    )
    # Two healthy runs: two new articles each.
    for run in range(2):
        for n in (2 * run, 2 * run + 1):
            changing_site.article(f"story-{n}", story(n))
        summary = web(str(config), db=str(db_path))
        assert summary.new_articles == 2 and not summary.alerts

    # An article is corrected, and the source publishes nothing new: a new version, and a "silent" alert.
    changing_site.article("story-0", story(0) + " Alibaba later corrected the figures.")
    edited = web(str(config), db=str(db_path), refetch=True)
    assert edited.new_versions == 1
    assert [a.rule for a in edited.alerts] == ["silent"]

    # A layout change leaves pages with a fraction of their text and no date: extraction broke.
    for n in (10, 11):
        changing_site.article(f"story-{n}", "Alibaba and Apple short text about Qwen here now.", date="")
    broken = web(str(config), db=str(db_path))
    assert broken.new_articles == 2
    assert {a.rule for a in broken.alerts} == {"body_length", "dates"}

    # The site starts refusing us: reported as blocked, not as empty.
    changing_site.forbidden = True
    changing_site.article("story-12", story(12))
    blocked, failure = flow_outcome(web(str(config), db=str(db_path), return_state=True))
    assert failure  # its only source could not be read: the run failed, and says why
    assert [a.rule for a in blocked.alerts] == ["blocked"]

    with connect(db_path, read_only=True) as con:
        versions = con.execute(
            "SELECT version, change_summary IS NOT NULL FROM article_versions"
            " WHERE article_id = (SELECT article_id FROM article_changes) ORDER BY version"
        ).fetchall()
        current = con.execute("SELECT body FROM current_articles WHERE title = 'story-0'").fetchone()
        runs = con.execute("SELECT new_articles FROM source_runs ORDER BY finished_at").fetchall()
        health = con.execute("SELECT status, blocked FROM source_health").fetchone()
        alert_rules = con.execute("SELECT rule FROM source_alerts ORDER BY raised_at, rule").fetchall()
    assert versions == [(1, False), (2, True)]
    assert current is not None and current[0].endswith("Alibaba later corrected the figures.")
    assert runs == [(2,), (2,), (0,), (2,), (0,)]
    assert health == ("blocked", 1)
    assert alert_rules == [("silent",), ("body_length",), ("dates",), ("blocked",)]
