from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extract.documents import extract_document
from extract.files import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS_PER_FILE,
    MAX_JSON_DEPTH,
    discover_files,
    json_depth,
    read_file,
)
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


def deep_json(levels: int) -> str:
    return '{"text": ' + "[" * levels + "]" * levels + "}"


def test_a_symlink_loop_or_broken_link_is_a_reject_not_a_failure(tmp_path: Path) -> None:
    (tmp_path / "loop1.txt").symlink_to(tmp_path / "loop2.txt")
    (tmp_path / "loop2.txt").symlink_to(tmp_path / "loop1.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    good = write(tmp_path / "good.txt", "x")
    files, rejects = discover_files([tmp_path / "loop1.txt", tmp_path])
    assert files == [good.resolve()]
    reasons = sorted((Path(r.uri).name, r.reason) for r in rejects)
    assert reasons == [
        ("dangling.txt", "broken symbolic link: it points to nothing"),
        ("loop1.txt", "symbolic link loop: the link never reaches a file"),
        ("loop2.txt", "symbolic link loop: the link never reaches a file"),
    ]
    with pytest.raises(ReadError, match="symbolic link loop"):
        read_file(tmp_path / "loop1.txt", NOW)


def test_a_fifo_is_refused_and_never_opened(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    os.mkfifo(tmp_path / "inside.json")
    files, rejects = discover_files([fifo, tmp_path])
    assert files == []
    assert {(Path(r.uri).name, r.reason) for r in rejects} == {
        (name, "not a regular file (a FIFO): newsetl reads regular files and folders only")
        for name in ("pipe.txt", "inside.json")
    }
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_file(fifo, NOW)
        except ReadError as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # it opened the FIFO and waits for a writer: unblock it, then fail
        with fifo.open("w"):
            pass
        pytest.fail("read_file opened a FIFO and blocked on it")
    assert "not a regular file (a FIFO)" in str(outcome[0])


def test_json_nested_too_deep_is_refused_without_parsing(tmp_path: Path) -> None:
    [deep] = read_file(write(tmp_path / "deep.json", deep_json(200_000)), NOW)
    assert deep.content is None and deep.uri.endswith("deep.json")
    assert deep.refused_reason == f"JSON nested 200,001 levels deep, over the limit of {MAX_JSON_DEPTH}"
    with pytest.raises(ReadError, match="nested 200,001 levels deep"):
        extract_document(deep)
    [fine] = read_file(write(tmp_path / "fine.json", deep_json(MAX_JSON_DEPTH - 1)), NOW)
    assert fine.refused_reason is None


def test_a_jsonl_line_nested_too_deep_is_refused_alone(tmp_path: Path) -> None:
    lines = ['{"text": "one"}', deep_json(100_000), '{"text": "three"}']
    docs = read_file(write(tmp_path / "a.jsonl", "\n".join(lines)), NOW)
    assert [d.uri.rsplit("#", 1)[1] for d in docs] == ["line=1", "line=2", "line=3"]
    assert [d.refused_reason is not None for d in docs] == [False, True, False]
    assert "nested 100,001 levels deep" in (docs[1].refused_reason or "")


def test_json_depth_skips_brackets_inside_strings() -> None:
    text = json.dumps({"text": "[" * 500 + "}" * 500, "tags": [["a"], {"b": [1]}]})
    assert json_depth(text.encode()) == 4  # the object, tags, {"b": ...}, [1]
    assert json_depth(b"[]") <= 2


def test_a_file_of_too_many_documents_is_one_reject(tmp_path: Path) -> None:
    import time

    started = time.perf_counter()
    numbers = write(tmp_path / "numbers.json", json.dumps(list(range(100_000))))
    [array] = read_file(numbers, NOW)
    assert time.perf_counter() - started < 5
    assert array.content is None and array.uri == numbers.resolve().as_uri()
    assert array.refused_reason == (
        f"file holds 100,000 array items, over the limit of {MAX_DOCUMENTS_PER_FILE:,} documents per file: "
        "split it into several files"
    )
    lines = write(tmp_path / "many.jsonl", '{"text": "x"}\n' * (MAX_DOCUMENTS_PER_FILE + 1))
    [jsonl] = read_file(lines, NOW)
    assert "file holds 10,001 lines, over the limit" in (jsonl.refused_reason or "")
    at_limit = write(tmp_path / "ok.jsonl", '{"text": "x"}\n' * MAX_DOCUMENTS_PER_FILE)
    assert len(read_file(at_limit, NOW)) == MAX_DOCUMENTS_PER_FILE


def test_a_document_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    huge = write(tmp_path / "huge.txt", "Title\n\n" + "word " * (MAX_DOCUMENT_BYTES // 5 + 1))
    [doc] = read_file(huge, NOW)
    assert doc.content is None
    assert "over the 1,048,576-byte limit for one article" in (doc.refused_reason or "")
    body = "word " * (MAX_DOCUMENT_BYTES // 5 - 10)
    [ok] = read_file(write(tmp_path / "ok.txt", body), NOW)
    assert ok.refused_reason is None and ok.content == body.encode()
    item = {"text": "word " * (MAX_DOCUMENT_BYTES // 5 + 1)}
    big, small = read_file(write(tmp_path / "a.json", json.dumps([item, {"text": "x"}])), NOW)
    assert big.refused_reason and not small.refused_reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_text_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    text = "Qwen comes to iPhone\n\nApple will use Alibaba's models in China, 中国."
    data = text.encode(encoding)
    if not encoding.endswith(("16", "32")):  # the -be codecs write no byte order mark
        data = ("\ufeff" + text).encode(encoding)
    [doc] = read_file(write(tmp_path / "a.txt", data), NOW)
    extracted = extract_document(doc)
    assert extracted.title == "Qwen comes to iPhone"
    assert extracted.text.strip() == "Apple will use Alibaba's models in China, 中国."


def test_binary_bytes_behind_a_byte_order_mark_are_still_rejected(tmp_path: Path) -> None:
    [doc] = read_file(write(tmp_path / "a.txt", b"\xff\xfe" + b"\x01\x00\x00\x00\x02\x00" * 50), NOW)
    with pytest.raises(ReadError, match="binary content"):
        extract_document(doc)
    [odd] = read_file(write(tmp_path / "b.txt", b"\xfe\xff" + bytes(range(256)) * 4 + b"\xd8\x00"), NOW)
    with pytest.raises(ReadError, match="not valid UTF-16-BE"):
        extract_document(odd)
