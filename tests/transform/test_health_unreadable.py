"""Drift rules of source health: a source none of whose index pages could be read is an alert."""

from __future__ import annotations

from transform.health import SourceRun, check_source


def test_a_source_that_could_not_be_read_is_an_alert_with_its_reason() -> None:
    down = SourceRun("newsroom", "feed", failed=1, unreadable="ConnectError: Name or service not known")
    usual = [SourceRun("newsroom", "feed", discovered=5, fetched=5, new_articles=5)] * 3
    for history in ([], usual):  # on its first run too
        alerts = check_source(down, history)
        assert [(a.source, a.rule) for a in alerts] == [("newsroom", "unreadable")]  # not "silent" too
        assert "Name or service not known" in alerts[0].message


def test_a_readable_or_blocked_source_is_not_unreadable() -> None:
    assert check_source(SourceRun("newsroom", "feed", discovered=2, fetched=2, new_articles=2), []) == []
    blocked = SourceRun("newsroom", "feed", failed=1, blocked=1, unreadable="HTTP 403")
    assert [a.rule for a in check_source(blocked, [])] == ["blocked"]
