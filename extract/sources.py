"""Web sources described in TOML (newsetl.toml), validated with messages that name the bad key.

    [http]                      # optional; maps onto extract.http.HttpPolicy
    user_agent = "newsetl/0.1"
    contact = "mailto:news-team@example.com"

    [topic]                     # optional; replaces transform.topics.DEFAULT_TOPIC for every source
    all_of = [["Alibaba", "Qwen", "Apple", "iPhone"], ["AI", "large language model"]]

    [[sources]]
    name = "apple-newsroom"
    kind = "feed"               # feed | sitemap | listing | urls | warc
    url = "https://www.apple.com/newsroom/rss-feed.rss"

    [[sources]]                 # web archives, read by `newsetl warc --config` (not by `newsetl run`)
    name = "cc-news-2024-01-01"
    kind = "warc"
    archives = ["https://data.commoncrawl.org/crawl-data/CC-NEWS/2024/01/CC-NEWS-20240101000000-00000.warc.gz"]

Data from a file is untrusted, so these are pydantic models (extra keys are errors, not ignored);
`load_sources` turns any problem into one `SourcesError` listing every bad key.
"""

from __future__ import annotations

import stat
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from extract.http import DEFAULT_MAX_BYTES, HttpPolicy
from extract.listings import check_selector
from transform.errors import NewsetlError
from transform.health import HealthRules
from transform.topics import DEFAULT_TOPIC, TopicRule


class SourcesError(NewsetlError, ValueError):
    """The sources file cannot be used: missing, not TOML, or invalid (the message names each bad key)."""


def _web_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL with a host, got {value!r}")
    return value.strip()


def _css(value: str) -> str:
    if problem := check_selector(value):
        raise ValueError(f"invalid CSS selector {value!r}: {problem}")
    return value


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


WebUrl = Annotated[str, AfterValidator(_web_url)]
CssSelector = Annotated[str, Field(min_length=1), AfterValidator(_css)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpSettings(_Model):
    """The [http] table. Field names are what the TOML uses; `to_policy` builds the fetcher's policy."""

    user_agent: str = Field(default="newsetl/0.1", min_length=1)
    contact: str | None = None
    concurrency: int = Field(default=8, ge=1, le=256)
    per_host_concurrency: int = Field(default=2, ge=1, le=32)
    min_delay_seconds: float = Field(default=1.0, ge=0)
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    read_timeout_seconds: float = Field(default=20.0, gt=0)
    total_timeout_seconds: float = Field(default=60.0, gt=0)
    url_budget_seconds: float = Field(default=120.0, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=30)
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1024)
    retries: int = Field(default=3, ge=0, le=10)
    allow_private_addresses: bool = False

    def to_policy(self) -> HttpPolicy:
        return HttpPolicy(**self.model_dump())


class TopicSettings(_Model):
    """A topic rule: every `all_of` group (plus `any_of`, as one more group) must match; no `none_of`."""

    all_of: list[list[Annotated[str, Field(min_length=1)]]] = []
    any_of: list[Annotated[str, Field(min_length=1)]] = []
    none_of: list[Annotated[str, Field(min_length=1)]] = []
    aliases: dict[str, list[str]] = {}

    def to_rule(self) -> TopicRule:
        groups = [tuple(group) for group in self.all_of if group] + (
            [tuple(self.any_of)] if self.any_of else []
        )
        return TopicRule(
            all_of=tuple(groups),
            none_of=tuple(self.none_of),
            aliases={term: tuple(spellings) for term, spellings in self.aliases.items()},
        )


_DEFAULT_HEALTH = HealthRules()


class HealthSettings(_Model):
    """The drift rules' thresholds ([health] in newsetl.toml); see transform.health.HealthRules."""

    min_history: int = Field(default=_DEFAULT_HEALTH.min_history, ge=1)
    max_reject_share: float = Field(default=_DEFAULT_HEALTH.max_reject_share, gt=0, le=1)
    body_drop_ratio: float = Field(default=_DEFAULT_HEALTH.body_drop_ratio, gt=0, le=1)
    date_drop: float = Field(default=_DEFAULT_HEALTH.date_drop, gt=0, le=1)
    silent_expected: float = Field(default=_DEFAULT_HEALTH.silent_expected, gt=0)

    def to_rules(self) -> HealthRules:
        return HealthRules(**self.model_dump())


class _Source(_Model):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    topic: TopicSettings | None = None
    allow_private_addresses: bool = False


class FeedSource(_Source):
    kind: Literal["feed"]
    url: WebUrl
    # At most this many entries are read from the feed (feeds list the newest first).
    limit: int = Field(default=1000, ge=1, le=100_000)


class SitemapSource(_Source):
    kind: Literal["sitemap"]
    url: WebUrl
    # Only URLs whose lastmod / news:publication_date is on or after this (a date or a datetime).
    since: datetime | date | None = None
    limit: int = Field(default=1000, ge=1, le=100_000)

    @property
    def since_datetime(self) -> datetime | None:
        if self.since is None:
            return None
        if isinstance(self.since, datetime):
            return _utc(self.since)
        return datetime(self.since.year, self.since.month, self.since.day, tzinfo=UTC)


class ListingSource(_Source):
    kind: Literal["listing"]
    url: WebUrl
    link_selector: CssSelector
    next_selector: CssSelector | None = None
    max_pages: int = Field(default=5, ge=1, le=100)


class UrlsSource(_Source):
    kind: Literal["urls"]
    urls: list[WebUrl] = Field(min_length=1)


def _archive(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("expected a path or an http(s) URL of a WARC or ARC file")
    return _web_url(value) if "://" in value else value


class WarcSource(_Source):
    """Web archives (WARC or ARC files, gzipped or not): read by `newsetl warc --config`, never crawled."""

    kind: Literal["warc"]
    # Local paths (relative to the folder newsetl runs in) or http(s) URLs, read in this order.
    archives: list[Annotated[str, AfterValidator(_archive)]] = Field(min_length=1)


WebSource = FeedSource | SitemapSource | ListingSource | UrlsSource
AnySource = WebSource | WarcSource
Source = Annotated[AnySource, Field(discriminator="kind")]


class SourcesConfig(_Model):
    """The whole file: HTTP settings, the default topic rule, and the sources."""

    http: HttpSettings = Field(default_factory=HttpSettings)
    topic: TopicSettings | None = None
    health: HealthSettings = Field(default_factory=HealthSettings)
    sources: list[Source] = []

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesConfig:
        names = [source.name for source in self.sources]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"source names must be unique; repeated: {', '.join(repeated)}")
        return self

    @property
    def web_sources(self) -> list[WebSource]:
        """The sources `newsetl run` crawls: every kind but warc."""
        return [source for source in self.sources if not isinstance(source, WarcSource)]

    @property
    def warc_sources(self) -> list[WarcSource]:
        """The web archives `newsetl warc --config` reads."""
        return [source for source in self.sources if isinstance(source, WarcSource)]

    def topic_rule(self, source: AnySource) -> TopicRule:
        """The source's own rule, else the file's [topic], else transform.topics.DEFAULT_TOPIC."""
        chosen = source.topic or self.topic
        return chosen.to_rule() if chosen else DEFAULT_TOPIC

    def allows_private(self, source: AnySource) -> bool:
        """Whether fetches for `source` may reach private/loopback addresses (for Fetcher.fetch)."""
        return source.allow_private_addresses or self.http.allow_private_addresses


def parse_sources(text: str, origin: str = "<string>") -> SourcesConfig:
    """Validate TOML text; raises SourcesError naming the file and every bad key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SourcesError(f"{origin}: not valid TOML: {error}") from error
    except RecursionError as error:  # tomllib reads nested arrays and tables recursively
        raise SourcesError(f"{origin}: not valid TOML: arrays or tables nested too deeply") from error
    try:
        return SourcesConfig.model_validate(data)
    except ValidationError as error:
        lines = [
            f"{_where(data, err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
            for err in error.errors()
        ]
        raise SourcesError(f"{origin}: invalid sources file:\n  " + "\n  ".join(lines)) from error


# A sources file is a few kilobytes; anything this large is not one.
MAX_SOURCES_FILE_BYTES = 1024 * 1024


def load_sources(path: Path) -> SourcesConfig:
    """Read and validate a sources file (newsetl.toml): a regular file of UTF-8 text (a FIFO or device
    is refused without being opened, so it cannot block)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SourcesError(f"{path}: cannot read the sources file: not a regular file")
        if info.st_size > MAX_SOURCES_FILE_BYTES:
            raise SourcesError(
                f"{path}: cannot read the sources file: {info.st_size:,} bytes, "
                f"over the {MAX_SOURCES_FILE_BYTES:,}-byte limit"
            )
        data = path.read_bytes()
    except OSError as error:
        raise SourcesError(f"{path}: cannot read the sources file: {error.strerror or error}") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourcesError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}): "
            "save the sources file as UTF-8"
        ) from error
    return parse_sources(text, str(path))


def _where(data: object, loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as the TOML reader sees it: sources[2] ('apple-newsroom').url."""
    out, node, after_index = "", data, False
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                out += f" ({node['name']!r})"
        elif after_index and isinstance(node, dict) and part == node.get("kind"):
            pass  # the union's tag, added by pydantic: the key itself comes next
        elif isinstance(node, dict) and part in node:
            out += f".{part}" if out else part
            node = node[part]
        else:
            out += f".{part}" if out else str(part)
            node = None
        after_index = isinstance(part, int)
    return out or "(file)"
