"""The daily digest an analyst opens first, published as a Prefect markdown artifact (key
`daily-digest`) at the end of every ingest run: the latest day's stories (headline, outlets, languages),
the watched entities named that day with their two-week trend, and the numeric facts stated that day
for the first time (rendered by flows/digest_markdown.py). `newsetl report` draws the digest of any
period, with charts, as an HTML page (flows/report.py).

"The latest day" is the latest day with articles up to the run's date: today once today has news,
yesterday's digest early in the morning.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from flows.digest_markdown import FACTS_SHOWN, STORIES_SHOWN, TREND_DAYS, digest_markdown
from warehouse.connection import Warehouse, connect
from warehouse.digest import read_digest, read_latest_day, read_mentions_per_day

DIGEST_KEY = "daily-digest"


@task(cache_policy=NONE)
def daily_digest(db: Warehouse, now: datetime) -> str:
    """Read the latest day's digest (up to `now`) and publish it as the `daily-digest` artifact."""
    with connect(db, read_only=True, run_reads=True) as connection:
        day = read_latest_day(connection, now.date())
        if day is None:
            markdown = (
                "# Daily digest\n\nNo articles yet: the digest starts with the first ingest that loads any."
            )
        else:
            digest = read_digest(connection, day, day, stories_per_day=STORIES_SHOWN, facts=FACTS_SHOWN)
            trend = read_mentions_per_day(connection, day - timedelta(days=TREND_DAYS - 1), day)
            markdown = digest_markdown(digest, trend)
    create_markdown_artifact(
        markdown, key=DIGEST_KEY, description="The latest day's stories, entities and facts"
    )
    return markdown
