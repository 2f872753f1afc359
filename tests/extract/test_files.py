from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extract.files import discover_files, read_file
from transform.errors import ReadError

NOW = datetime(2025, 2, 13, 8, 0, tzinfo=UTC)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_discover_walks_folders_skips_hidden_and_reports_unsupported(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "x")
    write(tmp_path / "sub" / "b.HTML", "x")
    write(tmp_path / "sub" / "c.jsonl", "x")
    write(tmp_path / ".hidden" / "d.txt", "x")
    write(tmp_path / ".DS_Store", "x")
    write(tmp_path / "report.pdf", "x")
    files, rejects = discover_files([tmp_path, tmp_path / "missing.txt"])
    assert [f.name for f in files] == ["a.txt", "b.HTML", "c.jsonl"]
    reasons = {Path(r.uri).name: r.reason for r in rejects}
    assert reasons["report.pdf"].startswith("unsupported file type '.pdf'")
    assert reasons["missing.txt"] == "no such file or folder"
    assert all(r.stage == "discover" and r.doc_id is None for r in rejects)


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "x")
    files, _ = discover_files([path, tmp_path])
    assert files == [path.resolve()]


def test_text_file_is_one_document_identified_by_uri_and_content(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Title\n\nBody.")
    [doc] = read_file(path, NOW)
    assert doc.uri == path.resolve().as_uri()
    assert doc.content == b"Title\n\nBody."
    assert doc.content_type == "text/plain"
    assert doc.size_bytes == 12
    assert doc.fetched_at == NOW
    [again] = read_file(path, NOW)
    assert again.doc_id == doc.doc_id
    write(path, "Title\n\nBody, edited.")
    [edited] = read_file(path, NOW)
    assert edited.doc_id != doc.doc_id


def test_jsonl_is_one_document_per_non_blank_line(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", '{"text": "one"}\n\n{broken\n{"text": "three"}\n')
    docs = read_file(path, NOW)
    assert [d.uri.rsplit("#", 1)[1] for d in docs] == ["line=1", "line=3", "line=4"]
    assert docs[1].content == b"{broken"
    assert {d.content_type for d in docs} == {"application/json"}


def test_json_array_is_one_document_per_element(tmp_path: Path) -> None:
    path = write(tmp_path / "a.json", json.dumps([{"text": "one"}, {"text": "two"}]))
    docs = read_file(path, NOW)
    assert [d.uri.rsplit("#", 1)[1] for d in docs] == ["item=1", "item=2"]
    assert json.loads(docs[1].content or b"") == {"text": "two"}


def test_json_object_and_invalid_json_stay_one_document(tmp_path: Path) -> None:
    assert len(read_file(write(tmp_path / "a.json", '{"text": "x"}'), NOW)) == 1
    [bad] = read_file(write(tmp_path / "b.json", "[{oops"), NOW)
    assert bad.content == b"[{oops"


def test_oversized_file_is_recorded_without_its_content(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", b"a" * 2048)
    [doc] = read_file(path, NOW, max_bytes=1024)
    assert doc.content is None
    assert doc.size_bytes == 2048
    assert doc.refused_reason == "file is 2,048 bytes, over the 1,024-byte limit"
    assert len(doc.sha256) == 64


def test_unreadable_file_raises_read_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "x")
    path.unlink()
    with pytest.raises(ReadError, match="cannot read file"):
        read_file(path, NOW)
