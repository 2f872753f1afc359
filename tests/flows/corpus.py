"""A small dirty corpus written by the tests, with known expected outcomes."""

from __future__ import annotations

import json
from pathlib import Path

STORY_A = (
    "Qwen models head to iPhones in China\n\n"
    "Apple will rely on Alibaba Cloud's Qwen models for its assistant features in mainland China.\n"
    "Advertisements\n"
    "The partners expect regulators to review the service before launch.\n"
    "  ADVERTISEMENTS  \n"
)
STORY_B = (
    "Alibaba lifts its AI budget\n\nAlibaba said it will spend more on data centres for model training.\n"
)
STORY_C = (
    "Baidu answers with Ernie upgrades\n\nBaidu released faster versions of its Ernie models on Monday.\n"
)


def write_corpus(root: Path) -> dict[str, int]:
    """Write the corpus under `root` and return the counts one ingest of it must report."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text(STORY_A, encoding="utf-8")
    (root / "a-copy.txt").write_text(STORY_A, encoding="utf-8")  # byte-identical copy
    (root / "a-respaced.txt").write_text(STORY_A.replace("\n", "\n\n").replace(" ", "  "), encoding="utf-8")
    (root / "b.txt").write_text(STORY_B, encoding="utf-8")
    nested = root / "more"
    nested.mkdir()
    (nested / "c.txt").write_text(STORY_C, encoding="utf-8")
    lines = [
        json.dumps(
            {"url": "https://news.example.com/qwen?utm_source=x", "title": "Q", "text": "Qwen 3 is out."}
        ),
        '{"url": "https://news.example.com/broken", "text": ',
        json.dumps({"url": "https://NEWS.example.com/qwen#comments", "text": "Qwen 3 is out, updated."}),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (root / "latin1.txt").write_bytes("Caf\u00e9 news\n\nA body in Latin-1.".encode("latin-1"))
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    return {
        # a, a-copy, a-respaced, b, c, 3 JSONL lines, empty, image, latin1 (the .pdf is not a document)
        "documents_seen": 11,
        "new_articles": 4,  # a, b, c, the first JSONL line
        # the third JSONL line: the first line's canonical URL with another text
        "new_versions": 1,
        # a-copy and a-respaced (same body)
        "exact_duplicates": 2,
        # broken JSONL line, empty, image, latin1, notes.pdf
        "rejected": 5,
    }
