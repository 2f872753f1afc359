"""`newsetl split-story` and `newsetl merge-stories` through Typer's runner, on a DuckDB file with a read
copy: the edit, the stories it prints, readers seeing it, the writer lock, and clear errors."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.warehouse.stories_history import load_history
from warehouse.connection import Warehouse, create_lake, publish_read_copy
from warehouse.locks import writer_lock

runner = CliRunner()


def invoke(*args: str) -> Result:
    from flows.cli import app

    return runner.invoke(app, list(args))


@pytest.fixture
def history(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    load_history(db)
    publish_read_copy(Warehouse(db))  # readers read the copy, as after a run
    return db


def test_split_story_prints_both_stories_and_readers_see_them(history: Path) -> None:
    result = invoke("split-story", "https://www.meridianwire.example/deepseek", "--db", str(history))
    assert result.exit_code == 0, result.stderr
    edit, left, moved = result.stdout.split("\n\n")
    assert edit.startswith("Edit edit-") and edit.endswith(" (story_changes.run_id):")
    assert left.startswith("DeepSeek cuts prices\n  story b2\n")
    # b3 had matched b1, which left: it says how it got here rather than what it shares with b1.
    assert left.endswith(
        "https://www.pacificcircuit.example/deepseek-rivals\n"
        f"{' ' * 32}placed here by hand (newsetl split-story)"
    )
    assert moved.startswith("DeepSeek halves API prices\n  story b1\n  seen 2025-03-01, 1 article from 1")
    listed = invoke("stories", "--db", str(history))  # through the read copy, published by the edit
    assert "  story b1\n" in listed.stdout and listed.stdout.count("  story ") == 4


def test_merge_stories_prints_the_merged_story(history: Path) -> None:
    result = invoke("merge-stories", "b2", "a3", "--db", str(history))
    assert result.exit_code == 0, result.stderr
    [_, merged] = result.stdout.split("\n\n")
    # a3, undated, was loaded on 14 February, before b2's first article was published: its id stays.
    # The span is the dated articles' (a3's load day would stretch it back to February).
    assert merged.startswith(
        "DeepSeek halves API prices\n  story a3\n  seen 2025-03-01 to 2025-03-02 (and 1 undated), 4 articles"
    )
    assert merged.count("placed here by hand (newsetl merge-stories)") == 1  # b2, which matched nothing
    assert "  story b2\n" not in invoke("stories", "--db", str(history)).stdout


def test_an_edit_waits_for_a_run_then_says_who_holds_the_warehouse(history: Path) -> None:
    with writer_lock(history, holder="4f2a"):
        result = invoke("merge-stories", "b2", "a3", "--lock-wait", "0", "--db", str(history))
    assert result.exit_code == 1
    assert "is being written by run 4f2a (pid" in result.stderr and "Let that run finish" in result.stderr


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (
            ["split-story", "a1", "a2", "a4", "a5"],
            "error: those are all 4 articles of story a1: nothing to split",
        ),
        (["split-story", "https://nowhere.example/"], "no article in a story has the id or URL"),
        (["merge-stories", "a1", "zz"], "error: no story id starts with 'zz'"),
        (["merge-stories", "a1"], "error: give two stories or more to merge, not only a1"),
    ],
)
def test_an_edit_that_cannot_be_made_says_why(history: Path, command: list[str], says: str) -> None:
    result = invoke(*command, "--db", str(history))
    assert result.exit_code == 1 and says in result.stderr


def test_an_edit_needs_a_warehouse(tmp_path: Path) -> None:
    result = invoke("merge-stories", "a1", "b2", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1
    assert "no database at" in result.stderr and "run `newsetl ingest` first" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_an_edit_on_a_lake_takes_its_commit_lock_and_readers_see_it(tmp_path: Path) -> None:
    lake = Warehouse.at(
        f"ducklake:sqlite:{tmp_path / 'lake' / 'catalog.sqlite'}", None, f"{tmp_path / 'files'}/"
    )
    create_lake(lake)
    load_history(lake)
    spec = f"ducklake:sqlite:{tmp_path / 'lake' / 'catalog.sqlite'}"
    result = invoke("merge-stories", "b2", "a3", "--db", spec)
    assert result.exit_code == 0, result.stderr
    assert "  story a3\n  seen 2025-03-01 to 2025-03-02 (and 1 undated), 4 articles" in result.stdout
    assert "  story b2\n" not in invoke("stories", "--db", spec).stdout  # readers read the latest snapshot
    # Another process's turn at the commit lock (this process's own would let the edit in: it is re-entrant).
    ready = tmp_path / "holding"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import pathlib, sys, time\n"
            "from warehouse.connection import Warehouse, commit_lock\n"
            "with commit_lock(Warehouse.at(sys.argv[1]), holder='a run'):\n"
            "    pathlib.Path(sys.argv[2]).touch()\n"
            "    time.sleep(60)\n",
            spec,
            str(ready),
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        busy = invoke("split-story", "b1", "--lock-wait", "0", "--db", spec)
    finally:
        holder.kill()
        holder.wait()
    assert busy.exit_code == 1, busy.stdout
    assert "another writer kept the commit lock for 0 s" in busy.stderr
