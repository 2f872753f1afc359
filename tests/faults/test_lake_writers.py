"""Several writers on one DuckLake with a real PostgreSQL catalog: workers at once, on different and on
overlapping input, one killed mid-batch, the catalog restarted under a run, and a catalog that is not there.

After each: check_integrity passes, every input is stored once with exactly one outcome, and the
duplicates and stories found across workers are those one run over the whole input finds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bench.corpus import Document, generate
from flows.ingest import IngestSummary, ingest
from flows.postgres_server import (
    PostgresServer,
    create_database,
    free_port,
    restart_postgres,
    start_postgres,
    stop_postgres,
)
from tests.faults.conftest import ROOT, Child, Ledger
from tests.postgres import postgres_database, postgres_server  # noqa: F401
from warehouse.connection import Warehouse, connect, create_lake
from warehouse.integrity import IntegrityReport, check_integrity

pytestmark = pytest.mark.usefixtures("prefect_harness")

ORIGINALS, SEED = 36, 11


class Worker(Child):
    """A worker: the ingest flow in a process of its own (tests/faults/run_lake_worker.py)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.run_lake_worker", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = []


def new_lake(dsn: str, files: Path) -> str:
    """Create a lake whose catalog is the PostgreSQL database `dsn` (once, before any worker starts)."""
    spec = f"ducklake:postgres:{dsn}"
    create_lake(Warehouse.at(spec, lake_data_path=f"{files}{os.sep}"))
    return spec


@pytest.fixture
def lake(postgres_database: str, tmp_path: Path) -> str:  # noqa: F811
    return new_lake(postgres_database, tmp_path / "lake-files")


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresServer]:
    """A server of this module's own, which its tests restart and stop (the session's is shared)."""
    base = Path(tempfile.mkdtemp(prefix="newsetl-lake-writers-", dir="/tmp"))
    base.chmod(0o755)  # the server's account must reach its data folder when we run as root
    try:
        yield start_postgres(base / "data", durable=False)
    finally:
        stop_postgres(base / "data")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def own_lake(own_postgres: PostgresServer, tmp_path: Path) -> str:
    name = f"lake_{uuid.uuid4().hex[:16]}"
    create_database(own_postgres, name)
    return new_lake(own_postgres.dsn(name), tmp_path / "lake-files")


def write_corpus(
    folders: Sequence[Path], originals: int = ORIGINALS, seed: int = SEED
) -> dict[str, Document]:
    """Generated news (originals, exact and near copies, several outlets per event) spread over `folders`,
    one JSONL file each: originals in turn, and each copy in the folder after its original's, so every
    duplicate a worker must find is in another worker's input. Returns the documents by their URI."""
    lines: dict[Path, list[Document]] = {folder: [] for folder in folders}
    index = -1
    # An event's reports within a day of each other (`report_hours`), well inside the stories' full
    # strength (`StoryRules.full_strength`): what these tests check is that each worker decides against
    # what the other committed. With reports up to two days apart, a pair on the time fade is decided at
    # the threshold by rarity, which is counted over one batch in one run and over each worker's batch
    # and the other's stored reports here, and so can differ though each worker saw everything.
    for document in generate(originals, seed=seed, copy_rate=0.6, words=150, report_hours=24):
        if document.variant == "original":
            index += 1
            lines[folders[index % len(folders)]].append(document)
        else:
            lines[folders[(index + 1) % len(folders)]].append(document)
    by_uri: dict[str, Document] = {}
    for folder, documents in lines.items():
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{folder.name}.jsonl"
        path.write_text(
            "".join(
                json.dumps(
                    {"url": d.url, "title": d.title, "text": d.text, "published": d.published_at.isoformat()}
                )
                + "\n"
                for d in documents
            ),
            encoding="utf-8",
        )
        by_uri |= {f"{path.resolve().as_uri()}#line={n}": d for n, d in enumerate(documents, start=1)}
    return by_uri


def integrity(spec: str) -> IntegrityReport:
    with connect(spec, read_only=True) as connection:
        return check_integrity(connection)


def stored_uris(spec: str) -> list[str]:
    """Every raw document's URI, repeats included (a document stored twice shows twice)."""
    with connect(spec, read_only=True) as connection:
        return [uri for (uri,) in connection.execute("SELECT uri FROM raw_documents").fetchall()]


def run_statuses(spec: str) -> dict[str, str]:
    with connect(spec, read_only=True) as connection:
        return dict(connection.execute("SELECT run_id, status FROM runs").fetchall())


def groups(spec: str | Path, corpus: dict[str, Document]) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """What deduplication and story joining made of the corpus, by the generated documents' own ids:
    the documents that ended as one article or as near-duplicates of each other, and the stories."""
    with connect(spec, read_only=True) as connection:
        outcome = connection.execute(
            """
            SELECT r.uri, coalesce(a.article_id, d.article_id)
            FROM raw_documents AS r
            LEFT JOIN articles AS a ON a.doc_id = r.doc_id
            LEFT JOIN document_duplicates AS d ON d.doc_id = r.doc_id
            """
        ).fetchall()
        near = connection.execute(
            "SELECT article_id, matched_article_id, group_id FROM near_duplicates"
        ).fetchall()
        stories = dict(connection.execute("SELECT article_id, story_id FROM story_articles").fetchall())
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        while parent.get(item, item) != item:
            item = parent[item]
        return item

    for article, matched, group in near:
        for other in (matched, group):
            parent[root(article)] = root(other)
    duplicates: dict[str, set[str]] = {}
    by_story: dict[str, set[str]] = {}
    for uri, article in outcome:
        name = corpus[uri].doc_id
        duplicates.setdefault(root(article), set()).add(name)
        by_story.setdefault(stories[article], set()).add(name)
    return {frozenset(g) for g in duplicates.values()}, {frozenset(g) for g in by_story.values()}


@pytest.fixture(scope="module")
def one_run(
    prefect_harness: None, tmp_path_factory: pytest.TempPathFactory
) -> tuple[IngestSummary, tuple[set[frozenset[str]], set[frozenset[str]]]]:
    """The corpus ingested by one run into a DuckDB file: the groups several workers must arrive at."""
    folder = tmp_path_factory.mktemp("one-run")
    corpus = write_corpus([folder / "a", folder / "b", folder / "shared"])
    db = str(folder / "one.duckdb")
    summary = ingest([str(folder)], db=db)
    return summary, groups(db, corpus)


def assert_sound(spec: str, corpus: dict[str, Document]) -> IntegrityReport:
    """check_integrity passes, no run is left running, and every input is stored once with one outcome."""
    report = integrity(spec)
    assert report.ok, report.describe()
    assert report.pending == 0
    uris = stored_uris(spec)
    assert sorted(uris) == sorted(corpus), "an input lost or stored twice"
    assert report.raw_documents == len(corpus)
    assert report.accounted == len(corpus)
    assert report.repeated_urls == report.repeated_bodies == 0
    return report


def lost(spec: str, corpus: dict[str, Document]) -> int:
    report = integrity(spec)
    return len(set(corpus) - set(stored_uris(spec))) + report.pending + report.several_outcomes


# (a) and (b): workers at once.


@pytest.mark.parametrize("overlap", [False, True], ids=["different-folders", "overlapping-input"])
def test_two_workers_at_once_store_each_article_once_and_find_duplicates_and_stories_across_them(
    overlap: bool,
    lake: str,
    tmp_path: Path,
    child_env: dict[str, str],
    children: list[Child],
    ledger: Ledger,
    one_run: tuple[IngestSummary, tuple[set[frozenset[str]], set[frozenset[str]]]],
) -> None:
    corpus = write_corpus([tmp_path / "a", tmp_path / "b", tmp_path / "shared"])
    first_input, second_input = [str(tmp_path / "a")], [str(tmp_path / "b")]
    if overlap:  # both read the shared folder too: the same documents, at the same time
        first_input.append(str(tmp_path / "shared"))
        second_input.append(str(tmp_path / "shared"))
    else:
        first_input.append(str(tmp_path / "shared"))
    # The first worker stores and claims its documents, then holds in extraction (no lock held) while
    # the second one runs from start to end: the second decides and commits in the middle of the first.
    go_on = tmp_path / "go-on"
    first = Worker(
        [*first_input, "--db", lake, "--hold-at", "extraction", "--resume-when", str(go_on)], child_env
    )
    children.append(first)
    first.wait_for("PAUSED extraction", timeout=240)
    second = Worker([*second_input, "--db", lake], child_env)
    children.append(second)
    code, out, err = second.finish(timeout=300)
    assert code == 0, out + err[-3000:]
    # The documents the first worker claimed were left to it, though the second one read them too.
    second_result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    second_only = sum(1 for uri in corpus if "/b/" in uri)
    outcomes = second_result["new_articles"] + second_result["exact_duplicates"] + second_result["rejected"]
    assert (second_result["documents_new"], outcomes) == (second_only, second_only)
    go_on.touch()
    code, out, err = first.finish(timeout=300)
    assert code == 0, out + err[-3000:]

    report = assert_sound(lake, corpus)
    assert set(run_statuses(lake).values()) == {"completed"}
    one, (expected_duplicates, expected_stories) = one_run
    assert (report.articles, report.duplicates) == (one.new_articles, one.exact_duplicates)
    assert report.duplicates > 0
    # The same exact and near duplicates, and the same stories, as one run over all of it.
    duplicates, stories = groups(lake, corpus)
    assert any(len(g) > 1 for g in duplicates)
    assert duplicates == expected_duplicates
    assert any(len(g) > 2 for g in stories)  # stories of reports from each folder: across the workers
    assert stories == expected_stories
    ledger.record(inputs=len(corpus), lost=lost(lake, corpus))


# (c) a worker killed mid-batch.


def advisory_locks(dsn: str) -> int:
    """How many advisory locks the catalog's server grants now: run leases and the commit lock."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as session:
        row = session.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        ).fetchone()
    return int(row[0]) if row else 0


def wait_until(condition: object, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting until {what}")


def kill(worker: Child) -> None:
    os.kill(worker.process.pid, signal.SIGKILL)
    assert worker.process.wait(timeout=30) == -signal.SIGKILL


def test_a_worker_killed_holding_the_commit_lock_leaves_its_batch_to_the_next_run(
    lake: str,
    postgres_database: str,  # noqa: F811
    tmp_path: Path,
    child_env: dict[str, str],
    children: list[Child],
    ledger: Ledger,
    one_run: tuple[IngestSummary, tuple[set[frozenset[str]], set[frozenset[str]]]],
) -> None:
    corpus = write_corpus([tmp_path / "a", tmp_path / "b", tmp_path / "shared"])
    # The first worker stores and claims its documents, then stops inside its load, holding the commit lock.
    first = Worker(
        [str(tmp_path / "a"), str(tmp_path / "shared"), "--db", lake, "--pause-before", "articles"], child_env
    )
    children.append(first)
    first.wait_for("PAUSED articles", timeout=240)
    # A second worker starts and waits for the lock (three advisory locks: two leases, the commit lock).
    second = Worker([str(tmp_path / "b"), "--db", lake], child_env)
    children.append(second)
    wait_until(lambda: advisory_locks(postgres_database) == 3, "the second worker holds its lease")
    kill(first)

    # PostgreSQL let the dead worker's locks go: the second one commits, closes the dead run and
    # processes the documents it had claimed.
    code, out, err = second.finish(timeout=300)
    assert code == 0, out + err[-3000:]
    statuses = sorted(run_statuses(lake).values())
    assert statuses == ["abandoned", "completed"]
    assert_sound(lake, corpus)
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    assert result["new_articles"] + result["exact_duplicates"] + result["rejected"] == len(corpus)

    # A rerun of the dead worker's input adds nothing.
    again = ingest([str(tmp_path / "a"), str(tmp_path / "shared")], db=lake)
    assert (again.documents_new, again.new_articles, again.exact_duplicates) == (0, 0, 0)
    report = assert_sound(lake, corpus)
    one, expected = one_run
    assert (report.articles, report.duplicates) == (one.new_articles, one.exact_duplicates)
    assert groups(lake, corpus) == expected
    ledger.record(inputs=len(corpus), lost=lost(lake, corpus))


def test_a_worker_killed_mid_extraction_leaves_its_claimed_documents_to_the_next_run(
    lake: str,
    tmp_path: Path,
    child_env: dict[str, str],
    children: list[Child],
    ledger: Ledger,
    one_run: tuple[IngestSummary, tuple[set[frozenset[str]], set[frozenset[str]]]],
) -> None:
    corpus = write_corpus([tmp_path / "a", tmp_path / "b", tmp_path / "shared"])
    worker = Worker([str(tmp_path), "--db", lake, "--hold-at", "extraction"], child_env)
    children.append(worker)
    worker.wait_for("PAUSED extraction", timeout=240)
    kill(worker)

    # Stored and claimed, nothing more: every document pending, the run still marked running.
    killed = integrity(lake)
    assert killed.problems == {"unfinished_runs": 1}, killed.describe()
    assert (killed.raw_documents, killed.pending, killed.articles) == (len(corpus), len(corpus), 0)
    with connect(lake, read_only=True) as connection:
        claims = connection.execute("SELECT count(DISTINCT doc_id) FROM processing_attempts").fetchone()
    assert claims == (len(corpus),)

    rerun = ingest([str(tmp_path)], db=lake)
    assert rerun.documents_new == 0
    assert sorted(run_statuses(lake).values()) == ["abandoned", "completed"]
    report = assert_sound(lake, corpus)
    one, expected = one_run
    assert (rerun.new_articles, rerun.exact_duplicates) == (one.new_articles, one.exact_duplicates)
    assert (report.articles, report.duplicates) == (one.new_articles, one.exact_duplicates)
    assert groups(lake, corpus) == expected
    ledger.record(inputs=len(corpus), lost=lost(lake, corpus))


# (d) PostgreSQL restarted during a run.


@pytest.mark.parametrize("second_worker", [False, True], ids=["one-worker", "a-second-waiting-for-the-lock"])
def test_a_catalog_restarted_under_a_run_ends_it_whole_or_failed_and_a_rerun_completes(
    second_worker: bool,
    own_postgres: PostgresServer,
    own_lake: str,
    tmp_path: Path,
    child_env: dict[str, str],
    children: list[Child],
    ledger: Ledger,
    one_run: tuple[IngestSummary, tuple[set[frozenset[str]], set[frozenset[str]]]],
) -> None:
    corpus = write_corpus([tmp_path / "a", tmp_path / "b", tmp_path / "shared"])
    go_on = tmp_path / "go-on"
    inputs = [str(tmp_path / "a"), str(tmp_path / "shared")]
    # The worker holds inside its load (commit lock held) while PostgreSQL restarts under it.
    worker = Worker(
        [*inputs, "--db", own_lake, "--hold-at", "articles", "--resume-when", str(go_on)], child_env
    )
    workers = [worker]
    children.append(worker)
    worker.wait_for("PAUSED articles", timeout=240)
    if second_worker:  # and a second one waits for the commit lock meanwhile
        workers.append(Worker([str(tmp_path / "b"), "--db", own_lake], child_env))
        children.append(workers[-1])
        dsn = own_lake.split(":", 2)[2]
        wait_until(lambda: advisory_locks(dsn) == 3, "the second worker holds its lease", timeout=240)
    restart_postgres(own_postgres)
    go_on.touch()

    for each in workers:
        code, out, err = each.finish(timeout=300)
        # Completed, or failed with one clear line: never a hang, never a crash.
        assert (code == 0 and "RESULT" in out) or (code == 1 and "\nERROR " in f"\n{out}"), out + err[-3000:]
    rerun = ingest([str(tmp_path)], db=own_lake)
    assert "running" not in set(run_statuses(own_lake).values())
    report = assert_sound(own_lake, corpus)
    one, expected = one_run
    assert (report.articles, report.duplicates) == (one.new_articles, one.exact_duplicates)
    assert groups(own_lake, corpus) == expected
    assert rerun.documents_seen == len(corpus)
    ledger.record(inputs=len(corpus), lost=lost(own_lake, corpus))


def test_a_run_whose_lease_the_restart_cut_does_not_load_what_the_next_run_took_over(
    own_postgres: PostgresServer,
    own_lake: str,
    tmp_path: Path,
    child_env: dict[str, str],
    children: list[Child],
    ledger: Ledger,
) -> None:
    """A restart cuts the sessions that held a live run's lease: the next run sees that run as dead,
    closes it as abandoned and processes the documents it had claimed. When the first run goes on, it must
    not record a second outcome for them."""
    corpus = write_corpus([tmp_path / "in"], originals=12)
    go_on = tmp_path / "go-on"
    worker = Worker(
        [str(tmp_path / "in"), "--db", own_lake, "--hold-at", "extraction", "--resume-when", str(go_on)],
        child_env,
    )
    children.append(worker)
    worker.wait_for("PAUSED extraction", timeout=240)
    restart_postgres(own_postgres)
    taken_over = ingest([str(tmp_path / "in")], db=own_lake)
    assert taken_over.new_articles + taken_over.exact_duplicates == len(corpus)
    go_on.touch()
    code, out, err = worker.finish(timeout=300)
    assert (code == 0 and "RESULT" in out) or (code == 1 and "\nERROR " in f"\n{out}"), out + err[-3000:]
    assert_sound(own_lake, corpus)
    ledger.record(inputs=len(corpus), lost=lost(own_lake, corpus))


# (e) a catalog that does not answer.


def test_a_run_against_an_unreachable_catalog_fails_at_once_naming_it(
    tmp_path: Path, child_env: dict[str, str]
) -> None:
    corpus = write_corpus([tmp_path / "in"], originals=4)
    port = free_port()
    spec = f"ducklake:postgres:dbname=lake host=127.0.0.1 port={port} user=postgres"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("newsetl")), "ingest", str(tmp_path / "in"), "--db", spec],
        cwd=tmp_path,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    said = result.stdout + result.stderr
    assert result.returncode != 0, said
    assert "cannot reach the lake's catalog" in said and f"port={port}" in said, said
    assert corpus  # the input was there: the catalog was not


def test_a_run_while_the_catalog_is_down_writes_nothing_and_the_next_one_completes(
    own_postgres: PostgresServer,
    own_lake: str,
    tmp_path: Path,
    child_env: dict[str, str],
    children: list[Child],
    ledger: Ledger,
) -> None:
    corpus = write_corpus([tmp_path / "in"], originals=8)
    files = tmp_path / "lake-files"
    before = sorted(files.rglob("*"))
    stop_postgres(own_postgres.data_dir, own_postgres.bin_dir)
    try:
        worker = Worker([str(tmp_path / "in"), "--db", own_lake], child_env)
        children.append(worker)
        code, out, err = worker.finish(timeout=300)
    finally:
        start_postgres(own_postgres.data_dir, own_postgres.port, bin_dir=own_postgres.bin_dir)
    assert code == 1, out + err[-3000:]
    assert "ERROR CatalogUnreachableError: cannot reach the lake's catalog" in out, out
    assert f"port={own_postgres.port}" in out
    # Nothing half-written: no run, no document, no data file.
    assert run_statuses(own_lake) == {}
    assert stored_uris(own_lake) == []
    assert sorted(files.rglob("*")) == before

    ingest([str(tmp_path / "in")], db=own_lake)
    assert_sound(own_lake, corpus)
    assert set(run_statuses(own_lake).values()) == {"completed"}
    ledger.record(inputs=len(corpus), lost=lost(own_lake, corpus))
