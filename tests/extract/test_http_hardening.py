"""The fetcher under hostile answers: it never raises, never stalls a host on one long Retry-After, keeps
to a time budget per URL, and refuses IPv6 addresses that lead to private IPv4 ones.

Only 127.0.0.1 is ever connected to; the address guard is tested with an injected resolver and a mock
transport that records what would have been sent."""

from __future__ import annotations

import asyncio
import ipaddress
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace

import httpx
import pytest

from extract.bodies import choose_encoding
from extract.hosts import address_refusal, is_private_address
from extract.http import Fetcher, FetchResult, HttpPolicy
from tests.extract.conftest import TEST_POLICY, RecordingSleep, run
from tests.extract.site import META_UTF16, Site


def token() -> str:
    return uuid.uuid4().hex[:8]


def fetch_many(
    urls: Sequence[str], policy: HttpPolicy = TEST_POLICY, *, within: float = 20.0, **kwargs: object
) -> list[FetchResult]:
    """fetch_all under a hard deadline, so a stall fails the test instead of hanging it."""

    async def go() -> list[FetchResult]:
        async with Fetcher(policy, **kwargs) as fetcher:  # type: ignore[arg-type]
            return await asyncio.wait_for(fetcher.fetch_all([(url, None) for url in urls]), within)

    return run(go())


# One bad URL or redirect never raises, and a healthy URL of the same run still succeeds.


def respond(status: int, body: bytes = b"", **headers: str) -> httpx.Response:
    # A stream, as a real response has (content= would be read at once).
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


def test_invalid_urls_and_redirects_to_them_are_results_not_exceptions(site: Site) -> None:
    urls = [
        site.url("/redirect-bad-port"),
        site.url("/redirect-bad-ipv6"),
        "http://127.0.0.1:99999/x.html",
        "http://[::1/x.html",
        site.url("/articles/1.html"),
    ]
    *bad, healthy = fetch_many(urls, sleep=RecordingSleep())
    for result in bad:
        assert (result.error_code, result.error_kind) == ("invalid_url", "terminal"), result.error
        assert result.to_reject().kind == "invalid_url"
    assert bad[0].redirects == ("http://127.0.0.1:99999/x",)
    assert "Port out of range" in (bad[0].error or "")
    assert "redirect to an invalid URL" in (bad[1].error or "")
    assert bad[1].attempts == 1  # terminal: not retried
    assert healthy.ok


async def public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


def test_redirects_to_invalid_urls_with_the_address_guard_on() -> None:
    # The guard parses the target before resolving it: a ValueError escaped from there before.
    def handler(request: httpx.Request) -> httpx.Response:
        targets = {"/port": "http://127.0.0.1:99999/x", "/ipv6": "http://[::1/x"}
        if request.url.path in targets:
            return respond(302, Location=targets[request.url.path])
        return respond(404 if request.url.path == "/robots.txt" else 200, b"<p>ok</p>")

    policy = replace(TEST_POLICY, allow_private_addresses=False)
    urls = [f"https://news.example.com/{path}" for path in ("port", "ipv6", "fine")]
    transport = httpx.MockTransport(handler)
    port, ipv6, fine = fetch_many(urls, policy, transport=transport, resolve=public, sleep=RecordingSleep())
    assert (port.error_code, ipv6.error_code) == ("invalid_url", "invalid_url")
    assert fine.ok


def test_an_unexpected_exception_for_one_url_is_a_result_and_the_others_load() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return respond(404)
        if request.url.path == "/boom":
            raise RuntimeError("a bug nobody foresaw")
        return respond(200, b"<p>fine</p>", **{"Content-Type": "text/html"})

    urls = ["https://news.example.com/boom", "https://news.example.com/fine"]
    boom, fine = fetch_many(urls, transport=httpx.MockTransport(handler), sleep=RecordingSleep())
    assert (boom.error_code, boom.error_kind) == ("unexpected", "terminal")
    assert boom.error == "unexpected RuntimeError: a bug nobody foresaw"
    assert fine.ok and fine.text == "<p>fine</p>"


# A long Retry-After defers instead of stalling the host.


@pytest.mark.parametrize("path", ["/pause/{}", "/busy-long/{}"])
def test_a_long_retry_after_defers_the_host_instead_of_stalling_it(site: Site, path: str) -> None:
    # Real sleeps: before the fix every other URL of the host slept for the whole hour.
    paused = site.url(path.format(token()))
    others = [site.url(f"/articles/{n}.html?{token()}") for n in (7, 8, 9, 10)]
    policy = replace(TEST_POLICY, per_host_concurrency=1)
    started = time.monotonic()
    first, *rest = fetch_many([paused, *others], policy)
    assert time.monotonic() - started < 5
    assert (first.error_code, first.error_kind, first.attempts) == ("deferred", "transient", 1)
    assert "Retry-After 3600 s is over the 120 s cap: deferred to the next run" in (first.error or "")
    assert first.to_reject().kind == "deferred"
    # One slot for the host, taken in order: the others come after the pause and are deferred at once,
    # without a request, since the host asked for an hour's pause (recorded per URL).
    for result in rest:
        assert (result.error_code, result.error_kind) == ("deferred", "transient")
        assert "asked for a pause of 3600 s (Retry-After), over the 120 s cap" in (result.error or "")
        assert httpx.URL(result.url).raw_path.decode() not in site.paths()


def test_a_retry_after_over_what_the_url_budget_has_left_defers(site: Site, sleep: RecordingSleep) -> None:
    policy = replace(TEST_POLICY, url_budget_seconds=0.5)
    (result,) = fetch_many([site.url(f"/busy/{token()}")], policy, sleep=sleep)  # Retry-After: 1
    assert (result.error_code, result.error_kind, result.attempts) == ("deferred", "transient", 1)
    assert "left of this URL's budget: deferred to the next run" in (result.error or "")
    assert 1.0 not in sleep.delays


def test_retries_stop_at_the_time_budget_of_the_url(site: Site) -> None:
    # /drip takes 2 s; each attempt is cut at 0.6 s. Six attempts (3.6 s and more) without the budget.
    policy = replace(TEST_POLICY, total_timeout_seconds=0.6, retries=5, url_budget_seconds=1.0)
    started = time.monotonic()
    (result,) = fetch_many([site.url("/drip")], policy, sleep=RecordingSleep())
    assert time.monotonic() - started < 2.5
    assert (result.error_code, result.error_kind) == ("timeout", "transient")
    assert "within the 1 s budget for this URL" in (result.error or "")
    assert result.attempts <= 2


# The address guard, with an injected resolver: nothing is connected to.

ANSWERS = {
    "sixto4.test": ["2002:7f00:1::"],  # 6to4 of 127.0.0.1
    "sixto4-public.test": ["2002:808:808::1"],  # 6to4 of 8.8.8.8: refused all the same
    "teredo.test": ["2001:0:4136:e378:8000:63bf:3fff:fdd2"],
    "nat64.test": ["64:ff9b::a00:1"],  # NAT64 of 10.0.0.1
    "nat64-local.test": ["64:ff9b:1::1"],
    "mapped.test": ["::ffff:192.168.1.1"],
    "compatible.test": ["::127.0.0.1"],
    "shared.test": ["100.64.0.1"],  # carrier-grade NAT space
    "mixed.test": ["93.184.216.34", "2002:a00:1::"],  # one bad answer is enough
    "public.test": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
}


async def fake_resolve(host: str, port: int) -> list[str]:
    return ANSWERS[host]


@pytest.mark.parametrize("host", sorted(set(ANSWERS) - {"public.test"}))
def test_names_resolving_to_addresses_that_lead_to_private_ipv4_are_refused(host: str) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return respond(404)

    policy = replace(TEST_POLICY, allow_private_addresses=False)
    transport = httpx.MockTransport(handler)
    (result,) = fetch_many([f"https://{host}/a"], policy, resolve=fake_resolve, transport=transport)
    assert (result.error_code, result.error_kind) == ("private_address", "terminal"), result.error
    assert not sent


def test_a_host_name_that_cannot_be_encoded_is_an_invalid_url() -> None:
    async def idna_fails(host: str, port: int) -> list[str]:
        raise UnicodeError("label too long")  # what socket.getaddrinfo raises for such a name

    policy = replace(TEST_POLICY, allow_private_addresses=False)
    (result,) = fetch_many([f"https://{'a' * 64}.test/a"], policy, resolve=idna_fails)
    assert (result.error_code, result.error_kind) == ("invalid_url", "terminal")
    assert "label too long" in (result.error or "")


def test_a_public_name_passes_the_guard_and_reaches_the_transport() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return respond(404 if request.url.path == "/robots.txt" else 200, b"<p>ok</p>")

    policy = replace(TEST_POLICY, allow_private_addresses=False)
    transport = httpx.MockTransport(handler)
    (result,) = fetch_many(["https://public.test/a"], policy, resolve=fake_resolve, transport=transport)
    assert result.ok and sent == ["/robots.txt", "/a"]


@pytest.mark.parametrize(
    ("address", "private"),
    [
        ("2002:7f00:1::", True),
        ("2001::1", True),
        ("64:ff9b::7f00:1", True),
        ("64:ff9b:1::1", True),
        ("::ffff:127.0.0.1", True),
        ("::10.1.2.3", True),
        ("::1", True),
        ("::ffff:8.8.8.8", False),
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
    ],
)
def test_is_private_address(address: str, private: bool) -> None:
    assert is_private_address(ipaddress.ip_address(address)) is private


def test_an_ipv6_literal_that_embeds_a_private_ipv4_is_refused_without_resolving() -> None:
    async def never(host: str, port: int) -> list[str]:
        raise AssertionError("a literal address is not resolved")

    refusal = run(address_refusal("[2002:7f00:1::]", 80, never))
    assert refusal is not None and "2002:7f00:1::" in refusal


# Encodings: a declared UTF-16 inside the bytes means UTF-8 (WHATWG); a BOM still wins.


def test_a_page_declaring_utf16_in_a_meta_tag_is_read_as_utf8(site: Site) -> None:
    (result,) = fetch_many([site.url("/meta-utf16")], sleep=RecordingSleep())
    assert result.encoding == "utf-8"
    assert "Apple will use Qwen models from Alibaba Cloud" in result.text


@pytest.mark.parametrize(
    ("content", "declared", "expected"),
    [
        (META_UTF16, None, "utf-8"),
        (b'<?xml version="1.0" encoding="UTF-16"?><a>cafe</a>', None, "utf-8"),
        (b'<meta charset="utf-32"><p>abcdef</p>', None, "utf-8"),
        ("\ufeff<meta charset='utf-16'>x".encode("utf-16-le"), None, "utf-16"),  # BOM
        ("<p>x</p>".encode("utf-16-le"), "utf-16-le", "utf-16-le"),  # the HTTP header still counts
    ],
)
def test_choose_encoding_reads_in_document_utf16_labels_as_utf8(
    content: bytes, declared: str | None, expected: str
) -> None:
    assert choose_encoding(content, declared) == expected


def test_a_utf16_label_on_bytes_that_are_not_utf8_leaves_the_choice_to_detection() -> None:
    content = b'<meta charset="utf-16"><p>caf\xe9 cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu</p>'  # cp1252
    encoding = choose_encoding(content, None)
    assert not encoding.startswith("utf-16")
    assert "caf\u00e9" in content.decode(encoding)
