"""The daily digest as markdown, and the text helpers the HTML report shares: escaping, links, values."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from flows.digest_markdown import digest_markdown, format_value, md_text, safe_url, shorten, sparkline
from tests.warehouse.digest_data import DAY1, DAY2, DAY3, HOSTILE_TITLE, build_digest_warehouse
from warehouse.connection import connect_locked
from warehouse.digest import read_digest, read_mentions_per_day


def markdown_of(tmp_path: Path, day: date, **limits: int) -> str:
    path = build_digest_warehouse(tmp_path / "digest.duckdb")
    with connect_locked(path) as connection:
        digest = read_digest(connection, day, day, **limits)
        trend = read_mentions_per_day(connection, day - timedelta(days=13), day)
    return digest_markdown(digest, trend)


def test_a_day_in_markdown(tmp_path: Path) -> None:
    markdown = markdown_of(tmp_path, DAY2)
    assert markdown.startswith("# Daily digest: Tuesday 2026-03-03\n")
    assert "**2** articles from **1** source; **2** stories (1 new); **0** new numeric facts." in markdown
    # S1 continues from day 1, with a link to its first web article; S2 is untitled, in Chinese.
    assert (
        "| since 2026-03-02 | [Qwen heads to iPhones in China](https://wire.example/qwen-iphone) "
        "| desk.example, wire.example | en | 3 |"
    ) in markdown
    assert (
        "| new | *(untitled)* 阿里巴巴 said its Qwen app passed 100 million users. | desk | zh | 1 |"
        in markdown
    )
    # Qwen: a2 on day 2 (a4 is its near-copy), a1 the day before, a6 two days before that.
    assert "| Qwen | 1 | 1 | ▁▁▁▁▁▁▁▁▁▁█▁██ (max 1) | 1 |" in markdown
    assert "| Alibaba | 1 | 0 | ▁▁▁▁▁▁▁▁▁▁▁▁▁█ (max 1) | 1 |" in markdown
    assert "No new figure that day." in markdown
    assert "`newsetl report --since 2026-02-25 --out digest.html`" in markdown


def test_titles_are_text_never_markdown_or_html(tmp_path: Path) -> None:
    markdown = markdown_of(tmp_path, DAY3)
    [row] = [line for line in markdown.splitlines() if "pwned" in line and line.startswith("| new |")]
    assert "<" not in row and ">" not in row
    # No link but to http(s): every "](" that markdown would read as a link leads to a web page.
    assert not re.search(r"(?<!\\)\]\((?!https?://)", markdown)
    assert row.count(" | ") == 4  # the title's "|" does not open a cell
    assert r"Qwen \| \*bold\* \[click\]\(javascript:alert\(1\)\) &amp; co" in row
    assert "| - | 12.5 per cent | 12.5% |" in markdown  # a fact without an entity


# Its articles name no watched entity: the mentions chart draws no line, and names none in a legend
# (matplotlib warns of a legend without labels).
@pytest.mark.filterwarnings("error::UserWarning")
def test_a_follow_up_names_the_story_it_follows_in_markdown_and_in_the_report(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from flows.report import render_report
    from tests.warehouse.stories_history import load_flagged_joins

    db = tmp_path / "w.duckdb"
    load_flagged_joins(db)  # e1 follows c1
    with connect_locked(db) as connection:
        digest = read_digest(connection, date(2025, 3, 1), date(2025, 6, 30))
        [(followed_title,)] = connection.execute("SELECT title FROM stories WHERE story_id = 'c1'").fetchall()
    follows = {story.story_id: (story.follows, story.follows_headline) for story in digest.stories}
    # The earlier story's title as the stories view gives it; stories that follow none say nothing.
    assert follows == {"c1": (None, None), "d1": (None, None), "e1": ("c1", followed_title)}
    assert f"*(follows: {md_text(followed_title)})*" in digest_markdown(digest)
    page = render_report(digest, datetime(2025, 7, 1, tzinfo=UTC))
    assert page.count('class="follows"') == 1 and f"follows: {followed_title}</small>" in page


def test_stories_beyond_the_limit_are_counted(tmp_path: Path) -> None:
    markdown = markdown_of(tmp_path, DAY2, stories_per_day=1)
    assert "... and 1 more story." in markdown


def test_new_facts_with_their_values(tmp_path: Path) -> None:
    markdown = markdown_of(tmp_path, DAY1)
    assert "| Qwen | 1 billion dollars | USD 1 bn | Qwen heads to iPhones in China |" in markdown


def test_md_text_escapes_formatting_and_html() -> None:
    assert md_text("a|b *c* _d_ `e` [f](g) <h> & i\nj") == (
        r"a\|b \*c\* \_d\_ \`e\` \[f\]\(g\) &lt;h&gt; &amp; i j"
    )


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://x.example/a b(c)|d", "https://x.example/a%20b%28c%29%7Cd"),
        ("http://x.example/?q=1&r=2#top", "http://x.example/?q=1&r=2#top"),
        ('https://x.example/"><script>', "https://x.example/%22%3E%3Cscript%3E"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT://x.example/%0aalert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("file:///etc/passwd", None),
        ("https://", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, safe: str | None) -> None:
    assert safe_url(url) == safe


def test_values_read_as_people_write_them() -> None:
    assert format_value("percent", 18.0, "%", "18 per cent") == "18%"
    assert format_value("percent", 8.48, "%", "8.48%") == "8.48%"
    assert format_value("money", 3.6e11, "CNY", "360 billion yuan") == "CNY 360 bn"
    assert format_value("money", 2.2e12, "HKD", "HK$2.2 trillion") == "HKD 2.2 tn"
    assert format_value("money", 1.5e6, "USD", "$1.5 million") == "USD 1.5 m"
    assert format_value("money", 1500.0, "USD", "$1,500") == "USD 1,500"
    assert format_value("money", 0.14, "USD", "14 cents") == "USD 0.14"
    assert format_value("date", None, "date", "April 1") == "April 1"


def test_sparkline_and_shorten() -> None:
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([0, 0]) == "▁▁"
    assert shorten("one two three four", 12) == "one two …"
    assert shorten("a\n b", 10) == "a b"
    assert shorten(HOSTILE_TITLE, 500) == HOSTILE_TITLE
