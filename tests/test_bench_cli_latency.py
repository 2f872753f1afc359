"""bench/cli_latency.py at its smallest, so its code cannot rot between `make bench` runs. No timing
assertions: the figures depend on the machine and its load."""

from __future__ import annotations

import pytest

from bench import cli_latency, run


@pytest.mark.slow  # three `newsetl ingest` processes and a Prefect server
def test_the_cli_latency_bench_runs_and_fills_its_rows() -> None:
    figures = cli_latency.measure(repeats=1, ways=("shared-warm",))
    warm = figures["ways"]["shared-warm"]
    assert set(warm) == {"nothing_new", "one_file"}
    assert all(case["wall_s"] > 0 and case["cpu_s"] > 0 for case in warm.values())
    rows = run.cli_latency_rows(figures)
    assert [row[:2] for row in rows] == [
        ("newsetl ingest, shared-warm", "nothing new: wall / CPU s (median of 1)"),
        ("newsetl ingest, shared-warm", "one new file: wall / CPU s (median of 1)"),
    ]
