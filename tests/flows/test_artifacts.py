"""The new-articles artifact as the Prefect UI shows it: a title for every row, and counts in words that
agree ("1 new article"). Published from a real flow run under the session's Prefect test harness."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from uuid import UUID

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey
from prefect.runtime import flow_run

from flows import ingest
from flows.ingest import IngestSummary, publish_artifacts
from tests.warehouse.test_warehouse import article_for, raw
from transform.errors import Reject
from transform.records import Article

pytestmark = pytest.mark.usefixtures("prefect_harness")

UNTITLED_BODY = "Alibaba Cloud opened two data centres in Asia this week. " * 5


def new_articles_artifact(articles: tuple[Article, ...]) -> Any:
    @flow
    def publish() -> str:
        publish_artifacts(
            IngestSummary("run-1", "/data/w.duckdb", len(articles), len(articles), 0, 0), articles
        )
        return str(flow_run.get_id())

    run_id = publish()
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["new-articles"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(run_id)]),
            )
        )
    return artifact


def rows(artifact: Any) -> list[dict[str, Any]]:
    """A table artifact's rows (the API returns them as JSON text)."""
    data = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    assert isinstance(data, list)
    return data


def test_an_untitled_article_shows_how_it_begins_and_one_article_is_singular() -> None:
    untitled = replace(article_for(raw("plain.txt", UNTITLED_BODY)), title=None)
    artifact = new_articles_artifact((untitled,))
    assert artifact.description == "1 new article"
    [row] = rows(artifact)
    assert row["title"].startswith("(untitled) Alibaba Cloud opened two data centres in Asia this week.")
    assert row["title"].endswith(" …") and len(row["title"]) <= len("(untitled) ") + 80


def test_titled_articles_keep_their_titles_and_several_are_plural() -> None:
    articles = (article_for(raw("a.txt", "One body about Qwen.")), article_for(raw("b.txt", "Another one.")))
    blank = replace(articles[1], title="  ")
    artifact = new_articles_artifact((articles[0], blank))
    assert artifact.description == "2 new articles"
    assert [row["title"] for row in rows(artifact)] == ["A title", "(untitled) Another one."]


def test_a_large_run_shows_its_first_articles_and_says_how_to_list_them_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ingest, "ARTIFACT_ROWS", 2)
    articles = tuple(article_for(raw(f"{name}.txt", f"Body {name} about Qwen.")) for name in "abc")
    artifact = new_articles_artifact(articles)
    assert [row["url"] for row in rows(artifact)] == [a.canonical_url for a in articles[:2]]
    assert artifact.description == (
        "The first 2 of 3 new articles; all of them: newsetl sql"
        " \"SELECT title, canonical_url, source FROM articles WHERE run_id = 'run-1'\""
    )


def test_the_run_summary_lists_the_first_rejects_and_gives_the_query_for_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ingest, "ARTIFACT_ROWS", 2)
    rejects = tuple(Reject(f"file:///in/{n}.txt", "read", "not UTF-8 text", None) for n in range(5))
    markdown = IngestSummary("run-9", "/data/w.duckdb", 5, 5, 0, 0, rejects=rejects).to_markdown()
    assert "`file:///in/1.txt`" in markdown and "`file:///in/2.txt`" not in markdown
    query = "FROM rejects WHERE run_id = 'run-9'"
    assert markdown.endswith(f'... and 3 more: `newsetl sql "{query}"`')
