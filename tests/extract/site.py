"""A small generated news site on 127.0.0.1, served by the stdlib in a background thread.

It serves feeds, sitemaps, listing pages, article pages and robots.txt, plus faulty endpoints, and
records every request (path, arrival time, headers) so tests can assert what was and was not fetched.
Paths with a `{token}` part keep per-path state (first answer 500, then 200), so tests use fresh tokens.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

ROBOTS = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n"
CHINESE = "阿里巴巴的通义千问模型将用于中国市场销售的苹果手机。"
ARTICLE_COUNT = 12
PER_PAGE = 5
HUGE_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 200 * 1024 * 1024
ETAG = '"v1"'
LAST_MODIFIED = "Thu, 13 Feb 2025 08:00:00 GMT"

Response = tuple[int, dict[str, str], bytes | Iterator[bytes]]


@dataclass(frozen=True)
class Request:
    path: str
    at: float
    headers: dict[str, str]


@dataclass
class Site:
    """The running server: `url(path)` for links, `requests` for what arrived."""

    base: str = ""
    requests: list[Request] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    sent: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]

    def requests_for(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path == path]


def article_html(n: int, base: str) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": f"Alibaba and Apple, part {n}",
        "author": [{"@type": "Person", "name": "Mei Lin"}, {"@type": "Person", "name": "Tom Hart"}],
        "datePublished": f"2025-02-{n:02d}T09:30:00+08:00",
        "dateModified": f"2025-02-{n:02d}T12:00:00+08:00",
        "publisher": {"@type": "Organization", "name": "Example Tech"},
        "inLanguage": "en",
        "url": f"{base}/articles/{n}.html",
    }
    body = " ".join(
        f"Apple will use Qwen models from Alibaba Cloud on iPhones in China, paragraph {i} of story {n}."
        for i in range(8)
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Part {n} | Example Tech</title>
<link rel="canonical" href="/articles/{n}.html">
<meta property="og:site_name" content="Example Tech">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head><body><nav><a href="/">Home</a></nav><article><h1>Alibaba and Apple, part {n}</h1>
<p>{body}</p><p>{body}</p></article></body></html>"""


def listing_html(page: int) -> str:
    first = (page - 1) * PER_PAGE + 1
    numbers = range(first, min(first + PER_PAGE, ARTICLE_COUNT + 1))
    items = "".join(
        f'<article><h2><a href="/articles/{n}.html#top">Part {n}</a></h2></article>' for n in numbers
    )
    more = first + PER_PAGE <= ARTICLE_COUNT
    next_link = f'<a class="next" href="/news/?page={page + 1}">Older</a>' if more else ""
    return f"<html><body><h1>News</h1>{items}<a href='/about'>About</a>{next_link}</body></html>"


def rss() -> bytes:
    items = "".join(
        f"<item><title>Part {n}</title><link>/articles/{n}.html</link><guid>a{n}</guid>"
        f"<pubDate>Thu, {n:02d} Feb 2025 01:30:00 GMT</pubDate><author>desk@example.test (Desk)</author>"
        f"<description>&lt;p&gt;Qwen on &lt;b&gt;iPhone&lt;/b&gt; {n}&lt;/p&gt;</description></item>"
        for n in range(1, 4)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example Tech</title>\
<link>/</link>{items}</channel></rss>'.encode()


def atom() -> bytes:
    entries = "".join(
        f"<entry><title>Part {n}</title><link href='/articles/{n}.html'/><id>urn:a{n}</id>"
        f"<updated>2025-02-{n:02d}T01:30:00Z</updated><author><name>Mei Lin</name></author>"
        f"<summary>Alibaba {n}</summary></entry>"
        for n in range(1, 3)
    )
    return f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Ex</title>{entries}</feed>".encode()


RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://x/"><title>RDF news</title><link>http://x/</link></channel>
<item rdf:about="http://x/r1"><title>Tongyi update</title><link>http://x/r1</link>
<dc:date>2025-02-10T08:00:00Z</dc:date><dc:creator>Li Wei</dc:creator></item></rdf:RDF>"""
BROKEN_FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Broken</title><item><title>A</titl"

SM = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def sitemap_index(base: str) -> bytes:
    return f"""<?xml version="1.0"?><sitemapindex {SM}>
<sitemap><loc>{base}/sitemap-articles.xml.gz</loc><lastmod>2025-02-12</lastmod></sitemap>
<sitemap><loc>{base}/sitemap-news.xml</loc><lastmod>2025-02-13T08:00:00Z</lastmod></sitemap>
</sitemapindex>""".encode()


def sitemap_articles(base: str) -> bytes:
    urls = "".join(
        f"<url><loc>{base}/articles/{n}.html</loc><lastmod>2025-02-{n:02d}</lastmod></url>"
        for n in range(1, ARTICLE_COUNT + 1)
    )
    return gzip.compress(f'<?xml version="1.0"?><urlset {SM}>{urls}</urlset>'.encode())


def sitemap_news(base: str) -> bytes:
    return f"""<?xml version="1.0"?><urlset {SM}><url><loc>{base}/articles/12.html</loc><news:news>
<news:publication><news:name>Example Tech</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2025-02-13T09:30:00+08:00</news:publication_date>
<news:title>Alibaba and Apple, part 12</news:title></news:news></url></urlset>""".encode()


# Links no index should be able to fail a crawl with: a port out of range, an unclosed IPv6 bracket.
BAD_LINKS = ("http://127.0.0.1:99999/x.html", "http://[::1/x.html")


def bad_links_feed() -> bytes:
    links = [*BAD_LINKS, "/articles/1.html", "/articles/2.html"]
    items = "".join(
        f"<item><title>Item {n}</title><link>{link}</link></item>" for n, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bad</title>{items}</channel></rss>'.encode()
    )


def bad_links_sitemap(base: str) -> bytes:
    locs = [*BAD_LINKS, f"{base}/articles/3.html", "/articles/4.html"]
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset {SM}>{urls}</urlset>'.encode()


def bad_links_listing() -> bytes:
    links = [*BAD_LINKS, "/articles/5.html", "/articles/6.html"]
    items = "".join(f'<a class="story" href="{link}">Story</a>' for link in links)
    return f'<html><body>{items}<a class="next" href="http://[::1/next">Older</a></body></html>'.encode()


# ASCII of even length, so the bytes also "decode" as UTF-16: only the WHATWG rule reads them right.
META_UTF16 = (
    b'<html><head><meta charset="utf-16"><title>Qwen</title></head>'
    b"<body><p>Apple will use Qwen models from Alibaba Cloud on iPhones in China.</p></body></html>"
)
META_UTF16 += b" " * (len(META_UTF16) % 2)


def _huge() -> Iterator[bytes]:
    chunk = b"x" * (1 << 20)
    for _ in range(HUGE_BYTES // len(chunk)):
        yield chunk


def _bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = b"\0" * (1 << 20)
    return b"".join(compressor.compress(zeros) for _ in range(BOMB_BYTES // len(zeros))) + compressor.flush()


def routes(site: Site) -> Callable[[str, dict[str, str]], Response]:
    """The site's answers, by path. Built once, so the gzip bomb is compressed once per session."""
    bomb = _bomb()
    html = {"Content-Type": "text/html; charset=utf-8"}
    xml = {"Content-Type": "application/xml"}

    def answer(path: str, headers: dict[str, str]) -> Response:
        parts = urlsplit(path)
        route, query = parts.path, parts.query
        head, _, rest = route.strip("/").partition("/")
        count = site.hits[route]
        if route == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, ROBOTS
        if route == "/feed.rss":
            return 200, {"Content-Type": "application/rss+xml"}, rss()
        if route == "/feed.atom":
            return 200, {"Content-Type": "application/atom+xml"}, atom()
        if route == "/feed.rdf":
            return 200, {"Content-Type": "application/rdf+xml"}, RDF
        if route == "/broken.xml":
            return 200, xml, BROKEN_FEED
        if route == "/bad-links.rss":
            return 200, {"Content-Type": "application/rss+xml"}, bad_links_feed()
        if route == "/bad-links-sitemap.xml":
            return 200, xml, bad_links_sitemap(site.base)
        if route == "/bad-links-listing/":
            return 200, html, bad_links_listing()
        if route == "/redirect-bad-port":
            return 302, {"Location": "http://127.0.0.1:99999/x"}, b""
        if route == "/redirect-bad-ipv6":
            return 302, {"Location": "http://[::1/x"}, b""
        if route == "/meta-utf16":
            return 200, {"Content-Type": "text/html"}, META_UTF16
        if route == "/sitemap_index.xml":
            return _conditional(headers, xml, sitemap_index(site.base))
        if route == "/sitemap-articles.xml.gz":
            return _conditional(headers, {"Content-Type": "application/x-gzip"}, sitemap_articles(site.base))
        if route == "/sitemap-news.xml":
            return _conditional(headers, xml, sitemap_news(site.base))
        if route == "/news/":
            return 200, html, listing_html(int(query.removeprefix("page=") or 1)).encode()
        if head == "articles":
            return _conditional(
                headers, html, article_html(int(rest.removesuffix(".html")), site.base).encode()
            )
        if head == "private":
            return 200, html, b"<html><body>secret</body></html>"
        if head == "flaky":
            return (500, html, b"oops") if count == 1 else (200, html, b"<p>fine now</p>")
        if head == "busy":
            wait = {"Retry-After": "1"}
            return (429, wait, b"slow down") if count == 1 else (200, html, b"<p>thanks for waiting</p>")
        if head == "busy-long":
            return 429, {"Retry-After": "3600"}, b"come back tomorrow"
        if head == "down":
            return 503, html, b"maintenance"
        if head == "later":  # /later/{n}/{token}: an hour's 429 on the first request, article n after
            if count == 1:
                return 429, {"Retry-After": "3600"}, b"come back in an hour"
            return 200, html, article_html(int(rest.partition("/")[0]), site.base).encode()
        if head == "offline":  # /offline/{n}/{token}: a 503 for ~31,700 years on the first request, then n
            if count == 1:
                return 503, html | {"Retry-After": "999999999999"}, b"closed for good, or not"
            return 200, html, article_html(int(rest.partition("/")[0]), site.base).encode()
        if head == "pause":  # the whole host asks for an hour's pause
            return 503, html | {"Retry-After": "3600"}, b"back in an hour"
        if route == "/slow":
            time.sleep(1.5)
            return 200, html, b"<p>late</p>"
        if route == "/drip":
            return 200, html, _drip()
        if route == "/huge":
            return 200, html, _huge()
        if route == "/huge-declared":
            return 200, html | {"Content-Length": str(HUGE_BYTES)}, _huge()
        if route == "/bomb":
            return 200, html | {"Content-Encoding": "gzip"}, bomb
        if route == "/wrong-charset":
            page = f'<html><head><meta charset="utf-8"></head><body><p>{CHINESE}</p></body></html>'
            return 200, {"Content-Type": "text/html; charset=iso-8859-1"}, page.encode()
        if route == "/wrong-charset-no-meta":
            page = f"<html><body><p>{CHINESE}</p></body></html>"
            return 200, {"Content-Type": "text/html; charset=iso-8859-1"}, page.encode()
        if route == "/gbk":
            page = f"<html><body><p>{CHINESE * 3}</p></body></html>"
            return 200, {"Content-Type": "text/html"}, page.encode("gbk")
        if head == "loop":
            return 302, {"Location": "/loop/b" if rest == "a" else "/loop/a"}, b""
        if head == "chain":
            hops = int(rest)
            return (302, {"Location": f"/chain/{hops - 1}"}, b"") if hops else (200, html, b"<p>arrived</p>")
        if route == "/image.png":
            return 200, {"Content-Type": "image/png"}, b"\x89PNG\r\n"
        return 404, html, b"not found"

    return answer


def _conditional(headers: dict[str, str], content_headers: dict[str, str], body: bytes) -> Response:
    validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
    if headers.get("if-none-match") == ETAG or headers.get("if-modified-since") == LAST_MODIFIED:
        return 304, validators, b""
    return 200, content_headers | validators, body


def _drip() -> Iterator[bytes]:
    for _ in range(20):
        time.sleep(0.1)
        yield b"<p>drop</p>"


def serve() -> tuple[Site, Callable[[], None]]:
    """Start the site on a free port; returns it and a function that stops it."""
    site = Site()
    answer = routes(site)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection: bodies end when the socket closes

        def do_GET(self) -> None:
            headers = {key.lower(): value for key, value in self.headers.items()}
            route = urlsplit(self.path).path
            with site.lock:
                site.requests.append(Request(self.path, time.monotonic(), headers))
                site.hits[route] += 1
            status, response_headers, body = answer(self.path, headers)
            sent = 0
            try:
                self.send_response(status)
                for key, value in response_headers.items():
                    self.send_header(key, value)
                self.end_headers()
                for chunk in [body] if isinstance(body, bytes) else body:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: that is what the size-cap tests want
            finally:
                with site.lock:
                    site.sent[self.path] = sent

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return site, stop
