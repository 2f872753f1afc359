"""What every `newsetl` command shares: the consoles, the common options, and how a flow or a sources
file is checked and run from the command line. Kept apart from the commands so flows/cli.py and
flows/operations.py both import it and neither imports the other."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console

from flows.settings import Settings, apply_prefect_defaults, one_shot_run_settings

if TYPE_CHECKING:
    from prefect.client.schemas.objects import State

    from flows.prefect_server import LocalServer

Result = TypeVar("Result")

# No rich markup or emoji codes: what is printed holds paths, URLs and SQL from users ("m[/x]" would be
# read as a closing tag and crash the print); styles are passed with style= instead.
console = Console(soft_wrap=True, markup=False, emoji=False)
errors = Console(stderr=True, soft_wrap=True, markup=False, emoji=False)
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The warehouse: a DuckDB file, or a DuckLake as ducklake:sqlite:CATALOG_FILE or "
        "ducklake:postgres:'dbname=... host=...' [default: $NEWSETL_DB or data/newsetl.duckdb].",
        show_default=False,
    ),
]


LockWaitOption = Annotated[
    float | None,
    typer.Option(
        "--lock-wait",
        help="Seconds to wait while another run writes the database"
        " [default: $NEWSETL_LOCK_WAIT_SECONDS or 60].",
        show_default=False,
    ),
]


def start_prefect_server(settings: Settings) -> LocalServer | None:
    """Before a command imports its flow: find newsetl's Prefect server, or start it, so its start
    overlaps the imports (see flows/prefect_server.py). None when a PREFECT_API_URL is configured."""
    from flows.prefect_server import configured_api_url, start_or_find

    apply_prefect_defaults()
    if configured_api_url() or sys.platform == "win32":  # no flock there: Prefect's ephemeral server
        return None
    return start_or_find(settings.prefect_server_idle_minutes * 60)


def run_flow(call: Callable[[], Result], server: LocalServer | None = None) -> Result:
    """Run a flow the way every command does: on the configured Prefect API, else on newsetl's own
    server (`server`, from `start_prefect_server`, or found or started now), with the CLI's settings."""
    from flows.prefect_server import ServerError
    from warehouse.connection import WarehouseError

    try:
        with _prefect_api(server) as own, one_shot_run_settings(own_server=own):
            return call()
    except (WarehouseError, ServerError) as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error


def flow_outcome(state: State[Result]) -> tuple[Result, str | None]:
    """What a flow called with `return_state=True` returned, and the reason when its run ended Failed
    holding a result (a run that could do nothing: see flows/web.py); an exception it raised is raised."""
    if not state.is_failed():
        return state.result(), None
    data = state.result(raise_on_failure=False)
    if isinstance(data, BaseException):
        raise data
    return data, state.message or "the flow run failed"


@contextmanager
def _prefect_api(server: LocalServer | None) -> Iterator[bool]:
    """Point Prefect at newsetl's server unless Prefect's own settings name one; True when it is ours."""
    import os

    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.prefect_server import ServerError

    if PREFECT_API_URL.value():  # set where the early guess does not look (prefect.toml, .env)
        if server is not None and server.private:
            server.stop()
        yield False
        return
    if server is None:
        server = start_prefect_server(Settings())
        if server is None:  # Windows: Prefect's ephemeral mode
            yield False
            return
    server.wait_until_healthy(float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120)))
    started = datetime.now(UTC)
    interrupted = False
    try:
        with temporary_settings({PREFECT_API_URL: server.url}):
            yield True
    except KeyboardInterrupt:
        interrupted = True
        raise
    except Exception as error:
        if not server.healthy():
            raise ServerError(
                f"newsetl's Prefect server at {server.url} stopped during the run ({type(error).__name__}); "
                f"its log: {server.log}. Run the command again: it starts another."
            ) from error
        raise
    finally:
        if server.private:
            if not interrupted and server.healthy():
                _send_queued_logs_and_events()
                server.wait_until_recorded(started)
            server.stop()


def _send_queued_logs_and_events() -> None:
    """Send what Prefect's log and event workers still hold, and close their connections, as Prefect's
    own test harness does before it stops its server; at exit they would find the server gone ("Error
    logging to API"), and the open events websocket would hold up the server's shutdown."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=5)
    EventsWorker.drain_all(timeout=5)


def check_sources_file(path: Path) -> None:
    """Stop with `error:` and exit 2 when the sources file is missing or invalid, before any flow starts."""
    from extract.sources import SourcesError, load_sources

    if not path.exists():
        errors.print(f"error: no sources file at {path}: copy newsetl.example.toml there and edit it")
        raise typer.Exit(2)
    try:
        load_sources(path)
    except SourcesError as error:
        errors.print(f"error: {error}")
        raise typer.Exit(2) from error
