"""The read copy (warehouse.connection.publish_read_copy) is published again only when the warehouse
changed, and then shows the change (how its files are written: tests/warehouse/test_read_copies.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.connection import Warehouse, connect, publish_read_copy


def test_a_read_copy_is_copied_again_only_after_a_change(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    with connect(warehouse) as connection:
        connection.execute("CREATE TABLE notes (note VARCHAR)")
    first = publish_read_copy(warehouse)
    assert first.copied
    again = publish_read_copy(warehouse)
    assert not again.copied and again.path == first.path
    with connect(warehouse) as connection:
        connection.execute("INSERT INTO notes VALUES ('new')")
    changed = publish_read_copy(warehouse)
    assert changed.copied
    reader = duckdb.connect(str(changed.path), read_only=True)
    try:
        assert reader.execute("SELECT note FROM notes").fetchall() == [("new",)]
    finally:
        reader.close()
