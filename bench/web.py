"""Web figures on a local site of 100 article pages (127.0.0.1, started and stopped here).

- pages per second fetched and extracted (fetch + trafilatura + cleaning), and CPU time per page for
  extraction alone;
- requests sent by a second, unchanged `newsetl run` (goal: only conditional requests for the feed and
  the sitemap, and no article fetch).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

from extract.documents import extract_document
from extract.http import Fetcher, HttpPolicy
from transform.cleaning import clean_document
from transform.records import SourceKind

PAGES = 100
ETAG = '"index-v1"'


def _article(n: int) -> str:
    paragraphs = "".join(
        f"<p>Alibaba Cloud said on Monday that story {n} matters: Qwen models will run Apple Intelligence "
        f"features on iPhones sold in China, paragraph {i}, while analysts in Hong Kong weighed the deal.</p>"
        for i in range(12)
    )
    return (
        f"<html lang='en'><head><title>Story {n}</title>"
        f"<meta property='article:published_time' content='2025-02-{1 + n % 28:02d}T08:00:00Z'>"
        f"<meta name='author' content='Desk {n % 7}'></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Story {n}</h1>{paragraphs}</article><footer>Copyright</footer></body></html>"
    )


@contextmanager
def local_site() -> Iterator[tuple[str, Counter[str]]]:
    hits: Counter[str] = Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{cast(ThreadingHTTPServer, self.server).server_port}"
            hits[self.path if not self.path.startswith("/a/") else "/a/*"] += 1
            if self.path == "/robots.txt":
                self._send(200, "text/plain", "User-agent: *\nAllow: /\n")
            elif self.path in ("/feed.rss", "/sitemap.xml"):
                if self.headers.get("If-None-Match") == ETAG:
                    self._send(304, "text/plain", "")
                    return
                links = [f"{base}/a/{n}" for n in range(PAGES)]
                if self.path == "/feed.rss":
                    items = "".join(f"<item><title>t</title><link>{url}</link></item>" for url in links[:20])
                    body = (
                        "<?xml version='1.0'?><rss version='2.0'><channel><title>b</title>"
                        f"{items}</channel></rss>"
                    )
                    self._send(200, "application/rss+xml", body, etag=True)
                else:
                    urls = "".join(f"<url><loc>{url}</loc></url>" for url in links)
                    body = f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
                    self._send(200, "application/xml", body, etag=True)
            elif self.path.startswith("/a/"):
                self._send(200, "text/html; charset=utf-8", _article(int(self.path[3:])))
            else:
                self._send(404, "text/plain", "missing")

        def _send(self, status: int, kind: str, body: str, etag: bool = False) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            if etag:
                self.send_header("ETag", ETAG)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def fetch_and_extract(base: str) -> dict[str, float]:
    policy = HttpPolicy(
        allow_private_addresses=True, min_delay_seconds=0.0, per_host_concurrency=8, concurrency=8
    )

    async def crawl() -> list:  # type: ignore[type-arg]
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch_all([(f"{base}/a/{n}", None) for n in range(PAGES)])

    start = time.perf_counter()
    results = asyncio.run(crawl())
    raws = [r.to_raw_document("bench", SourceKind.URL) for r in results if r.ok]
    cpu = time.process_time()
    extracted = [extract_document(raw) for raw in raws]
    extraction_cpu = time.process_time() - cpu
    for document in extracted:
        clean_document(document)
    seconds = time.perf_counter() - start
    return {
        "pages": len(raws),
        "pages_per_s_fetch_extract_clean": round(len(raws) / seconds, 1),
        "extraction_cpu_ms_per_page": round(extraction_cpu / len(raws) * 1000, 2),
    }


def second_run_requests(base: str, hits: Counter[str]) -> dict[str, int]:
    """Two `newsetl run`s through the real flow (embedded Prefect); the requests of the second one."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    from flows.web import web

    with tempfile.TemporaryDirectory() as folder, prefect_test_harness(server_startup_timeout=None):
        config = Path(folder) / "newsetl.toml"
        config.write_text(
            "[http]\nmin_delay_seconds = 0.0\nallow_private_addresses = true\nper_host_concurrency = 8\n"
            f'[[sources]]\nname = "feed"\nkind = "feed"\nurl = "{base}/feed.rss"\n'
            f'[[sources]]\nname = "sitemap"\nkind = "sitemap"\nurl = "{base}/sitemap.xml"\n',
            encoding="utf-8",
        )
        db = str(Path(folder) / "bench.duckdb")
        first = web(str(config), db=db)
        hits.clear()
        second = web(str(config), db=db)
    return {
        "first_run_articles_fetched": first.crawl.fetched if first.crawl else 0,
        "second_run_requests": sum(hits.values()),
        "second_run_article_fetches": hits["/a/*"],
        "second_run_conditional_index_requests": hits["/feed.rss"] + hits["/sitemap.xml"],
        "second_run_new_articles": second.new_articles,
    }


def main(quick: bool = False) -> dict[str, float]:
    with local_site() as (base, hits):
        figures: dict[str, float] = dict(fetch_and_extract(base))
        figures.update(second_run_requests(base, hits))
    return figures


if __name__ == "__main__":
    for name, value in main().items():
        print(f"{name:40} {value}")
