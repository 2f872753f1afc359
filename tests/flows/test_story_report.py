"""The "stories of this run" artifact, published by real ingest runs under the Prefect test harness,
story_changes as runs record them, and the story edits a reprocess made again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows import story_report as story_report_module
from flows.ingest import ingest
from flows.story_report import ARTIFACT_KEY, story_report
from tests.flows.test_dedup_flow import paragraph
from warehouse.connection import connect
from warehouse.stories import GoneStory, RunStories, RunStory, StoryArticle, StorySummary


def stories_of_run(run_id: str, key: str = ARTIFACT_KEY) -> list[str]:
    """The run's artifacts under `key` (by default its stories)."""
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return [str(a.data) for a in artifacts if str(a.flow_run_id) == run_id]


def changes(db: Path, run_id: str) -> list[tuple[str, int]]:
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "SELECT change, article_count FROM story_changes WHERE run_id = ? ORDER BY ALL", [run_id]
        ).fetchall()
    return [(change, int(count)) for change, count in rows]


@pytest.mark.usefixtures("prefect_harness")
def test_each_run_publishes_the_stories_it_started_or_grew(tmp_path: Path, db_path: Path) -> None:
    body = paragraph(1)
    first = tmp_path / "run1"
    first.mkdir()
    (first / "cut.txt").write_text("Cut short\n\n" + body[: len(body) * 2 // 3], encoding="utf-8")
    (first / "other.txt").write_text("Unrelated\n\n" + paragraph(2), encoding="utf-8")
    one = ingest([str(first)], db=str(db_path))
    [markdown] = stories_of_run(one.run_id)
    assert markdown.startswith("# Stories of this run\n\n2 stories gained 2 articles: 2 new, 0 grown.\n")
    assert "| Cut short | created | 1 | 1 | 1 |" in markdown
    assert "| Unrelated | created | 1 | 1 | 1 |" in markdown
    assert "## What joined" not in markdown  # no story of more than one article yet
    assert changes(db_path, one.run_id) == [("created", 1), ("created", 1)]

    second = tmp_path / "run2"
    second.mkdir()
    # A near-copy joins the story of what it copies.
    (second / "full.txt").write_text("Full text\n\nAdvertisements\n" + body, encoding="utf-8")
    two = ingest([str(second)], db=str(db_path))
    [markdown] = stories_of_run(two.run_id)
    assert "1 story gained 1 article: 0 new, 1 grown." in markdown
    assert "| Cut short | grew | 1 | 2 | 1 |" in markdown
    assert "Unrelated" not in markdown
    # Under the table, the story with its two articles, and why the new one is in it.
    listed = markdown.split("\n## What joined\n", 1)[1]
    assert "\n```\nCut short\n  story " in listed
    [cut, full, why] = [line.strip() for line in listed.splitlines() if "txt" in line]
    assert cut.endswith("cut.txt") and full.endswith("full.txt")
    assert why.startswith("a near-copy of file://") and why.endswith("cut.txt")
    assert listed.endswith("\n```")
    assert changes(db_path, two.run_id) == [("grew", 1)]

    again = ingest([str(second)], db=str(db_path))
    assert stories_of_run(again.run_id) == ["# Stories of this run\n\nNo story gained articles in this run."]
    assert changes(db_path, again.run_id) == []


@pytest.mark.usefixtures("prefect_harness")
def test_a_report_that_fails_never_fails_the_run(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("story query broke")

    monkeypatch.setattr(story_report_module, "run_stories", broken)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("A title\n\n" + paragraph(3), encoding="utf-8")
    summary = ingest([str(tmp_path / "in")], db=str(db_path))
    assert (summary.new_articles, summary.new_stories) == (1, 1)
    assert stories_of_run(summary.run_id) == []
    # story_changes load with the articles, whatever becomes of the report.
    assert changes(db_path, summary.run_id) == [("created", 1)]


def test_the_table_shows_the_first_stories_and_counts_the_rest() -> None:
    at = datetime(2025, 2, 13, 8, tzinfo=UTC)

    later = datetime(2025, 2, 15, 9, tzinfo=UTC)

    def story(
        story_id: str, headline: str | None, published: tuple[datetime, datetime] | None, undated: int
    ) -> StorySummary:
        outlets, languages = ("a.example", "b.example"), ("en", "zh")
        return StorySummary(story_id, headline, at, later, 3, 2, outlets, languages, (), published, undated)

    run = RunStories(
        (
            RunStory("created", 3, story("s1" * 12, "Qwen | Apple:\na deal", (at, later), 0)),
            RunStory("grew", 1, story("s2" * 12, None, (at, at), 1)),
            RunStory("grew", 1, story("s3" * 12, "Undated files", None, 3)),
        ),
        changed=5,
        created=2,
        articles_added=7,
    )
    markdown = story_report(run, "run-1")
    assert "5 stories gained 7 articles: 2 new, 3 grown." in markdown
    row = "| `s1s1s1s1s1s1` | Qwen \\| Apple: a deal | created | 3 | 3 | 2 | en, zh "
    assert f"{row}| 2025-02-13 to 2025-02-15 |" in markdown
    # An undated article's load time (the summary's last_seen here) is no publication day.
    assert (
        "| `s2s2s2s2s2s2` | (untitled) | grew | 1 | 3 | 2 | en, zh | 2025-02-13 (and 1 undated) |" in markdown
    )
    assert (
        "| `s3s3s3s3s3s3` | Undated files | grew | 1 | 3 | 2 | en, zh | undated, loaded 2025-02-13 to "
        in markdown
    )
    assert markdown.endswith(
        "... and 2 more stories: every one is in the `story_changes` table under run_id `run-1`."
    )


def test_a_story_of_the_run_merged_away_is_counted_and_says_where_it_went() -> None:
    at = datetime(2025, 2, 13, 8, tzinfo=UTC)
    kept = StorySummary("k" * 24, "Qwen deal", at, at, 4, 2, ("a.example",), ("en",), (), (at, at), 0)
    run = RunStories(
        (RunStory("created", 2, kept),),
        changed=4,
        created=3,
        articles_added=5,
        gone=(GoneStory("g" * 24, "created", 1, "k" * 24), GoneStory("h" * 24, "grew", 2, None)),
    )
    markdown = story_report(run, "run-1")
    assert "4 stories gained 5 articles: 3 new, 1 grown." in markdown
    assert (
        "\nStory `gggggggggggg` (created with 1 article) holds no article now: an analyst's merge moved its "
        "articles into story `kkkkkkkkkkkk` (`story_changes`).\n"
        "Story `hhhhhhhhhhhh` (grew with 2 articles) holds no article now.\n"
    ) in markdown
    # One story more than the table and the two lines: the rest is counted with where to find it.
    assert markdown.endswith(
        "... and 1 more story: every one is in the `story_changes` table under run_id `run-1`."
    )


def test_the_stories_listed_under_the_table_are_those_that_came_with_their_articles() -> None:
    at = datetime(2025, 2, 13, 8, tzinfo=UTC)
    first = StoryArticle("a1", "a.example", at, "Qwen ```fenced``` deal", "https://a.example/1", "en")
    joined = StoryArticle(
        "a2", "b.example", at, "Qwen deal, told again", "https://b.example/2", "en",
        matched_article_id="a1", joined_on=("Alibaba", "qwen", "8.5%"),
    )  # fmt: skip

    def story(story_id: str, articles: tuple[StoryArticle, ...]) -> StorySummary:
        return StorySummary(
            story_id,
            "Qwen deal",
            at,
            at,
            2,
            2,
            ("a.example", "b.example"),
            ("en",),
            (),
            (at, at),
            0,
            articles,
        )

    run = RunStories(
        (RunStory("grew", 1, story("s1", (first, joined))), RunStory("grew", 1, story("s2", ()))),
        changed=2,
        created=0,
        articles_added=2,
    )
    listed = story_report(run, "run-1").split("\n## What joined\n", 1)[1]
    assert listed.startswith("\nThe story above with two to 50 articles (at most 10), as `newsetl stories`")
    # A title's backticks cannot close the block: the fence is longer than any run of them.
    assert "\n````\nQwen deal\n  story s1\n" in listed and listed.endswith("\n````")
    assert "    b.example  2025-02-13  Qwen deal, told again  https://b.example/2" in listed
    assert "joined the a.example article (2025-02-13) on: Alibaba, qwen, 8.5%" in listed
    assert "story s2" not in listed  # it came without its articles


def test_a_story_the_run_started_that_follows_an_earlier_one_says_which_in_its_row() -> None:
    at = datetime(2025, 2, 13, 8, tzinfo=UTC)
    charged = StorySummary(
        "c" * 20, "Engineer charged", at, at, 1, 1, ("a.example",), ("en",), (), (at, at), 0
    )
    grown = StorySummary("g" * 20, "Bridge checks", at, at, 2, 1, ("a.example",), ("en",), (), (at, at), 0)
    run = RunStories(
        (RunStory("created", 1, charged, follows="e" * 20), RunStory("grew", 1, grown)),
        changed=2,
        created=1,
        articles_added=2,
    )
    report = story_report(run, "run-1")
    assert (
        "| `cccccccccccc` | Engineer charged | created, follows `eeeeeeeeeeee` | 1 | 1 | 1 | en |" in report
    )
    assert "| `gggggggggggg` | Bridge checks | grew | 1 | 2 | 1 | en |" in report


@pytest.mark.usefixtures("prefect_harness")
def test_a_reprocess_publishes_the_story_edits_it_made_again(tmp_path: Path, db_path: Path) -> None:
    from flows.reprocess import reprocess
    from flows.story_report import EDITS_ARTIFACT_KEY
    from warehouse.story_edits import UNRECORDED_SPLIT, merge_stories

    (tmp_path / "in").mkdir()
    for seed in (1, 2):  # two texts that share nothing: two stories
        (tmp_path / "in" / f"{seed}.txt").write_text(
            f"Report {seed}\n\n{paragraph(seed)}\n", encoding="utf-8"
        )
    ingest([str(tmp_path / "in")], db=str(db_path))
    with connect(db_path) as con:
        stories = [
            story for (story,) in con.execute("SELECT DISTINCT story_id FROM story_articles").fetchall()
        ]
        merge = merge_stories(con, stories, datetime(2025, 7, 1, tzinfo=UTC))
        # A split from before schema 29, numbered by its time as the upgrade to schema 32 numbers it.
        con.execute(
            "INSERT INTO story_edits (edit_id, kind, made_at, articles, owed, made_order)"
            " VALUES ('edit-old', 'split', '2025-01-01 00:00:00+00', NULL, false, 0)"
        )
    report = reprocess(str(db_path))
    [old, replayed] = report.summary.story_edits.edits  # in the order they were made
    assert (old.edit_id, old.replay_id, replayed.edit_id) == ("edit-old", None, merge.edit_id)
    [artifact] = stories_of_run(report.summary.run_id, EDITS_ARTIFACT_KEY)
    assert (
        "1 of 2 analysts' edits (`story_edits`) made again on the stories `newsetl reprocess` rebuilt."
        in artifact
    )
    assert f"| `{merge.edit_id}` | merge | `{replayed.replay_id}` |  |" in artifact
    assert f"| `edit-old` | split |  | {UNRECORDED_SPLIT} |" in artifact
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT count(DISTINCT story_id) FROM story_articles").fetchone() == (1,)


def test_the_lines_of_story_edits_say_what_was_made_again_skipped_or_waits() -> None:
    from flows.story_text import story_edits_lines
    from warehouse.story_edits import EditReplays, ReplayedEdit

    assert story_edits_lines(EditReplays()) == []
    assert story_edits_lines(EditReplays(waiting=2, pending_documents=1)) == [
        "Story edits waiting to be made again: 2. Documents of the reprocess still pending: 1; the run that "
        "processes them makes the edits again."
    ]
    made = ReplayedEdit("edit-1", "merge", "replay-1")
    skipped = ReplayedEdit("edit-2", "split", None, "its articles are in no story now")
    assert story_edits_lines(EditReplays((made, skipped))) == [
        "Story edits made again: 1 of 2.",
        "Story edit edit-2 (split) not made again: its articles are in no story now",
    ]
