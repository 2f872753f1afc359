"""The document frequencies of story evidence (warehouse/story_counts.py, migration 022): added with every
load, read back for the keys a run compares, forgotten by reprocessing, backfilled for old files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transform.outcomes import BatchOutcome
from transform.stories import PREVIEW, ROUNDUP, KeyCounts, StoryAssignment, StoryFeatures, counted
from warehouse.connection import Warehouse, connect, for_lake, migrations
from warehouse.integrity import check_integrity
from warehouse.loads import load_outcomes
from warehouse.reprocess import forget_derived
from warehouse.story_counts import stored_key_counts

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def report(article_id: str, terms: dict[str, float], *names: str, kind: str = "report") -> StoryFeatures:
    return StoryFeatures(
        article_id,
        NOW,
        frozenset({"Alibaba"}),
        frozenset({"pct:8.48", "date:03-10", f"num:{len(article_id)}"}),
        terms,
        frozenset(names),
        frozenset({"quarter", "cloud"}),
        kind,
    )


# Plurals the vocabulary keeps in the singular ("companies", "chips", "phones"), words it keeps as they are
# ("bus", "class", "analysis", "gas": -ss, -us, -is, too short), Chinese terms, a name that is also a term.
ARTICLES = (
    report("a", {"companies": 2.0, "chips": 1.7, "bus": 1.0, "quarter": 1.0}, "lanxi", "chips"),
    report("b", {"class": 1.5, "analysis": 1.2, "gas": 1.0, "phones": 1.0, "云计算": 1.3}, "ruiz"),
    report("c", {"company": 1.0, "chip": 1.0, "series": 1.0, "阿里巴巴": 2.0}, "lanxi"),
    report("r", {"deals": 3.0}, "lanxi", kind=ROUNDUP),  # not counted: it repeats other events' evidence
    report("p", {"keynote": 2.0}, kind=PREVIEW),
)


def load(db: Warehouse, *features: StoryFeatures) -> None:
    stories = tuple(StoryAssignment(f.article_id, f.article_id, 1.0, None) for f in features)
    with connect(db) as connection:
        load_outcomes(connection, "run", NOW, BatchOutcome(story_features=features, stories=stories))


def stored(db: Warehouse, wanted: KeyCounts) -> KeyCounts:
    with connect(db) as connection:
        return stored_key_counts(connection, wanted)


def as_dicts(counts: KeyCounts) -> tuple[dict[str, int], dict[str, int], dict[str, int], int]:
    return dict(counts.words), dict(counts.entities), dict(counts.facts), counts.reports


@pytest.fixture
def db(warehouse: Warehouse) -> Warehouse:
    return warehouse


def test_loads_add_the_counts_of_their_reports_and_a_run_reads_those_of_its_keys(db: Warehouse) -> None:
    load(db, *ARTICLES[:2])
    load(db, *ARTICLES[2:])
    expected = counted(ARTICLES)
    assert expected.reports == 3 and expected.words["company"] == 2 and expected.words["lanxi"] == 2
    assert as_dicts(stored(db, expected)) == as_dicts(expected)
    # Only the keys asked for are read back, with the number of reports; a key never stored is absent.
    asked = KeyCounts({"lanxi": 1, "never-seen": 1}, {}, {"pct:8.48": 1})
    assert as_dicts(stored(db, asked)) == ({"lanxi": 2}, {}, {"pct:8.48": 3}, 3)


def test_reprocessing_forgets_the_counts_with_the_features(db: Warehouse) -> None:
    load(db, *ARTICLES)
    with connect(db) as connection:
        forget_derived(connection)
    assert as_dicts(stored(db, counted(ARTICLES))) == ({}, {}, {}, 0)


def test_the_migration_backfills_what_the_loads_count(db: Warehouse) -> None:
    load(db, *ARTICLES)
    with connect(db) as connection:
        # As a warehouse made before migration 022 would be: the table filled by the migration alone.
        connection.execute("DROP TABLE story_key_counts")
        [(_, _, sql)] = [m for m in migrations() if m[0] == 22]
        connection.execute(for_lake(sql) if db.lake else sql)
        # Run again (a file whose schema version was restored): the counts are recounted, not added twice.
        connection.execute(for_lake(sql) if db.lake else sql)
        rows = connection.execute(
            "SELECT count(*), count(DISTINCT key_hash) FROM story_key_counts"
        ).fetchone()
    assert rows is not None and rows[0] == rows[1]  # one row a key
    assert as_dicts(stored(db, counted(ARTICLES))) == as_dicts(counted(ARTICLES))


def test_the_integrity_check_names_counts_that_no_longer_match_the_stored_reports(db: Warehouse) -> None:
    load(db, *ARTICLES)
    with connect(db) as connection:
        assert check_integrity(connection).reports_miscounted == 0
        # A report lost, its counts kept.
        connection.execute("DELETE FROM story_features WHERE article_id = 'a'")
        assert check_integrity(connection).problems["reports_miscounted"] == 1
