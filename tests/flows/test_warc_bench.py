"""bench/warc.py at a tiny size, so its code cannot rot between `make bench` runs. No timing assertions."""

from __future__ import annotations

from bench import warc


def test_the_warc_benchmark_runs_and_its_prefilter_keeps_the_on_topic_pages() -> None:
    figures = warc.main(records=60)
    assert figures["prefilter"]["records"] == figures["prefilter"]["pages"] == 60
    assert figures["prefilter"]["passed"] == int(60 * warc.ON_TOPIC_SHARE)  # no page more, none less
    assert figures["extraction"]["articles"] == figures["prefilter"]["passed"]
    assert warc.rows(figures)[0][1].startswith("prefilter records/s")
