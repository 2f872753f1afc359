"""`newsetl warc` as a user runs it: the installed console script on a generated archive, then a rerun."""

from __future__ import annotations

from pathlib import Path

from tests.extract.warc_files import page, write_warc
from tests.flows.test_cli import newsetl


def test_newsetl_warc_loads_an_archive_and_a_rerun_reads_nothing_again(tmp_path: Path) -> None:
    archive = tmp_path / "news.warc.gz"
    write_warc(archive, [page(n, n % 3 == 0) for n in range(9)])
    db = tmp_path / "news.duckdb"
    first = newsetl("warc", str(archive), "--db", str(db), "--processes", "1")
    assert first.returncode == 0, first.stderr
    assert "records read            9" in first.stdout
    assert "off topic (text)        6" in first.stdout
    assert "new articles            3" in first.stdout
    again = newsetl("warc", str(archive), "--db", str(db), "--processes", "1")
    assert again.returncode == 0, again.stderr
    assert "already read            1" in again.stdout and "Nothing new" in again.stdout


def test_newsetl_warc_stops_on_a_missing_file_before_any_run(tmp_path: Path) -> None:
    missing = newsetl("warc", str(tmp_path / "nope.warc.gz"), "--db", str(tmp_path / "x.duckdb"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
