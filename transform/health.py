"""Source health: per-run figures of each source, and drift rules that say when a source broke.

News tools fail quietly: a site changes its layout and the crawler returns nothing, or text without
dates, for weeks. These rules compare a source's latest run with its own usual figures (the median of
its earlier runs) and raise an alert with a message an operator can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median


@dataclass(frozen=True, slots=True)
class SourceRun:
    """What one run did for one source."""

    source: str
    source_kind: str
    discovered: int = 0
    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    blocked: int = 0
    new_articles: int = 0
    rejected: int = 0
    rejects_by_reason: Mapping[str, int] = field(default_factory=dict)
    missing_date_share: float | None = None
    missing_author_share: float | None = None
    missing_title_share: float | None = None
    median_body_words: float | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class HealthRules:
    """Thresholds of the drift rules; every field can be changed in the [health] table of newsetl.toml."""

    # Rules that compare with the usual figures wait until a source has this many earlier runs.
    min_history: int = 3
    # A run's reject share above this, and above twice the usual share, is a jump.
    max_reject_share: float = 0.3
    # Median body length below this fraction of the usual median: extraction probably broke.
    body_drop_ratio: float = 0.5
    # Share of articles without a date up by this much (absolute) over the usual share.
    date_drop: float = 0.3


@dataclass(frozen=True, slots=True)
class Alert:
    source: str
    rule: str
    message: str


def check_source(
    current: SourceRun, history: Sequence[SourceRun], rules: HealthRules = HealthRules()
) -> list[Alert]:
    """Alerts for `current` given the source's earlier runs (most recent first or in any order)."""
    alerts: list[Alert] = []

    def alert(rule: str, message: str) -> None:
        alerts.append(Alert(current.source, rule, message))

    if current.blocked and not current.fetched:
        alert("blocked", f"{current.blocked} fetches refused by robots.txt or answered 401/403/429")
    if len(history) < rules.min_history:
        return alerts
    usual_new = median(run.new_articles for run in history)
    if current.new_articles == 0 and usual_new >= 1 and not current.blocked:
        alert("silent", f"no new articles; usually {usual_new:g} a run")
    share = _reject_share(current)
    usual_share = median(_reject_share(run) for run in history)
    if share > rules.max_reject_share and share > 2 * usual_share:
        alert("rejects", f"{share:.0%} of documents rejected; usually {usual_share:.0%}")
    usual_body = _median_known(run.median_body_words for run in history)
    if (
        current.median_body_words is not None
        and usual_body
        and (current.median_body_words < rules.body_drop_ratio * usual_body)
    ):
        alert(
            "body_length",
            f"median body {current.median_body_words:g} words, usually {usual_body:g}: "
            "extraction may have broken",
        )
    usual_missing = _median_known(run.missing_date_share for run in history)
    if (
        current.missing_date_share is not None
        and usual_missing is not None
        and current.missing_date_share - usual_missing >= rules.date_drop
    ):
        alert(
            "dates",
            f"{current.missing_date_share:.0%} of new articles have no date; usually {usual_missing:.0%}",
        )
    return alerts


def _reject_share(run: SourceRun) -> float:
    documents = run.new_articles + run.rejected
    return run.rejected / documents if documents else 0.0


def _median_known(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(median(known)) if known else None
