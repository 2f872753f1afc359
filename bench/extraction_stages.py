"""Where extraction spends its time: CPU milliseconds a page for each stage, on the golden pages.

    python -m bench.extraction_stages

Stages, each timed apart on the same 72 pages (tests/extract/golden/), best of 3 rounds, one process:
parse (`extract.pages.parse_page`, the one lxml tree), metadata (`page_metadata` on that tree), body
(`extract.readings.read_main_text` on it), clean (`transform.cleaning.clean_document`), then the whole
`extract_document` + `clean_document` and `trafilatura.extract(html)` alone for comparison. The CJK
segmenters are loaded before timing, as a long-running process has them. Run it pinned to one core
(`taskset -c 1`); on a shared machine, figures move by some 15% between runs.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime

import trafilatura

from bench.extraction import FETCHED_AT, load_golden
from extract.documents import decode_text, extract_document
from extract.pages import PageMetadata, page_metadata, parse_page
from extract.readings import read_main_text
from transform.cleaning import clean_document
from transform.errors import TerminalError
from transform.records import ExtractedDocument, RawDocument, SourceKind, sha256_hex
from transform.segmentation import word_count

ROUNDS = 3


def measure() -> dict[str, float]:
    """Milliseconds a page for each stage (best of ROUNDS)."""
    pages = load_golden()
    raws = [
        RawDocument(
            "golden",
            SourceKind.URL,
            f"https://golden.example/{page.name}",
            FETCHED_AT,
            "text/html",
            page.html,
            sha256_hex(page.html),
            len(page.html),
        )
        for page in pages
    ]
    htmls = [decode_text(page.html) for page in pages]
    word_count("日本語の文です。中文的句子")  # load the segmenters once
    trees = [tree for html in htmls if (tree := parse_page(html)) is not None]
    metas: list[PageMetadata] = [page_metadata(tree, None, FETCHED_AT) for tree in trees]
    documents: list[ExtractedDocument] = [extract_document(raw) for raw in raws]

    def whole() -> None:
        for raw in raws:
            with contextlib.suppress(TerminalError):  # a rejected page costs what it cost
                clean_document(extract_document(raw))

    stages: dict[str, Callable[[], object]] = {
        "parse (one lxml tree)": lambda: [parse_page(html) for html in htmls],
        "metadata (on the tree)": lambda: [page_metadata(tree, None, FETCHED_AT) for tree in trees],
        "body by evidence (on the tree)": lambda: [
            read_main_text(tree, meta.article_body) for tree, meta in zip(trees, metas, strict=True)
        ],
        "clean": lambda: [clean_document(document) for document in documents],
        "extract + clean, whole": whole,
        "trafilatura.extract alone": lambda: [trafilatura.extract(html) for html in htmls],
    }
    return {name: _best_ms(stage, len(pages)) for name, stage in stages.items()}


def _best_ms(stage: Callable[[], object], pages: int) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.process_time()
        stage()
        times.append(time.process_time() - start)
    return 1000 * min(times) / pages


def main() -> None:
    figures = measure()
    for name, ms in figures.items():
        print(f"{name:34s} {ms:6.1f} ms/page")
    whole, alone = figures["extract + clean, whole"], figures["trafilatura.extract alone"]
    print(f"extract + clean: {1000 / whole:.1f} pages/s, {alone / whole:.2f}x trafilatura.extract alone")
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
