"""The benchmarks at tiny sizes, so their code cannot rot between `make bench` runs. No timing assertions."""

from __future__ import annotations

import json
from pathlib import Path

from bench import dedup_quality, dedup_speed, pipeline, run
from bench.corpus import generate
from bench.search import search_latency


def test_the_pipeline_stages_run_end_to_end_and_incrementally(tmp_path: Path) -> None:
    db = str(tmp_path / "bench.duckdb")
    assert pipeline.write_corpus(tmp_path / "corpus", 30) == 30
    full = pipeline.run_stages(db, tmp_path / "corpus", "smoke-full")
    assert full["documents"] == 30 and full["new_articles"] > 0
    assert set(full["seconds"]) == set(pipeline.STAGES)
    pipeline.write_corpus(tmp_path / "new", 10, seed=99, tag="new")
    incremental = pipeline.run_stages(db, tmp_path / "new", "smoke-incremental")
    assert incremental["new_documents"] == 10
    assert search_latency(db, repeats=1)["articles"] == full["new_articles"] + incremental["new_articles"]


def test_the_synthetic_history_and_the_end_to_end_figures() -> None:
    point = pipeline.incremental_synthetic_child(500, search=True, new=10)
    assert point["history"] == 500 and point["synthetic"] and point["search"]["articles"] > 500
    figures = pipeline.end_to_end_child(30, new=10)
    assert figures["documents"] == 30 and figures["incremental_1k"]["history"] == 30
    # The measured run follows one that is not measured, so it finds both copies and updates the older.
    for measured in (point, figures["incremental_1k"]):
        assert measured["read_copy"]["whole_copy_reason"] is None
        assert measured["read_copy"]["written_mb"] < measured["read_copy"]["file_mb"]


def test_the_dedup_benchmarks_and_the_table() -> None:
    quality = dedup_quality.run(generate(30, seed=11, copy_rate=0.8))
    assert 0.0 <= quality["duplicate_pair_recall"] <= 1.0
    assert dedup_speed.throughput(20, 1) > 0
    stored = dedup_speed.incremental_child(1_000)
    assert stored["stored"] == 1_000
    speed = {
        "signature_docs_per_s_1_process": 1,
        "signature_docs_per_s_2_processes": 2,
        "signature_documents": 20,
        "datasketch_docs_per_s_1_process": 1,
        "datasketch_documents": 20,
        "incremental_1k_new": [stored],
    }
    table = run.render([*run.dedup_speed_rows(speed), *run.dedup_quality_rows(quality)])
    assert "near-dup signatures" in table
    description = run.machine()
    assert description["cores"] and description["duckdb"]
    json.dumps(description)


def test_the_cleaning_and_web_benchmarks_and_their_rows() -> None:
    from bench import cleaning, web

    glued = cleaning.glued_repair(5)
    assert glued["glued_joins"] > 0 and 0.0 <= glued["precision"] <= 1.0
    assert cleaning.throughput(5) > 0
    assert cleaning.throughput(6, "dirty", workers=2) > 0
    assert all("\u2019" in text for text in cleaning.texts(3, "typographic"))
    with web.local_site() as (base, _):
        figures = web.fetch_and_extract(base)
    assert figures["pages"] == web.PAGES
    speeds = {f"clean_docs_per_s_{kind}_{n}_process": n for kind in cleaning.KINDS for n in (1, 2)}
    clean = {"documents": 5.0, **speeds, **{f"glued_{k}": v for k, v in glued.items()}}
    crawl = {**figures, "second_run_requests": 3, "second_run_article_fetches": 0}
    table = run.render([*run.cleaning_rows(clean), *run.web_rows(crawl)])
    assert "glued-join repair" in table and "pages/s" in table


def test_the_search_index_benchmark_and_its_rows() -> None:
    from bench import search
    from tests.conftest import SAMPLES

    point = search.index_update_child(200, repeats=1, new_articles=20)
    assert point["stored"] == 200 and point["new"] == 20
    assert point["new_update_s"] > 0 and point["old_rebuild_s"] > 0 and point["merge_rows"] > 0
    quality = search.quality(SAMPLES)
    assert all(rank == 1 for rank in quality["cjk_rank"].values()), quality
    table = run.render(run.search_rows({"index_update": [point], "quality": quality}))
    assert "search index, 1k new, 200 stored" in table and "search quality" in table


def test_the_embeddings_benchmark_scores_stored_vectors_as_the_pipeline_does() -> None:
    # The model itself is an optional dependency (`.[embeddings]`): here, vectors made by hand.
    import dataclasses

    from bench import embeddings
    from bench.stories_eval import DATA, assign, features_of, read_articles
    from transform.stories import StoryRules

    articles = read_articles(DATA)[:60]
    features = features_of(articles)
    same = {a.article_id: bytes([90] * 384) for a in articles}  # every cosine 1
    bodies = {a.article_id: a.body for a in articles}
    rules = dataclasses.replace(StoryRules(), meaning_weight=3.0, meaning_floor=0.4)
    alone = assign(articles, features, rules)
    lifted = assign(articles, embeddings._with(features, same, bodies), rules)
    assert len(set(lifted.values())) < len(set(alone.values()))  # candidates that fell short now join
    # As the pipeline stores them: English reports only (the language the model reads).
    embedded = {f.article_id for f in embeddings._with(features, same, bodies) if f.meaning}
    assert embedded and all(a.language == "en" for a in articles if a.article_id in embedded)
    titles = {f.article_id: a.title for f, a in zip(features, articles, strict=True)}
    assert embeddings._only_copies_join(features[:1], titles, {}, rules)
    assert not embeddings._only_copies_join(embeddings._with(features, same, bodies), titles, {}, rules)
    assert embeddings.rows({"skipped": "not installed"}) == [
        (
            "story evidence from sentence embeddings (NEWSETL_STORY_EMBEDDINGS, off by default)",
            "skipped",
            "not installed",
        )
    ]


def test_story_sets_scored_with_the_other_sets_as_history() -> None:
    # Alone, a set's history is empty and the figure is its own one-batch figure; beside another set, the
    # other's reports are counted too and both sets are scored.
    from bench.stories_eval import DATA, assign, features_of, read_articles, score, with_history

    articles = read_articles(DATA)
    alone = with_history({"stories": DATA})
    assert alone == {"stories": score(articles, assign(articles, features_of(articles)))}
    beside = with_history(
        {"stories": DATA, "stories_dev2": DATA.parents[1] / "stories_dev2" / "articles.jsonl"}
    )
    assert set(beside) == {"stories", "stories_dev2"}
    assert all(0.0 <= figure <= 1.0 for scored in beside.values() for figure in scored.values())


def test_threads_join_each_story_with_the_stories_that_follow_it() -> None:
    # b follows a, c follows b, e follows nothing: a's thread holds a, b and c (b's second article too).
    from bench.stories_eval import threads
    from transform.stories import StoryAssignment

    assignments = [
        StoryAssignment("a", "a", 1.0, None),
        StoryAssignment("b", "b", 1.0, None, follows="a"),
        StoryAssignment("b2", "b", 0.8, "b"),
        StoryAssignment("c", "c", 1.0, None, follows="b"),
        StoryAssignment("e", "e", 1.0, None),
    ]
    assert threads(assignments) == {"a": "a", "b": "a", "b2": "a", "c": "a", "e": "e"}


def test_the_embeddings_rows_render_figures_kept_from_before_a_story_set_was_added() -> None:
    # bench.run renders the rows of every benchmark kept in results.json: figures measured before the
    # registry gained a set hold none of it (a KeyError once ended a pipeline run after its 12 minutes).
    from bench import embeddings

    result = {"precision": 1.0, "recall": 0.9}
    kept = {
        "rules_alone": {"stories": result, "stories_blind": result},
        "shipped": {"weight": 2.0, "floor": 0.7},
        "story_features_cpu_ms_per_doc": 0.6,
        "model_load_seconds": 3.0,
        "variants": {
            "title": {
                "docs_per_s": 160,
                "cpu_ms_per_doc": 6.0,
                "best": {"weight": 2.0, "floor": 0.7, "stories": result},
                "best_on_checks": {"stories_blind": result},
            }
        },
    }
    assert len(embeddings.SETS) > 1 and len(embeddings.CHECKS) > 1
    rendered = {figure: value for _, figure, value in embeddings.rows(kept)}
    assert rendered["rules alone: stories, stories_blind"] == "1.0 / 0.9; 1.0 / 0.9"
    assert rendered["title: with the best weight 2.0, floor 0.7"] == "1.0 / 0.9; 1.0 / 0.9"


def test_a_bench_ingest_run_is_the_flow_s_steps_without_prefect(tmp_path: Path) -> None:
    # What the workers bench and the Prefect overhead bench run as "without Prefect".
    from bench.workers import ingest_batch
    from warehouse.connection import Warehouse, connect

    pipeline.write_corpus(tmp_path / "corpus", 12)
    db = Warehouse(tmp_path / "bench.duckdb")
    assert ingest_batch(db, tmp_path / "corpus", workers=None) == 12
    with connect(db, read_only=True) as con:
        runs = con.execute("SELECT status, documents_seen FROM runs").fetchall()
        articles = con.execute("SELECT count(*) FROM articles").fetchone()
    assert runs == [("completed", 12)] and articles is not None and articles[0] > 0


def test_a_run_of_some_benchmarks_says_on_which_cpu_each_was_measured(tmp_path: Path) -> None:
    """The figures `--only` keeps may come from another machine: each run names its CPU."""
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"runs": {"lake": {"date": "2026-12-03 22:32 UTC", "quick": False}}}))
    report = run.main(results=results, only=frozenset({"cjk_eval"}))
    assert report["runs"]["cjk_eval"]["cpu"] == run.machine()["cpu"] == report["machine"]["cpu"]
    assert report["runs"]["lake"] == {"date": "2026-12-03 22:32 UTC", "quick": False}  # kept as it was
