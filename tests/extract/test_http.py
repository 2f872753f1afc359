from __future__ import annotations

import asyncio
import gzip
import itertools
import socket
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from extract.bodies import choose_encoding
from extract.hosts import retry_after_seconds
from extract.http import Fetcher, FetchResult, HttpPolicy, Validators
from tests.extract.conftest import TEST_POLICY, RecordingSleep, run
from tests.extract.site import CHINESE, ETAG, HUGE_BYTES, Site
from transform.records import SourceKind


def fetch_one(
    url: str, policy: HttpPolicy = TEST_POLICY, sleep: RecordingSleep | None = None, **kwargs: object
) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(policy, sleep=sleep or RecordingSleep(), random=lambda: 0.5) as fetcher:
            return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]

    return run(go())


def token() -> str:
    return uuid.uuid4().hex[:8]


def test_an_article_page_is_fetched_with_its_validators_and_an_honest_user_agent(site: Site) -> None:
    result = fetch_one(site.url("/articles/1.html"))
    assert result.ok, result.error
    assert (result.status, result.content_type, result.encoding) == (200, "text/html", "utf-8")
    assert "Alibaba and Apple, part 1" in result.text
    assert result.validators == Validators(ETAG, "Thu, 13 Feb 2025 08:00:00 GMT")
    assert result.header("ETag") == ETAG
    agent = site.requests_for("/articles/1.html")[-1].headers["user-agent"]
    assert agent == "newsetl-test/0.1 (+mailto:tests@example.test)"
    raw = result.to_raw_document("example", SourceKind.URL)
    assert (raw.uri, raw.content_type, raw.content) == (result.final_url, "text/html", result.content)


def test_a_second_fetch_with_validators_is_unchanged(site: Site) -> None:
    first = fetch_one(site.url("/articles/2.html"))
    second = fetch_one(site.url("/articles/2.html"), validators=first.validators)
    assert second.unchanged and second.status == 304 and second.error is None
    assert second.content is None and not second.ok
    assert site.requests_for("/articles/2.html")[-1].headers["if-none-match"] == ETAG


def test_robots_txt_is_obeyed_and_fetched_once(site: Site) -> None:
    before = site.paths().count("/robots.txt")
    secret = f"/private/{token()}.html"

    async def go() -> list[FetchResult]:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            return await fetcher.fetch_all([(site.url(secret), None), (site.url("/articles/3.html"), None)])

    refused, allowed = run(go())
    assert (refused.error_code, refused.error_kind, refused.error) == (
        "robots",
        "terminal",
        "disallowed by robots.txt",
    )
    assert allowed.ok
    assert secret not in site.paths()
    assert site.paths().count("/robots.txt") == before + 1
    reject = refused.to_reject()
    assert (reject.stage, reject.kind, reject.reason) == ("fetch", "robots", "disallowed by robots.txt")


class _TimedTransport(httpx.AsyncHTTPTransport):
    """A real transport that notes when each request leaves the client (after the Fetcher's pacing)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: dict[str, float] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent[request.url.raw_path.decode()] = time.monotonic()
        return await super().handle_async_request(request)


def test_crawl_delay_spaces_requests_to_a_host(site: Site) -> None:
    # The site's robots.txt says Crawl-delay: 0.2; real sleeps. Times are taken as each request leaves
    # the client: the server's arrival times also carry its threads' scheduling, which shrank a gap to
    # 0.187 s on a loaded machine although the client had waited the full 0.2 s.
    paths = [f"/articles/{n}.html?delay={token()}" for n in (4, 5, 6)]
    transport = _TimedTransport()

    async def go() -> list[FetchResult]:
        async with Fetcher(TEST_POLICY, transport=transport) as fetcher:
            return await fetcher.fetch_all([(site.url(path), None) for path in paths])

    assert all(result.ok for result in run(go()))
    assert all(len(site.requests_for(path)) == 1 for path in paths)  # each really reached the server
    times = sorted(transport.sent[path] for path in paths)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 0.199, gaps


def test_min_delay_is_used_when_longer_than_crawl_delay(site: Site, sleep: RecordingSleep) -> None:
    async def go() -> None:
        async with Fetcher(replace(TEST_POLICY, min_delay_seconds=5.0), sleep=sleep) as fetcher:
            await fetcher.fetch(site.url("/articles/7.html"))
            await fetcher.fetch(site.url("/articles/8.html"))

    run(go())
    # robots.txt, then each article: each start waits the 5 s minimum delay after the previous one.
    assert len(sleep.delays) == 2 and all(4.5 < delay <= 5.0 for delay in sleep.delays)


def test_a_500_is_retried_with_backoff(site: Site, sleep: RecordingSleep) -> None:
    result = fetch_one(site.url(f"/flaky/{token()}"), sleep=sleep)
    assert result.ok and result.attempts == 2 and "fine now" in result.text
    # Backoff: base 0.01 s x 2^0 x jitter (0.5 + 0.5); then the crawl delay paces the retry.
    assert sleep.delays[0] == pytest.approx(0.01)


def test_a_429_waits_for_retry_after(site: Site, sleep: RecordingSleep) -> None:
    result = fetch_one(site.url(f"/busy/{token()}"), sleep=sleep)
    assert result.ok and result.attempts == 2
    assert 1.0 in sleep.delays


def test_a_retry_after_over_the_cap_is_not_waited_for(site: Site, sleep: RecordingSleep) -> None:
    result = fetch_one(site.url(f"/busy-long/{token()}"), sleep=sleep)
    # Deferred (a transient failure the next run tries again), not waited for and not retried.
    assert (result.error_code, result.error_kind, result.status, result.attempts) == (
        "deferred",
        "transient",
        429,
        1,
    )
    assert "Retry-After 3600 s is over the 120 s cap: deferred to the next run" in (result.error or "")
    assert all(delay < 100 for delay in sleep.delays)


def test_a_server_that_stays_down_is_a_transient_failure(site: Site) -> None:
    result = fetch_one(site.url(f"/down/{token()}"))
    assert (result.status, result.error_kind, result.attempts) == (503, "transient", 3)
    assert result.error == "HTTP 503 (after 3 attempts)"
    assert result.to_reject().kind == "http_status"  # a server down, told apart from a timeout


def test_a_response_slower_than_the_read_timeout_fails_as_transient(site: Site) -> None:
    started = time.monotonic()
    result = fetch_one(site.url("/slow"), replace(TEST_POLICY, read_timeout_seconds=0.3, retries=0))
    assert (result.error_code, result.error_kind) == ("timeout", "transient")
    assert "read timeout" in (result.error or "")
    assert time.monotonic() - started < 1.4


def test_a_body_that_drips_is_cut_by_the_total_timeout(site: Site) -> None:
    result = fetch_one(site.url("/drip"), replace(TEST_POLICY, total_timeout_seconds=0.5, retries=0))
    assert result.error_code == "timeout"
    assert result.error == "no complete answer within 0.5 s"


def test_a_huge_body_stops_at_the_cap_without_reading_it_all(site: Site) -> None:
    started = time.monotonic()
    result = fetch_one(site.url("/huge"))
    assert (result.error_code, result.error_kind, result.content) == ("too_large", "terminal", None)
    assert "over the 10,485,760-byte limit (stopped reading)" in (result.error or "")
    assert time.monotonic() - started < 5
    for _ in range(50):  # the server notices the closed connection a moment later
        if "/huge" in site.sent:
            break
        time.sleep(0.05)
    assert site.sent["/huge"] < HUGE_BYTES


def test_a_declared_huge_body_is_refused_before_reading(site: Site) -> None:
    result = fetch_one(site.url("/huge-declared"))
    assert result.error_code == "too_large"
    assert f"body is {HUGE_BYTES:,} bytes" in (result.error or "")


def test_a_gzip_bomb_stops_at_the_cap_after_decompression(site: Site) -> None:
    started = time.monotonic()
    result = fetch_one(site.url("/bomb"))
    assert (result.error_code, result.error_kind) == ("too_large", "terminal")
    assert "after decompression" in (result.error or "")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("path", "encoding"),
    [("/wrong-charset", "utf-8"), ("/wrong-charset-no-meta", "utf-8"), ("/gbk", "gb18030")],
)
def test_text_is_never_mojibake(site: Site, path: str, encoding: str) -> None:
    result = fetch_one(site.url(path))
    assert result.encoding == encoding
    assert CHINESE in result.text
    raw = result.to_raw_document("example", SourceKind.URL)
    assert raw.content is not None and CHINESE in raw.content.decode("utf-8")


@pytest.mark.parametrize(
    ("content", "declared", "expected"),
    [
        ("café".encode("cp1252"), "iso-8859-1", "cp1252"),
        ("café".encode(), None, "utf-8"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\xe9</a>', None, "cp1252"),
        ("\ufeffcafé".encode(), "iso-8859-1", "utf-8-sig"),
    ],
)
def test_choose_encoding(content: bytes, declared: str | None, expected: str) -> None:
    assert choose_encoding(content, declared) == expected


def test_redirects_are_followed_and_recorded(site: Site) -> None:
    result = fetch_one(site.url("/chain/2"))
    assert result.ok and result.final_url == site.url("/chain/0")
    assert result.redirects == (site.url("/chain/1"), site.url("/chain/0"))


def test_a_redirect_loop_is_a_clear_error(site: Site) -> None:
    result = fetch_one(site.url("/loop/a"))
    assert (result.error_code, result.error_kind) == ("redirect_loop", "terminal")
    assert (
        result.error
        == f"redirect loop: {site.url('/loop/a')} -> {site.url('/loop/b')} -> {site.url('/loop/a')}"
    )


def test_too_many_redirects(site: Site) -> None:
    result = fetch_one(site.url("/chain/9"), replace(TEST_POLICY, max_redirects=3))
    assert (result.error_code, result.error) == ("too_many_redirects", "more than 3 redirects")
    assert site.url("/chain/5") not in site.paths()


def test_private_and_loopback_addresses_are_refused_unless_allowed(site: Site) -> None:
    before = len(site.paths())
    policy = replace(TEST_POLICY, allow_private_addresses=False)
    for url in (site.url(f"/articles/1.html?{token()}"), site.url("/x").replace("127.0.0.1", "localhost")):
        result = fetch_one(url, policy)
        assert (result.error_code, result.error_kind) == ("private_address", "terminal"), result.error
        assert "allow_private_addresses" in (result.error or "")
    assert len(site.paths()) == before  # not even robots.txt was asked for
    allowed = fetch_one(site.url("/articles/1.html"), policy, allow_private_addresses=True)
    assert allowed.ok


@pytest.mark.parametrize(
    ("url", "code"),
    [("ftp://example.com/file", "scheme"), ("file:///etc/passwd", "scheme"), ("http:///nohost", "scheme")],
)
def test_only_http_and_https_are_fetched(url: str, code: str) -> None:
    result = fetch_one(url)
    assert (result.error_code, result.error_kind) == (code, "terminal")


def test_a_refused_content_type_and_a_404_are_terminal(site: Site) -> None:
    image = fetch_one(site.url("/image.png"))
    assert image.error_code == "content_type" and "image/png" in (image.error or "")
    missing = fetch_one(site.url("/no/such/page"))
    assert (missing.status, missing.error_kind, missing.attempts, missing.error) == (
        404,
        "terminal",
        1,
        "HTTP 404",
    )


def test_a_closed_port_is_a_transient_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetch_one(f"http://127.0.0.1:{port}/", replace(TEST_POLICY, retries=1))
    # robots.txt is asked for first, so the host is unreachable before the page is tried.
    assert (result.error_code, result.error_kind) == ("robots_unreachable", "transient")
    assert "connection failed: ConnectError" in (result.error or "")


def test_fetch_all_keeps_the_order_and_reports_progress(site: Site) -> None:
    seen: list[str] = []
    urls = [site.url(f"/articles/{n}.html") for n in (9, 10, 11)]

    async def go() -> list[FetchResult]:
        async with Fetcher(TEST_POLICY, sleep=RecordingSleep()) as fetcher:
            return await fetcher.fetch_all(
                [(url, None) for url in urls], on_result=lambda r: seen.append(r.url)
            )

    assert [result.url for result in run(go())] == urls
    assert sorted(seen) == sorted(urls)


# Exotic faults, through the transport seam.


def respond(status: int, body: bytes = b"", **headers: str) -> httpx.Response:
    # A stream, not content=: httpx would read (and decode) content= at once, unlike a real response.
    return httpx.Response(
        status, headers={k.replace("_", "-"): v for k, v in headers.items()}, stream=httpx.ByteStream(body)
    )


def mock_fetch(handler: object, url: str = "https://news.example.com/a") -> tuple[FetchResult, list[str]]:
    requested: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        requested.append(request.url.path)
        return handler(request)  # type: ignore[operator,no-any-return]

    async def go() -> FetchResult:
        transport = httpx.MockTransport(record)
        async with Fetcher(TEST_POLICY, transport=transport, sleep=RecordingSleep()) as fetcher:
            return await fetcher.fetch(url)

    return run(go()), requested


def test_robots_txt_unreachable_keeps_away_from_the_host() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return respond(503 if request.url.path == "/robots.txt" else 200, b"x")

    result, requested = mock_fetch(handler)
    assert (result.error_code, result.error_kind) == ("robots_unreachable", "transient")
    assert "/a" not in requested


def test_robots_txt_missing_allows_everything() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return respond(404)
        return respond(200, b"<p>ok</p>", Content_Type="text/html")

    result, requested = mock_fetch(handler)
    assert result.ok and requested == ["/robots.txt", "/a"]


def test_broken_compression_is_terminal() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return respond(404)
        body = gzip.compress(b"<p>hello</p>")[:-12] + b"garbage!!!!!"
        return respond(200, body, Content_Encoding="gzip", Content_Type="text/html")

    result, _ = mock_fetch(handler)
    assert (result.error_code, result.error_kind) == ("decoding", "terminal")


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2025, 2, 13, 8, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Thu, 13 Feb 2025 08:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_the_fetcher_is_usable_without_a_running_event_loop_at_creation() -> None:
    fetcher = Fetcher(TEST_POLICY)
    asyncio.run(fetcher.aclose())
