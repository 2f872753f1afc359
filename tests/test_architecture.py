"""Imports point inward: flows → extract, warehouse → transform; transform imports nothing of ours."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"flows", "extract", "transform", "warehouse"}
ALLOWED = {
    "transform": {"transform"},
    "extract": {"extract", "transform"},
    "warehouse": {"warehouse", "transform"},
    "flows": OURS,
}
# Libraries that belong to one layer only.
FORBIDDEN_LIBRARIES = {
    "transform": {"duckdb", "prefect", "httpx", "os", "pathlib", "trafilatura", "bs4"},
    "extract": {"duckdb", "prefect"},
    "warehouse": {"prefect", "httpx", "trafilatura", "bs4"},
}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_inward(package: str) -> None:
    for module in sorted((ROOT / package).rglob("*.py")):
        imported = imported_top_levels(module)
        wrong = (imported & OURS) - ALLOWED[package]
        assert not wrong, f"{module.relative_to(ROOT)} imports {sorted(wrong)}"
        banned = imported & FORBIDDEN_LIBRARIES.get(package, set())
        assert not banned, (
            f"{module.relative_to(ROOT)} imports {sorted(banned)}, which {package}/ must not use"
        )


def test_sql_lives_in_the_warehouse() -> None:
    for package in ("flows", "extract", "transform"):
        for module in (ROOT / package).rglob("*.py"):
            text = module.read_text(encoding="utf-8")
            for keyword in ("SELECT ", "INSERT INTO", "CREATE TABLE"):
                assert keyword not in text, f"{module.relative_to(ROOT)} holds SQL ({keyword.strip()})"


def module_imports(path: Path) -> set[str]:
    """Our modules that `path` imports anywhere in it (function-level imports too), by dotted name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] in OURS}


def test_no_import_cycles() -> None:
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): path
        for package in OURS
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__init__.py"
    }
    graph = {name: sorted(module_imports(path) & set(modules)) for name, path in modules.items()}

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*trail, start]
                if nxt not in trail and len(trail) < len(graph):
                    stack.append((nxt, [*trail, nxt]))
        return None

    cycles = [cycle for name in sorted(graph) if (cycle := cycle_from(name))]
    assert not cycles, f"import cycle: {' -> '.join(cycles[0])}"
