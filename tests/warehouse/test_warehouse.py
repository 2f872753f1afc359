from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from transform.dedup import Duplicate, MatchKind
from transform.errors import Reject
from transform.fingerprints import body_hash
from transform.outcomes import BatchOutcome
from transform.records import Article, CleaningAudit, RawDocument, SourceKind, sha256_hex
from warehouse import loads as loads_module
from warehouse.connection import (
    LAKE_PREFIX,
    ROW_GROUP_ROWS,
    Warehouse,
    WarehouseBusyError,
    WarehouseError,
    connect,
    create_lake,
    migrate,
    migrations,
    schema_version,
)
from warehouse.integrity import check_integrity
from warehouse.loads import documents_with_outcome, load_outcomes, raw_rows, start_run, store_raw_documents
from warehouse.queries import (
    known_articles,
    learned_boilerplate,
    pending_documents,
    render_query,
    run_articles_query,
    run_rejects_query,
    table_counts,
)
from warehouse.reprocess import forget_derived

NOW = datetime(2025, 2, 13, 8, 0, tzinfo=UTC)


def raw(name: str, text: str) -> RawDocument:
    data = text.encode()
    return RawDocument(
        source="files",
        source_kind=SourceKind.FILE,
        uri=f"file:///in/{name}",
        fetched_at=NOW,
        content_type="text/plain",
        content=data,
        sha256=sha256_hex(data),
        size_bytes=len(data),
    )


def article_for(doc: RawDocument, url: str | None = None) -> Article:
    body = (doc.content or b"").decode()
    return Article(
        article_id=doc.doc_id,
        doc_id=doc.doc_id,
        uri=doc.uri,
        canonical_url=url or doc.uri,
        source=doc.source,
        title="A title",
        authors=("Mei Lin",),
        published_at=NOW,
        language="en",
        body=body,
        body_hash=body_hash(body),
        word_count=len(body.split()),
        audit=CleaningAudit(
            (("drop_boilerplate_lines", 2),), (("drop_boilerplate_lines", "Advertisements"),) * 2
        ),
    )


def test_a_new_file_gets_the_latest_schema_with_comments(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        assert schema_version(con) == migrations()[-1][0]
        comments = dict(
            con.execute(
                "SELECT column_name, comment FROM data_dictionary WHERE table_name = 'articles'"
            ).fetchall()
        )
    assert "canonical" in (comments["canonical_url"] or "").lower()
    assert all(comments.values()) or comments["title"] is None


def test_reopening_applies_nothing_twice(warehouse: Warehouse) -> None:
    with connect(warehouse):
        pass
    with connect(warehouse) as con:
        versions = con.execute("SELECT version FROM schema_version").fetchall()
    assert versions == [(v,) for v, _, _ in migrations()]


# A newer newsetl opening the warehouse: a process of its own (a lake's connections migrate once per
# process), whose migrations are the shipped ones plus argv[2] as migration 999.
UPGRADE = textwrap.dedent(
    """
    import sys
    from warehouse import connection
    shipped = connection.migrations()
    connection.migrations = lambda: [*shipped, (999, "newer", sys.argv[2])]
    with connection.connect(connection.Warehouse.at(sys.argv[1])) as con:
        print(connection.schema_version(con))
    """
)


def open_with_a_newer_schema(warehouse: Warehouse, sql: str) -> subprocess.CompletedProcess[str]:
    spec = LAKE_PREFIX + warehouse.lake.catalog if warehouse.lake else str(warehouse.path)
    return subprocess.run(
        [sys.executable, "-c", UPGRADE, spec, sql], capture_output=True, text=True, timeout=120, check=False
    )


def test_an_older_file_upgrades_without_losing_rows(warehouse: Warehouse) -> None:
    doc = raw("a.txt", "kept across upgrades")
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([doc], "run-1"))
    upgrade = open_with_a_newer_schema(warehouse, "ALTER TABLE articles ADD COLUMN note VARCHAR;")
    assert upgrade.returncode == 0, upgrade.stderr
    assert upgrade.stdout.strip() == "999"
    with connect(warehouse) as con:
        assert schema_version(con) == 999
        assert con.execute("SELECT uri FROM raw_documents").fetchall() == [(doc.uri,)]
        assert "note" in [row[0] for row in con.execute("DESCRIBE articles").fetchall()]


def test_a_failing_migration_leaves_the_file_at_its_old_version(warehouse: Warehouse) -> None:
    with connect(warehouse):
        pass
    broken = open_with_a_newer_schema(warehouse, "CREATE TABLE half_done (x INTEGER); SELECT no_such_column;")
    assert broken.returncode != 0 and "no_such_column" in broken.stderr
    with connect(warehouse) as con:
        assert schema_version(con) == migrations()[-1][0]
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "half_done" not in tables and "articles" in tables


def test_raw_documents_are_stored_once(warehouse: Warehouse) -> None:
    docs = [raw("a.txt", "one"), raw("b.txt", "two")]
    with connect(warehouse) as con:
        assert store_raw_documents(con, raw_rows(docs, "run-1")) == 2
        assert store_raw_documents(con, raw_rows([*docs, raw("c.txt", "three")], "run-2")) == 1
        assert table_counts(con)["raw_documents"] == 3
        stored = con.execute("SELECT content FROM raw_documents WHERE uri = 'file:///in/a.txt'").fetchone()
    assert stored == (b"one",)


def test_pending_documents_are_those_without_an_outcome(warehouse: Warehouse) -> None:
    a, b, c, d = (raw(n, n * 3) for n in ("a", "b", "c", "d"))
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([a, b, c, d], "run-1"))
        assert [p.doc_id for p in pending_documents(con)] == [a.doc_id, b.doc_id, c.doc_id, d.doc_id]
        load_outcomes(
            con,
            "run-1",
            NOW,
            BatchOutcome(
                articles=((article_for(a), "plain-text"),),
                duplicates=(Duplicate(b.doc_id, b.uri, a.doc_id, MatchKind.BODY),),
                rejects=(Reject(c.uri, "extract", "bad", c.doc_id),),
            ),
        )
        pending = pending_documents(con)
        statuses = dict(con.execute("SELECT uri, status FROM document_status").fetchall())
        outcomes = sorted(con.execute("SELECT doc_id, outcome FROM document_outcomes").fetchall())
        recorded = documents_with_outcome(con, [a.doc_id, b.doc_id, c.doc_id, d.doc_id])
    assert pending == [d]
    assert outcomes == sorted([(a.doc_id, "article"), (b.doc_id, "duplicate"), (c.doc_id, "rejected")])
    assert recorded == {a.doc_id, b.doc_id, c.doc_id}
    assert statuses == {a.uri: "article", b.uri: "duplicate", c.uri: "rejected", d.uri: "pending"}


def listed_pending(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("SELECT doc_id FROM pending_documents").fetchall()}


def test_the_pending_list_follows_stores_and_outcomes_and_the_integrity_check_compares_it(
    warehouse: Warehouse,
) -> None:
    """Runs read the pending list, not an anti-join of the history: storing lists a document, its
    outcome takes it off, in the same transactions; check_integrity names any difference."""
    a, b, c = (raw(n, n * 3) for n in ("a", "b", "c"))
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([a, b], "run-1"))
        assert store_raw_documents(con, raw_rows([b, c], "run-2")) == 1  # b is stored (and listed) once
        assert listed_pending(con) == {a.doc_id, b.doc_id, c.doc_id}
        outcome = BatchOutcome(
            articles=((article_for(a), "plain-text"),), rejects=(Reject(b.uri, "extract", "bad", b.doc_id),)
        )
        assert outcome.settled_documents == {a.doc_id, b.doc_id}
        load_outcomes(con, "run-1", NOW, outcome)
        assert listed_pending(con) == {c.doc_id}
        assert [p.doc_id for p in pending_documents(con)] == [c.doc_id]
        # (The article was loaded without its signature and story rows: problems of their own.)
        sound = check_integrity(con).problems
        assert not {"listed_not_pending", "pending_not_listed"} & sound.keys()
        con.execute("INSERT INTO pending_documents VALUES (?)", [a.doc_id])
        assert check_integrity(con).problems == sound | {"listed_not_pending": 1}
        con.execute("DELETE FROM pending_documents")
        assert check_integrity(con).problems == sound | {"pending_not_listed": 1}


def test_the_migration_lists_the_documents_already_waiting(warehouse: Warehouse) -> None:
    waiting, done = raw("a", "waiting"), raw("b", "done")
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([waiting, done], "run-1"))
        load_outcomes(con, "run-1", NOW, BatchOutcome(articles=((article_for(done), "plain-text"),)))
        # As a file made before migration 017 has it: no list (nor the columns 018, 019, 025 and 026 add).
        con.execute("DROP TABLE pending_documents")
        con.execute("ALTER TABLE story_features DROP COLUMN meaning")
        con.execute("ALTER TABLE story_features DROP COLUMN lead_figures")
        con.execute("ALTER TABLE story_articles DROP COLUMN undated")
        con.execute("ALTER TABLE story_articles DROP COLUMN continues_story")
        con.execute("ALTER TABLE story_articles DROP COLUMN follows_story")
        con.execute("DELETE FROM schema_version WHERE version >= 17")
        assert migrate(con) == migrations()[-1][0]
        assert listed_pending(con) == {waiting.doc_id}
        report = check_integrity(con)
        assert report.pending == 1 and report.pending_not_listed == report.listed_not_pending == 0


def test_reprocessing_lists_every_document_again(warehouse: Warehouse) -> None:
    a, b = raw("a", "first text"), raw("b", "second text")
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([a, b], "run-1"))
        load_outcomes(con, "run-1", NOW, BatchOutcome(articles=((article_for(a), "plain-text"),)))
        forget_derived(con)
        assert listed_pending(con) == {a.doc_id, b.doc_id}
        assert check_integrity(con).ok  # nothing derived is left to be inconsistent


def test_pending_documents_at_hand_are_not_read_back(warehouse: Warehouse) -> None:
    """What the run has just stored comes from memory; a leftover, and a document fetched again whose
    first fetch is the stored row, are read from the warehouse."""
    left_over, fresh = raw("a", "left over"), raw("b", "fresh")
    first = raw("c", "fetched twice")
    again = replace(first, fetched_at=datetime(2026, 1, 2, tzinfo=UTC), etag='"v2"')
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([left_over, first], "run-1"))
        store_raw_documents(con, raw_rows([fresh, again], "run-2"))
        pending = pending_documents(con, [fresh, again])
    assert pending == [left_over, fresh, first]
    assert pending[1] is fresh
    assert pending[0] is not left_over and pending[2] is not again


def test_a_failed_load_leaves_nothing_of_its_batch(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = raw("a.txt", "first"), raw("b.txt", "second")
    reject = Reject("file:///x", "read", "bad")
    failing_batch = BatchOutcome(
        articles=((article_for(b), "plain-text"), (article_for(a), "plain-text")), rejects=(reject,)
    )
    new_article_and_reject = BatchOutcome(articles=((article_for(b), "plain-text"),), rejects=(reject,))
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([a, b], "run-1"))
        load_outcomes(con, "run-1", NOW, BatchOutcome(articles=((article_for(a), "plain-text"),)))
        before = table_counts(con)
        if warehouse.lake is None:
            # The second batch holds a new article and one that breaks the primary key: all or nothing.
            with pytest.raises(duckdb.ConstraintException):
                load_outcomes(con, "run-2", NOW, failing_batch)
            assert table_counts(con) == before
        # A batch that fails after its articles were written (a lake has no key to break): all or
        # nothing too.
        with monkeypatch.context() as patched:
            patched.setattr(loads_module, "_insert_rejects", _fail_to_insert)
            with pytest.raises(duckdb.IOException, match="injected"):
                load_outcomes(con, "run-2", NOW, new_article_and_reject)
        assert table_counts(con) == before
        assert con.execute("SELECT count(*) FROM cleaning_changes").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM search_documents").fetchone() == (1,)


def _fail_to_insert(*_: object) -> None:
    raise duckdb.IOException("injected: the disk failed mid-load")


def test_cleaning_audit_is_queryable(warehouse: Warehouse) -> None:
    a = raw("a.txt", "audited text")
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([a], "run-1"))
        load_outcomes(con, "run-1", NOW, BatchOutcome(articles=((article_for(a), "plain-text"),)))
        rows = con.execute("SELECT step, changes, details FROM cleaning_changes").fetchall()
    assert rows == [("drop_boilerplate_lines", 2, ["Advertisements", "Advertisements"])]


def test_each_source_of_a_batch_learns_its_own_recurring_lines(warehouse: Warehouse) -> None:
    # One load counts the short lines of several sources: a line learned by one is not the other's, and
    # a source's total decides its share (3 of 4 documents qualifies; 3 of 12 does not).
    promo, menu, other = "subscribe to the morning brief", "home | markets | tech", "share this story"
    keys = [("wire.example", frozenset({promo, f"line {n}"})) for n in range(3)]
    keys += [("wire.example", frozenset({f"line {n}"})) for n in range(3, 4)]
    keys += [("daily.example", frozenset({menu, other if n < 3 else f"item {n}"})) for n in range(12)]
    with connect(warehouse) as con:
        load_outcomes(con, "run-1", NOW, BatchOutcome(line_keys=tuple(keys)))
        learned = learned_boilerplate(con, ["wire.example", "daily.example", "quiet.example"])
    assert learned == {"wire.example": frozenset({promo}), "daily.example": frozenset({menu})}


def test_path_rejects_are_recorded_once_across_runs(warehouse: Warehouse) -> None:
    reject = Reject("file:///in/report.pdf", "discover", "unsupported file type '.pdf'")
    with connect(warehouse) as con:
        load_outcomes(con, "run-1", NOW, BatchOutcome(rejects=(reject,)))
        load_outcomes(con, "run-2", NOW, BatchOutcome(rejects=(reject,)))
        assert table_counts(con)["rejects"] == 1


def test_known_articles_finds_only_the_given_keys(warehouse: Warehouse) -> None:
    a, b = raw("a.txt", "alpha text"), raw("b.txt", "beta text")
    with connect(warehouse) as con:
        store_raw_documents(con, raw_rows([a, b], "run-1"))
        load_outcomes(
            con,
            "run-1",
            NOW,
            BatchOutcome(
                articles=(
                    (article_for(a, "https://x.com/a"), "json"),
                    (article_for(b, "https://x.com/b"), "json"),
                )
            ),
        )
        by_url, by_hash = known_articles(
            con, ["https://x.com/a", "https://x.com/zzz"], [body_hash("beta text")]
        )
    assert by_url == {"https://x.com/a": a.doc_id}
    assert by_hash == {body_hash("beta text"): b.doc_id}


def test_run_rows(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        start_run(con, "run-1", "flow-1", NOW)
        start_run(con, "run-1", "flow-1", NOW)
        assert con.execute("SELECT run_id, status FROM runs").fetchall() == [("run-1", "running")]


def test_render_query_prints_a_table_and_says_when_rows_are_cut(warehouse: Warehouse) -> None:
    with connect(warehouse) as con:
        small = render_query(con, "SELECT 42 AS answer")
        large = render_query(con, "SELECT * FROM range(100)", max_rows=10)
    assert "answer" in small and "42" in small
    assert "100 rows, first 10 shown" in large


def test_the_queries_messages_give_users_run_on_the_warehouse_and_select_one_run(
    warehouse: Warehouse,
) -> None:
    # The artifacts and the CLI's summary print these for `newsetl sql`: they must run as printed.
    with connect(warehouse) as con:
        for run_id, uri in (
            ("run-1", "file:///a.txt"),
            ("run-2", "file:///b.txt"),
            ("it's", "file:///c.txt"),
        ):
            con.execute(
                "INSERT INTO rejects (doc_id, uri, stage, reason, rejected_at, run_id)"
                " VALUES (NULL, ?, 'read', 'x', ?, ?)",
                [uri, NOW, run_id],
            )
        assert [row[1] for row in con.execute(run_rejects_query("run-1")).fetchall()] == ["file:///a.txt"]
        assert [row[1] for row in con.execute(run_rejects_query("it's")).fetchall()] == ["file:///c.txt"]
        assert con.execute(run_articles_query("run-1")).fetchall() == []


# File-only from here: a missing file, and a file held by another process (a lake's readers and writers do
# not lock it).
def test_read_only_on_a_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with (
        pytest.raises(WarehouseError, match="run `newsetl ingest` first"),
        connect(tmp_path / "none.duckdb", read_only=True),
    ):
        pass


HOLD_THE_FILE = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); sys.stdin.read()"
)


def test_a_writable_file_connection_keeps_row_groups_small(db_path: Path) -> None:
    """A checkpoint rewrites the last row group of a keyed table that gained rows: the file's writers use
    row groups of ROW_GROUP_ROWS, so that rewrite is bounded by it, also for a table of a file made with
    DuckDB's default (122,880). Inside the connection the file keeps its usual name."""
    with duckdb.connect(str(db_path)) as made_elsewhere:
        made_elsewhere.execute("CREATE TABLE made_elsewhere (n INTEGER PRIMARY KEY)")
    inserts = {
        "made_elsewhere": "INSERT INTO made_elsewhere SELECT i FROM range(40000) AS t(i)",
        "raw_documents": "INSERT INTO raw_documents (doc_id, source, source_kind, uri, fetched_at,"
        " content_type, sha256, size_bytes, run_id) SELECT 'd' || i, 's', 'file', 'u' || i, now(),"
        " 'text/plain', 'x', 1, 'r' FROM range(40000) AS t(i)",
    }
    with connect(db_path) as con:
        assert con.execute("SELECT current_database()").fetchone() == (db_path.stem,)
        for table, insert in inserts.items():
            con.execute(insert)
            con.execute("CHECKPOINT")
            groups = con.execute(
                f"SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('{table}')"
            ).fetchone()
            assert groups == (-(-40_000 // ROW_GROUP_ROWS),), table


def test_a_file_held_by_another_process_is_reported_as_busy(db_path: Path) -> None:
    with connect(db_path):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_FILE, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseBusyError, match="in use by another process"), connect(db_path):
            pass
    finally:
        holder.communicate("")


def test_a_warehouse_gets_its_memory_limit_and_a_bad_one_is_a_clear_error(warehouse: Warehouse) -> None:
    with connect(replace(warehouse, memory_limit="100MB")) as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() == ("95.3 MiB",)
    with (
        pytest.raises(WarehouseError, match="memory_limit"),
        connect(replace(warehouse, memory_limit="a lot")),
    ):
        pass
    with connect(warehouse) as con:  # no limit: DuckDB's default, a share of the machine's memory
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() != ("95.3 MiB",)


def test_a_lake_writer_runs_its_statements_and_its_runs_reads_on_one_thread_and_analysts_on_more(
    warehouse: Warehouse,
) -> None:
    if warehouse.lake is None or (os.cpu_count() or 1) < 2:
        pytest.skip("a DuckDB file keeps DuckDB's default in both modes; one core cannot tell them apart")
    with connect(warehouse) as con:
        assert con.execute("SELECT current_setting('threads')").fetchone() == (1,)
    with connect(warehouse, read_only=True, run_reads=True) as con:
        assert con.execute("SELECT current_setting('threads')").fetchone() == (1,)
    with connect(warehouse, read_only=True) as con:
        [(threads,)] = con.execute("SELECT current_setting('threads')").fetchall()
    assert threads == os.cpu_count()
    # ... and the analysts' instance is still there after the run's: each kept under its own settings.
    with (
        connect(warehouse, read_only=True, run_reads=True) as run,
        connect(warehouse, read_only=True) as analyst,
    ):
        assert run.execute("SELECT current_setting('threads')").fetchone() == (1,)
        assert analyst.execute("SELECT current_setting('threads')").fetchone() == (threads,)


def test_sentences_lose_their_key_and_keep_their_rows(tmp_path: Path) -> None:
    # Migration 020, on a file made before it: article_sentences held a primary key whose index grew with
    # the history. A lake never had one (tests/warehouse's lake runs apply 020 to its keyless table).
    from transform.analysis import ArticleAnalysis
    from transform.article_rows import ArticleRows

    done = raw("a", "done")
    article = article_for(done)
    with connect(Warehouse(tmp_path / "w.duckdb")) as con:
        store_raw_documents(con, raw_rows([done], "run-1"))
        analysis = ArticleAnalysis(article.article_id, ("First one.", "Second one."), (), ())
        load_outcomes(
            con,
            "run-1",
            NOW,
            BatchOutcome(articles=((article, "plain-text"),), rows=ArticleRows.of([analysis])),
        )
        # As the file had it before migration 020.
        con.execute("CREATE TABLE keyed AS SELECT * FROM article_sentences")
        con.execute("DROP TABLE article_sentences")
        con.execute(
            "CREATE TABLE article_sentences (article_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,"
            " sentence VARCHAR NOT NULL, PRIMARY KEY (article_id, sentence_index))"
        )
        con.execute("INSERT INTO article_sentences SELECT * FROM keyed")
        con.execute("DROP TABLE keyed")
        con.execute("DELETE FROM schema_version WHERE version >= 20")
        assert migrate(con) == migrations()[-1][0]
        rows = con.execute("SELECT * FROM article_sentences ORDER BY sentence_index").fetchall()
        kinds = con.execute(
            "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'article_sentences'"
        ).fetchall()
        comment = con.execute(
            "SELECT comment FROM duckdb_columns()"
            " WHERE table_name = 'article_sentences' AND column_name = 'sentence'"
        ).fetchone()
    assert rows == [(article.article_id, 0, "First one."), (article.article_id, 1, "Second one.")]
    assert ("PRIMARY KEY",) not in kinds and kinds.count(("NOT NULL",)) == 3
    assert comment == ("The sentence.",)


def test_articles_lose_their_lookup_indexes_and_lookups_still_find_their_keys(tmp_path: Path) -> None:
    # Migration 021, on a file made before it: the indexes on canonical_url and body_hash, which every
    # run's checkpoint rewrote in part, are dropped; the key on article_id stays.
    done = raw("a", "done")
    article = article_for(done)
    with connect(Warehouse(tmp_path / "w.duckdb")) as con:
        store_raw_documents(con, raw_rows([done], "run-1"))
        load_outcomes(con, "run-1", NOW, BatchOutcome(articles=((article, "plain-text"),)))
        # As the file had them before migration 021.
        con.execute("CREATE INDEX articles_canonical_url ON articles (canonical_url)")
        con.execute("CREATE INDEX articles_body_hash ON articles (body_hash)")
        con.execute("DELETE FROM schema_version WHERE version >= 21")
        assert migrate(con) == migrations()[-1][0]
        indexes = con.execute(
            "SELECT index_name FROM duckdb_indexes() WHERE table_name = 'articles'"
        ).fetchall()
        kinds = con.execute(
            "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'articles'"
        ).fetchall()
        found = known_articles(con, [article.canonical_url, "https://elsewhere.test/"], [article.body_hash])
    assert indexes == []
    assert ("PRIMARY KEY",) in kinds
    assert found == ({article.canonical_url: article.article_id}, {article.body_hash: article.article_id})


def test_a_writer_puts_a_sqlite_catalog_in_write_ahead_log_mode(tmp_path: Path) -> None:
    """Readers of the catalog (other workers deciding against a snapshot, analysts) then never hold up a
    writer's commit; a catalog created before keeps SQLite's default until a writer opens it."""
    new = Warehouse.at(f"ducklake:sqlite:{tmp_path / 'new' / 'catalog.sqlite'}")
    create_lake(new)
    assert _journal_mode(tmp_path / "new" / "catalog.sqlite") == "wal"

    older = Warehouse.at(f"ducklake:sqlite:{tmp_path / 'older' / 'catalog.sqlite'}")
    create_lake(older)
    with closing(sqlite3.connect(tmp_path / "older" / "catalog.sqlite")) as catalog:
        catalog.execute("PRAGMA journal_mode=DELETE")
    with connect(older, read_only=True) as connection:
        connection.execute("SELECT count(*) FROM articles").fetchall()
    assert _journal_mode(tmp_path / "older" / "catalog.sqlite") == "delete"
    with connect(older) as connection:
        connection.execute("SELECT count(*) FROM articles").fetchall()
    assert _journal_mode(tmp_path / "older" / "catalog.sqlite") == "wal"


def _journal_mode(catalog_file: Path) -> str:
    with closing(sqlite3.connect(catalog_file)) as catalog:
        row = catalog.execute("PRAGMA journal_mode").fetchone()
    return str(row[0])
