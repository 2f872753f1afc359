"""The story candidate index (warehouse/story_index.py, migration 015): written with the articles, looked
up per article in its window with broad keys skipped and candidates capped, backfilled for old files."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from transform.outcomes import BatchOutcome
from transform.stories import ROUNDUP, StoryAssignment, StoryFeatures, candidate_keys
from warehouse.connection import Warehouse, connect, for_lake, migrations
from warehouse.loads import load_outcomes
from warehouse.queries import story_candidates
from warehouse.reprocess import forget_derived
from warehouse.story_index import CandidateLimits, Lookup, candidate_articles, insert_story_postings

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def report(article_id: str, when: datetime | None, *names: str, kind: str = "report") -> StoryFeatures:
    return StoryFeatures(
        article_id,
        when,
        frozenset({"Apple"}),
        frozenset({"pct:8.48", "date:03-10"}),
        {"quake": 2.0, "rescue": 1.5, "city": 1.0},
        frozenset(names),
        frozenset({"quake"}),
        kind,
    )


def load(db: Warehouse, *features: StoryFeatures) -> None:
    stories = tuple(StoryAssignment(f.article_id, f.article_id, 1.0, None) for f in features)
    with connect(db) as connection:
        load_outcomes(connection, "run", NOW, BatchOutcome(story_features=features, stories=stories))


def lookup(db: Warehouse, article: StoryFeatures, limits: CandidateLimits | None = None) -> list[str]:
    with connect(db) as connection:
        when = article.event_time or NOW
        return candidate_articles(
            connection,
            [Lookup(article.article_id, when, candidate_keys(article))],
            WEEK,
            limits or CandidateLimits(),
        )


@pytest.fixture
def db(warehouse: Warehouse) -> Warehouse:
    return warehouse


def test_candidate_keys_are_the_rare_evidence_and_none_for_a_roundup() -> None:
    keys = candidate_keys(report("a", NOW, "lanxi"))
    assert {"n:lanxi", "n:quake", "f:pct:8.48", "e:Apple", "t:quake", "t:rescue", "t:city"} == keys
    assert not any(key.startswith("f:date:") for key in keys)  # a date says little: every report has it
    assert candidate_keys(report("r", NOW, "lanxi", kind=ROUNDUP)) == frozenset()


def test_a_load_posts_reports_and_a_new_article_finds_them_in_its_window(db: Warehouse) -> None:
    load(
        db,
        report("same-day", NOW - timedelta(hours=3), "lanxi"),
        report("weeks-before", NOW - timedelta(days=20), "lanxi"),
        report("undated", None, "lanxi"),  # posted at the load's time: in the current window
        report("roundup", NOW, "lanxi", kind=ROUNDUP),  # never posted: nothing joins a roundup
    )
    with connect(db) as connection:
        posted = connection.execute("SELECT DISTINCT article_id FROM story_postings ORDER BY 1").fetchall()
    assert posted == [("same-day",), ("undated",), ("weeks-before",)]
    assert lookup(db, report("new", NOW, "lanxi")) == ["same-day", "undated"]
    with connect(db) as connection:
        found = story_candidates(connection, ["same-day", "undated"])
    assert [(f.article_id, story) for f, story in found] == [("same-day", "same-day"), ("undated", "undated")]
    # The evidence read back is the article's own, every field (lists, the terms' map, the time in UTC).
    assert [f for f, _ in found] == [
        report("same-day", NOW - timedelta(hours=3), "lanxi"),
        report("undated", None, "lanxi"),
    ]
    assert found[0][0].event_time is not None and found[0][0].event_time.utcoffset() == timedelta(0)


def test_a_sentence_embedding_is_stored_with_the_evidence_and_read_back(db: Warehouse) -> None:
    vector = bytes(range(256)) + bytes(range(128))  # 384 signed bytes, every value
    embedded = dataclasses.replace(report("embedded", NOW, "lanxi"), meaning=vector)
    load(db, embedded, report("plain", NOW, "lanxi"))
    with connect(db) as connection:
        found = {f.article_id: f for f, _ in story_candidates(connection, ["embedded", "plain"])}
    assert found["embedded"] == embedded
    assert found["plain"].meaning is None  # a run without NEWSETL_STORY_EMBEDDINGS stores none


def test_the_figures_of_a_lead_are_stored_with_the_evidence_and_read_back(db: Warehouse) -> None:
    led = dataclasses.replace(report("led", NOW, "lanxi"), lead_figures=frozenset({"pct:8.48", "num:12"}))
    load(db, led, report("plain", NOW, "lanxi"))
    with connect(db) as connection:
        found = {f.article_id: f for f, _ in story_candidates(connection, ["led", "plain"])}
        stored = connection.execute(
            "SELECT article_id, lead_figures FROM story_features ORDER BY article_id"
        ).fetchall()
    assert found["led"] == led
    assert found["plain"].lead_figures == frozenset()
    assert stored == [("led", ["num:12", "pct:8.48"]), ("plain", [])]


def test_a_key_too_common_to_be_evidence_is_skipped_and_candidates_are_capped(db: Warehouse) -> None:
    # Six articles share "apple" (and the top terms); two of them also share the rare name "lanxi".
    load(db, *(report(f"a{i}", NOW - timedelta(hours=i), *(["lanxi"] if i < 2 else [])) for i in range(6)))
    new = report("new", NOW, "lanxi")
    assert lookup(db, new, CandidateLimits(broad_key=1_000, per_key=100, per_article=100)) == [
        f"a{i}" for i in range(6)
    ]
    # Keys posted by more than five articles are too broad: only the rare name leads anywhere.
    assert lookup(db, new, CandidateLimits(broad_key=5, per_key=100, per_article=100)) == ["a0", "a1"]
    # Per key, the latest postings only; per article, those sharing the rarest evidence only.
    assert lookup(db, new, CandidateLimits(broad_key=1_000, per_key=3, per_article=100)) == ["a0", "a1", "a2"]
    assert lookup(db, new, CandidateLimits(broad_key=1_000, per_key=100, per_article=2)) == ["a0", "a1"]


def test_candidates_tied_on_evidence_and_time_are_kept_in_the_order_of_their_ids(db: Warehouse) -> None:
    # Loaded out of the order of their ids, posted at one time under the same keys: the ranking breaks
    # its ties by id, whatever order the rows were written in.
    load(db, *(report(article_id, NOW - timedelta(hours=1), "lanxi") for article_id in ("c", "a", "d", "b")))
    new = report("new", NOW, "lanxi")
    assert lookup(db, new, CandidateLimits(broad_key=1_000, per_key=100, per_article=2)) == ["a", "b"]
    assert lookup(db, new, CandidateLimits(broad_key=1_000, per_key=3, per_article=100)) == ["a", "b", "c"]


def test_reprocess_forgets_the_postings_with_the_features(db: Warehouse) -> None:
    load(db, report("a", NOW, "lanxi"))
    with connect(db) as connection:
        forget_derived(connection)
        assert connection.execute("SELECT count(*) FROM story_postings").fetchone() == (0,)


def test_the_migration_backfills_the_keys_candidate_keys_gives(db: Warehouse) -> None:
    articles = [
        report("a", NOW, "lanxi", "dynamics"),
        report("b", None, "ruiz"),
        report("r", NOW, kind=ROUNDUP),
    ]
    load(db, *articles)
    with connect(db) as connection:
        written = _postings(connection)
        # As a warehouse made before migration 015 would be: the table filled by the migration alone.
        connection.execute("DROP TABLE story_postings")
        [(_, _, sql)] = [m for m in migrations() if m[0] == 15]
        connection.execute(for_lake(sql) if db.lake else sql)
        assert _postings(connection) == written
    expected = {(key, f.article_id) for f in articles for key in candidate_keys(f)}
    assert {(key, article) for key, article, _ in written} == expected


def _postings(connection: duckdb.DuckDBPyConnection) -> set[tuple[str, str, datetime]]:
    rows = connection.execute("SELECT key_hash, article_id, event_time FROM story_postings").fetchall()
    hashes = dict(
        connection.execute(
            "SELECT md5_number_upper(k), k FROM (SELECT unnest(?::VARCHAR[]) AS k)", [sorted(_ALL_KEYS)]
        ).fetchall()
    )
    return {(hashes.get(h, str(h)), article_id, when) for h, article_id, when in rows}


_ALL_KEYS = {
    key
    for f in (report("a", NOW, "lanxi", "dynamics"), report("b", None, "ruiz"))
    for key in candidate_keys(f)
}


def test_insert_story_postings_ignores_an_empty_batch(db: Warehouse) -> None:
    with connect(db) as connection:
        insert_story_postings(connection, [], NOW)
        assert connection.execute("SELECT count(*) FROM story_postings").fetchone() == (0,)
