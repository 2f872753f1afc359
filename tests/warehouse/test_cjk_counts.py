# ruff: noqa: RUF001  (Chinese text with full-width punctuation on purpose)
"""Migration 013 on a warehouse loaded by an older version: char_count filled, and stored signatures of
bodies without Chinese, Japanese or Korean text relabelled to the new shingle scheme (they are the same
bits), so new articles are still compared with them; the others wait for `newsetl reprocess`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from transform.near_duplicates import DEFAULT_SCHEME, WORDS_SCHEME, band_keys, signature
from transform.segmentation import char_count
from warehouse.connection import migrate, migrations
from warehouse.queries import near_duplicate_candidates

LATIN = "Alibaba's cloud revenue grew 26% as Qwen usage doubled, the company said on Thursday. " * 4
CHINESE = "阿里巴巴集团周四公布季度业绩，云计算收入增长百分之二十六，通义千问的调用量翻了一番。" * 4
WHEN = datetime(2026, 1, 5, tzinfo=UTC)


def _warehouse_before_013(path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(path))
    connection.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL)"
    )
    for version, name, sql in migrations():
        if version < 13:
            connection.execute(sql)
            connection.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
    connection.execute(
        "INSERT INTO dedup_schemes VALUES (?, ?, ?, ?, ?, now())",
        [WORDS_SCHEME.scheme_id, WORDS_SCHEME.num_perm, WORDS_SCHEME.bands, WORDS_SCHEME.shingle_words,
         WORDS_SCHEME.seed],
    )  # fmt: skip
    for article_id, body in (("latin", LATIN), ("chinese", CHINESE)):
        connection.execute(
            "INSERT INTO articles (article_id, doc_id, uri, canonical_url, source, title, authors,"
            " published_at, language, body, body_hash, word_count, loaded_at, run_id)"
            " VALUES (?, ?, ?, ?, 'files', NULL, [], NULL, NULL, ?, ?, 7, ?, 'run')",
            [article_id, article_id, article_id, article_id, body, article_id, WHEN],
        )
        connection.execute(
            "INSERT INTO article_versions VALUES (?, 1, ?, NULL, ?, ?, 7, NULL, ?, NULL, 'run')",
            [article_id, article_id, body, article_id, WHEN],
        )
        sig, count = signature(body, WORDS_SCHEME)
        connection.execute(
            "INSERT INTO article_signatures VALUES (?, ?, ?, ?, ?)",
            [article_id, WORDS_SCHEME.scheme_id, sig.tolist(), count, article_id],
        )
        for key in band_keys(sig, WORDS_SCHEME):
            connection.execute(
                "INSERT INTO lsh_bands VALUES (?, ?, ?)", [WORDS_SCHEME.scheme_id, key, article_id]
            )
    return connection


def test_013_fills_char_count_and_keeps_latin_signatures_comparable(tmp_path: Path) -> None:
    connection = _warehouse_before_013(tmp_path / "old.duckdb")
    migrate(connection)
    counts = dict(connection.execute("SELECT article_id, char_count FROM articles").fetchall())
    assert counts == {"latin": char_count(LATIN), "chinese": char_count(CHINESE)}
    assert (
        dict(connection.execute("SELECT article_id, char_count FROM current_articles").fetchall()) == counts
    )
    schemes = dict(connection.execute("SELECT scheme_id, tokens FROM dedup_schemes").fetchall())
    assert schemes == {WORDS_SCHEME.scheme_id: "words", DEFAULT_SCHEME.scheme_id: "cjk-chars"}
    labels = dict(connection.execute("SELECT article_id, scheme_id FROM article_signatures").fetchall())
    assert labels == {"latin": DEFAULT_SCHEME.scheme_id, "chinese": WORDS_SCHEME.scheme_id}
    bands = connection.execute("SELECT DISTINCT article_id, scheme_id FROM lsh_bands ORDER BY 1").fetchall()
    assert bands == [("chinese", WORDS_SCHEME.scheme_id), ("latin", DEFAULT_SCHEME.scheme_id)]

    # A new copy of each, signed by today's scheme: the Latin one finds its stored original.
    keys = {f"new-{a}": band_keys(signature(b)[0]) for a, b in (("latin", LATIN), ("chinese", CHINESE))}
    found = near_duplicate_candidates(connection, DEFAULT_SCHEME.scheme_id, keys)
    assert [fp.article_id for fp in found.get("new-latin", [])] == ["latin"]
    stored = found["new-latin"][0].signature
    assert np.array_equal(stored, signature(LATIN)[0])  # relabelled bits are today's bits
    assert "new-chinese" not in found  # its old signature waits for reprocess
    connection.close()


def test_a_signature_of_another_scheme_is_no_candidate_even_on_its_own_band_keys(tmp_path: Path) -> None:
    # The lookup reads the band rows without their scheme and checks it on the signature: the Chinese
    # article's stored signature (the words scheme, waiting for reprocess) is found under its own scheme
    # by its own band keys, and never under today's.
    connection = _warehouse_before_013(tmp_path / "old.duckdb")
    migrate(connection)
    stored = connection.execute("SELECT band_key FROM lsh_bands WHERE article_id = 'chinese'").fetchall()
    keys = {"new": [key for (key,) in stored]}
    found = near_duplicate_candidates(connection, WORDS_SCHEME.scheme_id, keys)
    assert [fp.article_id for fp in found["new"]] == ["chinese"]
    assert near_duplicate_candidates(connection, DEFAULT_SCHEME.scheme_id, keys) == {}
    connection.close()
