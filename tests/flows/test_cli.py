"""The `newsetl` command line: the installed console script run as a user runs it (a subprocess), and
Typer's runner in-process for what starts no flow."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner, Result

from tests.extract.site import serve
from tests.flows.corpus import write_corpus

NEWSETL = shutil.which("newsetl", path=str(Path(sys.executable).parent)) or "newsetl"


def newsetl(
    *args: str, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSETL, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_help_explains_every_command() -> None:
    top = newsetl("--help")
    assert top.returncode == 0
    commands = (
        "ingest",
        "run",
        "backfill",
        "fetch",
        "clean",
        "sql",
        "search",
        "export",
        "reprocess",
        "sources",
    )
    for command in (*commands, "serve", "maintenance"):
        assert command in top.stdout
        # flows.cli.app holds every command once imported (operations' too): no subprocess needed.
        sub = invoke(command, "--help")
        assert sub.exit_code == 0, sub.output
        assert "Usage: newsetl " + command in sub.output
    assert "NEWSETL_DB" in invoke("ingest", "--help").output


def test_clean_prints_title_blank_line_body(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    result = newsetl("clean", str(tmp_path / "a.txt"))
    assert result.returncode == 0, result.stderr
    title, blank, *body = result.stdout.splitlines()
    assert title == "Qwen models head to iPhones in China"
    assert blank == ""
    assert body[0].startswith("Apple will rely on Alibaba Cloud")
    assert not any(line.strip().lower() == "advertisements" for line in body)


def test_clean_says_why_a_document_is_rejected(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    result = newsetl("clean", str(tmp_path / "latin1.txt"))
    assert result.returncode == 1
    assert "not valid UTF-8" in result.stderr and "save the file as UTF-8" in result.stderr
    missing = newsetl("clean", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr


def test_ingest_then_query_then_rerun(tmp_path: Path) -> None:
    expected = write_corpus(tmp_path / "in")
    db = tmp_path / "cli.duckdb"
    first = newsetl("ingest", str(tmp_path / "in"), "--db", str(db))
    assert first.returncode == 0, first.stderr
    lines = {
        " ".join(line.split()[:-1]): line.split()[-1] for line in first.stdout.splitlines() if line.strip()
    }
    assert lines["documents seen"] == str(expected["documents_seen"])
    assert lines["new articles"] == str(expected["new_articles"])
    assert lines["exact duplicates"] == str(expected["exact_duplicates"])
    assert lines["new versions"] == str(expected["new_versions"])
    assert lines["rejected"] == str(expected["rejected"])
    [hint] = [line for line in first.stdout.splitlines() if line.startswith("Try: ")]
    program = hint.removeprefix("Try: ").split(" sql ")[0]  # newsetl, or its path when not on PATH
    assert Path(shutil.which(program) or program).samefile(NEWSETL)

    # The database path can come from the environment instead of --db.
    query = newsetl("sql", "SELECT count(*) AS n FROM articles", env={"NEWSETL_DB": str(db)})
    assert query.returncode == 0, query.stderr
    cells = [line.strip("│ ") for line in query.stdout.splitlines()]
    assert cells[1:3] == ["n", "int64"]
    assert cells[4] == str(expected["new_articles"])

    found = newsetl("search", "Qwen iPhone", "--db", str(db))
    assert found.returncode == 0, found.stderr
    assert "Qwen models head to iPhones in China" in found.stdout.splitlines()[1]

    again = newsetl("ingest", str(tmp_path / "in"), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert "Nothing new" in again.stdout


def test_sql_errors_are_clear(tmp_path: Path) -> None:
    missing = newsetl("sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 1
    assert "run `newsetl ingest` first" in missing.stderr


@pytest.mark.parametrize("bad_sql", ["SELEC 1", "SELECT * FROM no_such_table"])
def test_bad_sql_is_an_error_not_a_traceback(tmp_path: Path, bad_sql: str) -> None:
    import duckdb

    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = newsetl("sql", bad_sql, "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.startswith("error:")
    assert "Traceback" not in result.stderr


def test_fetch_prints_what_a_page_gives() -> None:
    site, stop = serve()
    try:
        result = newsetl("fetch", site.url("/articles/3.html"), "--allow-private")
        refused = newsetl("fetch", site.url("/articles/3.html"))
    finally:
        stop()
    assert result.returncode == 0, result.stderr
    assert "title:      Alibaba and Apple, part 3" in result.stdout
    assert "authors:    Mei Lin, Tom Hart" in result.stdout
    assert "published:  2025-02-03T01:30:00+00:00" in result.stdout
    assert refused.returncode == 1
    assert "private" in refused.stderr


def test_run_reports_a_bad_sources_file_by_key(tmp_path: Path) -> None:
    config = tmp_path / "newsetl.toml"
    config.write_text('[[sources]]\nname = "x"\nkind = "listing"\nurl = "https://example.com/"\n')
    result = newsetl("run", "--config", str(config))
    assert result.returncode == 2
    assert "link_selector" in result.stderr
    missing = newsetl("run", "--config", str(tmp_path / "none.toml"))
    assert missing.returncode == 2
    assert "newsetl.example.toml" in missing.stderr


def test_one_shot_runs_skip_heartbeats_only_against_a_temporary_server() -> None:
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.settings import one_shot_run_settings

    with temporary_settings(restore_defaults={PREFECT_API_URL}), one_shot_run_settings():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}), one_shot_run_settings():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 180


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [("NEWSETL_MEMORY_LIMIT", "lots", "such as 512MB"), ("NEWSETL_MAX_FILE_BYTES", "ten", "valid integer")],
)
def test_a_bad_setting_is_named_not_a_traceback(tmp_path: Path, variable: str, value: str, says: str) -> None:
    done = newsetl("ingest", str(tmp_path), "--db", str(tmp_path / "w.duckdb"), env={variable: value})
    assert done.returncode == 2
    assert f"error: {variable}='{value}'" in done.stderr and says in done.stderr
    assert "Traceback" not in done.stderr


# In-process tests through Typer's runner: no Prefect flow starts, so they take milliseconds.

runner = CliRunner()


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A warehouse holding three articles and their search index."""
    from tests.warehouse.test_search_and_export import load_articles

    db = tmp_path / "w.duckdb"
    load_articles(db)
    return db


def invoke(*args: str) -> Result:
    from flows.cli import app

    return runner.invoke(app, list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT 'x' AS a) TO '{db}' (FORMAT csv)",
        "EXPORT DATABASE '{tmp}/dump'",
        "ATTACH '{tmp}/other.duckdb' AS other (READ_WRITE); CREATE TABLE other.t AS SELECT 1 AS a",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM glob('/root/*')",
        "SET threads = 1",
        "SET enable_external_access = true",
        "INSTALL httpfs",
        "LOAD httpfs",
        "CREATE TABLE t AS SELECT 1 AS a",
        "DELETE FROM articles",
    ],
)
def test_sql_is_read_only(warehouse: Path, statement: str) -> None:
    tmp = warehouse.parent
    before = digest(warehouse)
    files = sorted(tmp.rglob("*"))
    result = invoke("sql", statement.format(db=warehouse, tmp=tmp), "--db", str(warehouse))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: refused: newsetl sql is read-only"), result.stderr
    assert digest(warehouse) == before
    assert sorted(tmp.rglob("*")) == files  # nothing written beside it either
    assert "root:" not in result.output


def test_sql_still_answers_analyst_queries(warehouse: Path) -> None:
    dictionary = invoke("sql", "SELECT count(*) AS n FROM data_dictionary", "--db", str(warehouse))
    assert dictionary.exit_code == 0, dictionary.stderr
    unique = invoke("sql", "SELECT article_id FROM unique_articles ORDER BY 1", "--db", str(warehouse))
    assert unique.exit_code == 0, unique.stderr
    assert all(name in unique.stdout for name in ("qwen", "ernie", "capex"))
    bm25 = invoke("sql", "SELECT article_id FROM search_bm25(['iphon'])", "--db", str(warehouse))
    assert bm25.exit_code == 0, bm25.stderr
    assert "qwen" in bm25.stdout and "ernie" not in bm25.stdout
    mistake = invoke("sql", "SELECT * FROM no_such_table", "--db", str(warehouse))
    assert mistake.exit_code == 1
    assert mistake.stderr.startswith("error: Catalog Error")  # a mistake is not called a refusal


@pytest.mark.parametrize("limit", ["-1", "0", "1001", str(10**30)])
def test_search_limit_is_checked(warehouse: Path, limit: str) -> None:
    result = invoke("search", "Qwen", "--limit", limit, "--db", str(warehouse))
    assert result.exit_code == 2
    assert result.stderr == f"error: --limit must be between 1 and 1000, got {limit}\n"


def test_search_runs_on_a_locked_connection(warehouse: Path) -> None:
    result = invoke("search", "iPhone Qwen", "--limit", "1000", "--db", str(warehouse))
    assert result.exit_code == 0, result.stderr
    assert "1 articles for 'iPhone Qwen'" in result.stdout


def test_search_prints_the_start_of_each_hit_s_story_id(warehouse: Path) -> None:
    from warehouse.connection import connect

    with connect(warehouse) as con:
        con.execute(
            "INSERT INTO story_articles (article_id, story_id, score, joined_at, run_id)"
            " VALUES ('qwen', 'qwen-story-0123456789', 1.0, now(), 'run-1')"
        )
    result = invoke("search", "model", "--db", str(warehouse))
    assert result.exit_code == 0, result.stderr
    assert "        https://x.example/qwen  story qwen-story-0\n" in result.stdout
    assert "        https://x.example/ernie\n" in result.stdout  # no story: nothing added


def test_search_finds_chinese_japanese_and_korean_words(tmp_path: Path) -> None:
    from tests.warehouse.test_search_index import TEXTS, load
    from warehouse.connection import connect

    db = tmp_path / "cjk.duckdb"
    with connect(db) as connection:
        load(connection, *TEXTS)
    for query, title in (
        ("阿里巴巴", TEXTS["zh"][0]),
        ("人工知能", TEXTS["ja"][0]),
        ("아이폰", TEXTS["ko"][0]),
    ):
        result = invoke("search", query, "--db", str(db))
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == f"1 articles for {query!r}, best first:"
        assert title in lines[1] and "(2025-02-13)" in lines[1]
        assert lines[2].strip().startswith("https://x.example/")


def test_export_replaces_the_previous_export_whole(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = invoke("export", str(out), "--db", str(warehouse))
    assert first.exit_code == 0, first.stderr
    [day] = (out / "articles").iterdir()
    stale = out / "articles" / "day=2001-01-01"
    shutil.copytree(day, stale)  # a partition only an earlier export had
    again = invoke("export", str(out), "--db", str(warehouse))
    assert again.exit_code == 0, again.stderr
    assert "articles" in again.stdout and "3 rows" in again.stdout
    assert not stale.exists()
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/articles/*/*.parquet')").fetchone()
    assert rows == (3,)
    assert sorted(p.name for p in out.iterdir()) == [
        ".newsetl-export.lock",
        "articles",
        "document_dedup",
        "stories",
    ]


def test_export_never_removes_files_it_did_not_write(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("export", str(out), "--db", str(warehouse)).exit_code == 0
    notes = out / "stories" / "notes.txt"
    notes.write_text("mine")
    before = sorted(out.rglob("*"))
    result = invoke("export", str(out), "--db", str(warehouse))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "'notes.txt', which newsetl did not write" in result.stderr
    assert sorted(out.rglob("*")) == before and notes.read_text() == "mine"


def test_export_under_a_file_is_an_error(warehouse: Path, tmp_path: Path) -> None:
    (tmp_path / "somefile.txt").write_text("x")
    result = invoke("export", str(tmp_path / "somefile.txt" / "out"), "--db", str(warehouse))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot use ") and "a file is in the way" in result.stderr


def test_ingest_of_a_missing_path_stops_before_any_flow(tmp_path: Path) -> None:
    (tmp_path / "here.txt").write_text("x")
    result = invoke(
        "ingest", str(tmp_path / "here.txt"), "no-such-folder", "--db", str(tmp_path / "w.duckdb")
    )
    assert result.exit_code == 2
    assert result.stderr == "error: no such file or folder: no-such-folder\n"
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("command", ["run", "backfill", "reprocess"])
def test_a_sources_file_that_is_not_utf8_is_an_error(tmp_path: Path, command: str) -> None:
    config = tmp_path / "newsetl.toml"
    config.write_bytes(b'[[sources]]\nname = "caf\xe9"\n')
    extra = ["--since", "2025-01-01"] if command == "backfill" else []
    result = invoke(command, "--config", str(config), *extra, "--db", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and "not UTF-8 text (byte 0xe9" in result.stderr


def test_the_summary_prints_user_text_as_is_and_caps_rejects(capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import SHOWN_REJECTS, _print_summary, newsetl_command
    from flows.ingest import IngestSummary
    from transform.errors import Reject

    rejects = tuple(Reject(f"file:///m[/x]/{n}[bold].txt", "read", "bad [/x]") for n in range(25))
    summary = IngestSummary("run-1", "/data/m[/x].duckdb", 25, 25, 0, 0, rejects=rejects)
    _print_summary("newsetl ingest: m[/x]", summary, "m[/x].duckdb")  # quoted in hints: a shell would glob it
    out = capsys.readouterr().out
    assert "newsetl ingest: m[/x]" in out
    assert "    - [read] bad [/x]: file:///m[/x]/0[bold].txt" in out
    assert out.count("    - [read]") == SHOWN_REJECTS
    assert (
        f"    ... and {25 - SHOWN_REJECTS} more rejects (see: {newsetl_command()} sql "
        """"FROM rejects WHERE run_id = 'run-1'" --db 'm[/x].duckdb')"""
    ) in out
    assert "Database: /data/m[/x].duckdb" in out


def test_clean_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = newsetl("clean", str(fifo), timeout=60)  # TimeoutExpired if it waits on the FIFO
    assert result.returncode == 2
    assert "not a regular file (a FIFO)" in result.stderr


def test_hostile_files_are_rejects_and_the_rest_loads(tmp_path: Path) -> None:
    """Deep JSON, a deep JSONL line, an array of 100k numbers, a symbolic link loop, a FIFO and a folder
    named like rich markup: each is a reject (listed up to SHOWN_REJECTS), the 17 good files load."""
    folder = tmp_path / "m[/x]"  # a folder x] inside m[, named like a rich closing tag
    folder.mkdir(parents=True)
    for n in range(17):
        words = " ".join(f"w{n}x{k}" for k in range(40))
        (folder / f"good{n:02}.txt").write_text(f"Story number {n}\n\nAlibaba and Apple {words}.\n")
    (folder / "deep.json").write_text('{"text": ' + "[" * 200_000 + "]" * 200_000 + "}")
    (folder / "lines.jsonl").write_text(
        '{"text": "Qwen 3 is out and the line is fine."}\n{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    )
    (folder / "numbers.json").write_text(json.dumps(list(range(100_000))))
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "pipe.txt")
    for n in range(8):
        (folder / f"junk{n}.pdf").write_bytes(b"%PDF")
    db = tmp_path / "w.duckdb"
    result = newsetl("ingest", str(folder), "--db", str(db), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = {
        " ".join(line.split()[:-1]): line.split()[-1] for line in result.stdout.splitlines() if line.strip()
    }
    assert lines["new articles"] == "18"  # 17 files and the good JSONL line
    assert lines["rejected"] == "13"  # deep.json, the deep line, numbers.json, loop, FIFO, 8 PDFs
    assert "... and 3 more rejects" in result.stdout
    reasons = newsetl("sql", "SELECT reason FROM rejects ORDER BY uri", "--db", str(db))
    assert "nested 200,001 levels deep" in reasons.stdout
    assert "nested 100,001 levels deep" in reasons.stdout
    assert "100,000 array items" in reasons.stdout


def test_sources_reads_through_a_locked_connection(warehouse: Path) -> None:
    result = invoke("sources", "--db", str(warehouse))
    assert result.exit_code == 0, result.stderr
    assert "source" in result.stdout


def test_serve_checks_the_sources_file_before_serving(tmp_path: Path) -> None:
    config = tmp_path / "newsetl.toml"
    config.write_bytes(b'[[sources]]\nname = "caf\xe9"\n')
    result = newsetl("serve", "--config", str(config), timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "not UTF-8 text (byte 0xe9" in result.stderr


def test_the_summary_counts_the_weak_joins_and_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import _print_summary, newsetl_command
    from flows.ingest import IngestSummary

    weak = IngestSummary("run-1", "/data/w.duckdb", 9, 9, 9, 0, new_stories=4, weak_joins=2)
    _print_summary("newsetl ingest: in", weak, "w.duckdb")
    out = capsys.readouterr().out
    assert "  new stories             4\n  weak joins              2\n  rejected                0\n" in out
    assert (
        "2 articles joined a story with a score under 0.6, where half the joins are wrong on our story "
        f"sets: review them with {newsetl_command()} stories --weakest, correct one with "
        f"{newsetl_command()} split-story."
    ) in " ".join(out.split())
    assert "`newsetl stories --weakest`" in weak.to_markdown()
    _print_summary("newsetl ingest: in", IngestSummary("run-2", "/data/w.duckdb", 9, 9, 9, 0), "w.duckdb")
    quiet = capsys.readouterr().out  # none: nothing said
    assert "weak joins" not in quiet and "--weakest" not in quiet
