"""`newsetl lake init | status`: create a DuckLake warehouse once, before any run writes to it, and show
what it holds. Registered on the CLI by flows/cli.py."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.settings import Settings
from flows.terminal import DbOption, console, errors

LakeDataOption = Annotated[
    str | None,
    typer.Option(
        "--lake-data-path",
        help="Where the lake's Parquet files go: a folder, or s3://bucket/prefix/ "
        "[default: $NEWSETL_LAKE_DATA_PATH; for a SQLite catalog, CATALOG.files/ beside it].",
        show_default=False,
    ),
]


def add_lake_commands(app: typer.Typer) -> None:
    lake_app = typer.Typer(
        help="A DuckLake warehouse: a catalog database (SQLite file, or PostgreSQL for a team) over Parquet "
        "files. Readers never block its writers, and several runs write at once (docs/scaling.md).",
        no_args_is_help=True,
    )
    app.add_typer(lake_app, name="lake")

    @lake_app.command("init")
    def init(db: DbOption = None, lake_data_path: LakeDataOption = None) -> None:
        """Create the lake (catalog tables and newsetl's schema) once, before workers start: two
        processes creating one catalog at the same moment race. Safe to run again (it only upgrades)."""
        from warehouse.connection import Warehouse, WarehouseError, create_lake

        settings = Settings()
        try:
            warehouse = Warehouse.at(db or settings.db, None, lake_data_path or settings.lake_data_path)
            version = create_lake(warehouse)
        except WarehouseError as error:
            errors.print(f"error: {error}", markup=False)
            raise typer.Exit(1) from None
        console.print(f"Lake ready: {warehouse.shown} (schema version {version})", markup=False)

    @lake_app.command("status")
    def status(db: DbOption = None) -> None:
        """The lake's snapshots, data files and their size, and its latest commit."""
        from warehouse.connection import WarehouseError, connect_locked
        from warehouse.maintenance import lake_figures

        try:
            with connect_locked(db or Settings().db) as connection:
                figures = lake_figures(connection)
        except WarehouseError as error:
            errors.print(f"error: {error}", markup=False)
            raise typer.Exit(1) from None
        console.print(
            f"snapshots {figures.snapshots:,}; data files {figures.data_files:,} "
            f"({figures.data_bytes / 1e6:,.1f} MB); delete files {figures.delete_files:,}; "
            f"latest commit {figures.latest_commit}",
            markup=False,
        )

    @lake_app.command("attach")
    def attach(
        db: DbOption = None,
        write: Annotated[bool, typer.Option(help="Attach it writable (default: read-only).")] = False,
    ) -> None:
        """Print the SQL that opens the lake in a plain `duckdb` session (the extensions come from newsetl's
        pinned wheels, so nothing is downloaded):  duckdb -cmd "$(newsetl lake attach)" """
        from warehouse.connection import WarehouseError, attach_statements

        try:
            statements = attach_statements(db or Settings().db, read_only=not write)
        except WarehouseError as error:
            errors.print(f"error: {error}", markup=False)
            raise typer.Exit(1) from None
        print("\n".join(statements))
