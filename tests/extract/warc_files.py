"""Small web archives for tests, written with warcio (the archives newsetl reads are written by crawlers).

Pages are made up here: an on-topic page names Apple and its AI assistant, an off-topic one a city bridge.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ON_TOPIC = "Apple said its AI assistant Siri will summarise long message threads on the iPhone"
OFF_TOPIC = "The city council said the new bridge over the river will open to traffic in the spring"


def article_html(number: int, on_topic: bool, charset: str = "utf-8") -> str:
    subject = ON_TOPIC if on_topic else OFF_TOPIC
    paragraphs = "".join(
        f"<p>{subject}, according to statement number {number}. Part {part} adds that the engineers "
        f"tested the plan for {part + 3} months before anyone outside the team heard of it.</p>"
        for part in range(5)
    )
    return (
        f"<html><head><meta charset='{charset}'><title>Story {number}: {subject[:30]}</title></head>"
        f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Story {number}</h1>"
        f"{paragraphs}</article><footer>Contact the newsroom</footer></body></html>"
    )


@dataclass(frozen=True)
class Record:
    """One record to write: a response (with an HTTP status and Content-Type) or another WARC type."""

    url: str
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    warc_type: str = "response"
    headers: tuple[tuple[str, str], ...] = ()


def page(number: int, on_topic: bool) -> Record:
    return Record(f"https://news.example.com/2024/01/story-{number}", article_html(number, on_topic).encode())


def write_warc(path: Path, records: list[Record]) -> list[int]:
    """Write the records (gzipped per record when the name ends in .gz); returns each record's offset."""
    offsets = []
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        for record in records:
            offsets.append(stream.tell())
            if record.warc_type == "response":
                sent = [("Content-Type", record.content_type), *record.headers]
                http = StatusAndHeaders(record.status, sent, protocol="HTTP/1.1")
                made = writer.create_warc_record(
                    record.url, "response", payload=io.BytesIO(record.body), http_headers=http
                )
            else:
                made = writer.create_warc_record(
                    record.url, record.warc_type, payload=io.BytesIO(record.body)
                )
            writer.write_record(made)
    return offsets


def write_arc(path: Path, records: list[Record]) -> list[int]:
    """An ARC file (version 1), written by hand: warcio reads ARC but does not write it."""
    meta = b"1 0 newsetl-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    data = (
        b"filedesc://%s 0.0.0.0 20240101000000 text/plain %d\n" % (path.name.encode(), len(meta))
        + meta
        + b"\n"
    )
    offsets = []
    for record in records:
        block = (
            f"HTTP/1.1 {record.status}\r\nContent-Type: {record.content_type}\r\n\r\n".encode() + record.body
        )
        offsets.append(len(data))
        data += (
            b"%s 10.0.0.1 20240101120000 text/html %d\n" % (record.url.encode(), len(block)) + block + b"\n"
        )
    path.write_bytes(data)
    return offsets
