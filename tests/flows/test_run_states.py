"""What a run's Prefect state and name say: the run names its inputs, a run that could do nothing is
Failed with the reason (and the CLI exits 1 after its summary), a run with alerts is not a plain green."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from flows.ingest import ingest, run_name
from warehouse.connection import connect

NEWSETL = shutil.which("newsetl", path=str(Path(sys.executable).parent)) or "newsetl"


def test_run_names_say_what_a_run_was_given() -> None:
    assert run_name("ingest", ["samples"]) == "ingest samples"
    assert run_name("ingest", ["/data/in/", "b.txt", "c.txt"]) == "ingest in +2"
    assert run_name("web", ["apple-newsroom", "a", "b", "c"]) == "web apple-newsroom +3"
    assert run_name("ingest", []) == "ingest"


@pytest.mark.usefixtures("prefect_harness")
def test_an_ingest_run_is_named_after_its_paths_and_completes_plainly(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Alibaba and Apple\n\nQwen on iPhones in China.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Apple\n\nApple Intelligence in China.", encoding="utf-8")
    state = ingest(
        [str(tmp_path / "in"), str(tmp_path / "b.txt")], db=str(tmp_path / "w.duckdb"), return_state=True
    )
    assert state.is_completed() and state.name == "Completed"  # no alert: a plain green
    assert state.state_details.flow_run_id is not None
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(state.state_details.flow_run_id).name == "ingest in +1"


@pytest.mark.slow  # a `newsetl run` process
def test_newsetl_run_with_every_source_down_fails_saying_what_failed(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on: every fetch is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sources = "".join(
        f'\n[[sources]]\nname = "down-{n}"\nkind = "feed"\nurl = "http://127.0.0.1:{port}/{n}.rss"\n'
        for n in range(2)
    )
    config = tmp_path / "newsetl.toml"
    config.write_text(f"[http]\nallow_private_addresses = true\nretries = 0\n{sources}", encoding="utf-8")
    done = subprocess.run(
        [NEWSETL, "run", "--config", str(config), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ.copy(),
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "alert: down-0: unreadable: no feed, sitemap or listing page could be read" in done.stdout
    assert "alert: down-1: unreadable:" in done.stdout
    assert "already stored, no rows were added" not in done.stdout  # it is not "nothing new"
    assert "error: no feed, sitemap or listing page could be read (2 sources): down-0: " in done.stderr
    assert "Finished in state Failed('no feed, sitemap or listing page could be read" in done.stderr
    assert "Flow run 'web down-0 +1'" in done.stderr
    # The warehouse's own record of the run agrees with Prefect.
    with connect(tmp_path / "w.duckdb", read_only=True) as connection:
        assert connection.execute("SELECT status FROM runs").fetchall() == [("failed",)]
