"""`newsetl split-story` and `newsetl merge-stories`: an analyst's corrections of stories the rules got
wrong (warehouse/story_edits.py). Registered on the CLI by flows/cli.py.

An edit is a short write, not a Prefect run: it takes the warehouse's writer lock as a run would (waiting
for a run that writes meanwhile, up to --lock-wait), changes the stories in one transaction, publishes the
read copy of a DuckDB file so that readers see the change, and prints the stories it left.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from flows.settings import Settings, warehouse_for
from flows.story_text import story_lines
from flows.terminal import DbOption, LockWaitOption, errors

if TYPE_CHECKING:
    import duckdb

    from warehouse.story_edits import StoryEdit


def add_story_edit_commands(app: typer.Typer) -> None:
    """Register `newsetl split-story` and `newsetl merge-stories` on the CLI."""

    @app.command("split-story")
    def split_story(
        articles: Annotated[
            list[str],
            typer.Argument(
                help="The articles to take out, each by its URL as `newsetl stories` lists it, or its id.",
                metavar="ARTICLE",
                show_default=False,
            ),
        ],
        db: DbOption = None,
        lock_wait: LockWaitOption = None,
    ) -> None:
        """Take articles out of their story into a story of their own: for a story that holds two events.

        The articles must all be in one story, and not be all of it. The part that holds the story's
        first article keeps the story's id; the other part takes the id of its own first article and
        records `split_from` in story_changes. Later runs build on the corrected stories: a new report
        joins whichever part it matches. An article whose matched article ends up in the other part
        is listed as placed here by hand. Prints both stories.
        """
        from warehouse.story_edits import split_story as split

        _edit("split-story", lambda connection, now: split(connection, articles, now), db, lock_wait)

    @app.command("merge-stories")
    def merge_stories(
        story_ids: Annotated[
            list[str],
            typer.Argument(
                help="The stories to merge (two or more), each by its id or the start of it.",
                metavar="STORY_ID",
                show_default=False,
            ),
        ],
        db: DbOption = None,
        lock_wait: LockWaitOption = None,
    ) -> None:
        """Move stories into one: for reports of one event that newsetl kept apart.

        The story whose first article came first keeps its id; the others record `merged_into` it in
        story_changes, and `newsetl stories` given their ids shows the merged story (a story that followed
        one of them follows the merged story). A merge past the size limit of a story (500 articles) is
        refused. Prints the merged story.
        """
        from warehouse.story_edits import merge_stories as merge

        _edit("merge-stories", lambda connection, now: merge(connection, story_ids, now), db, lock_wait)


def _edit(
    command: str,
    edit: Callable[[duckdb.DuckDBPyConnection, datetime], StoryEdit],
    db: str | None,
    lock_wait: float | None,
) -> None:
    """Make the edit holding the writer lock (as `command`, which a run waiting for it names), publish the
    read copy, print the stories it left."""
    from warehouse.connection import WarehouseError, commit_lock, connect, publish_read_copy
    from warehouse.locks import run_guard
    from warehouse.stories import stories_by_id

    settings = Settings()
    warehouse = warehouse_for(db, None)
    wait = settings.lock_wait_seconds if lock_wait is None else lock_wait
    try:
        if warehouse.lake is None and not warehouse.path.exists():
            raise WarehouseError(f"no database at {warehouse.path}: run `newsetl ingest` first or pass --db")
        # A DuckDB file: its writer lock, as a run holds it. A lake: its commit lock, as a run takes it to
        # commit (an edit needs no lease: it is no run that others must tell alive).
        if warehouse.lake is None:
            guard = run_guard(warehouse, holder=command, wait_seconds=wait)
        else:
            guard = commit_lock(warehouse, holder=command, wait_seconds=wait)
        with guard:
            with connect(warehouse) as connection:
                done = edit(connection, datetime.now(UTC))
                stories = stories_by_id(connection, done.stories)
            if warehouse.lake is None:
                publish_read_copy(warehouse)
    except WarehouseError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    typer.echo(f"Edit {done.edit_id} (story_changes.run_id):")
    for story in stories:
        typer.echo()
        for line in story_lines(story):
            typer.echo(line)
