"""Operations commands and flows: scheduled deployments, maintenance. (Filled in by the operations work.)"""

from __future__ import annotations

import typer


def add_commands(app: typer.Typer) -> None:
    """Register the operations commands (serve, ...) on the `newsetl` CLI."""
