"""prefect.yaml's own deployment steps (flows/operations.py), run through Prefect's step runner as a worker
and `prefect deploy` run them, and the names that keep `newsetl serve` from pausing the pool's deployments.
The deployments on a real server with a real worker: tests/flows/test_prefect_server.py."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.operations import DeploymentStepError, enter_newsetl_home, web_sources_schedule

ROOT = Path(__file__).resolve().parents[2]
PREFECT_YAML: dict[str, Any] = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))


def deployment(name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(d for d in PREFECT_YAML["deployments"] if d["name"] == name)
    return found


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A folder shaped like a newsetl checkout, without a sources file."""
    (tmp_path / "prefect.yaml").write_text("name: newsetl\n")
    (tmp_path / "flows").mkdir()
    return tmp_path


@pytest.fixture
def keep_cwd() -> Iterator[None]:
    before = Path.cwd()
    try:
        yield
    finally:
        os.chdir(before)


def test_the_home_step_names_what_is_wrong(checkout: Path) -> None:
    with pytest.raises(DeploymentStepError, match="NEWSETL_HOME is not set in the worker's environment"):
        enter_newsetl_home("")
    with pytest.raises(DeploymentStepError, match="must be an absolute path"):
        enter_newsetl_home("checkout")
    with pytest.raises(DeploymentStepError, match="is not a newsetl checkout"):
        enter_newsetl_home(str(checkout / "flows"))
    with pytest.raises(DeploymentStepError, match=r"no newsetl\.toml in NEWSETL_HOME"):
        enter_newsetl_home(str(checkout), require=["newsetl.toml"])
    assert enter_newsetl_home(str(checkout)) == {"directory": str(checkout)}
    (checkout / "newsetl.toml").write_text("")
    assert enter_newsetl_home(str(checkout), require=["newsetl.toml"]) == {"directory": str(checkout)}


def run_steps(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The steps as Prefect runs them: templating ({{ $NEWSETL_HOME }}, step outputs), then each function."""
    from prefect.deployments.steps.core import run_steps

    outputs: dict[str, Any] = asyncio.run(run_steps(steps))
    return outputs


@pytest.mark.usefixtures("prefect_harness")  # step templating asks the API for variables
def test_a_worker_without_newsetl_home_stops_at_the_first_pull_step_naming_it(
    monkeypatch: pytest.MonkeyPatch, keep_cwd: None
) -> None:
    from prefect.deployments.steps.core import StepExecutionError

    monkeypatch.delenv("NEWSETL_HOME", raising=False)
    before = Path.cwd()
    for steps in (PREFECT_YAML["pull"], deployment("newsetl-web-pool")["pull"]):
        with pytest.raises(StepExecutionError) as raised:
            run_steps(steps)
        assert isinstance(raised.value.__cause__, DeploymentStepError)
        assert "NEWSETL_HOME is not set" in str(raised.value.__cause__)
        assert Path.cwd() == before  # nothing ran after it


@pytest.mark.usefixtures("prefect_harness")
def test_with_newsetl_home_the_pull_steps_enter_the_checkout(
    monkeypatch: pytest.MonkeyPatch, checkout: Path, keep_cwd: None
) -> None:
    from prefect.deployments.steps.core import StepExecutionError

    monkeypatch.setenv("NEWSETL_HOME", str(checkout))
    assert run_steps(PREFECT_YAML["pull"])["home"] == {"directory": str(checkout)}
    assert Path.cwd() == checkout
    # The web deployment also needs its sources file.
    with pytest.raises(StepExecutionError) as raised:
        run_steps(deployment("newsetl-web-pool")["pull"])
    assert "no newsetl.toml in NEWSETL_HOME" in str(raised.value.__cause__)


@pytest.mark.usefixtures("prefect_harness")
def test_without_a_sources_file_the_web_deployment_is_deployed_with_its_schedule_off(
    checkout: Path, keep_cwd: None, capsys: pytest.CaptureFixture[str]
) -> None:
    web = deployment("newsetl-web-pool")
    assert [schedule["active"] for schedule in web["schedules"]] == ["{{ web-sources.active }}"]
    os.chdir(checkout)  # prefect deploy runs from the checkout
    assert run_steps(web["build"])["web-sources"] == {"active": False}
    assert "No sources file at" in capsys.readouterr().out
    (checkout / "newsetl.toml").write_text("")
    assert run_steps(web["build"])["web-sources"] == {"active": True}
    assert web_sources_schedule(str(checkout / "newsetl.toml")) == {"active": True}


def test_pool_deployments_never_share_a_name_with_what_newsetl_serve_serves(tmp_path: Path) -> None:
    from flows.operations import scheduled_deployments

    config = tmp_path / "newsetl.toml"
    config.write_text("")
    served = {d.name for d in scheduled_deployments([tmp_path], tmp_path / "w.duckdb", tmp_path, config)}
    pool = {d["name"] for d in PREFECT_YAML["deployments"]}
    assert served == {"newsetl-ingest", "newsetl-web", "newsetl-maintenance"}
    assert pool == {"newsetl-ingest-pool", "newsetl-web-pool", "newsetl-maintenance-pool"}
    assert not served & pool
