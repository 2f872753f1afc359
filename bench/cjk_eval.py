"""Chinese, Japanese and Korean articles through the real ingest: duplicates, furniture left, search.

The evaluation set (bench/data/cjk, written by the team) holds originals and near copies described as
edits of them: ad and prompt lines between paragraphs, byline and source lines around them, a clause
reworded, a copy cut short. Every document goes through the flow's own task bodies into a DuckDB
warehouse in a temporary folder (`bench.pipeline.run_stages`: extraction, cleaning, exact and near
duplicates, analysis, load, search index), and the figures are read back from the warehouse:

- duplicate pairs: precision and recall of the pairs of documents the warehouse puts in one duplicate
  group (exact or near), against the set's groups (an original and its copies);
- furniture residue: planted lines (ads, prompts, bylines, footers) still a line of a stored body;
- search: for every probe word, whether `warehouse.search.search_articles` finds every group whose
  original holds the word (one hit per duplicate group, as the search shows them).

python -m bench.cjk_eval          # prints the figures as JSON
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "cjk"
URL = "https://cjk-eval.example/"


@dataclass(frozen=True, slots=True)
class EvalDocument:
    """One document of the set: its text as ingested, its duplicate group and the lines planted in it."""

    doc_id: str
    group: str
    language: str
    title: str
    text: str
    published: str
    planted: tuple[str, ...] = ()
    probes: tuple[str, ...] = ()


def _copy_text(paragraphs: list[str], spec: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """A copy's text from its original's paragraphs and the edits `spec` lists; and the planted lines."""
    kept = list(paragraphs[: spec.get("truncate") or len(paragraphs)])
    for old, new in spec.get("replace", []):
        kept = [p.replace(old, new) for p in kept]
    if lead := spec.get("lead"):
        kept[0] = lead + kept[0]
    planted: list[str] = []
    lines: list[str] = []
    header = spec.get("header", [])
    lines += header
    planted += header
    inserts: dict[str, list[str]] = spec.get("insert", {})
    for index, paragraph in enumerate(kept):
        lines.append(paragraph)
        lines += inserts.get(str(index), [])
        planted += inserts.get(str(index), [])
    footer = spec.get("footer", [])
    lines += footer
    planted += footer
    if lead:
        planted.append(lead.strip(" ="))
    # A flattened copy lost its line breaks (a feed's one-line text): its lines are joined by spaces.
    return (" " if spec.get("flatten") else "\n\n").join(lines), tuple(planted)


def load_set(data: Path = DATA) -> list[EvalDocument]:
    """The originals and the copies built from them, originals first."""
    originals = [
        json.loads(line) for line in (data / "originals.jsonl").read_text("utf-8").splitlines() if line
    ]
    by_id = {o["id"]: o for o in originals}
    documents = [
        EvalDocument(
            o["id"],
            o["id"],
            o["language"],
            o["title"],
            "\n\n".join(o["paragraphs"]),
            o["published"],
            probes=tuple(o["probes"]),
        )
        for o in originals
    ]
    for line in (data / "copies.jsonl").read_text("utf-8").splitlines():
        if not line:
            continue
        spec = json.loads(line)
        original = by_id[spec["of"]]
        text, planted = _copy_text(original["paragraphs"], spec)
        documents.append(
            EvalDocument(
                spec["id"],
                original["id"],
                original["language"],
                spec.get("title", original["title"]),
                text,
                spec["published"],
                planted,
            )
        )
    return documents


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for item, group in groups.items():
        members[group].append(item)
    return {(a, b) for m in members.values() for a, b in itertools.combinations(sorted(m), 2)}


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def _still_there(planted: str, body: str) -> bool:
    """Whether a planted line is still a line of the body, or a word of its own in a flattened one."""
    lines = {line.strip() for line in body.split("\n")}
    return planted.strip() in lines or (" " not in planted.strip() and planted.strip() in body.split())


def run(documents: list[EvalDocument]) -> dict[str, Any]:
    """Ingest the documents into a temporary warehouse and measure it."""
    from bench.pipeline import run_stages
    from warehouse.connection import connect
    from warehouse.search import MAX_SEARCH_LIMIT, search_articles

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "corpus").mkdir()
        (root / "corpus" / "cjk-eval.jsonl").write_text(
            "".join(
                json.dumps(
                    {"url": URL + d.doc_id, "title": d.title, "text": d.text, "published": d.published},
                    ensure_ascii=False,
                )
                + "\n"
                for d in documents
            ),
            encoding="utf-8",
        )
        db = str(root / "cjk.duckdb")
        run_stages(db, root / "corpus", "cjk-eval")
        with connect(db, read_only=True) as connection:
            articles = connection.execute(
                "SELECT article_id, canonical_url, body, language, word_count FROM articles"
            ).fetchall()
            near = dict(connection.execute("SELECT article_id, group_id FROM near_duplicates").fetchall())
            exact = connection.execute("SELECT uri, article_id FROM document_duplicates").fetchall()
            rejects = connection.execute("SELECT uri, reason FROM rejects").fetchall()
            doc_of_article = {row[0]: row[1].removeprefix(URL) for row in articles}
            group_of_article = {row[0]: near.get(row[0], row[0]) for row in articles}
            found: dict[str, dict[str, list[str]]] = {}
            for probe in sorted({p for d in documents for p in d.probes}):
                answer = search_articles(connection, probe, limit=MAX_SEARCH_LIMIT)
                found[probe] = {"hits": [doc_of_article.get(h.article_id, h.article_id) for h in answer]}
    predicted: dict[str, str] = {}
    for article_id, url, *_ in articles:
        predicted[url.removeprefix(URL)] = group_of_article[article_id]
    for uri, article_id in exact:  # an exact copy is stored once; its document joins the article's group
        line = int(uri.rpartition("#line=")[2])  # documents are written one a line, in order
        predicted[documents[line - 1].doc_id] = group_of_article.get(article_id, article_id)
    truth = {d.doc_id: d.group for d in documents}
    found_pairs, true_pairs = _pairs(predicted), _pairs(truth)
    hits = len(found_pairs & true_pairs)
    bodies = {url.removeprefix(URL): body for _, url, body, *_ in articles}
    residue = [
        (d.doc_id, line)
        for d in documents
        for line in d.planted
        if d.doc_id in bodies and _still_there(line, bodies[d.doc_id])
    ]
    whole = set(residue)
    leftovers = [
        (d.doc_id, line)
        for d in documents
        for line in d.planted
        if d.doc_id in bodies and (d.doc_id, line) not in whole and line.strip(" =") in bodies[d.doc_id]
    ]
    group_of_doc = {d.doc_id: d.group for d in documents}
    probes: dict[str, Any] = {}
    for probe, result in found.items():
        wanted = {d.group for d in documents if d.doc_id == d.group and probe in d.title + d.text}
        got = {group_of_doc.get(hit, hit) for hit in result["hits"]}
        probes[probe] = {"groups": len(wanted), "found": len(wanted & got), "missed": sorted(wanted - got)}
    languages = {url.removeprefix(URL): language for _, url, _, language, _ in articles}
    return {
        "documents": len(documents),
        "articles": len(articles),
        "rejects": [list(r) for r in rejects],
        "duplicate_pairs": len(true_pairs),
        "duplicate_pair_precision": _ratio(hits, len(found_pairs)),
        "duplicate_pair_recall": _ratio(hits, len(true_pairs)),
        "false_pairs": sorted(found_pairs - true_pairs),
        "missed_pairs": sorted(true_pairs - found_pairs),
        "planted_lines": sum(len(d.planted) for d in documents),
        "furniture_residue": len(residue),
        "residue_lines": residue,
        "furniture_text_left_inside_lines": leftovers,
        "probes": len(probes),
        "probes_all_found": sum(1 for p in probes.values() if p["found"] == p["groups"]),
        "probe_results": probes,
        "languages_detected_right": sum(
            1 for d in documents if d.doc_id in languages and languages[d.doc_id] == d.language
        ),
        "languages_detected": dict(
            sorted(
                Counter(
                    f"{d.language}->{languages[d.doc_id]}" for d in documents if d.doc_id in languages
                ).items()
            )
        ),
    }


def main() -> dict[str, Any]:
    return run(load_set())


if __name__ == "__main__":
    json.dump(main(), sys.stdout, ensure_ascii=False, indent=2)
    print()
