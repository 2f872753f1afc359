"""Operations commands: `newsetl maintenance` runs the maintenance flow once, `newsetl serve` serves every
flow on a schedule. Prefect and the flows are imported inside the commands, so the rest of the CLI
stays quick to start.

`prefect.yaml` deploys the same flows to a work pool for people who run workers instead, under other names
(`newsetl-ingest-pool`, ...): stopping `newsetl serve` pauses the deployments it served, and only those.
Two deployment steps of that file live here: `enter_newsetl_home` (a pull step, run before every worker run)
and `web_sources_schedule` (a build step, run by `prefect deploy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flows.settings import (
    DEFAULT_EXPORT_DIR,
    DEFAULT_SNAPSHOT_RETENTION_DAYS,
    Settings,
    absolute_db,
    apply_prefect_defaults,
    run_options,
)
from flows.terminal import DbOption, LockWaitOption, check_sources_file, console, run_flow

if TYPE_CHECKING:
    from prefect import Flow
    from prefect.deployments.runner import RunnerDeployment

INGEST_CRON = "0 * * * *"
WEB_CRON = "15 * * * *"
MAINTENANCE_CRON = "30 3 * * *"


ExportDirOption = Annotated[
    Path, typer.Option("--export-dir", help="Where the Parquet files go (created if missing).")
]


def run_maintenance(
    db: DbOption = None,
    export_dir: ExportDirOption = Path(DEFAULT_EXPORT_DIR),
    lock_wait: LockWaitOption = None,
    snapshot_retention_days: Annotated[
        float,
        typer.Option(
            min=0,
            help="A lake's snapshots older than this many days expire (how far back readers can "
            "time-travel); a DuckDB file has none.",
        ),
    ] = DEFAULT_SNAPSHOT_RETENTION_DAYS,
) -> None:
    """Run the maintenance flow once: tend the search index, checkpoint the DuckDB file (its
    write-ahead log goes into the file) or compact a lake (merge its small files, expire old snapshots,
    delete the files no snapshot needs), and export articles, stories and the dedup table as Parquet.

    `newsetl serve` runs the same flow every day.
    """
    settings = Settings()
    db_path = db or settings.db
    apply_prefect_defaults()
    from flows.maintenance import maintenance

    report = run_flow(
        lambda: maintenance(
            str(db_path),
            str(export_dir),
            snapshot_retention_days=snapshot_retention_days,
            **run_options(settings, lock_wait),
        )
    )
    console.print()
    console.print("newsetl maintenance", style="bold")
    console.print(f"  search index       {report.search_index}", markup=False)
    for step, result in report.storage_steps():  # a DuckDB file's checkpoint, or a lake's compaction
        console.print(f"  {step:<18} {result}", markup=False)
    for name, rows in report.exported.items():
        console.print(f"  {name:<18} {rows:>6} rows  {Path(report.export_dir) / name}", markup=False)
    console.print(f"Database: {report.db_path}", markup=False)


def serve(
    paths: Annotated[
        list[Path] | None,
        typer.Option(
            "--path",
            metavar="PATH",
            help="A file or folder to ingest; repeat for several [default: samples].",
        ),
    ] = None,
    cron: Annotated[str, typer.Option("--cron", help="When to ingest the paths (cron, UTC).")] = INGEST_CRON,
    maintenance_cron: Annotated[
        str, typer.Option("--maintenance-cron", help="When to run maintenance (cron, UTC).")
    ] = MAINTENANCE_CRON,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="The web sources file [default: $NEWSETL_CONFIG or newsetl.toml]; "
            "when it exists, the web flow is served too.",
            show_default=False,
        ),
    ] = None,
    web_cron: Annotated[
        str, typer.Option("--web-cron", help="When to fetch the web sources (cron, UTC).")
    ] = WEB_CRON,
    export_dir: ExportDirOption = Path(DEFAULT_EXPORT_DIR),
    db: DbOption = None,
) -> None:
    """Serve scheduled deployments from this process until Ctrl-C: "newsetl-ingest" (the --path files,
    hourly by default), "newsetl-web" (the sources file, when there is one) and "newsetl-maintenance"
    (daily: search index, checkpoint, Parquet export). Scheduled runs execute here, one after another
    on the warehouse's writer lock.

    It needs a Prefect API to keep schedules and run history: start one with `prefect server start`
    and set PREFECT_API_URL=http://127.0.0.1:4200/api (or `prefect config set PREFECT_API_URL=...`);
    the UI at http://127.0.0.1:4200 then shows the deployments, their runs, logs and artifacts.
    Without PREFECT_API_URL it runs against a temporary server that lives only as long as this process.
    """
    settings = Settings()
    config_path = config or settings.config
    if config is not None or config_path.exists():
        check_sources_file(config_path)  # a bad file stops here, not in every scheduled run
    apply_prefect_defaults()
    import prefect
    from prefect.settings import get_current_settings

    deployments = scheduled_deployments(
        paths or [Path("samples")],
        db or settings.db,
        export_dir,
        config_path if config_path.exists() else None,
        Schedules(cron, web_cron, maintenance_cron),
        settings,
    )
    if not config_path.exists():
        console.print(f"No sources file at {config_path}: the web flow is not served.", markup=False)
    if not get_current_settings().api.url:
        console.print(
            "No PREFECT_API_URL: serving against a temporary Prefect server that stops with this process "
            "(schedules and run history go with it). See `newsetl serve --help`.",
            markup=False,
        )
    prefect.serve(*deployments)


@dataclass(frozen=True)
class Schedules:
    """When each deployment runs (cron, UTC)."""

    ingest: str = INGEST_CRON
    web: str = WEB_CRON
    maintenance: str = MAINTENANCE_CRON


def scheduled_deployments(
    paths: list[Path],
    db: str | Path,
    export_dir: Path,
    config: Path | None,
    schedules: Schedules = Schedules(),
    settings: Settings | None = None,
) -> list[RunnerDeployment]:
    """The deployments `newsetl serve` serves: ingest of `paths`, maintenance, and web when `config` is
    given. Paths become absolute, so the runs find the same files from any working directory."""
    from flows.ingest import ingest
    from flows.maintenance import maintenance

    settings = settings or Settings()
    common = {"db": absolute_db(db), **run_options(settings)}
    deployments = [
        _deployment(
            ingest,
            "newsetl-ingest",
            schedules.ingest,
            {
                **common,
                "paths": [str(p.resolve()) for p in paths],
                "max_file_bytes": settings.max_file_bytes,
            },
        ),
        _deployment(
            maintenance,
            "newsetl-maintenance",
            schedules.maintenance,
            {**common, "export_dir": str(export_dir.resolve())},
        ),
    ]
    if config is not None:
        from flows.web import web

        deployments.append(
            _deployment(web, "newsetl-web", schedules.web, {**common, "config_path": str(config.resolve())})
        )
    return deployments


def _deployment(flow_: Flow[..., Any], name: str, cron: str, parameters: dict[str, Any]) -> RunnerDeployment:
    from prefect.deployments.runner import RunnerDeployment
    from prefect.types.entrypoint import EntrypointType

    # A module path ("flows.ingest.ingest"), not a file path: runs import the installed package from any
    # working directory.
    deployment = flow_.to_deployment(
        name=name, cron=cron, parameters=parameters, entrypoint_type=EntrypointType.MODULE_PATH
    )
    assert isinstance(deployment, RunnerDeployment)  # called from sync code, so nothing to await
    return deployment


class DeploymentStepError(RuntimeError):
    """A deployment step of prefect.yaml cannot go on; the message says what to set or create."""


def enter_newsetl_home(directory: str = "", require: Sequence[str] = ()) -> dict[str, str]:
    """Pull step of prefect.yaml: check the checkout a worker run starts in, before anything else runs.

    `directory` is `{{ $NEWSETL_HOME }}`, which Prefect turns into "" when the worker's environment lacks
    it. Without this step the run went on in a temporary folder and crashed on a missing flows/ingest.py;
    now it stops at once, naming NEWSETL_HOME (or the missing file among `require`, such as the sources
    file of the web deployment). Returns {"directory": the checkout}, for set_working_directory.
    """
    if not directory.strip():
        raise _stop(
            "NEWSETL_HOME is not set in the worker's environment: set it to the absolute path of the "
            "newsetl checkout (where prefect.yaml is) and restart the worker"
        )
    home = Path(directory).expanduser()
    if not home.is_absolute():
        raise _stop(f"NEWSETL_HOME={directory!r} must be an absolute path (of the checkout)")
    if not (home / "prefect.yaml").is_file() or not (home / "flows").is_dir():
        raise _stop(f"NEWSETL_HOME={directory!r} is not a newsetl checkout (no prefect.yaml and flows/)")
    for name in require:
        if not (home / name).is_file():
            raise _stop(
                f"no {name} in NEWSETL_HOME ({home}): copy newsetl.example.toml to {home / name} and edit it"
            )
    return {"directory": str(home)}


def _stop(message: str) -> DeploymentStepError:
    """The error to raise, logged first on the flow run when there is one: Prefect 3.8.8's worker prints
    a failing pull step's exception only to its own stderr, so the run's log in the UI would not say why."""
    from prefect.logging import get_logger
    from prefect.runtime import flow_run

    if run_id := flow_run.get_id():  # PREFECT__FLOW_RUN_ID, set by the worker for the run's process
        get_logger("prefect.flow_runs").error(message, extra={"flow_run_id": run_id})
    return DeploymentStepError(message)


def web_sources_schedule(config: str = "newsetl.toml") -> dict[str, bool]:
    """Build step of prefect.yaml's web deployment, run by `prefect deploy` from the checkout: whether its
    schedule is on. Without a sources file there is nothing to fetch (`newsetl serve` skips the web flow
    then), but Prefect 3.8 cannot leave one deployment of `prefect deploy --all` out, so it is deployed with
    its schedule off, and says so: no red run every hour. Deploy again once the file exists."""
    path = Path(config)
    if path.is_file():
        return {"active": True}
    console.print(  # prefect deploy shows what its steps print
        f"No sources file at {path.resolve()}: newsetl-web-pool is deployed with its schedule off. "
        "Copy newsetl.example.toml there, then run `prefect deploy --all` again to turn it on.",
        markup=False,
    )
    return {"active": False}


def add_commands(app: typer.Typer) -> None:
    """Register the operations commands (serve, maintenance) on the `newsetl` CLI."""
    app.command("serve")(serve)
    app.command("maintenance")(run_maintenance)
