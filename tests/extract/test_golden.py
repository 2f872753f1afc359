"""The extraction gate: newsetl on the golden pages (tests/extract/golden/) must not fall below baseline.json.

Each figure (body token 4-gram F1, title exact, authors F1, date right; see bench/extraction.py) is
compared with its floor minus the tolerance, so a change in extract/, transform/cleaning.py or a library
upgrade (trafilatura, lxml, dateparser) that loses quality fails here with the figures printed. After a
real improvement, raise the floors: `python -m bench.extraction --write-baseline`.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bench.extraction import (
    GOLDEN,
    GoldenPage,
    authors_f1,
    body_precision_recall,
    date_right,
    load_golden,
    newsetl_predict,
    per_page,
    score,
    title_matches,
    trafilatura_predict,
)

BASELINE = GOLDEN / "baseline.json"


@pytest.fixture(scope="module")
def pages() -> list[GoldenPage]:
    return load_golden()


def test_every_page_has_its_source_its_expectations_and_a_licence(pages: list[GoldenPage]) -> None:
    folder = GOLDEN / "pages"
    sources = {path.name.removesuffix(".html.gz") for path in folder.glob("*.html.gz")}
    assert sources == {page.name for page in pages}
    assert len(pages) >= 40
    licence = (GOLDEN / "LICENSE-readability.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence
    for page in pages:
        assert page.name in licence, f"{page.name} is not attributed in LICENSE-readability.txt"
        assert page.title and page.title in page.titles and len(page.body.split()) >= 10
        assert page.html.lstrip().startswith((b"<", b"\xef\xbb\xbf")), page.name
    # gzip without a timestamp, so rebuilding the set gives the same bytes
    assert all(path.read_bytes()[4:8] == b"\0\0\0\0" for path in folder.glob("*.html.gz"))
    assert gzip.decompress((folder / "nytimes-1.html.gz").read_bytes())


def test_newsetl_keeps_its_figures_on_the_golden_pages(pages: list[GoldenPage]) -> None:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    figures = score(pages, newsetl_predict).figures()
    print("\ngolden pages, newsetl extract+clean:", json.dumps(figures, ensure_ascii=False))
    assert figures["pages"] == baseline["pages"], "pages were added or removed: rebuild baseline.json"
    tolerance = baseline["tolerance"]
    lost = {
        key: (figures[key], floor)
        for key, floor in baseline["floors"].items()
        if figures[key] < floor - tolerance
    }
    if lost:
        rows = per_page(pages, newsetl_predict)
        field = {"title_exact": "title", "authors_f1": "authors", "date_right": "date"}
        misses = {
            key: [f"{row['page']}: {row[field[key]]}" for row in rows if row[field[key]] != "ok"]
            if key in field
            else [
                f"{row['page']}: P {row['precision']} R {row['recall']}"
                for row in rows
                if row["recall"] < 0.8
            ]
            for key in lost
        }
        pytest.fail(f"below the golden baseline (figure, floor): {lost}; pages that missed: {misses}")


def test_body_overlap_counts_4_word_shingles() -> None:
    expected = "one two three four five six seven eight"
    assert body_precision_recall(expected, expected) == (1.0, 1.0)
    # half the text: every shingle found is right, 2 of the 5 wanted ones are found
    assert body_precision_recall("one two three four five", expected) == (1.0, 0.4)
    assert body_precision_recall("", expected) == (0.0, 0.0)
    precision, recall = body_precision_recall(expected + " menu home login about", expected)
    assert recall == 1.0 and precision == pytest.approx(5 / 9)
    # each CJK character is a word
    assert body_precision_recall("宇航员在太空", "宇航员在太空") == (1.0, 1.0)
    assert body_precision_recall("宇航员在", "宇航员在太空")[1] == pytest.approx(1 / 3)


def test_names_titles_and_dates_are_compared_as_documented() -> None:
    assert authors_f1(["BRADLEY M KUHN"], ["Bradley M. Kuhn"]) == 1.0
    assert authors_f1(["Richard Eskow"], ["Richard (R.J.) Eskow"]) == 1.0
    assert authors_f1(["Stella Kim"], ["Stella Kim", "Jennifer Jett"]) == pytest.approx(2 / 3)
    assert authors_f1([], []) == 1.0 and authors_f1(["Desk"], []) == 0.0
    assert title_matches("A  headline\u00a0here", ["A headline here"])
    assert not title_matches("A headline here | Site", ["A headline here"])
    stated = "2016-12-01T23:29:49.000Z"
    assert date_right(datetime(2016, 12, 1, 23, 29, tzinfo=UTC), stated)
    assert date_right(date(2016, 12, 1), stated) and not date_right(date(2016, 12, 2), stated)
    assert date_right(date(2016, 12, 2), stated, ["2016-12-02"])
    assert not date_right(None, stated)


def test_the_benchmark_reads_trafilatura_on_a_golden_page(pages: list[GoldenPage]) -> None:
    """bench/extraction.py's other side, on one page, so it cannot rot between bench runs."""
    page = next(page for page in pages if page.name == "nytimes-1")
    found = trafilatura_predict(page)
    assert body_precision_recall(found.body, page.body)[1] > 0.5
    assert found.title == page.title and date_right(found.published, page.published)


def test_the_build_script_documents_every_page(pages: list[GoldenPage]) -> None:
    script = (Path(__file__).resolve().parents[2] / "scripts" / "build_golden.py").read_text(encoding="utf-8")
    for page in pages:
        assert f'"{page.name}":' in script, page.name
