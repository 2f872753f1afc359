"""The installed `newsetl` console script, run as a user runs it (a subprocess)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
        sub = newsetl(command, "--help")
        assert sub.returncode == 0, sub.stderr
        assert "Usage: newsetl " + command in sub.stdout
    assert "NEWSETL_DB" in newsetl("ingest", "--help").stdout


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
    assert "Try: newsetl sql" in first.stdout

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
