"""pytest plugin: the one-line summary of the fault tests (tests/faults/conftest.py), at the end of a session.

A plugin of the top conftest rather than hooks of tests/faults/conftest.py: under pytest-xdist the
controller prints the summary, and it never loads that conftest (it collects nothing). The counts come
with each test's report, so they add up the same with or without workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import pytest

# The user property under which a fault test's report carries (inputs tried, rows lost).
LEDGER_PROPERTY = "fault_ledger"


@dataclass
class FaultTotals:
    """Inputs tried and rows lost across the fault tests, and their outcomes, for the summary line."""

    inputs_tried: int = 0
    rows_lost: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)


# One per session: pytest_runtest_logreport is given no config to reach a stash through.
_TOTALS = FaultTotals()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "fault" not in report.keywords:
        return
    if report.failed:
        _TOTALS.outcomes[report.nodeid] = "failed"
    elif report.skipped:
        _TOTALS.outcomes.setdefault(report.nodeid, "skipped")
    elif report.when == "call":
        _TOTALS.outcomes.setdefault(report.nodeid, "passed")
    if report.when == "teardown":  # the last report of a test: it holds every record of the test
        for name, value in report.user_properties:
            if name == LEDGER_PROPERTY:
                inputs, lost = cast(tuple[int, int], value)  # as tests/faults/conftest.py records it
                _TOTALS.inputs_tried += inputs
                _TOTALS.rows_lost += lost


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _TOTALS.outcomes:
        return
    outcomes = list(_TOTALS.outcomes.values())
    skipped = outcomes.count("skipped")
    terminalreporter.write_sep("-", "fault injection summary")
    terminalreporter.write_line(
        f"faults: {outcomes.count('passed')} passed, {outcomes.count('failed')} failed"
        + (f", {skipped} skipped" if skipped else "")
    )
    terminalreporter.write_line(f"inputs tried: {_TOTALS.inputs_tried}, rows lost: {_TOTALS.rows_lost}")
