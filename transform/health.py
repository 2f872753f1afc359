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
    # Why none of the source's feeds, sitemaps or listing pages could be read, when none could (DNS,
    # refused connection, a parse error); None when one could, or for a source of plain URLs.
    unreadable: str | None = None


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
    # A source is silent when its runs without a new article, in a row, would usually have brought this
    # many. One empty run of a source that usually brings 1 a run is chance (about 1 in 3), not a broken
    # source: it takes 2 empty runs in a row (about 1 in 7 by chance), while one that brings 2 or more is
    # silent at its first empty run.
    silent_expected: float = 2.0


@dataclass(frozen=True, slots=True)
class Alert:
    source: str
    rule: str
    message: str


def check_source(
    current: SourceRun, history: Sequence[SourceRun], rules: HealthRules = HealthRules()
) -> list[Alert]:
    """Alerts for `current` given the source's earlier runs, most recent first."""
    alerts: list[Alert] = []

    def alert(rule: str, message: str) -> None:
        alerts.append(Alert(current.source, rule, message))

    if current.blocked and not current.fetched:
        alert("blocked", f"{current.blocked} fetches refused by robots.txt or answered 401/403/429")
    elif current.unreadable:
        alert("unreadable", f"no feed, sitemap or listing page could be read: {current.unreadable}")
    if (
        current.new_articles == 0
        and not current.blocked
        and not current.unreadable  # said above, with its reason
        and (silence := _silence(history, rules))
    ):
        alert("silent", silence)
    if len(history) < rules.min_history:
        return alerts
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


def _silence(history: Sequence[SourceRun], rules: HealthRules) -> str | None:
    """Why a run without new articles is a silent source, or None when it may be chance: the runs without
    any in a row (this one included), against the usual count of the runs before them."""
    streak = 1
    while streak <= len(history) and history[streak - 1].new_articles == 0:
        streak += 1
    earlier = history[streak - 1 :]
    if len(earlier) < rules.min_history:
        return None
    usual = median(run.new_articles for run in earlier)
    if not usual or usual * streak < rules.silent_expected:
        return None
    runs = "" if streak == 1 else f" in {streak} runs"
    return f"no new articles{runs}; usually {usual:g} a run"


def _reject_share(run: SourceRun) -> float:
    documents = run.new_articles + run.rejected
    return run.rejected / documents if documents else 0.0


def _median_known(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(median(known)) if known else None
