"""What every `newsetl` command shares: the consoles, the common options, and how a flow or a sources
file is checked and run from the command line. Kept apart from the commands so flows/cli.py and
flows/operations.py both import it and neither imports the other."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from flows.settings import one_shot_run_settings

Result = TypeVar("Result")

# No rich markup or emoji codes: what is printed holds paths, URLs and SQL from users ("m[/x]" would be
# read as a closing tag and crash the print); styles are passed with style= instead.
console = Console(soft_wrap=True, markup=False, emoji=False)
errors = Console(stderr=True, soft_wrap=True, markup=False, emoji=False)
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="DuckDB file to use [default: $NEWSETL_DB or data/newsetl.duckdb].", show_default=False
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


def run_flow(call: Callable[[], Result]) -> Result:
    from warehouse.connection import WarehouseError

    try:
        with one_shot_run_settings():
            return call()
    except WarehouseError as error:
        errors.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error


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
