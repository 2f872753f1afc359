"""The `newsetl` command line. Heavy imports (Prefect, trafilatura) happen inside the commands that need them,
so `newsetl --help`, `newsetl sql` and `newsetl clean` answer quickly."""

from __future__ import annotations

import os
import shlex
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.lake_command import add_lake_commands
from flows.operations import add_commands
from flows.settings import Settings, run_options
from flows.story_edit_commands import add_story_edit_commands
from flows.story_text import story_edits_lines
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
from flows.warc_command import add_warc_command

if TYPE_CHECKING:
    from collections.abc import Sequence

    from extract.http import FetchResult
    from flows.ingest import IngestSummary
    from warehouse.health import SourceHealth

app = typer.Typer(
    name="newsetl",
    help=(
        "Ingest news articles into a DuckDB warehouse: read files (.txt, .html, .json, .jsonl) or fetch "
        "web sources, clean the text, and load everything through a Prefect flow. Deduplication finds "
        "exact copies (same canonical URL or same normalised body: recorded, not loaded again), near-copies "
        "(loaded and grouped with the article they copy; unique_articles keeps one of each group) and "
        "articles about the same event from any outlet (grouped into stories).\n\n"
        "The database is data/newsetl.duckdb unless --db or NEWSETL_DB says otherwise."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
# A run's rejects are listed up to this many; the rest are counted, with the query that lists them.
SHOWN_REJECTS = 10


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders to load (folders are read recursively).")
    ],
    db: DbOption = None,
    lock_wait: LockWaitOption = None,
) -> None:
    """Load files and folders into the warehouse as one Prefect flow run, then print a summary.

    Documents already stored are not loaded again, so running the same ingest twice adds nothing.
    Files that cannot be read are recorded in the `rejects` table with the reason; the rest still load.
    Limits: 10 MB a file ($NEWSETL_MAX_FILE_BYTES), 1 MiB a text document, 10,000 documents (JSONL lines or
    JSON array items) a file, JSON nested at most 100 deep; what exceeds one is a reject, whole.
    A path that does not exist stops the command before anything runs (exit 2).
    """
    settings = Settings()
    db_path = db or settings.db
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:  # a mistyped path: say so before any flow starts
        errors.print(f"error: no such file or folder: {', '.join(missing)}")
        raise typer.Exit(2)
    server = start_prefect_server(settings)  # before the flow's imports, which its start overlaps
    from flows.ingest import ingest as ingest_flow

    summary = run_flow(
        lambda: ingest_flow(
            [str(p) for p in paths],
            db=str(db_path),
            max_file_bytes=settings.max_file_bytes,
            **run_options(settings, lock_wait),
        ),
        server,
    )
    _print_summary(f"newsetl ingest: {', '.join(str(p) for p in paths)}", summary, db_path)


@app.command()
def run(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="The sources file [default: $NEWSETL_CONFIG or newsetl.toml]. See newsetl.example.toml.",
            show_default=False,
        ),
    ] = None,
    refetch: Annotated[
        bool, typer.Option(help="Fetch article pages again even when already stored.")
    ] = False,
    db: DbOption = None,
    lock_wait: LockWaitOption = None,
) -> None:
    """Fetch what is new from the web sources in the config file, then clean, deduplicate and load it.

    Feeds, sitemaps and listing pages are fetched conditionally (ETag / Last-Modified); article pages
    already stored are not fetched again. robots.txt is obeyed. Exits 1 when nothing at all could be
    fetched: every feed, sitemap and listing page failed (the sources are named), or every article page.
    """
    settings = Settings()
    config_path = config or settings.config
    db_path = db or settings.db
    if not config_path.exists():
        errors.print(f"error: no sources file at {config_path}: copy newsetl.example.toml there and edit it")
        raise typer.Exit(2)
    from extract.sources import SourcesError, load_sources

    try:
        load_sources(config_path)  # a bad file is reported before any flow starts
    except SourcesError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(2) from error
    server = start_prefect_server(settings)  # before the flow's imports, which its start overlaps
    from flows.web import web

    try:
        summary, problem = run_flow(
            lambda: flow_outcome(
                web(
                    str(config_path),
                    db=str(db_path),
                    refetch=refetch,
                    **run_options(settings, lock_wait),
                    return_state=True,
                )
            ),
            server,
        )
    except SourcesError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(2) from error
    _print_summary(f"newsetl run: {config_path}", summary, db_path, failed=problem is not None)
    if problem:  # the flow run ended Failed with this reason (see flows/web.py: run_failure)
        errors.print(f"error: {problem}", markup=False)
        raise typer.Exit(1)


def _print_summary(heading: str, summary: IngestSummary, db_path: str, failed: bool = False) -> None:
    from warehouse.queries import EXAMPLE_QUERY, run_rejects_query

    console.print()
    console.print(heading, style="bold")
    if summary.crawl:
        crawl = summary.crawl
        console.print(f"  article URLs listed {crawl.discovered:>6}")
        console.print(f"  already stored     {crawl.already_stored:>6}")
        console.print(f"  fetched            {crawl.fetched:>6}")
        console.print(f"  unchanged (304)    {crawl.unchanged:>6}")
        console.print(f"  fetch failures     {crawl.failed:>6}")
        console.print(f"  off topic          {summary.off_topic:>6}")
    console.print(f"  documents seen     {summary.documents_seen:>6}")
    console.print(f"  new documents      {summary.documents_new:>6}")
    console.print(f"  new articles       {summary.new_articles:>6}")
    console.print(f"  new versions       {summary.new_versions:>6}")
    console.print(f"  exact duplicates   {summary.exact_duplicates:>6}")
    console.print(f"  near duplicates    {summary.near_duplicates:>6}")
    console.print(f"  new stories        {summary.new_stories:>6}")
    if summary.weak_joins:
        console.print(f"  weak joins         {summary.weak_joins:>6}")
    console.print(f"  rejected           {len(summary.rejects):>6}")
    for reject in summary.rejects[:SHOWN_REJECTS]:
        console.print(f"    - [{reject.stage}] {reject.reason}: {reject.uri}", markup=False)
    if len(summary.rejects) > SHOWN_REJECTS:
        more = len(summary.rejects) - SHOWN_REJECTS
        query = run_rejects_query(summary.run_id)
        command = newsetl_command()
        see = f'{command} sql "{query}" --db {shlex.quote(db_path)}'
        console.print(f"    ... and {more} more rejects (see: {see})")
    for alert in summary.alerts:
        console.print(f"  alert: {alert.source}: {alert.rule}: {alert.message}", markup=False)
    if summary.weak_joins:
        console.print(summary.weak_joins_advice(newsetl_command(), quote=""), markup=False)
    for line in story_edits_lines(summary.story_edits):
        console.print(line, markup=False)
    if summary.nothing_new and not failed:  # a failed run says why instead (error: ...)
        console.print("Nothing new: every document was already stored, no rows were added.")
    console.print(f"Database: {summary.db_path}", markup=False)
    console.print(f'Try: {newsetl_command()} sql "{EXAMPLE_QUERY}" --db {shlex.quote(db_path)}', markup=False)


def newsetl_command() -> str:
    """How to run this newsetl from a fresh shell in this folder: `newsetl` when that name finds this very
    program, else its path (`.venv/bin/newsetl` after `make run`, whose .venv is not on PATH)."""
    import shlex
    import shutil
    import sys

    program = Path(sys.argv[0])
    if program.name != "newsetl" or not program.is_file():  # run some other way (python -m, a test)
        program = Path(sys.executable).with_name("newsetl")
        if not program.is_file():
            return "newsetl"
    found = shutil.which("newsetl")
    try:
        if found and Path(found).samefile(program):
            return "newsetl"
    except OSError:
        pass
    absolute = program.absolute()
    try:
        shown = absolute.relative_to(Path.cwd())
    except ValueError:
        shown = absolute
    return shlex.quote(str(shown) if shown.parts[0] != ".." else str(absolute))


@app.command()
def reprocess(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="Apply this sources file's topic rules again (web sources).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    lock_wait: LockWaitOption = None,
) -> None:
    """Rebuild every article from the stored raw documents with the current cleaning and dedup rules.

    Nothing is fetched. Prints how many bodies changed, which duplicate links appeared or went, and how
    many of the stories' ids still name a story (a story is named after its first article). An
    analyst's corrections of stories (newsetl split-story, merge-stories) are made again on the rebuilt
    stories, in the order they were made; one the rebuilt stories already agree with is skipped, and the
    summary says so.
    """
    settings = Settings()
    db_path = db or settings.db
    if config is not None:
        check_sources_file(config)
    server = start_prefect_server(settings)  # before the flow's imports, which its start overlaps
    from flows.reprocess import reprocess as reprocess_flow

    report = run_flow(
        lambda: reprocess_flow(
            str(db_path),
            str(config) if config else None,
            **run_options(settings, lock_wait),
        ),
        server,
    )
    console.print()
    console.print(f"newsetl reprocess: {report.articles} articles rebuilt from raw documents", style="bold")
    console.print(f"  bodies changed      {report.bodies_changed:>6}")
    console.print(f"  new duplicates      {report.new_duplicates:>6}")
    console.print(f"  duplicates undone   {report.lost_duplicates:>6}")
    console.print(f"  new near-duplicates {report.new_near_duplicates:>6}")
    console.print(f"  rejected            {len(report.summary.rejects):>6}")
    console.print(f"  story ids kept      {report.story_ids_kept:>6} of {report.stories_before}")
    for line in story_edits_lines(report.summary.story_edits):
        console.print(line, markup=False)


@app.command()
def backfill(
    since: Annotated[datetime, typer.Option("--since", help="Read sitemaps back to this date (YYYY-MM-DD).")],
    config: Annotated[
        Path | None,
        typer.Option("--config", help="The sources file [default: $NEWSETL_CONFIG].", show_default=False),
    ] = None,
    db: DbOption = None,
    lock_wait: LockWaitOption = None,
) -> None:
    """Fetch older articles: every sitemap source is read back to --since, then loaded like `newsetl run`."""
    settings = Settings()
    config_path = config or settings.config
    db_path = db or settings.db
    check_sources_file(config_path)
    server = start_prefect_server(settings)  # before the flow's imports, which its start overlaps
    from flows.web import backfill as backfill_flow

    summary, problem = run_flow(
        lambda: flow_outcome(
            backfill_flow(
                str(config_path),
                since.date(),
                db=str(db_path),
                **run_options(settings, lock_wait),
                return_state=True,
            )
        ),
        server,
    )
    heading = f"newsetl backfill --since {since.date()}: {config_path}"
    _print_summary(heading, summary, db_path, failed=problem is not None)
    if problem:
        errors.print(f"error: {problem}", markup=False)
        raise typer.Exit(1)


@app.command()
def sources(db: DbOption = None) -> None:
    """Each source's latest run beside its usual figures: found, fetched, unchanged, failed, blocked, new
    articles, rejects, share without a date, median body length, and its drift alerts.

    Status is ok, alert (a drift rule fired: the source went silent, started failing, or its extraction
    broke) or blocked (robots.txt or 401/403/429 refused every fetch). The table fits 120 columns: a long
    source name gets a line of its own, alerts are listed under their source.
    """
    from warehouse.connection import WarehouseError, connect_locked
    from warehouse.health import read_source_health

    try:
        with connect_locked(db or Settings().db) as connection:
            rows = read_source_health(connection)
    except WarehouseError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    typer.echo(source_table(rows))


# `newsetl sources`: (header, width) of the figures after source, status and last run.
_SOURCE_FIGURES = (
    ("found", 5),
    ("fetched", 7),
    ("unchanged", 9),
    ("failed", 6),
    ("blocked", 7),
    ("new", 5),
    ("usual", 5),
    ("rejected", 8),
    ("no date", 7),
    ("words", 5),
)
_SOURCE_LEGEND = (
    "found: article URLs listed (files: files found); unchanged: answered 304; new: articles added, "
    "usually (median of the earlier runs); no date, words: share of the new articles without a date, their "
    "median body length; -: nothing to measure (no new article, or no earlier run)."
)


def source_table(rows: Sequence[SourceHealth], width: int = 120) -> str:
    """The sources as a plain table no wider than `width`: one line per source (a name too long for its
    column gets a line of its own), its alerts wrapped under it, then what the columns mean."""
    import textwrap
    from datetime import UTC

    if not rows:
        return "No source has run yet: `newsetl ingest` or `newsetl run` records each source's figures."
    figures = sum(w + 1 for _, w in _SOURCE_FIGURES)
    name_width = max(6, min(max(len(r.source) for r in rows), width - figures - len(" alert   ") - 17))

    def line(name: str, status: str, last_run: str, values: Sequence[str]) -> str:
        cells = " ".join(v.rjust(w) for v, (_, w) in zip(values, _SOURCE_FIGURES, strict=True))
        return f"{name:<{name_width}} {status:<7} {last_run:<16} {cells}".rstrip()

    def measured(value: float | None, form: str) -> str:
        return "-" if value is None else format(value, form)

    out = [line("source", "status", "last run (UTC)", [header for header, _ in _SOURCE_FIGURES])]
    for r in rows:
        name = r.source
        if len(name) > name_width:
            out.append(name)
            name = ""
        values = [
            *(str(n) for n in (r.discovered, r.fetched, r.unchanged, r.failed, r.blocked, r.new_articles)),
            measured(r.usual_new_articles, "g"),
            str(r.rejected),
            measured(r.missing_date_share, ".2f"),
            measured(r.median_body_words, ".0f"),
        ]
        out.append(line(name, r.status, r.last_run.astimezone(UTC).strftime("%Y-%m-%d %H:%M"), values))
        for alert in r.alerts:
            out.append(textwrap.fill(f"alert: {alert}", width, initial_indent="  ", subsequent_indent="    "))
    out.append("")
    out.append(textwrap.fill(_SOURCE_LEGEND, width))
    return "\n".join(out)


@app.command()
def fetch(
    url: Annotated[str, typer.Argument(help="An article page, e.g. https://example.com/news/qwen.html")],
    allow_private: Annotated[
        bool, typer.Option(help="Allow private and loopback addresses (for a site on this machine).")
    ] = False,
) -> None:
    """Fetch one page and print what newsetl extracts from it: title, authors, dates, language, canonical
    URL, whether it is on topic (by the default topic rule, the one a web source without its own applies)
    with the terms that decided it, then the cleaned body. No database involved: for trying a site out."""
    import asyncio

    from extract.documents import extract_document
    from extract.http import Fetcher, HttpPolicy
    from transform.cleaning import clean_document
    from transform.errors import TerminalError
    from transform.records import SourceKind
    from transform.topics import DEFAULT_TOPIC, decide_topic

    async def get() -> FetchResult:
        async with Fetcher(HttpPolicy(allow_private_addresses=allow_private)) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(get())
    if not result.ok:
        reason = result.error or "not fetched"
        if result.error_code == "private_address":  # the fetcher names the sources-file key; this is a flag
            reason = reason.split("; ")[0] + "; pass --allow-private to fetch it (a site on this machine)"
        errors.print(f"error: {url}: {reason}", markup=False)
        raise typer.Exit(1)
    try:
        extracted = extract_document(result.to_raw_document("fetch", SourceKind.URL))
        article = clean_document(extracted)
    except TerminalError as error:
        errors.print(f"error: {url}: {error.stage}: {error}", markup=False)
        raise typer.Exit(1) from error
    for label, value in [
        ("title", article.title),
        ("authors", ", ".join(article.authors)),
        ("published", article.published_at.isoformat() if article.published_at else None),
        ("language", article.language),
        ("canonical", article.canonical_url),
        ("final url", result.final_url),
        ("extractor", extracted.extractor),
        ("words", str(article.word_count)),
        ("topic", decide_topic(DEFAULT_TOPIC, article.title, article.body).explanation),
    ]:
        typer.echo(f"{label + ':':<11} {value or ''}")
    typer.echo()
    typer.echo(article.body)


@app.command()
def clean(
    file: Annotated[
        Path, typer.Argument(help="A .txt, .html, .json or .jsonl file.", exists=True, dir_okay=False)
    ],
) -> None:
    """Print the cleaned title, a blank line, then the cleaned body of a document. No database involved.

    A JSONL file or JSON array holds several documents: each is printed, separated by a line of dashes.
    """
    from datetime import UTC, datetime

    from extract.documents import extract_document
    from extract.files import CONTENT_TYPES, read_file, unusable_path
    from transform.cleaning import clean_document
    from transform.errors import TerminalError

    if problem := unusable_path(file):  # a FIFO would block the read forever
        errors.print(f"error: {file}: {problem}")
        raise typer.Exit(2)
    if file.suffix.lower() not in CONTENT_TYPES:
        errors.print(f"error: {file}: unsupported file type; newsetl reads {', '.join(CONTENT_TYPES)}")
        raise typer.Exit(2)
    settings = Settings()
    failed = False
    try:
        documents = read_file(file, datetime.now(UTC), settings.max_file_bytes)
    except TerminalError as error:
        errors.print(f"error: {file}: {error}", markup=False)
        raise typer.Exit(1) from error
    for index, raw in enumerate(documents):
        if index:
            typer.echo("-" * 40)
        try:
            article = clean_document(extract_document(raw))
        except TerminalError as error:
            errors.print(f"error: {raw.uri}: {error.stage}: {error}", markup=False)
            failed = True
            continue
        typer.echo(article.title or "")
        typer.echo()
        typer.echo(article.body)
    if failed:
        raise typer.Exit(1)


def _sql_help() -> str:
    """The help of `newsetl sql`, with every table and view the migrations create (read from their SQL)."""
    from warehouse.catalog import tables_and_views

    tables, views = tables_and_views()
    return (
        "Run a SQL query on the warehouse (read-only) and print the result as a table.\n\n"
        f"Tables: {', '.join(tables)}.\n\n"
        f"Views: {', '.join(views)}.\n\n"
        "FROM data_dictionary explains every column of each, and what one row of each is.\n\n"
        "Read-only means the query reads the warehouse and nothing else: writing (COPY ... TO, EXPORT, "
        "CREATE), other files (read_text, glob, ATTACH), the network, extensions and settings are refused."
    )


@app.command(help=_sql_help())
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run, for example: 'FROM articles LIMIT 5'.")],
    db: DbOption = None,
) -> None:
    """Run a read-only SQL query and print the result (the help, which lists every table and view, is
    built by _sql_help)."""
    import duckdb

    from warehouse.connection import WarehouseError, check_read_only, connect_locked, is_refusal
    from warehouse.queries import render_query

    try:
        check_read_only(query)
        with connect_locked(db or Settings().db) as connection:
            typer.echo(render_query(connection, query))
    except WarehouseError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    except duckdb.Error as error:
        if is_refusal(error):
            errors.print(
                "error: refused: newsetl sql is read-only; it reads the warehouse and nothing else "
                f"(no writes, other files, network, extensions or settings). DuckDB: {error}"
            )
        else:
            errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for, e.g. 'Qwen iPhone China'.")],
    limit: Annotated[int, typer.Option(help="How many articles to show (1 to 1000).")] = 10,
    db: DbOption = None,
) -> None:
    """Full-text search (BM25) over unique articles; prints them best first, each with its URL and the
    start of its story's id (`newsetl stories <id>` shows the story).

    Each load indexes its articles in the same transaction, so the index is as fresh as the last run.
    """
    import duckdb

    from warehouse.connection import WarehouseError, connect_locked
    from warehouse.search import MAX_SEARCH_LIMIT, search_articles

    if not 1 <= limit <= MAX_SEARCH_LIMIT:
        errors.print(f"error: --limit must be between 1 and {MAX_SEARCH_LIMIT}, got {limit}")
        raise typer.Exit(2)
    try:
        with connect_locked(db or Settings().db) as connection:
            hits = search_articles(connection, query, limit)
    except (WarehouseError, duckdb.Error) as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    if not hits:
        console.print(f"No article matches {query!r}.", markup=False)
        return
    console.print(f"{len(hits)} articles for {query!r}, best first:", markup=False)
    for hit in hits:
        published = hit.published_at.date().isoformat() if hit.published_at else "undated"
        console.print(f"{hit.score:6.2f}  {hit.title or hit.snippet[:80]}  ({published})", markup=False)
        story = f"  story {hit.story_id[:12]}" if hit.story_id else ""
        console.print(f"        {hit.url}{story}", markup=False)


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(help="Where to write the files (created if missing).")],
    format: Annotated[str, typer.Option("--format", help="Only 'parquet' for now.")] = "parquet",
    db: DbOption = None,
) -> None:
    """Export unique articles, stories and the per-document dedup table as Parquet, partitioned by day.

    Each dataset folder (FOLDER/articles, FOLDER/stories, FOLDER/document_dedup) is replaced whole by
    the new export. A dataset folder holding files newsetl did not write is left alone: the export stops
    first, naming the file (exit 2).
    """
    from warehouse.connection import WarehouseError, connect_locked
    from warehouse.exports import ExportError, export_parquet

    if format != "parquet":
        errors.print(f"error: unknown format {format!r}: only 'parquet' is supported", markup=False)
        raise typer.Exit(2)
    try:
        # The export's queries read nothing but the warehouse, and write under the folder only.
        with connect_locked(db or Settings().db, allowed_directories=[folder]) as connection:
            written = export_parquet(connection, folder)
    except ExportError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(2) from error
    except WarehouseError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    for name, rows in written.items():
        console.print(f"  {name:<16} {rows:>7} rows  {folder / name}", markup=False)


@app.command()
def report(
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            help="First day (YYYY-MM-DD) [default: six days before --until: a week].",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until",
            formats=["%Y-%m-%d"],
            help="Last day (YYYY-MM-DD) [default: today].",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write (replaced whole).")] = Path(
        "newsetl-report.html"
    ),
    stories_per_day: Annotated[
        int, typer.Option(help="Stories listed per day, the most covered first (1 to 1000).")
    ] = 20,
    db: DbOption = None,
) -> None:
    """Write the digest of a period as one HTML page: totals, charts of articles per day per source and
    of the entities named over time, each day's stories (headline, outlets, languages), the entities and
    the numeric facts stated for the first time.

    The page is a single file that opens offline: charts are inline SVG, there is no script, and every
    title is shown as text. The same digest of the latest day is published after every ingest run as
    the `daily-digest` artifact in the Prefect UI.
    """
    from datetime import UTC, timedelta

    import duckdb

    from flows.report import render_report, write_report
    from warehouse.connection import WarehouseError, connect_locked
    from warehouse.digest import read_digest

    last = until.date() if until else datetime.now(UTC).date()
    first = since.date() if since else last - timedelta(days=6)
    if first > last:
        errors.print(f"error: --since {first} is after --until {last}")
        raise typer.Exit(2)
    if not 1 <= stories_per_day <= 1000:
        errors.print(f"error: --stories-per-day must be between 1 and 1000, got {stories_per_day}")
        raise typer.Exit(2)
    if out.is_dir() or not out.parent.is_dir():
        errors.print(f"error: --out {out}: not a file in an existing folder", markup=False)
        raise typer.Exit(2)
    try:
        with connect_locked(db or Settings().db) as connection:
            digest = read_digest(connection, first, last, stories_per_day=stories_per_day)
    except (WarehouseError, duckdb.Error) as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    try:
        write_report(out, render_report(digest, datetime.now(UTC)))
    except OSError as error:
        errors.print(f"error: cannot write {out}: {error}", markup=False)
        raise typer.Exit(1) from error
    console.print(
        f"{out}: {first} to {last}, {digest.articles} articles, {digest.active_stories} stories "
        f"({digest.new_stories} new), {digest.new_facts_total} new facts",
        markup=False,
    )


@app.command()
def stories(
    story_ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="Show these stories instead of the latest: each a story id or its start (the 12 "
            "characters the run's report in Prefect shows are enough).",
            metavar="STORY_ID",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            help="Only stories with an article seen on or after this day (YYYY-MM-DD).",
            formats=["%Y-%m-%d"],
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            help="How many of the latest stories to show (1 to 1000; with --thread, whose threads)."
        ),
    ] = 20,
    min_articles: Annotated[
        int,
        typer.Option(
            "--min-articles",
            help="Only stories of at least this many articles (2: those more than one outlet or copy "
            "reported).",
        ),
    ] = 1,
    thread: Annotated[
        bool,
        typer.Option(
            "--thread",
            help="Each story's whole thread instead, the stories it follows and those that follow it, by "
            "first article seen (a happening reported for days is several stories, each following the one "
            "before): the threads of the stories named, or of the latest stories the other options pick, "
            "the thread of the latest first.",
        ),
    ] = False,
    weakest: Annotated[
        bool,
        typer.Option(
            "--weakest",
            help="The stories with a join on evidence instead, the weakest join first: where wrong joins "
            "are most often (each joined article's line ends with its score; correct one with split-story). "
            "--since then asks for a joined article seen since that day.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """List stories, latest first, each with its articles: the headline, when it was seen, how many
    articles from how many outlets, languages and top entities, then each article (outlet, date, title,
    URL) in the order they appeared, and under each that joined, what it shares with the article it was
    matched with (or that it is a near-copy of it) and the score it joined with: 0.55 passes, and on the
    story sets the rules were developed on half the joins under 0.6 were wrong, against one in sixteen
    over 0.9 (--weakest lists the stories with the weakest joins first; newsetl split-story corrects one).
    With story ids, those stories instead, in that order.

    Dated articles more than about two days apart never join one story: a follow-up (a relief fund after
    a flood) starts a story that says `follows story <id>`, the earlier one it shares its evidence with,
    and that story says `followed by story <id>`; give both ids to see them together, or one with
    --thread to see every story of its thread (a strike reported on five days is two or three stories).
    --thread without ids shows the threads of the latest stories.

    A story is latest by its latest article (publication time, or load time when undated). The headline
    is the title of the story's most central report (see `newsetl sql "FROM data_dictionary WHERE
    table_name = 'story_summaries'"`). Plain text: safe to pipe into grep, less or a file.
    Stories are joined on rare names, figures and headline terms; ingest runs with
    $NEWSETL_STORY_EMBEDDINGS=1 (the optional .[embeddings] extra) also weigh the sentence embeddings of
    English reports, which join reports of one event worded differently and keep apart reports of one
    company's different events that retell each other (docs/stories.md).
    """
    import duckdb

    from flows.story_text import story_lines
    from warehouse.connection import WarehouseError, connect_locked
    from warehouse.stories import MAX_STORIES, list_stories, stories_by_id

    if not 1 <= limit <= MAX_STORIES:
        errors.print(f"error: --limit must be between 1 and {MAX_STORIES}, got {limit}")
        raise typer.Exit(2)
    if min_articles < 1:
        errors.print(f"error: --min-articles must be 1 or more, got {min_articles}")
        raise typer.Exit(2)
    if story_ids and (since or min_articles > 1 or weakest):
        errors.print("error: give story ids or --since / --min-articles / --weakest, not both")
        raise typer.Exit(2)
    try:
        with connect_locked(db or Settings().db) as connection:
            if story_ids:
                found = stories_by_id(connection, story_ids, threads=thread)
            else:
                found = list_stories(
                    connection, since.date() if since else None, limit, min_articles, thread, weakest
                )
    except (WarehouseError, duckdb.Error) as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    if not found:
        typer.echo(_no_stories(since, min_articles, weakest))
        return
    for index, story in enumerate(found):
        if index:
            typer.echo()
        for line in story_lines(story):
            typer.echo(line)


# Listed after `stories` in --help: corrections of what it lists.
add_story_edit_commands(app)


def _no_stories(since: datetime | None, min_articles: int, weakest: bool = False) -> str:
    if weakest:
        seen = f" seen since {since.date()}" if since else ""
        at_least = f" of {min_articles} articles or more" if min_articles > 1 else ""
        return (
            f"No story{at_least} has an article{seen} that joined it on evidence (near-copies are no join)."
        )
    if min_articles > 1:
        seen = f" with an article seen since {since.date()}" if since else ""
        return f"No story of {min_articles} articles or more{seen}."
    return f"No story has an article seen since {since.date()}." if since else "No stories yet."


server_app = typer.Typer(
    help="newsetl's own Prefect server, which records the runs when no PREFECT_API_URL is set: the first "
    "command that runs a flow starts it in the background, later ones use it, and it stops after "
    "$NEWSETL_PREFECT_SERVER_IDLE_MINUTES (10) idle minutes. See docs/monitoring.md.",
    no_args_is_help=True,
)
app.add_typer(server_app, name="server")


@server_app.command("status")
def server_status() -> None:
    """Whether the server of this PREFECT_HOME runs: its API URL, process, start and log (exit 1 if not)."""
    from flows.prefect_server import LOG_FILE, configured_api_url, find, prefect_home, read_state

    home = prefect_home()
    if url := configured_api_url():
        console.print(f"PREFECT_API_URL is set ({url}): runs are recorded there, not by newsetl's server.")
    state = read_state(home)
    if find(home) is None or state is None:
        console.print(f"No newsetl Prefect server is running for PREFECT_HOME={home}.", markup=False)
        _hint_project_server(home)
        raise typer.Exit(1)
    console.print(f"{state.url} (pid {state.pid}, Prefect {state.prefect_version})", markup=False)
    console.print(f"  started {state.started_at}; stops after {state.idle_seconds / 60:g} idle minutes")
    console.print(f"  PREFECT_HOME {home}; log {home / LOG_FILE}", markup=False)


@server_app.command("start")
def server_start() -> None:
    """Start the server now (or find it running) and print its API URL, e.g. for PREFECT_API_URL."""
    from flows.prefect_server import ServerError, start_or_find
    from flows.settings import apply_prefect_defaults

    apply_prefect_defaults()
    server = start_or_find(max(Settings().prefect_server_idle_minutes, 1) * 60)
    try:
        server.wait_until_healthy(
            float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120))
        )
    except ServerError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    console.print(server.url, markup=False)


@server_app.command("stop")
def server_stop() -> None:
    """Stop the server: it finishes its requests and writes what it holds first. The next command that
    runs a flow starts another."""
    from flows.prefect_server import prefect_home, stop_shared

    stopped = stop_shared()
    if stopped:
        console.print(f"Stopped {stopped.url} (pid {stopped.pid}).", markup=False)
        return
    console.print(f"No server was running for PREFECT_HOME={prefect_home()}.", markup=False)
    _hint_project_server(prefect_home())


def _hint_project_server(home: Path) -> None:
    """Point at the server `make` started: the Makefile gives its commands PREFECT_HOME=./.prefect, a bare
    command looks in ~/.prefect and would report no server while that one runs."""
    from flows.prefect_server import find

    project_home = Path.cwd() / ".prefect"
    if project_home.resolve() == home.resolve() or (server := find(project_home)) is None:
        return
    console.print(
        f"A server started by `make` runs for PREFECT_HOME={project_home} ({server.url}, pid {server.pid}): "
        "`make server-stop` stops it (or `PREFECT_HOME=.prefect newsetl server stop`).",
        markup=False,
    )


# serve and maintenance live in flows/operations.py, warc in flows/warc_command.py; registered here so
# `app` holds every command.
add_commands(app)
add_warc_command(app, _print_summary)
add_lake_commands(app)


def main() -> None:
    from pydantic import ValidationError

    try:
        app()
    except ValidationError as error:  # a NEWSETL_* variable that does not parse: say which, not a traceback
        for problem in error.errors():
            name = f"NEWSETL_{str(problem['loc'][0]).upper()}" if problem["loc"] else "a NEWSETL_ setting"
            errors.print(f"error: {name}={problem['input']!r}: {problem['msg']}", markup=False)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
