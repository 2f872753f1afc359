"""Reading web archives: pages with their lineage, resuming at an offset, and every kind of bad input as a
reject with its offset while the rest of the archive still reads."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from datetime import UTC
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from extract.http import Fetcher
from extract.warc import (
    WarcCapture,
    WarcItem,
    WarcReject,
    WarcSkip,
    cheap_text,
    download_archive,
    read_archive,
)
from tests.extract.conftest import TEST_POLICY
from tests.extract.warc_files import Record, article_html, page, write_arc, write_warc


def read_all(path: Path, start: int = 0) -> list[WarcItem]:
    return list(read_archive(path, path.as_uri(), start))


def captures(items: list[WarcItem]) -> list[WarcCapture]:
    return [item for item in items if isinstance(item, WarcCapture)]


def rejects(items: list[WarcItem]) -> list[WarcReject]:
    return [item for item in items if isinstance(item, WarcReject)]


@pytest.mark.parametrize("name", ["pages.warc", "pages.warc.gz"])
def test_pages_are_read_with_their_lineage_and_other_records_are_skipped(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    records = [
        Record("https://news.example.com/", b"software: tests", warc_type="warcinfo"),
        page(1, True),
        Record("https://news.example.com/2024/01/story-1", b"GET / HTTP/1.1\r\n\r\n", warc_type="request"),
        Record("https://news.example.com/old", b"", status="301 Moved Permanently"),
        page(2, False),
    ]
    offsets = write_warc(path, records)
    items = read_all(path)
    assert [item.offset for item in items] == offsets
    pages = captures(items)
    assert [p.url for p in pages] == [
        "https://news.example.com/2024/01/story-1",
        "https://news.example.com/2024/01/story-2",
    ]
    assert [p.offset for p in pages] == [offsets[1], offsets[4]]
    first = pages[0]
    assert first.warc_file == path.as_uri() and first.record_id.startswith("<urn:uuid:")
    assert first.captured_at.tzinfo == UTC and first.http_status == 200
    assert "Siri" in first.html
    document = first.to_raw_document("cc-news")
    assert document.source == "cc-news" and document.source_kind == "warc"
    assert document.fetched_at == first.captured_at and document.content_type == "text/html"
    skipped = [item.what for item in items if isinstance(item, WarcSkip)]
    assert skipped == ["warcinfo record", "request record", "HTTP 301"]
    assert rejects(items) == []


@pytest.mark.parametrize("name", ["pages.warc", "pages.warc.gz"])
def test_reading_from_a_record_offset_gives_that_record_and_the_rest(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    offsets = write_warc(path, [page(n, n % 2 == 0) for n in range(6)])
    items = read_all(path, offsets[3])
    assert [item.offset for item in items] == offsets[3:]
    assert [p.url.rsplit("-", 1)[1] for p in captures(items)] == ["3", "4", "5"]


def _damage(path: Path, offsets: list[int], index: int, how: str) -> None:
    """Damage record `index` of an archive in place."""
    data = path.read_bytes()
    start = offsets[index]
    end = offsets[index + 1] if index + 1 < len(offsets) else len(data)
    record = data[start:end]
    if how == "truncate":  # the file ends inside the record
        path.write_bytes(data[: start + len(record) // 2])
        return
    if how in ("longer", "shorter"):
        declared = re.search(rb"Content-Length: (\d+)", record)
        assert declared is not None
        wrong = int(declared.group(1)) + (25 if how == "longer" else -25)
        record = record.replace(declared.group(0), b"Content-Length: %d" % wrong, 1)
    elif how == "cut_member":  # a gzip member that ends early, the next member follows
        record = record[: len(record) // 2]
    elif how == "garbage":
        record = b"this is not a WARC record\r\n\r\n" + record
    path.write_bytes(data[:start] + record + data[end:])


@pytest.mark.parametrize(
    ("name", "how", "kind"),
    [
        ("a.warc", "truncate", "truncated"),
        ("a.warc.gz", "truncate", "truncated"),
        ("a.warc", "longer", "corrupt_record"),
        ("a.warc", "shorter", "corrupt_record"),
        ("a.warc.gz", "cut_member", "corrupt_record"),
        ("a.warc", "garbage", "corrupt_record"),
    ],
)
def test_a_damaged_record_is_a_reject_with_its_offset_and_the_rest_still_reads(
    tmp_path: Path, name: str, how: str, kind: str
) -> None:
    path = tmp_path / name
    offsets = write_warc(path, [page(n, True) for n in range(5)])
    damaged = 4 if how == "truncate" else 2
    _damage(path, offsets, damaged, how)
    items = read_all(path)
    bad = rejects(items)
    assert len(bad) == 1, bad
    assert bad[0].reject.kind == kind and bad[0].reject.stage == "read"
    assert bad[0].reject.uri.startswith(f"{path.as_uri()}#offset=")
    assert bad[0].offset in (offsets[damaged], offsets[damaged - 1])  # the record, or the one it follows
    assert str(bad[0].offset) in bad[0].reject.uri
    read = sorted(int(p.url.rsplit("-", 1)[1]) for p in captures(items))
    intact = how == "garbage"  # the bytes before the record are rejected, the record itself reads
    assert read == [n for n in range(5) if intact or n != damaged]


def test_non_html_payloads_and_unknown_encodings_are_rejects_and_legacy_encodings_are_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mixed.warc.gz"
    latin = article_html(7, True, charset="iso-8859-1").replace("summarise", "résumé").encode("latin-1")
    unknown = article_html(8, True, charset="x-klingon").replace("summarise", "résumé").encode("latin-1")
    offsets = write_warc(
        path,
        [
            page(1, True),
            Record("https://news.example.com/report.pdf", b"%PDF-1.7 binary", content_type="application/pdf"),
            Record("https://news.example.com/latin", latin, content_type="text/html"),
            Record("https://news.example.com/klingon", unknown, content_type="text/html"),
            page(5, True),
        ],
    )
    items = read_all(path)
    bad = {item.offset: item.reject for item in rejects(items)}
    assert set(bad) == {offsets[1], offsets[3]}
    assert bad[offsets[1]].kind == "not_html" and "application/pdf" in bad[offsets[1]].reason
    assert bad[offsets[3]].kind == "unknown_encoding" and "x-klingon" in bad[offsets[3]].reason
    read = {p.url.rsplit("/", 1)[1]: p for p in captures(items)}
    assert set(read) == {"story-1", "latin", "story-5"}
    assert "résumé" in read["latin"].html


def test_arc_files_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "old.arc"
    offsets = write_arc(path, [page(1, True), page(2, False), page(3, True)])
    items = read_all(path)
    pages = captures(items)
    assert [p.url.rsplit("-", 1)[1] for p in pages] == ["1", "2", "3"]
    assert [p.offset for p in pages] == offsets
    assert pages[0].record_id == f"<arc:{offsets[0]}>" and pages[0].captured_at.year == 2024
    assert [p.offset for p in captures(read_all(path, offsets[1]))] == offsets[1:]


def test_cheap_text_is_the_title_and_visible_text_without_scripts_or_styles() -> None:
    html = (
        "<html><head><title>Qwen news</title><style>.x{color:red}</style>"
        "<script>var apple = 'AI';</script></head><body><p>Alibaba <b>released</b> a model.</p>"
        "<noscript>enable javascript</noscript></body></html>"
    )
    text = cheap_text(html)
    assert "Qwen news" in text and "Alibaba" in text and "released" in text
    assert "apple" not in text and "color" not in text and "javascript" not in text


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def archive_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "served"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


def test_an_archive_url_is_downloaded_through_the_fetcher_into_a_file(
    tmp_path: Path, archive_server: tuple[str, Path]
) -> None:
    base, folder = archive_server
    write_warc(folder / "news.warc.gz", [page(1, True), page(2, False)])
    downloads = tmp_path / "downloads"
    downloads.mkdir()

    async def get(url: str, max_bytes: int, allow: bool) -> tuple[Path | None, str | None]:
        async with Fetcher(TEST_POLICY) as fetcher:
            path, result = await download_archive(fetcher, url, downloads, max_bytes, allow)
        return path, result.error_code

    path, _ = asyncio.run(get(f"{base}/news.warc.gz", 10_000_000, True))
    assert path is not None and path.read_bytes() == (folder / "news.warc.gz").read_bytes()
    assert len(captures(read_all(path))) == 2
    too_small, code = asyncio.run(get(f"{base}/news.warc.gz", 100, True))
    assert too_small is None and code == "too_large"
    missing, code = asyncio.run(get(f"{base}/missing.warc.gz", 10_000_000, True))
    assert missing is None and code == "http_status"
    assert sorted(p.name for p in downloads.iterdir()) == [path.name]  # failed downloads leave no file


def test_an_archive_url_on_a_private_address_is_refused_unless_allowed(
    tmp_path: Path, archive_server: tuple[str, Path]
) -> None:
    base, folder = archive_server
    write_warc(folder / "news.warc", [page(1, True)])

    async def get() -> tuple[Path | None, str | None]:
        async with Fetcher(TEST_POLICY) as fetcher:  # the policy allows loopback; the call does not
            path, result = await download_archive(fetcher, f"{base}/news.warc", tmp_path, 10_000_000, False)
        return path, result.error_code

    path, code = asyncio.run(get())
    assert path is None and code == "private_address"


def test_a_warc_source_is_read_by_newsetl_warc_and_never_crawled() -> None:
    from extract.sources import SourcesError, WarcSource, parse_sources

    config = parse_sources(
        """
[[sources]]
name = "feed"
kind = "feed"
url = "https://news.example.com/feed.xml"

[[sources]]
name = "cc-news"
kind = "warc"
archives = [
  "https://data.commoncrawl.org/crawl-data/CC-NEWS/2024/01/CC-NEWS-20240101002957-01499.warc.gz",
  "old.arc",
]
"""
    )
    assert [s.name for s in config.web_sources] == ["feed"]
    assert [s.name for s in config.warc_sources] == ["cc-news"]
    assert isinstance(config.sources[1], WarcSource) and config.sources[1].archives[1] == "old.arc"
    with pytest.raises(SourcesError, match=r"sources\[0\] \('bad'\)\.archives"):
        parse_sources('[[sources]]\nname = "bad"\nkind = "warc"\narchives = ["ftp://example.com/a.warc"]')
    with pytest.raises(SourcesError, match="archives"):
        parse_sources('[[sources]]\nname = "empty"\nkind = "warc"\narchives = []')


def test_transfer_and_content_encodings_are_undone_and_headers_that_no_longer_hold_are_ignored(
    tmp_path: Path,
) -> None:
    import gzip

    html = article_html(1, True).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(html), html)
    path = tmp_path / "encodings.warc"
    offsets = write_warc(
        path,
        [
            Record("https://news.example.com/chunked", chunked, headers=(("Transfer-Encoding", "chunked"),)),
            Record(
                "https://news.example.com/gzip", gzip.compress(html), headers=(("Content-Encoding", "gzip"),)
            ),
            # Stored decoded by the crawler, headers kept as sent:
            Record(
                "https://news.example.com/said-chunked", html, headers=(("Transfer-Encoding", "chunked"),)
            ),
            Record("https://news.example.com/said-gzip", html, headers=(("Content-Encoding", "gzip"),)),
            Record(
                "https://news.example.com/broken",
                b"\x1f\x8b\x08 not gzip",
                headers=(("Content-Encoding", "gzip"),),
            ),
        ],
    )
    items = read_all(path)
    pages = {p.url.rsplit("/", 1)[1]: p.html for p in captures(items)}
    assert set(pages) == {"chunked", "gzip", "said-chunked", "said-gzip"}
    assert all(text == html.decode() for text in pages.values())
    assert [(r.offset, r.reject.kind) for r in rejects(items)] == [(offsets[4], "decoding")]


def test_an_archive_url_disallowed_by_robots_txt_is_not_downloaded(
    tmp_path: Path, archive_server: tuple[str, Path]
) -> None:
    base, folder = archive_server
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (folder / "private").mkdir()
    write_warc(folder / "private" / "news.warc.gz", [page(1, True)])
    write_warc(folder / "news.warc.gz", [page(2, True)])

    async def get(path: str) -> tuple[Path | None, str | None]:
        async with Fetcher(TEST_POLICY) as fetcher:
            got, result = await download_archive(fetcher, f"{base}{path}", tmp_path, 10_000_000, True)
        return got, result.error_code

    refused, code = asyncio.run(get("/private/news.warc.gz"))
    assert refused is None and code == "robots"
    allowed, _ = asyncio.run(get("/news.warc.gz"))  # robots.txt read into memory, not into the archive
    assert allowed is not None and allowed.read_bytes() == (folder / "news.warc.gz").read_bytes()


def test_cc_news_files_of_a_date_range_are_listed_from_the_monthly_listings(
    archive_server: tuple[str, Path],
) -> None:
    import gzip
    from datetime import date

    from extract.warc import cc_news_archives, cc_news_listing_urls, list_cc_news

    base, folder = archive_server
    assert cc_news_listing_urls(date(2023, 12, 30), date(2024, 2, 1), "B/") == [
        "B/crawl-data/CC-NEWS/2023/12/warc.paths.gz",
        "B/crawl-data/CC-NEWS/2024/01/warc.paths.gz",
        "B/crawl-data/CC-NEWS/2024/02/warc.paths.gz",
    ]
    january = folder / "crawl-data" / "CC-NEWS" / "2024" / "01"
    january.mkdir(parents=True)
    names = [
        f"CC-NEWS-202401{day:02d}{hour:02d}0000-{n:05d}.warc.gz"
        for n, (day, hour) in enumerate([(14, 23), (15, 0), (15, 12), (16, 3), (17, 0)])
    ]
    listing = "".join(f"crawl-data/CC-NEWS/2024/01/{name}\n" for name in names).encode()
    (january / "warc.paths.gz").write_bytes(gzip.compress(listing))
    assert cc_news_archives(gzip.compress(listing), date(2024, 1, 15), date(2024, 1, 16), "B/") == [
        f"B/crawl-data/CC-NEWS/2024/01/{name}" for name in names[1:4]
    ]

    async def listed() -> tuple[list[str], list[str]]:
        async with Fetcher(TEST_POLICY) as fetcher:
            urls, failed = await list_cc_news(fetcher, date(2024, 1, 16), date(2024, 2, 3), base=f"{base}/")
        return urls, [r.uri for r in failed]

    urls, failed = asyncio.run(listed())
    assert urls == [f"{base}/crawl-data/CC-NEWS/2024/01/{name}" for name in names[3:]]
    assert failed == [f"{base}/crawl-data/CC-NEWS/2024/02/warc.paths.gz"]  # no listing for February here


def test_a_warc_gz_compressed_as_one_stream_is_read_with_offsets_to_resume_from(tmp_path: Path) -> None:
    import gzip

    plain = tmp_path / "pages.warc"
    offsets = write_warc(plain, [page(n, n % 2 == 0) for n in range(5)])
    one_stream = tmp_path / "pages.warc.gz"
    one_stream.write_bytes(gzip.compress(plain.read_bytes()))
    items = read_all(one_stream)
    assert [item.offset for item in items] == offsets  # offsets in the decompressed archive
    assert [p.offset for p in captures(read_all(one_stream, offsets[3]))] == offsets[3:]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(one_stream.read_bytes()[:-200])
    read = read_all(cut)
    assert [p.offset for p in captures(read)] == offsets[: len(captures(read))]  # those before the cut
    assert 1 <= len(captures(read)) < 5 and [r.reject.kind for r in rejects(read)] == ["truncated"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("newsetl-warc-")]  # the copy is gone
