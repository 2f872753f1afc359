"""The "stories of this run" artifact: the stories an ingest run started or added articles to, as a
markdown table on the flow run's page in the Prefect UI.

It reads what the run recorded in `story_changes` (warehouse.stories.run_stories), so it shows what was
loaded. Under the table, the run's stories of more than one article are listed as `newsetl stories` lists
them: each article, and what it shares with the article it joined (a wrong join shows what glued it).

It never fails the run: the run's data is committed before it, and a report that cannot be made
is a failed task run and a warning in the log.
"""

from __future__ import annotations

import re

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from flows.story_text import published, story_lines
from flows.wording import count_of, plural
from warehouse.connection import Warehouse, connect
from warehouse.stories import GoneStory, RunStories, run_stories
from warehouse.story_edits import EditReplays

ARTIFACT_KEY = "run-stories"
# Stories shown in the table, most articles added first; the rest are counted under it.
SHOWN_STORIES = 50
# Stories of the table listed with their articles under it: the first of those with two articles or more,
# and no more than this many articles (a larger story's lines would bury the rest; `newsetl stories`
# lists it whole).
LISTED_STORIES = 10
LISTED_MAX_ARTICLES = 50


@task(cache_policy=NONE)
def stories_of_this_run(db: Warehouse, run_id: str) -> str:
    """Publish the run's stories as a markdown artifact (key `run-stories`); returns its markdown."""
    with connect(db, read_only=True, run_reads=True) as connection:
        stories = run_stories(connection, run_id, SHOWN_STORIES, LISTED_STORIES, LISTED_MAX_ARTICLES)
    markdown = story_report(stories, run_id)
    create_markdown_artifact(
        markdown, key=ARTIFACT_KEY, description="Stories that gained articles in this run"
    )
    return markdown


def story_report(run: RunStories, run_id: str) -> str:
    """Markdown: a line of totals, one row per story shown (most articles added first), then the stories
    that came with their articles, as plain lines in a code block."""
    if not run.changed:
        return "# Stories of this run\n\nNo story gained articles in this run."
    lines = [
        "# Stories of this run",
        "",
        f"{count_of(run.changed, 'story', 'stories')} gained {count_of(run.articles_added, 'article')}: "
        f"{run.created} new, "
        f"{run.changed - run.created} grown.",
        "",
        "| story | headline | change | articles added | articles | outlets | languages | published |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for run_story in run.stories:
        story = run_story.story
        change = run_story.change + (f", follows `{run_story.follows[:12]}`" if run_story.follows else "")
        lines.append(
            f"| `{story.story_id[:12]}` | {_cell(story.headline or '(untitled)')} | {change} "
            f"| {run_story.articles_added} | {story.article_count} | {story.outlet_count} "
            f"| {', '.join(story.languages)} | {published(story)} |"
        )
    if run.gone:
        lines += ["", *(_gone_line(gone) for gone in run.gone)]
    if run.changed > len(run.stories) + len(run.gone):
        rest = run.changed - len(run.stories) - len(run.gone)
        lines += [
            "",
            f"... and {rest} more {plural(rest, 'story', 'stories')}: every one is in the `story_changes` "
            f"table under run_id `{run_id}`.",
        ]
    listed = [run_story.story for run_story in run.stories if run_story.story.articles]
    if listed:
        text = [
            line
            for index, story in enumerate(listed)
            for line in ([""] if index else []) + story_lines(story)
        ]
        fence = _fence(text)
        lines += [
            "",
            "## What joined",
            "",
            f"{plural(len(listed), 'The story', f'The {len(listed)} stories')} above with two to "
            f"{LISTED_MAX_ARTICLES} articles (at most {LISTED_STORIES}), as `newsetl stories` lists them: "
            "each article, and what it shares with the article it joined. Any story of the table: "
            "`newsetl stories <its id>`.",
            "",
            fence,
            *text,
            fence,
        ]
    return "\n".join(lines)


def _gone_line(gone: GoneStory) -> str:
    """A story of the run that holds no article now: where its articles went."""
    what = f"{gone.change} with {count_of(gone.articles_added, 'article')}"
    if gone.merged_into is None:
        return f"Story `{gone.story_id[:12]}` ({what}) holds no article now."
    return (
        f"Story `{gone.story_id[:12]}` ({what}) holds no article now: an analyst's merge moved its articles "
        f"into story `{gone.merged_into[:12]}` (`story_changes`)."
    )


def _fence(text: list[str]) -> str:
    """A code fence longer than any run of backticks in `text`, which a title could hold and end a
    shorter fence with."""
    longest = max((len(run) for line in text for run in re.findall("`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell: one line, no column separator."""
    return " ".join(text.split()).replace("|", "\\|")


EDITS_ARTIFACT_KEY = "story-edits-made-again"


def edits_markdown(replays: EditReplays) -> str:
    """The analysts' story edits a run made again after a reprocess, and those it skipped with why."""
    lines = [
        "# Story edits made again",
        "",
        f"{replays.made} of {len(replays.edits)} analysts' edits (`story_edits`) made again on the stories "
        "`newsetl reprocess` rebuilt.",
        "",
        "| edit | kind | made again as | or skipped because |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{e.edit_id}` | {e.kind} | {f'`{e.replay_id}`' if e.replay_id else ''} | {e.skipped or ''} |"
        for e in replays.edits
    ]
    return "\n".join(lines) + "\n"
