"""The report opened in a real browser, Debian's headless Chromium: what renders is the digest, titles
stay text, and both charts are drawn.

Skipped when chromium is not installed, except in CI (CI=true), where .ci/run installs it and a missing
browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from flows.report import render_report, write_report
from tests.flows.test_report import GENERATED
from tests.warehouse.digest_data import DAY1, DAY3, HOSTILE_TITLE, build_digest_warehouse
from warehouse.connection import connect_locked
from warehouse.digest import read_digest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
BAR_BLUE = (31, 119, 180)  # matplotlib's first colour: the bars of the busiest source


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    warehouse = build_digest_warehouse(folder / "digest.duckdb")
    with connect_locked(warehouse) as connection:
        digest = read_digest(connection, DAY1, DAY3)
    out = folder / "report.html"
    write_report(out, render_report(digest, GENERATED))
    return out


def open_in_chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_what_the_browser_renders(chromium: str, report: Path, tmp_path: Path) -> None:
    dom = BeautifulSoup(
        open_in_chromium(chromium, tmp_path / "profile", "--dump-dom", report.as_uri()).stdout, "html.parser"
    )
    assert dom.title is not None and dom.title.get_text() == "newsetl digest 2026-03-02 to 2026-03-04"
    headlines = [cell.get_text(" ", strip=True) for cell in dom.select("td.headline")]
    assert "Qwen heads to iPhones in China" in headlines
    # The hostile title is shown as the text it is: no element came of it, and no script ran.
    assert any(HOSTILE_TITLE in headline for headline in headlines)
    assert dom.find_all(["script", "img", "iframe"]) == []
    assert [a["href"] for a in dom.select("a[href]")] == ["https://wire.example/qwen-iphone"]
    charts = {figure["id"]: figure for figure in dom.select("figure.chart")}
    assert set(charts) == {"chart-articles", "chart-mentions"}
    for figure in charts.values():
        svg = figure.find("svg")
        assert svg is not None and len(svg.find_all("path")) > 10
    legend = charts["chart-articles"].get_text(" ")
    assert "wire" in legend and "desk" in legend
    assert "Qwen" in charts["chart-mentions"].get_text(" ")
    stories_days = [h3.get_text(" ", strip=True) for h3 in dom.select("#stories h3")]
    assert stories_days == ["Wednesday 4 March 2026 1 story", "Tuesday 3 March 2026 2 stories"]


def test_the_charts_are_drawn(chromium: str, report: Path, tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    shot = tmp_path / "report.png"
    open_in_chromium(
        chromium, tmp_path / "profile", "--window-size=1200,1400", f"--screenshot={shot}", report.as_uri()
    )
    with Image.open(shot) as image:
        assert image.size == (1200, 1400)
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    blue = int((np.abs(pixels - np.array(BAR_BLUE)).max(axis=2) <= 8).sum())
    assert blue > 2000  # bars and lines in matplotlib's first colour, not an empty page
