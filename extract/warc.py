"""Web archives (WARC and ARC files, gzipped or not) → the HTML pages they captured, one item per record.

`read_archive` walks a file from a byte offset and yields, for each record, one of:

- `WarcCapture`: an HTTP response with an HTML page (2xx), decoded to text, with its lineage (file,
  record id, offset, capture time);
- `WarcSkip`: a record that is no page and never was meant to be one (warcinfo, request, metadata,
  revisit, a redirect or error answer): counted, not rejected;
- `WarcReject`: a record that should have been a page and cannot be read: truncated, a wrong
  Content-Length or damaged bytes (the block does not match its WARC-Block-Digest), a payload that is not
  HTML, an unknown or undecodable encoding, a gzip member that ends early, bytes that are no record.

Broken data never stops the file: the reader looks for the next record start (a gzip member header in a
.gz file, a `WARC/1.x` line otherwise), rejects the bytes it skipped with their offsets, and goes on.
WARC files are read with fastwarc (fast, C++); ARC files, which fastwarc does not read, with warcio.
Offsets are those of the file on disk (for .warc.gz, where each record's gzip member starts), so a
reader can start again at any record's offset: that is how an interrupted backfill resumes.

`cheap_text` is the tag-stripped text of a page (lexbor), for the topic prefilter before extraction.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import os
import re
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType
from selectolax.lexbor import LexborHTMLParser

from extract.bodies import BodyDecoder, BodyError, choose_encoding
from extract.http import Fetcher, FetchResult
from transform.errors import Reject
from transform.records import RawDocument, SourceKind, sha256_hex

# The source name of documents read from archives when the caller names none.
WARC_SOURCE = "warc"
# A page bigger than this (its payload after Content-Encoding) is rejected, as the fetcher does.
MAX_PAGE_BYTES = 10 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Where records start, to find the next one after broken bytes.
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"(?:^|\r?\n)(WARC/1\.[01]\r?\n)")
_SCAN_CHUNK = 1 << 20
# The first gzip member is looked at up to this many decompressed bytes (a record is at most a page).
_MAX_FIRST_MEMBER = 16 * 1024 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_NOT_TEXT = ("script", "style", "noscript", "template", "svg")


@dataclass(frozen=True, slots=True)
class WarcCapture:
    """An HTML page captured in an archive: the page's text and where it lies in the archive."""

    warc_file: str
    offset: int
    record_id: str
    url: str
    captured_at: datetime
    http_status: int
    html: str

    def to_raw_document(self, source: str = WARC_SOURCE) -> RawDocument:
        """The page as a raw document (UTF-8 HTML) keyed by its URL, fetched at its capture time."""
        data = self.html.encode("utf-8")
        return RawDocument(
            source,
            SourceKind.WARC,
            self.url,
            self.captured_at,
            "text/html",
            data,
            sha256_hex(data),
            len(data),
            http_status=self.http_status,
            requested_url=self.url,
        )


@dataclass(frozen=True, slots=True)
class WarcSkip:
    """A record that is not a page (warcinfo, request, metadata, revisit, a redirect): not an error."""

    offset: int
    what: str


@dataclass(frozen=True, slots=True)
class WarcReject:
    """A record (or a run of bytes) that could not be read as a page; `reject.uri` is FILE#offset=N."""

    offset: int
    reject: Reject


WarcItem = WarcCapture | WarcSkip | WarcReject


def record_uri(warc_file: str, offset: int) -> str:
    """Where a record lies: the archive's URI and the record's byte offset in it."""
    return f"{warc_file}#offset={offset}"


def _reject(warc_file: str, offset: int, kind: str, reason: str) -> WarcReject:
    return WarcReject(offset, Reject(record_uri(warc_file, offset), "read", reason, kind=kind))


def read_archive(path: Path, warc_file: str, start: int = 0) -> Iterator[WarcItem]:
    """Every record of the archive at `path` from byte `start` on (a record's offset), in order.

    `warc_file` names the archive in lineage and rejects (its file URI or the URL it came from).
    """
    with path.open("rb") as stream:
        if _is_arc(stream):
            yield from _read_arc(stream, warc_file, start)
        elif _gzipped_file(stream) and not _gzipped_per_record(stream):
            # One gzip stream for many records: no offset of the file leads to a record. Read a
            # decompressed copy instead, whose offsets do (and are the offsets of this archive).
            scratch = path.parent if os.access(path.parent, os.W_OK) else None
            with tempfile.TemporaryDirectory(prefix="newsetl-warc-", dir=scratch) as folder:
                plain = Path(folder) / "archive.warc"
                size = _gunzip(stream, plain)
                with plain.open("rb") as inner:
                    yield from _read_warc(inner, warc_file, start, size)
        else:
            yield from _read_warc(stream, warc_file, start, os.fstat(stream.fileno()).st_size)


def _gzipped_per_record(stream: BinaryIO) -> bool:
    """Whether the archive's first gzip member holds one record only (each record its own member, as
    crawlers write them), read from the start of the member without decompressing more of it than that."""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    stream.seek(0)
    out = b""
    try:
        while not decompressor.eof and len(out) <= _MAX_FIRST_MEMBER:
            chunk = stream.read(_SCAN_CHUNK)
            if not chunk:
                break
            out += decompressor.decompress(chunk, _MAX_FIRST_MEMBER)
            if _WARC_LINE.search(out, 1):  # a second record starts inside the first member
                return False
    except zlib.error:
        return True  # damaged from the start: the record reader reports it
    finally:
        stream.seek(0)
    return decompressor.eof


def _gunzip(stream: BinaryIO, destination: Path) -> int:
    """Decompress every gzip member of `stream` into `destination`; its size. A member that ends early
    ends the copy (what came before it is still read)."""
    stream.seek(0)
    written = 0
    with destination.open("wb") as sink:
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            while chunk := stream.read(_SCAN_CHUNK):
                while chunk:
                    data = decompressor.decompress(chunk)
                    written += sink.write(data)
                    chunk = b""
                    if decompressor.eof:  # the next member follows
                        chunk = decompressor.unused_data
                        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        except zlib.error:
            pass
    return written


def _is_arc(stream: BinaryIO) -> bool:
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith(_GZIP_MEMBER):
        with suppress(zlib.error):
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 64)
    return head.startswith(b"filedesc://")


def _read_warc(stream: BinaryIO, warc_file: str, start: int, size: int) -> Iterator[WarcItem]:
    position: int | None = start
    # Broken bytes met so far and not reported yet: where they start, or the record they follow.
    broken_from: int | None = None
    gap_after: WarcItem | None = None
    problem = ""
    while position is not None:
        here = position
        stream.seek(here)
        last: WarcItem | None = None
        try:
            for record in ArchiveIterator(stream, parse_http=False):
                offset = record.stream_pos
                if broken_from is not None:
                    reason = f"bytes {broken_from:,} to {offset:,} are no readable WARC record ({problem})"
                    yield _reject(warc_file, broken_from, "corrupt_record", reason)
                elif gap_after is not None:
                    yield _gap(warc_file, gap_after.offset, offset, problem)
                broken_from = gap_after = None
                last = _item(record, offset, warc_file)
                yield last
            position = None
        except Exception as error:  # fastwarc stops at broken bytes; look for the next record after them
            problem = f"{type(error).__name__}: {error}"[:300]
            if last is None:  # the record at `position` itself cannot be read
                broken_from = here if broken_from is None else broken_from
                gap_after = None
                position = _next_record_start(stream, here + 1)
            else:
                # A record whose reject explains the break (a wrong Content-Length) needs no second one.
                gap_after = None if isinstance(last, WarcReject) else last
                position = _next_record_start(stream, last.offset + 1)
    if broken_from is not None:
        reason = f"bytes {broken_from:,} to {size:,} (the end) are no readable WARC record ({problem})"
        yield _reject(warc_file, broken_from, "truncated", reason)
    elif gap_after is not None:
        yield _gap(warc_file, gap_after.offset, size, problem)


def _gap(warc_file: str, after: int, until: int, problem: str) -> WarcReject:
    reason = f"unreadable bytes after the record at offset {after:,}, up to offset {until:,} ({problem})"
    reject = Reject(f"{warc_file}#offset={after}-{until}", "read", reason, kind="corrupt_record")
    return WarcReject(after, reject)


def _next_record_start(stream: BinaryIO, after: int) -> int | None:
    """The offset of the next place a record may start (a gzip member or a WARC/1.x line), or None."""
    gzipped = _gzipped_file(stream)
    position, carry = after, b""
    while True:
        stream.seek(position)
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            return None
        data, base = carry + chunk, position - len(carry)
        if gzipped:
            found = data.find(_GZIP_MEMBER)
            if found >= 0:
                return base + found
        elif match := _WARC_LINE.search(data):
            return base + match.start(1)
        carry = data[-16:]
        position += len(chunk)


def _gzipped_file(stream: BinaryIO) -> bool:
    where = stream.tell()
    stream.seek(0)
    gzipped = stream.read(3) == _GZIP_MEMBER
    stream.seek(where)
    return gzipped


def _item(record: WarcRecord, offset: int, warc_file: str) -> WarcItem:
    """One record as a capture, a skip or a reject; whatever goes wrong is a reject of this record."""
    try:
        return _classify(record, offset, warc_file)
    except Exception as error:
        return _reject(warc_file, offset, "unreadable", f"unexpected {type(error).__name__}: {error}"[:500])


def _classify(record: WarcRecord, offset: int, warc_file: str) -> WarcItem:
    kind = record.record_type
    if kind != WarcRecordType.response:
        return WarcSkip(offset, f"{record.headers.get('WARC-Type') or 'untyped'} record")
    declared = record.headers.get("Content-Length")
    if declared is None or not declared.strip().isdigit():
        return _reject(warc_file, offset, "truncated", "record headers are incomplete (no Content-Length)")
    length = int(declared)
    if length > MAX_PAGE_BYTES + 64 * 1024:
        return _reject(warc_file, offset, "too_large", f"record is {length:,} bytes, over the page limit")
    block = record.reader.read()
    if len(block) != length:
        reason = f"record is truncated: {len(block):,} of its {length:,} bytes are in the file"
        return _reject(warc_file, offset, "truncated", reason)
    digest = record.headers.get("WARC-Block-Digest")
    if digest and not _digest_matches(digest, block):
        reason = "record bytes do not match its WARC-Block-Digest (wrong Content-Length or damaged bytes)"
        return _reject(warc_file, offset, "corrupt_record", reason)
    head, separator, payload = block.partition(b"\r\n\r\n")
    if not separator:
        return _reject(warc_file, offset, "not_http", "response record holds no HTTP headers")
    status, headers = _http_head(head)
    return _page(
        warc_file,
        offset,
        record.record_id or f"<offset:{offset}>",
        record.headers.get("WARC-Target-URI") or "",
        record.record_date,
        status,
        headers,
        payload,
    )


def _digest_matches(digest: str, block: bytes) -> bool:
    """True when `block` matches a sha1/sha256 digest in base32 or hex; unknown algorithms pass."""
    algorithm, _, value = digest.strip().partition(":")
    name = algorithm.lower().replace("-", "")
    if name not in ("sha1", "sha256"):
        return True
    actual = hashlib.new(name, block).digest()
    value = value.strip()
    return value.upper() == base64.b32encode(actual).decode() or value.lower() == actual.hex()


def _http_head(head: bytes) -> tuple[int | None, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(None, 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return status, headers


def _page(
    warc_file: str,
    offset: int,
    record_id: str,
    url: str,
    captured_at: datetime,
    status: int | None,
    headers: dict[str, str],
    payload: bytes,
) -> WarcItem:
    """An HTTP answer as a capture (2xx HTML), a skip (other statuses) or a reject (unusable page)."""
    if status is None:
        return _reject(warc_file, offset, "not_http", "response record has no HTTP status line")
    if not 200 <= status < 300:
        return WarcSkip(offset, f"HTTP {status}")
    if not url.lower().startswith(("http://", "https://")):
        return _reject(warc_file, offset, "invalid_url", f"target URI {url[:200]!r} is not a web address")
    content_type = headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media not in HTML_TYPES and not (
        not media and payload.lstrip()[:15].lower().startswith(b"<!doctype html")
    ):
        shown = media or "no Content-Type"
        return _reject(warc_file, offset, "not_html", f"payload is {shown}, not an HTML page")
    try:
        payload = _decoded(payload, headers)
    except BodyError as error:
        return _reject(warc_file, offset, "decoding", f"payload cannot be decoded: {error}")
    if not payload or payload.isspace():
        return _reject(warc_file, offset, "empty", "empty page")
    charset = _declared_charset(content_type, payload)
    codec = _codec(charset) if charset else None
    html = _utf8(payload) if codec in (None, "utf-8") and not payload.startswith(_UTF16_MARKS) else None
    if html is None:  # declared otherwise, or not UTF-8 after all: the fetcher's rules choose
        if charset and codec is None:
            return _reject(warc_file, offset, "unknown_encoding", f"unknown text encoding {charset[:40]!r}")
        html = payload.decode(choose_encoding(payload, charset), errors="replace")
    captured = captured_at if captured_at.tzinfo else captured_at.replace(tzinfo=UTC)
    return WarcCapture(warc_file, offset, record_id, url, captured.astimezone(UTC), status, html)


def _declared_charset(content_type: str, payload: bytes) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    found = _META_CHARSET.search(payload[:4096])
    return found.group(1).decode("ascii") if found else None


def _codec(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip()).name
    except LookupError:
        return None


def _utf8(payload: bytes) -> str | None:
    """The payload read as UTF-8 (most pages are, whatever they declare: one decode, the fast path)."""
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _decoded(payload: bytes, headers: dict[str, str]) -> bytes:
    """The payload without its transfer and content encodings. Some crawlers store the payload decoded
    but keep the headers that said how it was sent: a payload that is not chunked or not compressed after
    all, yet starts like a page, is kept as it is."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        with suppress(ValueError):
            payload = _unchunk(payload)
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity") or (payload.lstrip()[:1] == b"<" and not payload.startswith(b"\x1f\x8b")):
        return payload
    decoder = BodyDecoder(encoding, MAX_PAGE_BYTES)
    return decoder.feed(payload) + decoder.flush()


def _unchunk(payload: bytes) -> bytes:
    """A chunked transfer-encoded body, joined; ValueError when the framing is broken."""
    parts: list[bytes] = []
    position = 0
    while True:
        end = payload.index(b"\r\n", position)
        size = int(payload[position:end].split(b";")[0].strip() or b"x", 16)
        if size == 0:
            return b"".join(parts)
        parts.append(payload[end + 2 : end + 2 + size])
        position = end + 2 + size + 2


def _read_arc(stream: BinaryIO, warc_file: str, start: int) -> Iterator[WarcItem]:
    """ARC files (the Internet Archive's format before WARC), through warcio. Broken bytes end the file
    with a reject at their offset: ARC has no record marker to look for."""
    from warcio.archiveiterator import ArchiveIterator as WarcioIterator

    stream.seek(start)
    iterator = WarcioIterator(stream, arc2warc=True)
    offset = start
    try:
        for record in iterator:
            # The payload as served (warcio would undo Content-Encoding; _page does that itself), read
            # before the offset is asked for: warcio's get_record_offset ends the record's stream.
            payload = record.raw_stream.read()
            offset = iterator.get_record_offset()  # from the start of the file, even after a seek
            if record.rec_type != "response":
                yield WarcSkip(offset, f"{record.rec_type} record")
                continue
            http = record.http_headers
            headers = {name.lower(): value for name, value in (http.headers if http else [])}
            status = int(http.get_statuscode()) if http and http.get_statuscode().isdigit() else None
            date = record.rec_headers.get_header("WARC-Date") or ""
            yield _page(
                warc_file,
                offset,
                f"<arc:{offset}>",
                record.rec_headers.get_header("WARC-Target-URI") or "",
                datetime.fromisoformat(date.replace("Z", "+00:00")) if date else datetime.now(UTC),
                status,
                headers,
                payload,
            )
    except Exception as error:
        reason = (
            f"ARC record cannot be read ({type(error).__name__}: {error}"[:300] + "); the rest is skipped"
        )
        yield _reject(warc_file, offset, "corrupt_record", reason)


def cheap_text(html: str) -> str:
    """The page's title and visible text without markup, scripts or styles: what the topic prefilter
    reads. A superset of the article text extraction will find, at a fraction of its cost."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(list(_NOT_TEXT))
    root = tree.body or tree.root
    title = tree.css_first("title")
    text = root.text(separator=" ") if root is not None else ""
    return f"{title.text() if title is not None else ''}\n{text}"


def is_remote(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


async def download_archive(
    fetcher: Fetcher, url: str, folder: Path, max_bytes: int, allow_private_addresses: bool = False
) -> tuple[Path | None, FetchResult]:
    """Fetch an archive through `fetcher` (address guard, robots.txt, retries, size cap) into a new file
    in `folder`; the path is None when the fetch failed (the result says why)."""
    handle, name = tempfile.mkstemp(prefix="archive-", suffix=Path(url.split("?")[0]).suffix, dir=folder)
    os.close(handle)
    path = Path(name)
    with path.open("wb") as sink:
        result = await fetcher.download(
            url, sink, max_bytes=max_bytes, allow_private_addresses=allow_private_addresses
        )
    if not result.ok:
        path.unlink(missing_ok=True)
        return None, result
    return path, result


# Common Crawl's news archive: each month's files are listed in BASE/crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz,
# one path a line (crawl-data/CC-NEWS/2024/01/CC-NEWS-20240101002957-01499.warc.gz: when the file was
# started, UTC, and a serial number); BASE + path is the file.
CC_NEWS_BASE = "https://data.commoncrawl.org/"
_CC_NEWS_FILE = re.compile(r"CC-NEWS-(\d{8})\d{6}-\d+\.warc\.gz$")


def cc_news_listing_urls(since: date, until: date, base: str = CC_NEWS_BASE) -> list[str]:
    """The monthly listings (warc.paths.gz) that cover the days from `since` to `until`."""
    months, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{base}crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def cc_news_archives(listing: bytes, since: date, until: date, base: str = CC_NEWS_BASE) -> list[str]:
    """The URLs of a listing's files started on a day from `since` to `until` (gzipped or plain listing)."""
    if listing.startswith(_GZIP_MEMBER):
        listing = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(listing, 64 * 1024 * 1024)
    wanted = (since.strftime("%Y%m%d"), until.strftime("%Y%m%d"))
    urls = []
    for line in listing.decode("utf-8", errors="replace").splitlines():
        found = _CC_NEWS_FILE.search(line.strip())
        if found and wanted[0] <= found.group(1) <= wanted[1]:
            urls.append(base + line.strip().lstrip("/"))
    return urls


async def list_cc_news(
    fetcher: Fetcher,
    since: date,
    until: date,
    base: str = CC_NEWS_BASE,
    allow_private_addresses: bool | None = None,
) -> tuple[list[str], list[Reject]]:
    """The CC-NEWS files of the days from `since` to `until`, in order, read from the monthly listings
    through `fetcher`; a listing that cannot be fetched is a reject."""
    urls: list[str] = []
    rejects: list[Reject] = []
    for listing_url in cc_news_listing_urls(since, until, base):
        result = await fetcher.fetch(
            listing_url, accept=("*",), allow_private_addresses=allow_private_addresses
        )
        if not result.ok or result.content is None:
            rejects.append(result.to_reject())
            continue
        urls += cc_news_archives(result.content, since, until, base)
    return urls, rejects
