"""The names of the warehouse's tables and views, read from the migrations' SQL without opening a database
(for `newsetl sql --help`, which must answer at once and before any warehouse exists). A test compares
them with the catalog of a migrated file."""

from __future__ import annotations

import re
from importlib import resources

# Created by warehouse.connection.migrate before the first migration, not by one.
_BOOKKEEPING_TABLES = ("schema_version",)
_STATEMENT = re.compile(
    r"^\s*(CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(TABLE|VIEW)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(\w+)"
    r"|^\s*ALTER\s+(TABLE|VIEW)\s+(\w+)\s+RENAME\s+TO\s+(\w+)",
    re.IGNORECASE | re.MULTILINE,
)


def tables_and_views() -> tuple[list[str], list[str]]:
    """(tables, views) that the shipped migrations leave, each sorted by name."""
    found: dict[str, str] = dict.fromkeys(_BOOKKEEPING_TABLES, "TABLE")
    migrations = resources.files("warehouse").joinpath("migrations")
    for entry in sorted(migrations.iterdir(), key=lambda e: e.name):
        if not re.fullmatch(r"\d{3}_\w+\.sql", entry.name):
            continue
        # In the order they run: a table rebuilt under a new name and renamed back keeps its name.
        for verb, kind, name, renamed_kind, old_name, new_name in _STATEMENT.findall(
            entry.read_text(encoding="utf-8")
        ):
            if renamed_kind:
                found.pop(old_name.lower(), None)
                found[new_name.lower()] = renamed_kind.upper()
            elif verb.upper() == "DROP":
                found.pop(name.lower(), None)
            else:
                found[name.lower()] = kind.upper()
    return (
        sorted(name for name, kind in found.items() if kind == "TABLE"),
        sorted(name for name, kind in found.items() if kind == "VIEW"),
    )
