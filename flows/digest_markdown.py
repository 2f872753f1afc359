"""The digest of one day as markdown (the `daily-digest` artifact), and the text helpers the HTML
report shares with it. Every value taken from an article is escaped: titles are text, never markdown
or HTML, and links are http(s) only.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from datetime import date, timedelta
from urllib.parse import quote, urlsplit

from flows.wording import plural
from warehouse.digest import DayCount, Digest

TREND_DAYS = 14
STORIES_SHOWN = 15
ENTITIES_SHOWN = 12
FACTS_SHOWN = 15
HEADLINE_CHARS = 120
_SPARKS = "▁▂▃▄▅▆▇█"
# Characters markdown would read as formatting (or a table's cell border) in a table cell.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))


def digest_markdown(digest: Digest, trend: Iterable[DayCount] = ()) -> str:
    """The digest of one day as markdown; `trend`: articles naming each entity on the days up to it."""
    day = digest.until
    lines = [
        f"# Daily digest: {day:%A} {day.isoformat()}",
        "",
        f"**{digest.articles}** {plural(digest.articles, 'article')} from **{digest.sources}** "
        f"{plural(digest.sources, 'source')}; **{digest.active_stories}** "
        f"{plural(digest.active_stories, 'story', 'stories')} ({digest.new_stories} new); "
        f"**{digest.new_facts_total}** new numeric {plural(digest.new_facts_total, 'fact')}.",
        "",
        "## Stories",
        "",
    ]
    if digest.stories:
        lines += ["| | headline | outlets | languages | articles |", "|---|---|---|---|---:|"]
        for story in digest.stories:
            headline = md_text(shorten(story.headline, HEADLINE_CHARS))
            if story.untitled:
                headline = f"*(untitled)* {headline}"
            if link := safe_url(story.url):
                headline = f"[{headline}]({link})"
            if followed := story.followed:  # a follow-up too long after the earlier story to join it
                headline += f" *(follows: {md_text(shorten(followed, HEADLINE_CHARS))})*"
            status = "new" if story.is_new else f"since {story.first_day.isoformat()}"
            lines.append(
                f"| {status} | {headline} | {md_text(', '.join(story.outlets))} "
                f"| {md_text(', '.join(story.languages) or '-')} | {story.articles} |"
            )
        if hidden := digest.active_stories - len(digest.stories):
            lines += ["", f"... and {hidden} more {plural(hidden, 'story', 'stories')}."]
    else:
        lines.append("No story had an article that day.")
    lines += ["", f"## Entities (articles naming them; the last {TREND_DAYS} days)", ""]
    if digest.entities:
        series = _series(trend, day - timedelta(days=TREND_DAYS - 1), TREND_DAYS)
        lines += ["| entity | articles | day before | trend | mentions |", "|---|---:|---:|---|---:|"]
        for entity in digest.entities[:ENTITIES_SHOWN]:
            counts = series.get(entity.entity, [0] * TREND_DAYS)
            lines.append(
                f"| {md_text(entity.entity)} | {entity.articles} | {entity.earlier_articles} "
                f"| {sparkline(counts)} (max {max(counts)}) | {entity.mentions} |"
            )
    else:
        lines.append("No watched entity was named that day.")
    lines += ["", "## New numeric facts (stated for the first time)", ""]
    if digest.new_facts:
        lines += ["| entity | fact | value | stated in |", "|---|---|---:|---|"]
        for fact in digest.new_facts:
            lines.append(
                f"| {md_text(fact.entity or '-')} | {md_text(fact.fact_text)} "
                f"| {md_text(format_value(fact.kind, fact.value, fact.unit, fact.fact_text))} "
                f"| {md_text(shorten(fact.title or fact.sentence or '', 80))} |"
            )
        if hidden := digest.new_facts_total - len(digest.new_facts):
            lines += ["", f"... and {hidden} more."]
    else:
        lines.append("No new figure that day.")
    week = day - timedelta(days=6)
    lines += [
        "",
        f"The week with charts: `newsetl report --since {week.isoformat()} --out digest.html`",
    ]
    return "\n".join(lines)


def md_text(text: str) -> str:
    """`text` as plain text in a markdown table cell: one line, no formatting, no HTML, no cell border."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a link target (characters that end a markdown link or an HTML attribute
    percent-encoded), or None for anything else (javascript:, data:, file:)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=":/?#@$&+,;=%~-._")


def shorten(text: str, width: int) -> str:
    """`text` on one line, cut at a word boundary to at most `width` characters (an ellipsis marks a cut)."""
    return textwrap.shorten(text, width=width, placeholder=" …") if text else ""


def sparkline(counts: list[int]) -> str:
    """Counts as a line of block characters, scaled to their maximum (all zero: the lowest block)."""
    top = max(counts, default=0)
    if top <= 0:
        return _SPARKS[0] * len(counts)
    return "".join(_SPARKS[round(count / top * (len(_SPARKS) - 1))] for count in counts)


def format_value(kind: str, value: float | None, unit: str, text: str) -> str:
    """A fact's value for reading: 18%, CNY 360 bn, USD 1.5 m; a date (or a missing value) as stated."""
    if value is None or kind == "date":
        return text
    if kind == "percent":
        return f"{value:g}%"
    for scale, suffix in _SCALES:
        if abs(value) >= scale:
            return f"{unit} {value / scale:,.3g} {suffix}"
    return f"{unit} {value:,.2f}".rstrip("0").rstrip(".")


def _series(counts: Iterable[DayCount], first: date, days: int) -> dict[str, list[int]]:
    """{series: its count on each of `days` days from `first`, zero where it has none}."""
    series: dict[str, list[int]] = {}
    for count in counts:
        index = (count.day - first).days
        if 0 <= index < days:
            series.setdefault(count.series, [0] * days)[index] = count.articles
    return series
