"""DuckLake figures: what the lake mode costs a run, and what maintenance does for a lake of small commits.

- `commit_overhead`: the same 1,000 generated documents (bench/corpus.py via bench/pipeline.py) ingested in
  one run into a DuckDB file, a lake with a SQLite catalog and a lake with a PostgreSQL catalog (a
  throwaway server on 127.0.0.1, fsync on, started and stopped here), through the plain pipeline
  functions the ingest flow's tasks wrap (no Prefect). The warehouse's part (store raw, deduplicate, load,
  record the run's end, and the file's read copy) is timed apart from the CPU work (extract and clean,
  analyse, evidence), which is the same in every mode; each lake commit is a snapshot, so the lake's
  warehouse seconds per snapshot is its per-commit cost.
- `small_commits`: a SQLite-catalog lake loaded by many small runs (40 runs of 10 documents), then the
  README's analyst queries timed (median of 5, warm) and the files counted before and after
  `tend_lake` (what `newsetl maintenance` does on a lake), with a retention of 0 so every superseded file
  goes at once.
Each measurement runs in a child process of its own (its own DuckDB instance and caches).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.pipeline import write_corpus

# From the README's analyst examples, on the generated corpus's names.
README_QUERIES = {
    "numeric facts of a company": """
        SELECT a.source, left(a.title, 40) AS title, f.fact_text, f.value, f.unit
        FROM numeric_facts AS f JOIN unique_articles AS a USING (article_id)
        WHERE f.entity = 'Alibaba' AND f.kind = 'percent' ORDER BY f.value DESC LIMIT 6""",
    "entities by articles": """
        SELECT entity, count(DISTINCT article_id) AS articles, count(*) AS mentions
        FROM entity_mentions GROUP BY entity ORDER BY articles DESC, entity LIMIT 5""",
    "stories of several articles": """
        SELECT story_id[:8] AS story, article_count, outlet_count, first_seen::DATE AS first_seen, title
        FROM stories WHERE article_count > 1 ORDER BY article_count DESC, title""",
    "duplicates": """
        SELECT regexp_extract(uri, '[^/]+$') AS document, duplicate_kind, round(similarity, 2) AS similarity,
        duplicate_group[:8] AS grp FROM document_dedup WHERE duplicate_kind <> 'original'""",
    "cleaning changes by step": """
        SELECT step, sum(changes) AS changes, count(DISTINCT article_id) AS articles
        FROM cleaning_changes GROUP BY step ORDER BY changes DESC""",
    "documents by status": """
        SELECT status, count(*) AS documents FROM document_status GROUP BY status ORDER BY status""",
    "search": """
        SELECT round(s.score, 2) AS score, a.title FROM search_bm25(['alibaba', 'cloud']) AS s
        JOIN unique_articles AS a USING (article_id) ORDER BY s.score DESC LIMIT 3""",
    "story summaries": """
        SELECT story_id[:8] AS story, left(headline, 30) AS headline, article_count AS n,
        outlet_count AS outlets, languages, top_entities[:2] AS entities
        FROM story_summaries WHERE article_count > 1
        ORDER BY article_count DESC, outlet_count DESC, headline""",
}
QUERY_REPEATS = 5


def ingest_folder(spec: str, folder: Path, run_id: str) -> dict[str, float]:
    """One run of every document under `folder`, as `flows.ingest.load_documents` chains it (the task
    bodies, no Prefect): seconds in the warehouse and in the CPU stages."""
    from extract.files import DEFAULT_MAX_BYTES
    from flows import pipeline
    from flows.ingest import discover, read, store_raw
    from warehouse.connection import Warehouse, commit_lock, connect, publish_read_copy
    from warehouse.loads import RunCounts, finish_run, load_outcomes
    from warehouse.queries import learned_boilerplate

    warehouse = Warehouse.at(spec)
    now = datetime.now(UTC)
    files, _ = discover.fn([str(folder)])
    documents, rejects = read.fn(files, now, DEFAULT_MAX_BYTES)
    clock = time.perf_counter()
    stored = store_raw.fn(warehouse, documents, run_id, None, now, rejects)
    with connect(warehouse) as connection:
        learned = learned_boilerplate(connection, sorted({d.source for d in stored.pending}))
    in_warehouse = time.perf_counter() - clock
    clock = time.perf_counter()
    processed = pipeline.extract_and_clean(stored.pending, None, learned)
    articles = [article for article, _ in processed.articles]
    evidence = pipeline.gather_evidence(articles)
    cpu = time.perf_counter() - clock
    clock = time.perf_counter()
    with commit_lock(warehouse, holder=run_id), connect(warehouse) as connection:
        dedup = pipeline.deduplicate(connection, articles, now, evidence=evidence)
        outcome = pipeline.outcome_of(processed, dedup)
        load_outcomes(connection, run_id, now, outcome)
    with connect(warehouse) as connection:
        counts = RunCounts(
            len(documents),
            stored.new,
            len(outcome.articles),
            len(outcome.duplicates),
            len(outcome.rejects),
            len(outcome.near_duplicates),
            outcome.new_stories,
        )
        finish_run(connection, run_id, "completed", counts, datetime.now(UTC))
    if warehouse.lake is None:
        publish_read_copy(warehouse)  # what a file's run ends with; a lake's readers need none
    in_warehouse += time.perf_counter() - clock
    return {"documents": len(documents), "warehouse_seconds": in_warehouse, "cpu_seconds": cpu}


def snapshots(spec: str) -> int:
    from warehouse.connection import connect_locked
    from warehouse.maintenance import lake_figures

    with connect_locked(spec) as connection:
        return lake_figures(connection).snapshots


def commit_overhead_child(spec: str, corpus: str, data_path: str) -> dict[str, Any]:
    """In this process: one run of the corpus into the (new, empty) warehouse `spec` (a lake's files
    under `data_path`)."""
    from warehouse.connection import Warehouse, create_lake

    warehouse = Warehouse.at(spec, None, data_path)
    if warehouse.lake is not None:
        create_lake(warehouse)  # as `newsetl lake init`, before the run (not timed)
    before = snapshots(spec) if warehouse.lake else 0
    started = time.perf_counter()
    run = ingest_folder(spec, Path(corpus), "bench-commit-overhead")
    total = time.perf_counter() - started
    commits = snapshots(spec) - before if warehouse.lake else None
    return {
        **{key: round(value, 3) for key, value in run.items()},
        "total_seconds": round(total, 3),
        "snapshots": commits,
        "warehouse_seconds_per_snapshot": round(run["warehouse_seconds"] / commits, 4) if commits else None,
    }


def small_commits_child(spec: str, corpus: str, batches: int) -> dict[str, Any]:
    """In this process: `batches` runs into a new SQLite-catalog lake, then the queries and the files
    before and after maintenance."""
    from warehouse.connection import Warehouse, connect, connect_locked, create_lake
    from warehouse.maintenance import lake_figures, tend_lake

    warehouse = Warehouse.at(spec)
    assert warehouse.lake is not None and warehouse.lake.data_path is not None
    create_lake(warehouse)  # as `newsetl lake init`
    run_seconds = []
    for number in range(batches):
        started = time.perf_counter()
        ingest_folder(spec, Path(corpus) / f"batch-{number:03d}", f"bench-small-{number}")
        run_seconds.append(time.perf_counter() - started)
    data = Path(warehouse.lake.data_path)

    def measure() -> dict[str, Any]:
        with connect_locked(spec) as connection:
            figures = lake_figures(connection)
            latency = {}
            rows = {}
            for name, sql in README_QUERIES.items():
                rows[name] = len(connection.execute(sql).fetchall())  # warm: catalog and file footers
                times = []
                for _ in range(QUERY_REPEATS):
                    clock = time.perf_counter()
                    connection.execute(sql).fetchall()
                    times.append(time.perf_counter() - clock)
                latency[name] = round(statistics.median(times) * 1000, 1)
        return {
            "snapshots": figures.snapshots,
            "data_files": figures.data_files,
            "data_mb": round(figures.data_bytes / 1e6, 3),
            "files_on_disk": sum(1 for _ in data.rglob("*.parquet")),
            "mb_on_disk": round(sum(p.stat().st_size for p in data.rglob("*.parquet")) / 1e6, 3),
            "query_ms": latency,
            "query_ms_total": round(sum(latency.values()), 1),
            "rows": rows,
        }

    before = measure()
    started = time.perf_counter()
    with connect(warehouse) as connection:
        upkeep = tend_lake(connection, datetime.now(UTC), timedelta(0))
    maintenance_seconds = time.perf_counter() - started
    after = measure()
    assert after["rows"] == before["rows"], "maintenance changed what the queries return"
    return {
        "batches": batches,
        "documents_per_batch": _lines(Path(corpus) / "batch-000"),
        "run_seconds_median": round(statistics.median(run_seconds), 3),
        "before": before,
        "after": after,
        "maintenance_seconds": round(maintenance_seconds, 2),
        "maintenance": {
            "merged_files": upkeep.merged_files,
            "merged_into": upkeep.merged_into,
            "rewritten_files": upkeep.rewritten_files,
            "expired_snapshots": upkeep.expired_snapshots,
            "deleted_files": upkeep.deleted_files,
        },
    }


def _lines(folder: Path) -> int:
    return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in folder.glob("*.jsonl"))


def _child(*args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.lake", *args], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench.lake {args[0]} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def commit_overhead(documents: int) -> dict[str, Any]:
    from flows.postgres_server import create_database, start_postgres, stop_postgres

    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        root = Path(folder)
        root.chmod(0o755)  # the PostgreSQL server runs as its own account
        corpus = root / "corpus"
        write_corpus(corpus, documents)
        results = {"file": _child("overhead", str(root / "file" / "bench.duckdb"), str(corpus), "")}
        results["lake_sqlite"] = _child(
            "overhead",
            f"ducklake:sqlite:{root / 'sqlite' / 'catalog.sqlite'}",
            str(corpus),
            f"{root / 'sqlite' / 'files'}/",
        )
        server = start_postgres(root / "postgres", durable=True)
        try:
            create_database(server, "lake")
            results["lake_postgres"] = _child(
                "overhead", f"ducklake:postgres:{server.dsn('lake')}", str(corpus), f"{root / 'pg-files'}/"
            )
        finally:
            stop_postgres(root / "postgres")
    file_seconds = results["file"]["warehouse_seconds"]
    for name in ("lake_sqlite", "lake_postgres"):
        results[name]["overhead_vs_file_seconds"] = round(
            results[name]["warehouse_seconds"] - file_seconds, 3
        )
    return {"documents": documents, **results}


def small_commits(batches: int, per_batch: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number in range(batches):
            write_corpus(
                root / "corpus" / f"batch-{number:03d}", per_batch, seed=1000 + number, tag=f"s{number}"
            )
        return _child(
            "small", f"ducklake:sqlite:{root / 'lake' / 'catalog.sqlite'}", str(root / "corpus"), str(batches)
        )


def main(quick: bool = False) -> dict[str, Any]:
    return {
        "commit_overhead": commit_overhead(200 if quick else 1000),
        "small_commits": small_commits(10 if quick else 40, 10),
    }


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    overhead = figures["commit_overhead"]
    name = f"lake: one run of {overhead['documents']:,} docs"
    for mode in ("file", "lake_sqlite", "lake_postgres"):
        run = overhead[mode]
        per = run.get("warehouse_seconds_per_snapshot")
        extra = f"; {run['snapshots']} snapshots, {per * 1000:.0f} ms each" if per else ""
        out.append(
            (
                name,
                f"{mode}: total s / warehouse s / CPU stages s",
                f"{run['total_seconds']:.1f} / {run['warehouse_seconds']:.1f} / "
                f"{run['cpu_seconds']:.1f}{extra}",
            )
        )
        if "overhead_vs_file_seconds" in run:
            out.append(
                (name, f"{mode}: warehouse s more than the file", f"{run['overhead_vs_file_seconds']:+.1f}")
            )
    small = figures["small_commits"]
    name = f"lake: {small['batches']} runs of 10 docs (SQLite catalog)"
    before, after = small["before"], small["after"]
    out.append((name, "median run s", f"{small['run_seconds_median']:.2f}"))
    out.append(
        (
            name,
            "data files (current) before → after maintenance",
            f"{before['data_files']:,} → {after['data_files']:,}",
        )
    )
    out.append(
        (name, "files on disk before → after", f"{before['files_on_disk']:,} → {after['files_on_disk']:,}")
    )
    out.append((name, "MB on disk before → after", f"{before['mb_on_disk']} → {after['mb_on_disk']}"))
    out.append((name, "snapshots before → after", f"{before['snapshots']:,} → {after['snapshots']:,}"))
    out.append((name, "maintenance s", f"{small['maintenance_seconds']:.1f}"))
    out.append(
        (
            name,
            f"{len(before['query_ms'])} README queries, ms in all (median of {QUERY_REPEATS}) before → after",
            f"{before['query_ms_total']:,.0f} → {after['query_ms_total']:,.0f}",
        )
    )
    for query, ms in before["query_ms"].items():
        out.append((name, f"  {query} ms", f"{ms:,.0f} → {after['query_ms'][query]:,.0f}"))
    return out


if __name__ == "__main__":
    kind, *arguments = sys.argv[1:]
    if kind == "overhead":
        print(json.dumps(commit_overhead_child(*arguments)))
    elif kind == "small":
        print(json.dumps(small_commits_child(arguments[0], arguments[1], int(arguments[2]))))
    else:
        print(json.dumps(main(quick="--quick" in sys.argv), indent=2))
