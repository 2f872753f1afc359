import pytest

from tests.extract.site import BAD_LINKS
from transform.urls import absolute_url, broken_web_link, canonical_url, web_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.COM/a/b?utm_source=x&id=3#top", "https://news.example.com/a/b?id=3"),
        ("http://example.com:80/x?fbclid=abc", "http://example.com/x"),
        ("https://example.com:8443/x?gclid=1&ref=feed", "https://example.com:8443/x"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/p?b=2&a=1", "https://example.com/p?b=2&a=1"),
        ("file:///data/a.jsonl#line=3", "file:///data/a.jsonl#line=3"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTPS://Example.com/x?utm_medium=y&q=1#frag")
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("HTTP://[2001:DB8::1]:80/a?utm_source=x#f", "http://[2001:db8::1]/a"),
        ("https://[::1]/", "https://[::1]/"),
        # Cannot be parsed: kept as written (stripped), never an exception.
        ("  http://127.0.0.1:99999/x.html ", "http://127.0.0.1:99999/x.html"),
        ("http://[::1/x.html", "http://[::1/x.html"),
        ("http://host:port/x", "http://host:port/x"),
        ("http://a.test/?q=\ud800", "http://a.test/?q=\ud800"),
        ("", ""),
    ],
)
def test_canonical_url_keeps_ipv6_brackets_and_never_raises(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("/a#top", "https://x.test/news/", "https://x.test/a"),
        ("b.html", "https://x.test/news/", "https://x.test/news/b.html"),
        ("http://[::1]:8080/x", None, "http://[::1]:8080/x"),
        ("/a", None, None),  # relative without a base
        ("mailto:desk@x.test", "https://x.test/", None),
        ("http://127.0.0.1:99999/x", "https://x.test/", None),
        ("http://[::1/x", "https://x.test/", None),
        ("//[::1/x", "https://x.test/", None),
        ("/a", "http://[::1/", None),  # a broken base
        ("http://a.test/\ud800", None, None),  # cannot be sent or stored
    ],
)
def test_absolute_url(href: str, base: str | None, expected: str | None) -> None:
    assert absolute_url(href, base) == expected
    assert expected is None or web_url(expected)


def test_broken_web_links_are_told_from_other_schemes() -> None:
    assert all(broken_web_link(link, "https://x.test/") for link in BAD_LINKS)
    assert broken_web_link("//[::1/x", "https://x.test/")
    assert not broken_web_link("mailto:desk@x.test", "https://x.test/")
    assert not broken_web_link("javascript:void(0)")
    assert not broken_web_link("https://x.test/fine")
