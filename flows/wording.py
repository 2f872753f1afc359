"""How the reports, artifacts and commands word a count: one rule for the plural everywhere."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """`one` for a count of one, else `many` (by default `one` with an s): "story", "stories"."""
    return one if count == 1 else (many or f"{one}s")


def count_of(count: int, one: str, many: str | None = None) -> str:
    """A count and its noun: "1 article", "2 articles", "3 stories"."""
    return f"{count} {plural(count, one, many)}"
