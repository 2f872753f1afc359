"""The document frequencies of story evidence (`transform.stories.KeyCounts`), kept in `story_key_counts`
(migration 022): how many stored reports hold each word, watched entity and fact, and how many reports
there are. Each load adds its reports' counts in the same transaction as their evidence
(`warehouse.loads.load_outcomes`); a run reads back only the counts of the keys it compares, so reading
and updating them grows with the batch, not with the history.

Keys are stored as `md5_number_upper` of their text, prefixed by kind: `w:` a word of the vocabulary
(terms in the singular, names, headline terms), `e:` a watched entity, `f:` a fact; `#reports` holds the
number of reports.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa

from transform.stories import KeyCounts
from warehouse.batches import registered

_REPORTS = "#reports"
_KINDS = ("w:", "e:", "f:")


def _keyed(counts: KeyCounts) -> dict[str, int]:
    tables: tuple[Mapping[str, int], ...] = (counts.words, counts.entities, counts.facts)
    return {prefix + key: n for prefix, table in zip(_KINDS, tables, strict=True) for key, n in table.items()}


def add_key_counts(connection: duckdb.DuckDBPyConnection, counts: KeyCounts) -> None:
    """Add a batch's counts to the stored ones (inside the caller's transaction)."""
    if not counts.reports:
        return
    keyed = _keyed(counts) | {_REPORTS: counts.reports}
    rows = pa.table({"key": pa.array(list(keyed), pa.string()), "documents": pa.array(list(keyed.values()))})
    with registered(connection, "_newsetl_key_counts", rows):
        connection.execute(
            """
            MERGE INTO story_key_counts AS c
            USING (SELECT md5_number_upper(key) AS key_hash, documents FROM _newsetl_key_counts) AS n
            ON c.key_hash = n.key_hash
            WHEN MATCHED THEN UPDATE SET documents = c.documents + n.documents
            WHEN NOT MATCHED THEN INSERT (key_hash, documents) VALUES (n.key_hash, n.documents)
            """
        )


def stored_key_counts(connection: duckdb.DuckDBPyConnection, wanted: KeyCounts) -> KeyCounts:
    """The stored counts of the keys `wanted` holds (its counts are not read, only its keys), and the
    number of stored reports."""
    keys = [*_keyed(wanted), _REPORTS]
    with registered(connection, "_newsetl_wanted_keys", pa.table({"key": pa.array(keys, pa.string())})):
        rows = connection.execute(
            """
            SELECT w.key, sum(c.documents)
            FROM _newsetl_wanted_keys AS w
            JOIN story_key_counts AS c ON c.key_hash = md5_number_upper(w.key)
            GROUP BY w.key
            """
        ).fetchall()
    found = dict(rows)
    reports = int(found.pop(_REPORTS, 0))
    tables: dict[str, dict[str, int]] = {prefix: {} for prefix in _KINDS}
    for key, documents in found.items():
        tables[key[:2]][key[2:]] = int(documents)
    return KeyCounts(tables["w:"], tables["e:"], tables["f:"], reports)
