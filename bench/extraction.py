"""Extraction quality and speed on the golden pages (tests/extract/golden/), newsetl beside trafilatura.

    python -m bench.extraction                   # prints the table and the JSON figures
    python -m bench.extraction --pages           # where each extractor lost, page by page
    python -m bench.extraction --write-baseline  # newsetl's figures now become the CI gate's floors

Both run in this process, on the same pages, one core:
- newsetl: `extract_document` then `clean_document` (what the pipeline stores: body, title, authors, date);
- trafilatura: `trafilatura.extract(html)` with its default settings for the body, and
  `trafilatura.bare_extraction(html, with_metadata=True)` for title, author and date.

Figures (the scoring functions are shared with tests/extract/test_golden.py, the CI gate):
- body precision / recall / F1 on token 4-grams, the article-extraction-benchmark metric: words (each
  CJK character is a word) in 4-word shingles, counted as multisets; P and R are the means over pages,
  F1 is the harmonic mean of those means; a page with no text scores 0;
- title exact: the share of pages whose title is one of the headlines the page gives itself;
- authors set F1: per page F1 of the name sets (names compared case-, accent- and punctuation-blind
  except letters, parentheses dropped); 1.0 when both are empty; averaged over every page;
- date right: the share of pages whose publication date falls on the expected calendar day (in the
  page's own time zone or in UTC);
- pages/s on one core: CPU seconds over all pages, best of three rounds (extract+clean for newsetl,
  `trafilatura.extract` alone for trafilatura), with the wall-clock rate beside it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "extract" / "golden"
# The pages were saved years ago; every date they state is before this, so none is "from the future".
FETCHED_AT = datetime(2025, 6, 1, tzinfo=UTC)
ROUNDS = 3

# A CJK ideograph or kana is a word of its own (those scripts write no spaces); other words are \w runs.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")


@dataclass(frozen=True, slots=True)
class GoldenPage:
    name: str
    html: bytes
    title: str | None
    titles: tuple[str, ...]
    authors: tuple[str, ...]
    published: str | None
    published_also: tuple[str, ...]
    body: str


@dataclass(frozen=True, slots=True)
class Prediction:
    """What one extractor found on one page; `failed` holds the reason when it found nothing."""

    body: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | date | None = None
    failed: str | None = None


@dataclass(slots=True)
class Scores:
    pages: int = 0
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    title_exact: list[bool] = field(default_factory=list)
    authors_f1: list[float] = field(default_factory=list)
    date_right: list[bool] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        precision = _mean(self.precision)
        recall = _mean(self.recall)
        return {
            "pages": self.pages,
            "body_precision": round(precision, 4),
            "body_recall": round(recall, 4),
            "body_f1": round(_harmonic(precision, recall), 4),
            "body_f1_mean_of_pages": round(
                _mean([_harmonic(p, r) for p, r in zip(self.precision, self.recall, strict=True)]), 4
            ),
            "title_exact": round(_mean([float(x) for x in self.title_exact]), 4),
            "authors_f1": round(_mean(self.authors_f1), 4),
            "date_right": round(_mean([float(x) for x in self.date_right]), 4),
            "failed": self.failed,
        }


def load_golden(folder: Path = GOLDEN / "pages") -> list[GoldenPage]:
    """Every golden page with its expectations, sorted by name."""
    pages = []
    for expected_file in sorted(folder.glob("*.json")):
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        pages.append(
            GoldenPage(
                name=expected["name"],
                html=gzip.decompress((folder / f"{expected['name']}.html.gz").read_bytes()),
                title=expected["title"],
                titles=tuple(expected["titles"]),
                authors=tuple(expected["authors"]),
                published=expected["published"],
                published_also=tuple(expected["published_also"]),
                body=expected["body"],
            )
        )
    return pages


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    words = tokens(text)
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def body_precision_recall(predicted: str, expected: str) -> tuple[float, float]:
    """Token 4-gram precision and recall of a predicted body against the expected one (0, 0 if empty)."""
    found, wanted = shingles(predicted), shingles(expected)
    if not found or not wanted:
        return 0.0, 0.0
    common = sum((found & wanted).values())
    return common / sum(found.values()), common / sum(wanted.values())


def title_matches(predicted: str | None, accepted: Iterable[str]) -> bool:
    if not predicted:
        return False
    return _spaces(predicted) in {_spaces(title) for title in accepted}


def name_key(name: str) -> str:
    """A name for comparison: no parenthesised part, no accents or punctuation, case folded."""
    name = re.sub(r"\([^)]*\)", " ", unicodedata.normalize("NFKC", name))
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]|_", " ", name.casefold()).split())


def authors_f1(predicted: Iterable[str], expected: Iterable[str]) -> float:
    found = {key for name in predicted if (key := name_key(name))}
    wanted = {key for name in expected if (key := name_key(name))}
    if not found and not wanted:
        return 1.0
    common = len(found & wanted)
    if not common:
        return 0.0
    return _harmonic(common / len(found), common / len(wanted))


def date_right(predicted: datetime | date | None, expected: str | None, also: Iterable[str] = ()) -> bool:
    """The predicted date falls on an expected calendar day, in the page's own zone or in UTC."""
    if expected is None:
        return predicted is None
    if predicted is None:
        return False
    days = {predicted if not isinstance(predicted, datetime) else predicted.date()}
    if isinstance(predicted, datetime) and predicted.tzinfo:
        days.add(predicted.astimezone(UTC).date())
    for stated in (expected, *also):
        when = datetime.fromisoformat(stated)
        wanted = {when.date()}
        if when.tzinfo:
            wanted.add(when.astimezone(UTC).date())
        if days & wanted:
            return True
    return False


def score(pages: list[GoldenPage], predict: Callable[[GoldenPage], Prediction]) -> Scores:
    scores = Scores(pages=len(pages))
    for page in pages:
        found = predict(page)
        precision, recall = body_precision_recall(found.body, page.body)
        scores.precision.append(precision)
        scores.recall.append(recall)
        scores.title_exact.append(title_matches(found.title, page.titles))
        scores.authors_f1.append(authors_f1(found.authors, page.authors))
        scores.date_right.append(date_right(found.published, page.published, page.published_also))
        if found.failed:
            scores.failed.append(f"{page.name}: {found.failed}")
    return scores


def per_page(pages: list[GoldenPage], predict: Callable[[GoldenPage], Prediction]) -> list[dict[str, Any]]:
    """One row a page: body P/R, and title, authors, date found / expected where they differ."""
    rows = []
    for page in pages:
        found = predict(page)
        precision, recall = body_precision_recall(found.body, page.body)
        rows.append(
            {
                "page": page.name,
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "title": [found.title, page.title] if not title_matches(found.title, page.titles) else "ok",
                "authors": [list(found.authors), list(page.authors)]
                if authors_f1(found.authors, page.authors) < 1
                else "ok",
                "date": [str(found.published), page.published]
                if not date_right(found.published, page.published, page.published_also)
                else "ok",
                "failed": found.failed,
            }
        )
    return rows


def newsetl_predict(page: GoldenPage) -> Prediction:
    """newsetl's extraction and cleaning, as the pipeline runs them on a fetched page."""
    from extract.documents import extract_document
    from transform.cleaning import clean_document
    from transform.errors import NewsetlError
    from transform.records import RawDocument, SourceKind

    raw = RawDocument(
        source="golden",
        source_kind=SourceKind.URL,
        uri=f"golden/{page.name}.html",
        fetched_at=FETCHED_AT,
        content_type="text/html",
        content=page.html,
        sha256=hashlib.sha256(page.html).hexdigest(),
        size_bytes=len(page.html),
    )
    try:
        article = clean_document(extract_document(raw))
    except NewsetlError as error:
        return Prediction(failed=f"{type(error).__name__}: {error}")
    return Prediction(
        body=article.body, title=article.title, authors=article.authors, published=article.published_at
    )


def trafilatura_predict(page: GoldenPage) -> Prediction:
    """trafilatura 2.x with its defaults: extract() for the body, bare_extraction() for the metadata."""
    import trafilatura

    html = page.html.decode("utf-8")
    body = trafilatura.extract(html) or ""
    meta = trafilatura.bare_extraction(html, with_metadata=True)
    title = getattr(meta, "title", None) if meta is not None else None
    author = getattr(meta, "author", None) if meta is not None else None
    day = getattr(meta, "date", None) if meta is not None else None
    return Prediction(
        body=body,
        title=title,
        authors=tuple(name.strip() for name in (author or "").split(";") if name.strip()),
        published=date.fromisoformat(day[:10]) if day else None,
        failed=None if body else "no text",
    )


def pages_per_second(
    pages: list[GoldenPage], run: Callable[[GoldenPage], object], rounds: int = ROUNDS
) -> dict[str, float]:
    """Best of `rounds` passes over every page: pages per CPU second of this process, and per wall second."""
    best_cpu = best_wall = float("inf")
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for page in pages:
            run(page)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return {"cpu": round(len(pages) / best_cpu, 1), "wall": round(len(pages) / best_wall, 1)}


def _newsetl_extract_clean(page: GoldenPage) -> object:
    return newsetl_predict(page)


def _trafilatura_extract(page: GoldenPage) -> object:
    import trafilatura

    return trafilatura.extract(page.html.decode("utf-8"))


def main(quick: bool = False) -> dict[str, Any]:
    """Both extractors on every golden page: quality figures, speed, and the ratio newsetl / trafilatura."""
    import trafilatura

    pages = load_golden()
    newsetl = score(pages, newsetl_predict).figures()
    baseline = score(pages, trafilatura_predict).figures()
    rounds = 1 if quick else ROUNDS
    newsetl["pages_per_s"] = pages_per_second(pages, _newsetl_extract_clean, rounds)
    baseline["pages_per_s"] = pages_per_second(pages, _trafilatura_extract, rounds)
    return {
        "pages": len(pages),
        "newsetl": newsetl,
        "trafilatura": baseline,
        "trafilatura_version": trafilatura.__version__,
        "speed_ratio_cpu": round(newsetl["pages_per_s"]["cpu"] / baseline["pages_per_s"]["cpu"], 2),
        "body_f1_margin": round(newsetl["body_f1"] - baseline["body_f1"], 4),
    }


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The figures as (benchmark, figure, value) rows for bench/run.py's table."""
    name = f"extraction, {figures['pages']} golden pages"
    ours, theirs = figures["newsetl"], figures["trafilatura"]

    def pair(key: str) -> str:
        return f"{ours[key]:.3f} / {theirs[key]:.3f}"

    return [
        (name, "body F1 newsetl / trafilatura", pair("body_f1")),
        (name, "body P newsetl / trafilatura", pair("body_precision")),
        (name, "body R newsetl / trafilatura", pair("body_recall")),
        (name, "title exact newsetl / trafilatura", pair("title_exact")),
        (name, "authors F1 newsetl / trafilatura", pair("authors_f1")),
        (name, "date right newsetl / trafilatura", pair("date_right")),
        (
            name,
            "pages/s 1 core: extract+clean / trafilatura.extract",
            f"{ours['pages_per_s']['cpu']} / {theirs['pages_per_s']['cpu']} ({figures['speed_ratio_cpu']}x)",
        ),
    ]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _harmonic(a: float, b: float) -> float:
    return 2 * a * b / (a + b) if a + b else 0.0


def _spaces(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def write_baseline(path: Path = GOLDEN / "baseline.json", tolerance: float = 0.01) -> dict[str, Any]:
    """Floors for tests/extract/test_golden.py: newsetl's figures now (rounded down to 3 decimals)."""
    figures = score(load_golden(), newsetl_predict).figures()
    keys = ("body_f1", "title_exact", "authors_f1", "date_right")
    baseline = {
        "pages": figures["pages"],
        "tolerance": tolerance,
        "floors": {key: math.floor(figures[key] * 1000) / 1000 for key in keys},
        "written": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    path.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")
    return baseline


if __name__ == "__main__":
    if "--write-baseline" in sys.argv:
        print(json.dumps(write_baseline(), indent=2))
        sys.exit(0)
    if "--pages" in sys.argv:  # where each extractor lost, page by page
        golden = load_golden()
        for label, predict in (("newsetl", newsetl_predict), ("trafilatura", trafilatura_predict)):
            print(f"== {label}")
            for lost in per_page(golden, predict):
                print(json.dumps(lost, ensure_ascii=False))
        sys.exit(0)
    result = main(quick="--quick" in sys.argv)
    for figure in rows(result):
        print(" | ".join(figure))
    print(json.dumps(result, indent=2, ensure_ascii=False))
