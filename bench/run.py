"""Run every benchmark, print one table of figures, write bench/results.json with the machine description.

python -m bench.run            # the full set (`make bench`), about 35 minutes on 2 cores
python -m bench.run --quick    # every benchmark at small sizes: a smoke run of a minute or two
python -m bench.run --only=extraction,warc   # just those, merged into results.json ("runs" says when
                                             # each benchmark's figures were measured)
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"

Row = tuple[str, str, str]  # (benchmark, figure, value)


def machine() -> dict[str, Any]:
    """CPU model, cores, memory, Python and DuckDB versions, and the date."""
    import duckdb

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 2**20, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def pipeline_rows(figures: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for run in figures["end_to_end"]:
        name = f"pipeline {run['documents']:,} docs"
        rates = run["docs_per_s"]
        rows.append((name, "total docs/s (read → read copy)", f"{rates['total']:,}"))
        for stage, rate in rates.items():
            if stage != "total":
                rows.append((name, f"  {stage} docs/s ({run['stage_seconds'][stage]:.1f} s)", f"{rate:,}"))
        rows.append(
            (
                name,
                "articles / exact / near duplicates",
                f"{run['articles']:,} / {run['exact_duplicates']:,} / {run['near_duplicates']:,}",
            )
        )
        rows.append((name, "peak RSS MB", f"{run['peak_rss_mb']:,}"))
        rows.append(
            (name, "database MB (per 1k articles)", f"{run['db_mb']} ({run['db_mb_per_1k_articles']})")
        )
    for point in figures["incremental_1k_new"]:
        kind = "synthetic" if point.get("synthetic") else "loaded"
        rows.append(
            (
                f"incremental 1k new, history {point['history']:,} ({kind})",
                "seconds (search index included)",
                f"{point['seconds']:.1f}",
            )
        )
        if copy := point.get("read_copy"):  # absent from results written before it was reported
            rows.append(
                (
                    f"incremental 1k new, history {point['history']:,} ({kind})",
                    "read copy: MB written of the file's (how)",
                    f"{copy['written_mb']:,} of {copy['file_mb']:,} "
                    f"({copy['whole_copy_reason'] or 'changed blocks'})",
                )
            )
    for search in figures["search"]:
        kind = "synthetic 40-word bodies" if search.get("synthetic") else "loaded"
        rows.append(
            (
                f"search, {search['articles']:,} articles ({kind})",
                "median / p95 ms",
                f"{search['median_ms']} / {search['p95_ms']}",
            )
        )
    prefect = figures["prefect_overhead"]
    name = f"Prefect overhead, {prefect['documents']:,} docs"
    rows.append(
        (
            name,
            "without / with flow and tasks (s)",
            f"{prefect['without_prefect_s']:.1f} / {prefect['with_prefect_s']:.1f}",
        )
    )
    rows.append(
        (
            name,
            "overhead as `newsetl ingest` (s, median % of 3: all)",
            f"{prefect['overhead_s']:.1f} ({prefect['overhead_pct']}%: "
            + " / ".join(str(pct) for pct in prefect["overhead_pct_runs"])
            + ")",
        )
    )
    rows.append(
        (
            name,
            "warm run / warm run with heartbeats (s)",
            f"{prefect['warm_run_s']:.1f} / {prefect['with_heartbeats_s']:.1f}",
        )
    )
    rows.append(
        (
            name,
            "server start / prefect import (s)",
            f"{prefect['server_start_s']:.1f} / {prefect['prefect_import_s']:.1f}",
        )
    )
    return rows


def search_rows(figures: dict[str, Any]) -> list[Row]:
    """The search index: 1k new articles against each history, the old fts index beside the new one."""
    rows: list[Row] = []
    for point in figures["index_update"]:
        name = f"search index, 1k new, {point['stored']:,} stored"
        after = point["new_query_after_merge"]
        rows += [
            (
                name,
                "update s: new (tokenize + insert) / old (fts rebuild)",
                f"{point['new_update_s']:.2f} ({point['new_tokenize_s']:.2f} + {point['new_insert_s']:.2f})"
                f" / {point['old_rebuild_s']:.2f}",
            ),
            (
                name,
                "query median / p95 ms: new, old",
                f"{point['new_query']['median_ms']} / {point['new_query']['p95_ms']},"
                f" {point['old_query']['median_ms']} / {point['old_query']['p95_ms']}",
            ),
            (
                name,
                "maintenance merge s (rows) / query ms after",
                f"{point['merge_new_rows_s']:.2f} ({point['merge_rows']:,})"
                f" / {after['median_ms']} / {after['p95_ms']}",
            ),
            (name, "first sort of the history s", f"{point['first_merge_s']:.1f}"),
        ]
    quality = figures["quality"]
    for query, titles in quality["readme_top3"].items():
        top = titles[0] if titles else "(none)"
        rows.append(("search quality, samples", f"top hit for {query!r}", f"{(top or '(untitled)')[:45]}"))
    ranks = ", ".join(f"{probe} #{rank}" for probe, rank in quality["cjk_rank"].items())
    rows.append(("search quality, CJK articles", "rank of the article for a word of its title", ranks))
    return rows


def dedup_speed_rows(figures: dict[str, Any]) -> list[Row]:
    rows: list[Row] = [
        (
            "near-dup signatures",
            f"docs/s, 1 process ({figures['signature_documents']:,} docs)",
            f"{figures['signature_docs_per_s_1_process']:,}",
        ),
        ("near-dup signatures", "docs/s, 2 processes", f"{figures['signature_docs_per_s_2_processes']:,}"),
        (
            "near-dup signatures",
            f"datasketch docs/s ({figures['datasketch_documents']:,} docs)",
            f"{figures['datasketch_docs_per_s_1_process']:,}",
        ),
    ]
    for point in figures["incremental_1k_new"]:
        rows.append(
            (
                f"near-dup lookup 1k new, {point['stored']:,} stored"
                + (f", memory_limit {point['memory_limit']}" if point.get("memory_limit") else ""),
                "seconds (peak RSS / growth during the dedup, MB)",
                f"{point['seconds']} ({point['peak_rss_mb']} / {point['rss_growth_mb']})",
            )
        )
    return rows


def dedup_quality_rows(figures: dict[str, Any]) -> list[Row]:
    name = f"dedup quality, {figures['documents']:,} docs"
    return [
        (
            name,
            "duplicate pairs precision / recall",
            f"{figures['duplicate_pair_precision']} / {figures['duplicate_pair_recall']}",
        ),
        (
            name,
            "story pairs precision / recall",
            f"{figures['story_pair_precision']} / {figures['story_pair_recall']}",
        ),
        (
            name,
            "story pairs precision / recall (day by day)",
            f"{figures['story_pair_precision_day_by_day']} / {figures['story_pair_recall_day_by_day']}",
        ),
    ]


def stories_eval_rows(figures: dict[str, Any]) -> list[Row]:
    """Story pairs on the team's evaluation set (bench/data/stories), with what each signal adds."""
    from bench.stories_eval import STORY_SETS

    name = f"stories, evaluation set of {figures['articles']} articles"

    def pr(result: dict[str, float]) -> str:
        return f"{result['precision']} / {result['recall']}"

    rows = [
        (name, "story pairs precision / recall (one batch)", pr(figures["one_batch"])),
        (name, "story pairs precision / recall (day by day)", pr(figures["daily"])),
        (name, "  day by day, stored evidence as persisted today", pr(figures["daily_persisted_only"])),
    ]
    if "one_batch_with_history" in figures:
        rows.append(
            (
                name,
                "story pairs precision / recall (one batch, the other sets as history)",
                pr(figures["one_batch_with_history"]),
            )
        )
    if "one_batch_threads" in figures:
        rows.append(
            (
                name,
                "story pairs precision / recall (one batch, threads: stories with those that follow them)",
                pr(figures["one_batch_threads"]),
            )
        )
    rows.append((name, "docs/s (features + assignment)", f"{figures['docs_per_s']:,}"))
    rows += [(name, f"  {ablation}", pr(result)) for ablation, result in figures["ablations"].items()]
    for check, use in STORY_SETS.items():
        if check in figures:
            checked = figures[check]
            rows.append(
                (
                    f"stories, {check.removeprefix('stories_')} set of {checked['articles']} ({use})",
                    "story pairs precision / recall (one batch / day by day / one batch, the other sets "
                    "as history / threads, one batch)",
                    f"{pr(checked['one_batch'])}; {pr(checked['daily'])}"
                    + "".join(
                        f"; {pr(checked[key])}"
                        for key in ("one_batch_with_history", "one_batch_threads")
                        if key in checked
                    ),
                )
            )
    if "joins_by_score_own_sets" in figures:
        rows.append(
            (
                "stories, the team's, held-out and development sets",
                "joins wrong / joins, by the score they joined with (one batch)",
                ", ".join(
                    f"{band}: {counts['wrong']} / {counts['joins']}"
                    for band, counts in figures["joins_by_score_own_sets"].items()
                ),
            )
        )
    if "seeds_000_003_one_story_004_another" in figures:
        rows.append(
            (
                name,
                "seeds 000-003 one story, 004 another",
                str(figures["seeds_000_003_one_story_004_another"]),
            )
        )
    return rows


def cjk_eval_rows(figures: dict[str, Any]) -> list[Row]:
    """Chinese, Japanese and Korean articles and near copies (bench/data/cjk) through the real ingest."""
    name = f"CJK evaluation set, {figures['documents']} docs"
    return [
        (
            name,
            f"duplicate pairs precision / recall ({figures['duplicate_pairs']} pairs)",
            f"{figures['duplicate_pair_precision']} / {figures['duplicate_pair_recall']}",
        ),
        (
            name,
            f"furniture lines left of {figures['planted_lines']} planted",
            str(figures["furniture_residue"]),
        ),
        (
            name,
            "probe words whose every article search finds",
            f"{figures['probes_all_found']} / {figures['probes']}",
        ),
    ]


def cleaning_rows(figures: dict[str, Any]) -> list[Row]:
    name = f"cleaning, {int(figures['documents']):,} docs of ~600 words"
    return [
        *(
            (
                name,
                f"docs/s {kind} text, 1 / 2 processes (whole chain)",
                f"{figures[f'clean_docs_per_s_{kind}_1_process']:,}"
                f" / {figures[f'clean_docs_per_s_{kind}_2_process']:,}",
            )
            for kind in ("plain", "typographic", "dirty")
        ),
        (
            "glued-join repair",
            f"precision / recall ({figures['glued_glued_joins']} joins)",
            f"{figures['glued_precision']} / {figures['glued_recall']}",
        ),
    ]


def web_rows(figures: dict[str, Any]) -> list[Row]:
    name = f"web, local site of {figures['pages']} pages"
    return [
        (name, "pages/s fetched + extracted + cleaned", f"{figures['pages_per_s_fetch_extract_clean']}"),
        (name, "extraction CPU ms per page", f"{figures['extraction_cpu_ms_per_page']}"),
        (
            name,
            "second unchanged run: requests / article fetches",
            f"{figures['second_run_requests']} / {figures['second_run_article_fetches']}",
        ),
    ]


def cli_latency_rows(figures: dict[str, Any]) -> list[Row]:
    """`newsetl ingest` from the shell, each way of reaching Prefect: wall / CPU seconds (median)."""
    rows: list[Row] = []
    for way, cases in figures["ways"].items():
        for case, label in (("nothing_new", "nothing new"), ("one_file", "one new file")):
            figure = cases[case]
            rows.append(
                (
                    f"newsetl ingest, {way}",
                    f"{label}: wall / CPU s (median of {figures['repeats']})",
                    f"{figure['wall_s']:.1f} / {figure['cpu_s']:.1f}",
                )
            )
    return rows


def render(rows: list[Row]) -> str:
    """The rows as a Markdown table (readable in a terminal, pasteable into bench/README.md)."""
    widths = [max(len(r[i]) for r in [("benchmark", "figure", "value"), *rows]) for i in range(3)]

    def line(cells: tuple[str, str, str]) -> str:
        return (
            "| "
            + " | ".join(
                cell.rjust(widths[i]) if i == 2 else cell.ljust(widths[i]) for i, cell in enumerate(cells)
            )
            + " |"
        )

    rule = "|" + "|".join("-" * (w + 2) for w in widths[:2]) + "|" + "-" * (widths[2] + 1) + ":|"
    return "\n".join([line(("benchmark", "figure", "value")), rule, *(line(r) for r in rows)])


def _timed(label: str, run: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], float]:
    print(f"bench: {label} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    figures = run()
    seconds = time.perf_counter() - started
    print(f"bench: {label} done in {seconds:.0f} s", file=sys.stderr, flush=True)
    return figures, seconds


# Each benchmark: its key in results.json, its label, how to run it (quick or not), its table rows.
def _benchmarks() -> list[
    tuple[str, str, Callable[[bool], dict[str, Any]], Callable[[dict[str, Any]], list[Row]]]
]:
    from bench import (
        cjk_eval,
        cleaning,
        cli_latency,
        dedup_quality,
        dedup_speed,
        embeddings,
        extraction,
        lake,
        pipeline,
        search,
        stories_eval,
        warc,
        web,
        workers,
    )

    return [
        (
            "dedup_quality",
            "dedup quality",
            lambda q: dedup_quality.main(500 if q else 2000),
            dedup_quality_rows,
        ),
        (
            "stories_eval",
            "stories evaluation",
            lambda q: _stories_with_checks(stories_eval),
            stories_eval_rows,
        ),
        ("cjk_eval", "CJK evaluation", lambda q: cjk_eval.main(), cjk_eval_rows),
        # Skipped, saying so, without the optional dependencies (`.[embeddings]`).
        ("embeddings", "sentence embeddings as story evidence", lambda q: embeddings.main(), embeddings.rows),
        ("dedup_speed", "dedup speed", lambda q: dedup_speed.main(quick=q), dedup_speed_rows),
        ("pipeline", "pipeline", lambda q: pipeline.main(quick=q), pipeline_rows),
        ("search", "search", lambda q: search.main(quick=q), search_rows),
        ("cleaning", "cleaning", lambda q: cleaning.main(quick=q), cleaning_rows),
        ("web", "web", lambda q: web.main(quick=q), web_rows),
        ("extraction", "extraction", lambda q: extraction.main(quick=q), extraction.rows),
        ("cli_latency", "cli latency", lambda q: cli_latency.main(quick=q), cli_latency_rows),
        ("warc", "warc", lambda q: warc.main(quick=q), warc.rows),
        ("workers", "lake writers", lambda q: workers.main(quick=q), workers.rows),
        ("lake", "lake commits and maintenance", lambda q: lake.main(quick=q), lake.rows),
    ]


def _stories_with_checks(stories_eval: Any) -> dict[str, Any]:
    """The team set's figures (rules are tuned on it), with those of the sets written blind to check them
    (`bench.stories_eval.STORY_SETS`)."""
    figures: dict[str, Any] = stories_eval.main()
    data = Path(__file__).resolve().parent / "data"
    paths = {name: data / name / "articles.jsonl" for name in stories_eval.STORY_SETS}
    historied = stories_eval.with_history({"stories": stories_eval.DATA, **paths})
    figures["one_batch_with_history"] = historied["stories"]
    # Joins by their score over the rules' own sets (the check sets' are not read).
    joins = {band: dict(counts) for band, counts in figures["joins_by_score"].items()}
    for name, path in paths.items():
        checked = stories_eval.main(path)
        figures[name] = {
            "articles": checked["articles"],
            "one_batch": checked["one_batch"],
            "daily": checked["daily"],
            "one_batch_with_history": historied[name],
            "one_batch_threads": checked["one_batch_threads"],
        }
        if stories_eval.STORY_SETS[name] != stories_eval.CHECK:
            for band, counts in checked["joins_by_score"].items():
                joins[band] = {key: joins[band][key] + value for key, value in counts.items()}
    figures["joins_by_score_own_sets"] = joins
    return figures


# The order of the table: the figures people look for first.
_TABLE_ORDER = (
    "pipeline",
    "cli_latency",
    "search",
    "cleaning",
    "web",
    "extraction",
    "warc",
    "workers",
    "lake",
    "dedup_speed",
    "dedup_quality",
    "stories_eval",
    "embeddings",
    "cjk_eval",
)


def main(quick: bool = False, results: Path = RESULTS, only: frozenset[str] | None = None) -> dict[str, Any]:
    """Run the benchmarks (those named in `only`, else all) and write `results`. With `only`, the other
    benchmarks' figures are kept from the file as they were, and `runs` says when each was measured and
    on which CPU; `machine` describes the latest run's."""
    benchmarks = _benchmarks()
    known = {key for key, *_ in benchmarks}
    if only is not None and not only <= known:
        raise SystemExit(
            f"unknown benchmark(s): {', '.join(sorted(only - known))}; choose from {', '.join(sorted(known))}"
        )
    previous: dict[str, Any] = {}
    if only is not None and results.exists():
        previous = json.loads(results.read_text(encoding="utf-8"))
    described = machine()
    started = time.perf_counter()
    # In the benchmarks' order, not the set's (which follows the hash seed): results.json diffs stay small.
    figures: dict[str, Any] = {key: previous[key] for key, *_ in benchmarks if key in previous}
    seconds: dict[str, Any] = dict(previous.get("seconds", {}))
    runs: dict[str, Any] = dict(previous.get("runs", {}))
    for key, label, run, _ in benchmarks:
        if only is None or key in only:
            figures[key], elapsed = _timed(label, partial(run, quick))
            seconds[key] = round(elapsed)
            # The machine of each benchmark's run: with --only, the file keeps figures of earlier runs, which
            # may come from another machine (this VM's CPU model changed between sessions).
            runs[key] = {"date": described["date"], "quick": quick, "cpu": described["cpu"]}
    rows_of = {key: rows for key, _, _, rows in benchmarks}
    rows = [row for key in _TABLE_ORDER if key in figures for row in rows_of[key](figures[key])]
    total = round(time.perf_counter() - started)
    seconds["total" if only is None else "last_run"] = total
    report = {
        "machine": described,
        "quick": quick,
        "seconds": seconds,
        "runs": runs,
        **figures,
        "table": render(rows),
    }
    results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(render(rows))
    print(
        f"\n{described['cpu']}, {described['cores']} cores, {described['memory_gb']} GB, "
        f"Python {described['python']}, DuckDB {described['duckdb']}, {described['date']}; "
        f"{total} s in all. Written to {results}."
    )
    return report


if __name__ == "__main__":
    if "--help" in sys.argv or "-h" in sys.argv:
        print(__doc__)
        raise SystemExit(0)
    chosen = next((arg.split("=", 1)[1] for arg in sys.argv[1:] if arg.startswith("--only=")), None)
    main(quick="--quick" in sys.argv, only=frozenset(chosen.split(",")) if chosen else None)
