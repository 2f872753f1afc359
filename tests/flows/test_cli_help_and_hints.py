"""What the command line tells a user: the help says what is deduplicated and lists every table and view,
`newsetl sources` fits 120 columns without a NULL, and the `Try:` hint works from a fresh shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.flows.corpus import write_corpus
from transform.health import Alert, SourceRun
from warehouse.connection import connect
from warehouse.health import SourceHealth, save_source_health

BIN = Path(sys.executable).parent
NOW = datetime(2025, 2, 13, 8, 0, tzinfo=UTC)


def invoke(*args: str) -> Result:
    from flows.cli import app

    return CliRunner().invoke(app, list(args))


def test_the_top_level_help_says_what_is_deduplicated() -> None:
    text = " ".join(invoke("--help").output.split())
    assert "exact copies (same canonical URL or same normalised body: recorded, not loaded again)" in text
    assert "near-copies (loaded and grouped with the article they copy" in text
    assert "(grouped into stories)" in text
    assert "drop exact duplicates" not in text


def test_sql_help_lists_every_table_and_view_of_a_migrated_warehouse(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        names = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal"
                " UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal"
                " AND database_name = current_database()"
            ).fetchall()
        ]
    help_text = invoke("sql", "--help").output
    assert len(names) > 30
    missing = [name for name in names if not re.search(rf"\b{name}\b", help_text)]
    assert missing == []


def health(source: str, **figures: object) -> SourceHealth:
    base: dict[str, object] = {
        "source": source,
        "status": "ok",
        "last_run": NOW,
        "discovered": 120,
        "fetched": 118,
        "unchanged": 2,
        "failed": 0,
        "blocked": 0,
        "new_articles": 17,
        "usual_new_articles": 15.5,
        "rejected": 1,
        "missing_date_share": 0.06,
        "median_body_words": 612.5,
        "alerts": (),
    }
    return SourceHealth(**{**base, **figures})  # type: ignore[arg-type]


def test_the_sources_table_fits_120_columns_and_wraps_what_does_not() -> None:
    from flows.cli import source_table

    long_name = "google-news-alibaba-qwen-apple-and-everything-else-about-them"
    rows = [
        health(
            long_name, status="alert", alerts=("silent: no new articles in 3 runs; usually 1 a run " * 4,)
        ),
        health(
            "files", new_articles=0, usual_new_articles=None, missing_date_share=None, median_body_words=None
        ),
    ]
    table = source_table(rows)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 120, table
    header = lines[0].split()
    for column in ("source", "status", "found", "fetched", "unchanged", "failed", "blocked", "new"):
        assert column in header
    assert {"usual", "rejected", "words"} <= set(header) and "no date" in lines[0]
    assert lines[1] == long_name  # a name too long for its column gets a line of its own
    assert lines[2].startswith(" ") and "alert" in lines[2] and "2025-02-13 08:00" in lines[2]
    assert lines[3].startswith("  alert: silent: no new articles in 3 runs") and lines[4].startswith("    ")
    files = next(line for line in lines if line.startswith("files "))
    assert files.split()[-3:] == ["1", "-", "-"]  # rejected, no date, words: nothing to measure
    assert "NULL" not in table and "None" not in table


def test_sources_after_a_run_that_added_nothing_shows_no_null(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        for run, new in enumerate([3, 0]):  # a source's first run, then a run with nothing new
            figures = SourceRun("files", "file", discovered=3, fetched=3, new_articles=new)
            if new:
                figures = SourceRun(
                    "files", "file", 3, 3, new_articles=3, missing_date_share=0.0, median_body_words=250
                )
            alerts = [Alert("files", "silent", "no new articles; usually 3 a run")] if not new else []
            save_source_health(con, f"run-{run}", [figures], alerts, NOW.replace(hour=8 + run))
    result = invoke("sources", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "NULL" not in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("files "))
    assert row.split()[1:4] == ["alert", "2025-02-13", "09:00"]
    assert row.split()[-5:] == ["0", "3", "0", "-", "-"]  # new, usual, rejected, no date, words
    assert "  alert: silent: no new articles; usually 3 a run" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 120


def test_the_try_hint_names_newsetl_as_a_fresh_shell_finds_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from flows.cli import newsetl_command

    monkeypatch.setattr(sys, "argv", [str(BIN / "newsetl"), "ingest"])
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}/usr/bin:/bin")
    assert newsetl_command() == "newsetl"
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.chdir(tmp_path)  # outside the checkout: the absolute path
    assert newsetl_command() == str(BIN / "newsetl")
    monkeypatch.chdir(BIN.parent.parent)  # in the checkout: the path from here, as after `make run`
    assert newsetl_command() == str((BIN / "newsetl").relative_to(BIN.parent.parent))


def test_the_try_line_of_an_ingest_runs_in_a_fresh_shell_without_newsetl_on_path(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in")
    db = tmp_path / "cli.duckdb"
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # the virtualenv is not on PATH, as after `make run`
    done = subprocess.run(
        [str(BIN / "newsetl"), "ingest", str(tmp_path / "in"), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [hint] = [line for line in done.stdout.splitlines() if line.startswith("Try: ")]
    assert not hint.startswith("Try: newsetl ")
    again = subprocess.run(
        ["bash", "-c", hint.removeprefix("Try: ")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "title" in again.stdout and "word_count" in again.stdout
