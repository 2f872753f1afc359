"""Fuzzing extraction: random and hostile HTML, JSON and text never raise anything but a reject.

`extract_document` may refuse a document only with a TerminalError (which becomes a reject with its
reason); any other exception is a defect, even though the pipeline would still isolate it. The pipeline's
`extract_and_clean` must give every document exactly one outcome.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.documents import extract_document
from extract.pages import page_metadata
from flows.pipeline import extract_and_clean
from tests.fuzzing import examples
from transform.errors import TerminalError
from transform.records import RawDocument, SourceKind, sha256_hex

# The nested-JSON examples are large: hypothesis warns about the size of their repr, harmlessly.
pytestmark = [pytest.mark.fuzz, pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")]

FETCHED = datetime(2026, 3, 1, tzinfo=UTC)

# Values that broke real runs, mixed with random text, for every attribute and field below.
HOSTILE_VALUES = st.sampled_from(
    [
        "http://news.example:99999/x",
        "http://[::1/x",
        "http://[::1]:8080/a",
        "/2019/11/19/relative",
        "//other.example/x",
        "javascript:alert(1)",
        "0001-01-01T00:00:00-05:00",
        "9999-12-31T23:59:59+14:00",
        "1970-01-01",
        "2019-02-30",
        "Fri Apr 28 19:20:36 CEST 2023",
        "\x00\ufffd\u202e",
        "阿里巴巴 通义千问 发布",
        "",
    ]
)
TEXT = st.one_of(HOSTILE_VALUES, st.text(max_size=40))

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                TEXT,
                st.sampled_from(
                    [
                        "@type",
                        "@graph",
                        "@id",
                        "author",
                        "datePublished",
                        "headline",
                        "url",
                        "text",
                        "html",
                        "published",
                    ]
                ),
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


@st.composite
def nested(draw: st.DrawFn) -> str:
    """JSON nested deeper than any real document, in arrays or objects."""
    depth = draw(st.integers(min_value=50, max_value=20_000))
    if draw(st.booleans()):
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    head = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(
            st.sampled_from(
                ["meta-property", "meta-name", "canonical", "ld", "ld-deep", "title", "html-lang"]
            )
        )
        name = draw(
            st.sampled_from(
                [
                    "og:url",
                    "og:title",
                    "article:published_time",
                    "date",
                    "pubdate",
                    "author",
                    "article:author",
                    "og:locale",
                    "charset",
                ]
            )
        )
        value = draw(TEXT).replace('"', "&quot;")
        if kind == "meta-property":
            head.append(f'<meta property="{name}" content="{value}">')
        elif kind == "meta-name":
            head.append(f'<meta name="{name}" content="{value}">')
        elif kind == "canonical":
            head.append(f'<link rel="canonical" href="{value}">')
        elif kind == "ld":
            head.append(f'<script type="application/ld+json">{json.dumps(draw(JSON_VALUES))}</script>')
        elif kind == "ld-deep":
            head.append(f'<script type="application/ld+json">{draw(nested())}</script>')
        elif kind == "title":
            head.append(f"<title>{draw(TEXT)}</title>")
        else:
            head.append(f'<meta charset="{value}">')
    depth = draw(st.integers(0, 3000))
    paragraphs = "".join(
        f"<p>{draw(TEXT)} Alibaba and Apple said the Qwen model ships widely.</p>"
        for _ in range(draw(st.integers(0, 4)))
    )
    body = "<div>" * depth + paragraphs + "</div>" * depth
    return f"<html><head>{''.join(head)}</head><body><article>{body}</article></body></html>"


def raw(content: bytes, content_type: str, uri: str = "file:///in/x") -> RawDocument:
    return RawDocument(
        "files", SourceKind.FILE, uri, FETCHED, content_type, content, sha256_hex(content), len(content)
    )


def extracts_or_rejects(document: RawDocument) -> None:
    with contextlib.suppress(TerminalError):  # a reject; anything else fails the test
        extract_document(document)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    page=html_pages(),
    uri=st.sampled_from(["file:///in/x.html", "https://news.example/2019/11/19/a", "http://[::1]:81/p"]),
)
def test_any_html_page_extracts_or_is_a_reject(page: str, uri: str) -> None:
    extracts_or_rejects(raw(page.encode("utf-8", "surrogatepass"), "text/html", uri))
    page_metadata(page, uri if uri.startswith("http") else None, FETCHED)


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(JSON_VALUES, nested()))
def test_any_json_document_extracts_or_is_a_reject(value: object) -> None:
    text = value if isinstance(value, str) and value[:1] in "[{" else json.dumps(value)
    extracts_or_rejects(raw(text.encode("utf-8", "surrogatepass"), "application/json"))


@settings(max_examples=examples(60), deadline=None)
@given(
    content=st.binary(max_size=2000),
    content_type=st.sampled_from(["text/html", "application/json", "text/plain"]),
)
def test_any_bytes_extract_or_are_a_reject(content: bytes, content_type: str) -> None:
    extracts_or_rejects(raw(content, content_type))


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pages=st.lists(html_pages(), min_size=1, max_size=5))
def test_every_document_of_a_batch_gets_exactly_one_outcome(pages: list[str]) -> None:
    documents = [
        raw(p.encode("utf-8", "surrogatepass"), "text/html", f"file:///in/{n}.html")
        for n, p in enumerate(pages)
    ]
    processed = extract_and_clean(documents)
    outcomes = [a.doc_id for a, _ in processed.articles] + [r.doc_id for r in processed.rejects]
    assert sorted(o for o in outcomes if o) == sorted(d.doc_id for d in documents)
