"""Bad inputs in one batch: each becomes a rejects row with its reason, and the rest of the batch loads.

Invalid feed XML, a 100k-URL sitemap and redirect loops belong to the web layer and are covered there:
tests/extract/test_feeds.py (test_malformed_xml_is_a_clear_error), tests/extract/test_sitemaps.py
(test_a_100k_url_gzipped_sitemap_is_bounded_work) and tests/extract/test_http.py
(test_a_redirect_loop_is_a_clear_error, test_too_many_redirects).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.faults.conftest import Ledger, integrity, jsonl_uris, lost_rows, raw_uris, write_news
from warehouse.connection import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")

NO_TEXT_PAGE = (
    "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
    "<footer>Copyright</footer></body></html>"
)


def test_each_bad_input_is_rejected_with_its_reason_and_the_rest_loads(
    tmp_path: Path, db_path: Path, ledger: Ledger
) -> None:
    inbox = tmp_path / "in"
    good = write_news(inbox, 20, seed=12, name="good.jsonl")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (inbox / "latin1.txt").write_bytes(
        "Caf\u00e9 news\n\nA body written in Latin-1, not UTF-8.".encode("latin-1")
    )
    with (inbox / "huge.txt").open("wb") as handle:  # 50 MB of text, over the 10 MB default cap
        handle.write(b"Qwen and Ernie news, repeated for fifty megabytes. " * (50 * 1024 * 1024 // 51 + 1))
    (inbox / "no-text.html").write_text(NO_TEXT_PAGE, encoding="utf-8")
    lines = [
        json.dumps(
            {"url": "https://ok.example/1", "title": "Fine", "text": "Doubao gains weekly users fast."}
        ),
        '{"url": "https://broken.example/1", "text": ',
        "not json at all",
        json.dumps(["an", "array"]),
        json.dumps({"url": "https://empty.example/1", "title": "No text"}),
    ]
    (inbox / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    summary = ingest([str(inbox)], db=str(db_path))

    reasons = {r.uri.rsplit("/", 1)[-1]: (r.stage, r.reason) for r in summary.rejects}
    assert reasons["empty.txt"] == ("read", "empty document")
    assert reasons["binary.txt"][1].startswith("binary content, not text")
    assert reasons["latin1.txt"][1].startswith("not valid UTF-8")
    assert reasons["huge.txt"][0] == "read"
    assert "over the 10,485,760-byte limit" in reasons["huge.txt"][1]
    assert reasons["no-text.html"] == ("extract", reasons["no-text.html"][1])
    assert reasons["no-text.html"][1].startswith("no main text found")
    assert reasons["mixed.jsonl#line=2"][1].startswith("invalid JSON")
    assert reasons["mixed.jsonl#line=3"][1].startswith("invalid JSON")
    assert reasons["mixed.jsonl#line=4"][1] == "expected a JSON object, got list"
    assert reasons["mixed.jsonl#line=5"][1].startswith("JSON object has no text")
    assert len(summary.rejects) == 9

    # The good documents all loaded: the generated news and the first JSONL line.
    report = integrity(db_path)
    assert report.ok, report.describe()
    assert report.rejected_documents == 9
    assert report.articles + report.duplicates == good + 1
    # Every input is stored raw, the huge file too, as a row without its bytes.
    expected = (
        jsonl_uris(inbox / "good.jsonl")
        | jsonl_uris(inbox / "mixed.jsonl")
        | {
            (inbox / name).resolve().as_uri()
            for name in ("empty.txt", "binary.txt", "latin1.txt", "huge.txt")
        }
        | {(inbox / "no-text.html").resolve().as_uri()}
    )
    assert raw_uris(db_path) == expected
    with connect(db_path, read_only=True) as connection:
        huge = connection.execute(
            "SELECT content IS NULL, size_bytes FROM raw_documents WHERE uri LIKE '%huge.txt'"
        ).fetchone()
        stored = connection.execute(
            "SELECT count(*) FROM rejects WHERE reason IS NULL OR reason = ''"
        ).fetchone()
    assert huge is not None and huge[0] and huge[1] > 50_000_000
    assert stored == (0,)
    ledger.record(inputs=len(expected), lost=lost_rows(expected, db_path))
