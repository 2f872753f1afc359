"""`newsetl warc PATH_OR_URL...`: load web archives. Registered on the CLI by flows/cli.py; the flow's heavy
imports happen only when the command runs."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.settings import Settings, run_options
from flows.terminal import (
    DbOption,
    LockWaitOption,
    check_sources_file,
    console,
    errors,
    flow_outcome,
    run_flow,
    start_prefect_server,
)

if TYPE_CHECKING:
    from flows.ingest import IngestSummary
    from flows.warc import WarcCounts

    SummaryPrinter = Callable[[str, IngestSummary, str, bool], None]


def add_warc_command(app: typer.Typer, print_summary: SummaryPrinter) -> None:
    """Register `newsetl warc` on the CLI; `print_summary` prints what was loaded as `newsetl ingest` does
    (flows/cli.py passes its own, so this module need not import the CLI)."""

    def warc(
        locations: Annotated[
            list[str] | None,
            typer.Argument(
                help="WARC or ARC files (.warc, .warc.gz, .arc, .arc.gz) or their http(s) URLs.",
                show_default=False,
            ),
        ] = None,
        config: Annotated[
            Path | None,
            typer.Option(
                "--config",
                help="A sources file: its [topic] rule, [http] settings and warc sources.",
                show_default=False,
            ),
        ] = None,
        source: Annotated[
            str, typer.Option(help="The source name of pages from the archives given.")
        ] = "warc",
        all_topics: Annotated[
            bool, typer.Option("--all-topics", help="Load every page, not only those on the topic.")
        ] = False,
        processes: Annotated[
            int | None,
            typer.Option(help="Extraction processes [default: one per core].", show_default=False, min=1),
        ] = None,
        cc_news_from: Annotated[
            datetime | None,
            typer.Option(
                "--cc-news-from",
                help="Also read Common Crawl's CC-NEWS files of the days from this date (YYYY-MM-DD) ...",
                formats=["%Y-%m-%d"],
                show_default=False,
            ),
        ] = None,
        cc_news_to: Annotated[
            datetime | None,
            typer.Option(
                "--cc-news-to",
                help="... to this date, included [default: --cc-news-from]. About 1 GB a file, many a day.",
                formats=["%Y-%m-%d"],
                show_default=False,
            ),
        ] = None,
        db: DbOption = None,
        lock_wait: LockWaitOption = None,
    ) -> None:
        """Load the HTML pages of web archives (Common Crawl's CC-NEWS, your own crawls) on the topic.

        Every HTML page (an HTTP 2xx response record) is checked against the topic rule on its text first;
        those that may be on topic are extracted (in one process per core), cleaned, deduplicated and loaded
        like fetched pages, with the archive, record offset, record id and capture time as lineage
        (article_warc_lineage). A rerun goes on from where the last one stopped; a finished archive is
        skipped. Broken records (truncated, corrupt, not HTML, unknown encoding) are rejects with their
        offset; the rest of the archive loads. URLs are fetched with the [http] settings of --config.
        """
        settings = Settings()
        db_path = db or settings.db
        paths = locations or []
        missing = [p for p in paths if "://" not in p and not os.path.lexists(p)]
        if missing:
            errors.print(f"error: no such file: {', '.join(missing)}")
            raise typer.Exit(2)
        if config is not None:
            check_sources_file(config)
        if cc_news_to is not None and cc_news_from is None:
            errors.print("error: --cc-news-to needs --cc-news-from")
            raise typer.Exit(2)
        cc_news = (cc_news_from.date(), (cc_news_to or cc_news_from).date()) if cc_news_from else None
        if cc_news and cc_news[1] < cc_news[0]:
            errors.print("error: --cc-news-to is before --cc-news-from")
            raise typer.Exit(2)
        if not paths and config is None and cc_news is None:
            errors.print("error: give archives (paths or URLs), --cc-news-from or --config with warc sources")
            raise typer.Exit(2)
        server = start_prefect_server(settings)
        from flows.warc import warc as warc_flow

        summary, problem = run_flow(
            lambda: flow_outcome(
                warc_flow(
                    paths,
                    db=str(db_path),
                    config_path=str(config) if config else None,
                    source=source,
                    all_topics=all_topics,
                    processes=processes,
                    cc_news=cc_news,
                    **run_options(settings, lock_wait),
                    return_state=True,
                )
            ),
            server,
        )
        shown = ", ".join([*paths, *([f"CC-NEWS {cc_news[0]} to {cc_news[1]}"] if cc_news else [])]) or str(
            config
        )
        print_counts(f"newsetl warc: {shown}", summary.counts)
        print_summary("Loaded", summary.ingest, db_path, problem is not None)
        if problem:
            errors.print(f"error: {problem}", markup=False)
            raise typer.Exit(1)

    app.command("warc")(warc)


def print_counts(heading: str, counts: WarcCounts) -> None:
    console.print()
    console.print(heading, style="bold", markup=False)
    console.print(f"  archives           {counts.archives:>6}")
    console.print(f"  already read       {counts.already_read:>6}")
    console.print(f"  fetch failures     {counts.fetch_failures:>6}")
    console.print(f"  records read       {counts.records:>6}")
    console.print(f"  HTML pages         {counts.pages:>6}")
    console.print(f"  off topic (text)   {counts.off_topic:>6}")
    console.print(f"  rejected records   {counts.read_rejects:>6}")
