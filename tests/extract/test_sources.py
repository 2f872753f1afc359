from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from extract.sources import (
    FeedSource,
    ListingSource,
    SitemapSource,
    SourcesError,
    UrlsSource,
    load_sources,
    parse_sources,
)
from transform.topics import DEFAULT_TOPIC, decide_topic

EXAMPLE = Path(__file__).resolve().parents[2] / "newsetl.example.toml"


def test_the_example_file_is_valid() -> None:
    config = load_sources(EXAMPLE)
    kinds = {type(source) for source in config.sources}
    assert kinds == {FeedSource, SitemapSource, ListingSource, UrlsSource}
    policy = config.http.to_policy()
    assert policy.user_agent_header == "newsetl/0.1 (+mailto:news-team@example.com)"
    assert not policy.allow_private_addresses
    sitemap = next(s for s in config.sources if isinstance(s, SitemapSource))
    assert sitemap.since_datetime == datetime(2025, 1, 1, tzinfo=UTC)
    techcrunch = next(s for s in config.sources if s.name == "techcrunch-ai")
    assert config.topic_rule(techcrunch).none_of == ("sponsored",)
    apple = next(s for s in config.sources if s.name == "apple-newsroom")
    assert decide_topic(config.topic_rule(apple), "Apple picks 通义千问 for iPhones in China").relevant


def test_the_example_leaves_the_users_topic_to_sources_without_their_own() -> None:
    config = load_sources(EXAMPLE)
    assert config.topic is None  # a [topic] there would replace the default for every source
    apple = next(s for s in config.sources if s.name == "apple-newsroom")
    assert config.topic_rule(apple) == DEFAULT_TOPIC
    assert decide_topic(config.topic_rule(apple), "Alibaba's cloud arm opens its new AI models").relevant
    techcrunch = next(s for s in config.sources if s.name == "techcrunch-ai")
    assert decide_topic(config.topic_rule(techcrunch), "Qwen3 is out; 阿里巴巴 says").relevant
    assert not decide_topic(config.topic_rule(techcrunch), "Sponsored: Apple and AI").relevant


def test_the_example_documents_every_health_rule_with_its_default() -> None:
    from dataclasses import asdict

    from transform.health import HealthRules

    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    start = lines.index("# [health]")
    table = []
    for line in lines[start:]:
        if not line.startswith("# "):
            break
        table.append(line.removeprefix("# "))
    config = parse_sources("\n".join(table))  # uncommented, the section is valid...
    assert asdict(config.health.to_rules()) == asdict(HealthRules())  # ... and states the defaults
    assert set(config.health.model_fields_set) == set(asdict(HealthRules()))  # every rule is listed


def test_defaults_without_http_or_topic_tables() -> None:
    config = parse_sources('[[sources]]\nname = "a"\nkind = "urls"\nurls = ["https://e.test/1"]\n')
    (source,) = config.sources
    assert config.topic_rule(source) == DEFAULT_TOPIC
    assert config.http.to_policy().max_bytes == 10 * 1024 * 1024
    assert not config.allows_private(source)


def test_every_bad_key_is_named() -> None:
    text = """
[http]
concurency = 3
[[sources]]
name = "press"
kind = "listing"
url = "ftp://example.com/"
link_selector = "a[["
[[sources]]
name = "apple"
kind = "rss"
url = "https://e.test/feed"
[[sources]]
name = "maps"
kind = "sitemap"
url = "https://e.test/sitemap.xml"
limit = 0
[[sources]]
name = "maps"
kind = "urls"
urls = []
"""
    with pytest.raises(SourcesError) as caught:
        parse_sources(text, "newsetl.toml")
    message = str(caught.value)
    for expected in (
        "newsetl.toml: invalid sources file",
        "http.concurency: Extra inputs are not permitted",
        "sources[0] ('press').url: expected an http(s) URL with a host, got 'ftp://example.com/'",
        "sources[0] ('press').link_selector: invalid CSS selector 'a[['",
        "sources[1] ('apple'): Input tag 'rss' found using 'kind' does not match",
        "sources[2] ('maps').limit: Input should be greater than or equal to 1",
        "sources[3] ('maps').urls: List should have at least 1 item",
    ):
        assert expected in message, message


def test_duplicate_names_are_refused() -> None:
    source = '[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://e.test/f"\n'
    with pytest.raises(SourcesError, match="source names must be unique; repeated: a"):
        parse_sources(source * 2)


def test_a_source_may_allow_private_addresses() -> None:
    config = parse_sources(
        '[[sources]]\nname = "lan"\nkind = "feed"\nurl = "http://10.0.0.5/f"\n'
        "allow_private_addresses = true\n"
    )
    assert config.allows_private(config.sources[0])


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="cannot read the sources file"):
        load_sources(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[sources]\n", encoding="utf-8")
    with pytest.raises(SourcesError, match=r"broken\.toml: not valid TOML"):
        load_sources(broken)


def test_a_sources_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[[sources]]\nname = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(SourcesError, match=r"latin1\.toml: not UTF-8 text \(byte 0xe9 at offset 23\)"):
        load_sources(latin1)


def test_a_sources_file_nested_too_deep_is_an_error_not_a_crash(tmp_path: Path) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(SourcesError, match="nested too deeply"):
        load_sources(deep)


def test_a_fifo_or_huge_file_is_refused_unread(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "sources.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: _capture(outcome, fifo), daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # it opened the FIFO and blocks: unblock it, then fail
        with fifo.open("w"):
            pass
        pytest.fail("load_sources opened a FIFO and waited on it")
    assert "not a regular file" in str(outcome[0])
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    with pytest.raises(SourcesError, match="over the 1,048,576-byte limit"):
        load_sources(huge)


def _capture(outcome: list[BaseException], path: Path) -> None:
    try:
        load_sources(path)
    except SourcesError as error:
        outcome.append(error)
