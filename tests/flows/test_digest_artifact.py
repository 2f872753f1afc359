"""The daily digest artifact, published by a real ingest run under the Prefect test harness."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows import digest as digest_module
from flows.digest import DIGEST_KEY
from flows.ingest import ingest
from tests.flows.corpus import write_corpus

pytestmark = pytest.mark.usefixtures("prefect_harness")


def digest_of_run(run_id: str) -> list[str]:
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[DIGEST_KEY]))
        )
    return [str(a.data) for a in artifacts if str(a.flow_run_id) == run_id]


def test_an_ingest_publishes_the_latest_days_digest(tmp_path: Path, db_path: Path) -> None:
    write_corpus(tmp_path / "in")
    summary = ingest([str(tmp_path / "in")], db=str(db_path))
    [markdown] = digest_of_run(summary.run_id)
    assert markdown.startswith("# Daily digest: ")  # today's: the corpus is undated, loaded today
    assert "Qwen models head to iPhones in China" in markdown
    assert "Alibaba lifts its AI budget" in markdown
    assert "## Entities" in markdown and "## New numeric facts" in markdown


def test_a_digest_that_fails_never_fails_the_run(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("digest query broke")

    monkeypatch.setattr(digest_module, "read_digest", broken)
    write_corpus(tmp_path / "in")
    summary = ingest([str(tmp_path / "in")], db=str(db_path))
    assert summary.new_articles == 4
    assert digest_of_run(summary.run_id) == []
