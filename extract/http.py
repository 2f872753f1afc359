"""Polite async HTTP fetching: one `Fetcher` per run, one `FetchResult` per URL, never an exception.

Every outcome is a result record. A failed fetch carries `error` (what happened, for a rejects row),
`error_code` (a short stable word, for counting) and `error_kind`:

    error_kind
    ├── "transient"   may work on a later run: timeouts (one attempt, or the URL's whole time budget),
    │                 connection/DNS errors, 429 and 5xx after the retries, robots.txt unreachable,
    │                 and "deferred": the server asked for a pause longer than the policy waits
    │                 (Retry-After), for this URL or for its whole host
    └── "terminal"    this URL will not work as it is: robots.txt disallows it, a refused scheme or
                      address, an invalid URL (or a redirect to one), other 4xx, body over the size cap
                      (before or after decompression), a refused content type, a redirect loop or too
                      many redirects, broken compression, and "unexpected" (an exception nobody foresaw,
                      kept with its type and message so one URL never stops a run)

A Retry-After pauses the whole host (every URL of it waits), but never longer than
`max_retry_after_seconds`: a URL that would wait longer is deferred at once, not held. Deferred URLs are
not stored, so the next run asks for them again.

A 304 answer is `unchanged=True`, not an error.

The fetcher follows redirects itself, so every hop is checked against the scheme, address and robots.txt
rules, and paced by the per-host delay. Known limit: the address check resolves the host name, but the
connection resolves it again, so a DNS answer that changes in between (DNS rebinding) is not caught.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import BinaryIO, Literal
from urllib.parse import urljoin, urlsplit

import httpx

from extract.bodies import BodyDecoder, BodyError, choose_encoding
from extract.hosts import (
    Resolver,
    RobotsRules,
    address_refusal,
    origin,
    resolve_host,
    retry_after_seconds,
    robots_rules,
)
from transform.errors import Reject
from transform.records import RawDocument, SourceKind, sha256_hex

ErrorKind = Literal["transient", "terminal"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Pages, feeds and sitemaps (plain or gzipped). "+xml" types are accepted too (see _allowed).
DEFAULT_CONTENT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "text/plain",
    "application/gzip",
    "application/x-gzip",
)
ANY_CONTENT_TYPE = ("*",)
# Response headers worth keeping: caching validators, what the body is, and why a server refused.
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "content-language",
    "etag",
    "last-modified",
    "cache-control",
    "expires",
    "date",
    "location",
    "retry-after",
    "x-robots-tag",
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Set by Fetcher.download: the body goes to this file, under this cap, instead of into memory.
_DOWNLOAD: ContextVar[tuple[BinaryIO, int] | None] = ContextVar("newsetl_download", default=None)
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """How politely and how defensively to fetch. All times are seconds.

    `total_timeout_seconds` bounds one attempt (connect + headers + whole body), so a server that drips
    bytes slowly cannot hold a slot forever; `url_budget_seconds` bounds one URL from its first request
    on: every attempt, backoff, Retry-After wait and redirect (waiting for a free slot of a busy host does
    not count). `max_bytes` caps the body both as received and after decompression. A Retry-After longer
    than `max_retry_after_seconds`, or than what is left of the URL's budget, is not waited for: the URL
    (and any other URL of the host that would wait that long) is deferred, a transient failure that a
    later run tries again.
    """

    user_agent: str = "newsetl/0.1"
    contact: str | None = None
    concurrency: int = 8
    per_host_concurrency: int = 2
    min_delay_seconds: float = 1.0
    max_crawl_delay_seconds: float = 30.0
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 20.0
    total_timeout_seconds: float = 60.0
    url_budget_seconds: float = 120.0
    max_redirects: int = 5
    max_bytes: int = DEFAULT_MAX_BYTES
    allowed_content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES
    retries: int = 3
    backoff_base_seconds: float = 0.5
    backoff_max_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0
    allow_private_addresses: bool = False

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent: product token plus a contact, so site owners can reach the operator."""
        return f"{self.user_agent} (+{self.contact})" if self.contact else self.user_agent

    @property
    def robots_token(self) -> str:
        """The name robots.txt groups are matched against (the product token, e.g. "newsetl")."""
        return self.user_agent.split("/")[0].strip() or "newsetl"


@dataclass(frozen=True, slots=True)
class Validators:
    """What a previous answer said about its version, sent back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        sent = {"If-None-Match": self.etag} if self.etag else {}
        return sent | ({"If-Modified-Since": self.last_modified} if self.last_modified else {})


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of fetching one URL. Exactly one of: content (ok), unchanged (304), error."""

    url: str
    final_url: str
    fetched_at: datetime
    status: int | None = None
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    # The body after Content-Encoding was undone: the bytes of the document, exactly as served.
    content: bytes | None = None
    # The text encoding chosen for textual bodies (header, then <meta>/XML declaration, then detection).
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed_seconds: float = 0.0
    attempts: int = 0
    redirects: tuple[str, ...] = ()
    unchanged: bool = False
    error: str | None = None
    error_code: str | None = None
    error_kind: ErrorKind | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.unchanged and self.content is not None

    @property
    def validators(self) -> Validators:
        """The validators to store for this URL's next conditional GET."""
        return Validators(self.etag, self.last_modified)

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)

    @property
    def text(self) -> str:
        """The body as text in the chosen encoding; empty when there is no body."""
        return (self.content or b"").decode(self.encoding or "utf-8", errors="replace")

    def to_reject(self, stage: str = "fetch") -> Reject:
        return Reject(
            uri=self.url, stage=stage, reason=self.error or "no content", kind=self.error_code or "no_content"
        )

    def to_raw_document(self, source: str, source_kind: SourceKind) -> RawDocument:
        """A RawDocument for the rest of the pipeline, keyed by the final URL.

        Text is stored as UTF-8 (transcoded from `encoding`), because extraction reads UTF-8; HTML-like
        media types become "text/html". A failed fetch becomes a refused document carrying the reason.
        """
        media = "text/html" if self.content_type in ("application/xhtml+xml",) else self.content_type
        if not self.ok or self.content is None:
            return RawDocument(
                source, source_kind, self.final_url, self.fetched_at, media or "", None, sha256_hex(b""), 0,
                refused_reason=self.error or ("unchanged since the last fetch" if self.unchanged else None),
            )  # fmt: skip
        data = self.text.encode("utf-8") if self.encoding else self.content
        return RawDocument(
            source,
            source_kind,
            self.final_url,
            self.fetched_at,
            media or "",
            data,
            sha256_hex(data),
            len(data),
            http_status=self.status,
            requested_url=self.url,
            etag=self.etag,
            last_modified=self.last_modified,
        )


class _Failure(Exception):
    def __init__(
        self,
        code: str,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        final_url: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.kind, self.message = code, kind, message
        self.status, self.final_url, self.retry_after = status, final_url, retry_after


@dataclass
class _Budget:
    """The time left for one URL: the deadline is set when its first request starts."""

    seconds: float
    deadline: float | None = None

    def left(self, now: float) -> float:
        return self.seconds if self.deadline is None else self.deadline - now

    def exhausted(self) -> str:
        return f"no complete answer within the {self.seconds:g} s budget for this URL"


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    delay: float = 0.0


class Fetcher:
    """Fetches URLs under one HttpPolicy: limits, per-host pacing, robots.txt, retries, caps.

    Use as `async with Fetcher(policy) as fetcher: result = await fetcher.fetch(url)`. `transport` is
    the network seam (httpx.MockTransport in unit tests) and `resolve` the name-resolution seam the
    address check uses; `clock` (monotonic seconds), `now` (wall clock), `sleep` and `random` are
    injectable so pacing and backoff can be tested without waiting.
    robots.txt answers and address checks are cached per host for the fetcher's lifetime.
    """

    def __init__(
        self,
        policy: HttpPolicy | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = random.random,
        resolve: Resolver = resolve_host,
    ) -> None:
        self.policy = policy or HttpPolicy()
        p = self.policy
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(
                connect=p.connect_timeout_seconds,
                read=p.read_timeout_seconds,
                write=p.read_timeout_seconds,
                pool=p.total_timeout_seconds,
            ),
            follow_redirects=False,
            # No proxies or .netrc from the environment: settings come from the policy only.
            trust_env=False,
            # Only encodings this module decodes itself, with the size cap (see _Decoder).
            headers={"User-Agent": p.user_agent_header, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=p.concurrency, max_keepalive_connections=p.concurrency),
            event_hooks={"request": [self._sent]},
        )
        self._clock, self._now, self._sleep, self._random = clock, now, sleep, random
        self._resolve = resolve
        self._global = asyncio.Semaphore(p.concurrency)
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._addresses: dict[str, str | None] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        validators: Validators | None = None,
        *,
        accept: tuple[str, ...] | None = None,
        allow_private_addresses: bool | None = None,
    ) -> FetchResult:
        """Fetch one URL (conditionally when `validators` are given). Never raises: whatever happens to
        this URL, even an exception nobody foresaw, comes back as a failed FetchResult.

        `accept` overrides the policy's content types for this call; `allow_private_addresses` overrides
        the policy for this call (a source that is explicitly allowed to be on a private network).
        """
        allow = (
            self.policy.allow_private_addresses
            if allow_private_addresses is None
            else allow_private_addresses
        )
        return await self._fetch(url, validators, accept or self.policy.allowed_content_types, allow, True)

    async def download(
        self, url: str, sink: BinaryIO, *, max_bytes: int, allow_private_addresses: bool | None = None
    ) -> FetchResult:
        """Fetch a large file (a web archive) of any content type into `sink` instead of memory, up to
        `max_bytes`, under the same rules as `fetch`. The result's content is empty (b"") when it worked;
        a retried attempt starts the file again."""
        allow = (
            self.policy.allow_private_addresses
            if allow_private_addresses is None
            else allow_private_addresses
        )
        token = _DOWNLOAD.set((sink, max_bytes))
        try:
            return await self._fetch(url, None, ANY_CONTENT_TYPE, allow, True)
        finally:
            _DOWNLOAD.reset(token)

    async def fetch_all(
        self,
        requests: Iterable[tuple[str, Validators | None]],
        *,
        on_result: Callable[[FetchResult], None] | None = None,
        allow_private_addresses: bool | None = None,
    ) -> list[FetchResult]:
        """Fetch many URLs concurrently within the limits; results in the order given. One URL's failure
        never stops the others (see `fetch`).

        `on_result` is called as each one finishes (for a progress display); it must not raise.
        """

        async def one(url: str, validators: Validators | None) -> FetchResult:
            result = await self.fetch(url, validators, allow_private_addresses=allow_private_addresses)
            if on_result is not None:
                on_result(result)
            return result

        return list(await asyncio.gather(*(one(url, validators) for url, validators in requests)))

    async def _fetch(
        self,
        url: str,
        validators: Validators | None,
        accept: tuple[str, ...],
        allow_private: bool,
        robots: bool,
    ) -> FetchResult:
        started, fetched_at = self._clock(), self._now()
        headers = validators.headers() if validators else {}
        attempts, chain = 0, [url]
        budget = _Budget(self.policy.url_budget_seconds)
        try:
            while True:
                attempts, chain = attempts + 1, [url]
                try:
                    result = await self._follow(chain, headers, accept, allow_private, robots, budget)
                    break
                except _Failure as failure:
                    await self._before_retry(failure, attempts, budget)
        except _Failure as failure:
            result = FetchResult(
                url, failure.final_url or chain[-1], fetched_at, status=failure.status,
                error=failure.message, error_code=failure.code, error_kind=failure.kind,
            )  # fmt: skip
        except Exception as error:  # a defect or an answer nobody foresaw: this URL fails, the run goes on
            message = f"unexpected {type(error).__name__}: {error}"[:500]
            result = FetchResult(
                url, chain[-1], fetched_at, error=message, error_code="unexpected", error_kind="terminal"
            )
        return replace(
            result,
            url=url,
            fetched_at=fetched_at,
            elapsed_seconds=self._clock() - started,
            attempts=attempts,
            redirects=tuple(chain[1:]),
        )

    async def _before_retry(self, failure: _Failure, attempts: int, budget: _Budget) -> None:
        """Re-raise when the failure is final; otherwise wait (Retry-After or backoff with jitter).

        A Retry-After over the cap, or longer than the URL's budget has left, defers the URL instead.
        """
        p = self.policy
        if failure.kind == "terminal" or failure.code not in ("timeout", "connection", "http_status"):
            raise failure
        if attempts > p.retries:
            failure.message += f" (after {attempts} attempts)" if attempts > 1 else ""
            raise failure
        left = budget.left(self._clock())
        if failure.retry_after is not None:
            if failure.retry_after > p.max_retry_after_seconds:
                failure.message += f"; Retry-After {failure.retry_after:.0f} s is over the "
                failure.message += f"{p.max_retry_after_seconds:.0f} s cap: deferred to the next run"
                failure.code = "deferred"
                raise failure
            if failure.retry_after >= left:
                failure.message += f"; Retry-After {failure.retry_after:.0f} s is more than the "
                failure.message += f"{max(left, 0):.0f} s left of this URL's budget: deferred to the next run"
                failure.code = "deferred"
                raise failure
            await self._sleep(failure.retry_after)
            return
        # Exponential backoff with jitter, so clients that failed together do not all retry together.
        backoff = min(
            p.backoff_max_seconds, p.backoff_base_seconds * 2 ** (attempts - 1) * (0.5 + self._random())
        )
        if backoff >= left:
            if failure.message != budget.exhausted():
                failure.message += f" (after {attempts} attempts; {budget.exhausted()})"
            raise failure
        await self._sleep(backoff)

    async def _follow(
        self,
        chain: list[str],
        headers: dict[str, str],
        accept: tuple[str, ...],
        allow_private: bool,
        robots: bool,
        budget: _Budget,
    ) -> FetchResult:
        """Request chain[-1], following redirects; each hop is checked and paced like a new URL."""
        while True:
            await self._check_allowed(chain[-1], allow_private, robots)
            async with self._slot(chain[-1], budget):
                answer = await self._request(chain[-1], headers, accept, budget)
            if isinstance(answer, FetchResult):
                return answer
            if answer in chain:
                raise _Failure("redirect_loop", "terminal", f"redirect loop: {' -> '.join([*chain, answer])}")
            if len(chain) > self.policy.max_redirects:
                message = f"more than {self.policy.max_redirects} redirects"
                raise _Failure("too_many_redirects", "terminal", message, final_url=answer)
            chain.append(answer)

    async def _request(
        self, url: str, headers: dict[str, str], accept: tuple[str, ...], budget: _Budget
    ) -> str | FetchResult:
        """One HTTP exchange: a redirect target or a result; failures raise _Failure."""
        limit = self.policy.total_timeout_seconds
        left = budget.left(self._clock())
        if left <= 0:
            raise _Failure("timeout", "transient", budget.exhausted(), final_url=url)
        try:
            async with asyncio.timeout(min(limit, left)):
                async with self._client.stream("GET", url, headers=headers) as response:
                    return await self._read(url, response, accept)
        except TimeoutError as error:
            message = f"no complete answer within {limit:g} s" if limit <= left else budget.exhausted()
            raise _Failure("timeout", "transient", message, final_url=url) from error
        except httpx.TimeoutException as error:
            message = f"{type(error).__name__}: no answer within the {_timeout_name(error)} timeout"
            raise _Failure("timeout", "transient", message, final_url=url) from error
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise _Failure("invalid_url", "terminal", f"invalid URL: {error}", final_url=url) from error
        except httpx.RemoteProtocolError as error:
            if "location header" not in str(error):
                message = f"connection failed: {type(error).__name__} {error}".strip()
                raise _Failure("connection", "transient", message, final_url=url) from error
            # httpx parses a redirect's Location even when it does not follow it: a broken one is terminal.
            message = f"redirect to an invalid URL: {error}"
            raise _Failure("invalid_url", "terminal", message, final_url=url) from error
        except httpx.TransportError as error:
            message = f"connection failed: {type(error).__name__} {error}".strip()
            raise _Failure("connection", "transient", message, final_url=url) from error

    async def _read(self, url: str, response: httpx.Response, accept: tuple[str, ...]) -> str | FetchResult:
        status, headers = response.status_code, response.headers
        if status in _REDIRECTS and headers.get("location"):
            location = headers["location"]
            try:
                return urljoin(url, location).split("#")[0]
            except ValueError as error:  # e.g. an unclosed IPv6 bracket; the next hop checks the rest
                message = f"redirect to an invalid URL {location[:200]!r}: {error}"
                raise _Failure("invalid_url", "terminal", message, status=status, final_url=url) from error
        if status in _RETRY_STATUSES or status >= 500:
            retry_after = retry_after_seconds(headers.get("retry-after"), self._now())
            if retry_after is not None:
                # The whole host pauses, not only this URL; a URL that would wait longer than the cap is
                # deferred in _slot, so a long pause never holds the others (see the module docstring).
                host = self._host(url)
                host.next_start = max(host.next_start, self._clock() + retry_after)
            message = f"HTTP {status}"
            raise _Failure(
                "http_status", "transient", message, status=status, final_url=url, retry_after=retry_after
            )
        if status != 304 and not 200 <= status < 300:
            raise _Failure("http_status", "terminal", f"HTTP {status}", status=status, final_url=url)
        media = headers.get("content-type", "").split(";")[0].strip().lower() or None
        answer = FetchResult(
            url, url, self._now(), status=status, content_type=media,
            headers=tuple((name, headers[name]) for name in KEPT_HEADERS if name in headers),
            etag=headers.get("etag"), last_modified=headers.get("last-modified"), unchanged=status == 304,
        )  # fmt: skip
        if status == 304:
            return answer
        if media and not _allowed(media, accept):
            message = f"content type {media!r} not accepted (expected {', '.join(accept)})"
            raise _Failure("content_type", "terminal", message, status=status, final_url=url)
        content = await self._body(response)
        encoding = choose_encoding(content, response.charset_encoding) if _textual(media) else None
        return replace(answer, content=content, encoding=encoding)

    async def _body(self, response: httpx.Response) -> bytes:
        download = _DOWNLOAD.get()
        limit = download[1] if download else self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _Failure(
                "too_large", "terminal", f"body is {int(declared):,} bytes, over the {limit:,}-byte limit",
                status=response.status_code,
            )  # fmt: skip
        received, parts = 0, []
        try:
            decoder = BodyDecoder(response.headers.get("content-encoding", ""), limit)
            if download:
                download[0].seek(0)
                download[0].truncate()
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > limit:
                    raise BodyError("too_large", f"body is over the {limit:,}-byte limit (stopped reading)")
                parts.append(decoder.feed(chunk))
                if download:
                    download[0].write(b"".join(parts))
                    parts.clear()
            parts.append(decoder.flush())
            if download:
                download[0].write(b"".join(parts))
                return b""
        except BodyError as error:
            raise _Failure(error.code, "terminal", str(error), status=response.status_code) from error
        return b"".join(parts)

    async def _check_allowed(self, url: str, allow_private: bool, robots: bool) -> None:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:  # a port out of range, an unclosed IPv6 bracket...
            message = f"invalid URL {url[:200]!r}: {error}"
            raise _Failure("invalid_url", "terminal", message, final_url=url) from error
        if parts.scheme not in ("http", "https") or not parts.hostname:
            message = f"only http and https URLs are fetched, not {url!r}"
            raise _Failure("scheme", "terminal", message, final_url=url)
        if not allow_private:
            host, port = parts.hostname, port or (443 if parts.scheme == "https" else 80)
            if host not in self._addresses:
                try:
                    self._addresses[host] = await address_refusal(host, port, self._resolve)
                except OSError as error:
                    raise _Failure(
                        "dns", "transient", f"cannot resolve {host}: {error}", final_url=url
                    ) from error
                except UnicodeError as error:  # a name IDNA cannot encode (a label over 63 characters...)
                    message = f"invalid host name {host[:100]!r}: {error}"
                    raise _Failure("invalid_url", "terminal", message, final_url=url) from error
            if refusal := self._addresses[host]:
                raise _Failure("private_address", "terminal", refusal, final_url=url)
        if robots:
            rules = await self._robots_for(url, allow_private)
            if rules.refusal:
                raise _Failure("robots_unreachable", "transient", rules.refusal, final_url=url)
            if not rules.allows(url, self.policy.robots_token):
                raise _Failure("robots", "terminal", "disallowed by robots.txt", final_url=url)

    async def _robots_for(self, url: str, allow_private: bool) -> RobotsRules:
        """robots.txt of the URL's host, fetched once per fetcher (one fetch even when many URLs wait)."""
        key = origin(url)
        async with self._robots_locks.setdefault(key, asyncio.Lock()):
            if key not in self._robots:
                download = _DOWNLOAD.set(None)  # robots.txt is read into memory, even during a download
                try:
                    result = await self._fetch(
                        f"{key}/robots.txt", None, ANY_CONTENT_TYPE, allow_private, False
                    )
                finally:
                    _DOWNLOAD.reset(download)
                rules = robots_rules(result.content, result.error, result.error_kind == "transient")
                self._robots[key] = rules
                if delay := rules.crawl_delay(self.policy.robots_token):
                    host = self._host(url)
                    host.delay = max(host.delay, min(delay, self.policy.max_crawl_delay_seconds))
            return self._robots[key]

    def _host(self, url: str) -> _Host:
        key = origin(url)
        if key not in self._hosts:
            self._hosts[key] = _Host(
                asyncio.Semaphore(self.policy.per_host_concurrency), delay=self.policy.min_delay_seconds
            )
        return self._hosts[key]

    async def _sent(self, request: httpx.Request) -> None:
        """A request leaves now: its host's next one starts no sooner than the delay after this. The slot
        counted the delay from when it was granted; the request's way through httpx after that (a few
        milliseconds on a loaded machine) let two requests leave 0.198 s apart under a 0.2 s delay."""
        host = self._host(str(request.url))
        host.next_start = max(host.next_start, self._clock() + host.delay)

    @asynccontextmanager
    async def _slot(self, url: str, budget: _Budget) -> AsyncIterator[None]:
        """Hold a per-host and a global slot; start no sooner than the host's delay after its last start.

        A wait longer than the cap (a host paused by Retry-After) or than the URL's budget has left
        raises a deferral instead of waiting; the URL's budget starts when its first slot is granted.
        """
        host = self._host(url)
        async with host.semaphore:
            async with host.lock:
                now = self._clock()
                wait = host.next_start - now
                cap = max(self.policy.max_retry_after_seconds, host.delay)
                if wait > cap:
                    message = f"{origin(url)} asked for a pause of {wait:.0f} s (Retry-After), over the "
                    raise _Failure(
                        "deferred", "transient", f"{message}{cap:.0f} s cap: deferred to the next run"
                    )
                if budget.deadline is not None and wait >= budget.left(now):
                    raise _Failure("timeout", "transient", budget.exhausted())
                if wait > 0:
                    await self._sleep(wait)
                await self._global.acquire()
                host.next_start = self._clock() + host.delay
                if budget.deadline is None:
                    budget.deadline = self._clock() + budget.seconds
            try:
                yield
            finally:
                self._global.release()


def _allowed(media: str, accept: tuple[str, ...]) -> bool:
    return "*" in accept or media in accept or (media.endswith("+xml") and "application/xml" in accept)


def _textual(media: str | None) -> bool:
    return media is None or media.startswith("text/") or "xml" in media or "json" in media


def _timeout_name(error: httpx.TimeoutException) -> str:
    return {
        httpx.ConnectTimeout: "connect",
        httpx.ReadTimeout: "read",
        httpx.WriteTimeout: "write",
        httpx.PoolTimeout: "pool",
    }.get(type(error), "network")
