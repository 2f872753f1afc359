import pytest

from transform.urls import canonical_url


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
