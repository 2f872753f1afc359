"""Drift rules of source health: when no new article is a silent source, and when it is chance."""

from __future__ import annotations

from transform.health import HealthRules, SourceRun, check_source


def run(new: int, blocked: int = 0) -> SourceRun:
    return SourceRun("press", "feed", discovered=new, fetched=new, new_articles=new, blocked=blocked)


DEFAULT = HealthRules()


def silent(current: SourceRun, history: list[SourceRun], rules: HealthRules = DEFAULT) -> list[str]:
    return [a.message for a in check_source(current, history, rules) if a.rule == "silent"]


def test_one_empty_run_of_a_source_that_usually_brings_one_is_chance() -> None:
    assert silent(run(0), [run(1), run(1), run(1)]) == []
    # ... and again and again: each unchanged run is compared with the runs before the empty ones.
    assert silent(run(0), [run(0), run(1), run(1), run(1)]) == ["no new articles in 2 runs; usually 1 a run"]
    assert silent(run(0), [run(0), run(0), run(1), run(1), run(1)]) == [
        "no new articles in 3 runs; usually 1 a run"
    ]


def test_a_source_that_usually_brings_several_is_silent_at_its_first_empty_run() -> None:
    assert silent(run(0), [run(5), run(4), run(6)]) == ["no new articles; usually 5 a run"]
    two_runs = HealthRules(min_history=2)
    assert silent(run(0), [run(2), run(2)], two_runs) == ["no new articles; usually 2 a run"]


def test_no_silence_without_enough_history_or_when_blocked_or_usually_empty() -> None:
    assert silent(run(0), [run(5), run(5)]) == []  # min_history 3
    assert silent(run(0), [run(0), run(0), run(0), run(0)]) == []
    assert silent(run(0, blocked=3), [run(0), run(5), run(5), run(5)]) == []
    assert silent(run(3), [run(5), run(5), run(5)]) == []
    # The threshold is a setting ([health] silent_expected in newsetl.toml).
    assert silent(run(0), [run(1), run(1), run(1)], HealthRules(silent_expected=1)) == [
        "no new articles; usually 1 a run"
    ]
