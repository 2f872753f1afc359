"""Settings, read once at the edge: defaults, overridden by NEWSETL_* environment variables, then by flags."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from warehouse.connection import Warehouse

# Prefect's embedded server needs these before `prefect` is imported; the user's own values win.
PREFECT_DEFAULTS = {
    # Without it a fresh PREFECT_HOME can print a "database is locked" traceback from the analytics job.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The first start on a fresh home migrates Prefect's database: ~20 s on 2 cores, over the 20 s default.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


# Where `newsetl maintenance` and the daily maintenance deployment write Parquet by default.
DEFAULT_EXPORT_DIR = "data/exports"
# How far back a lake's readers can time-travel (`AT (TIMESTAMP => ...)`): snapshots older than this are
# expired by maintenance, and the files only they needed deleted. A week covers a reader's "what did the
# warehouse say last Monday" and any query or transaction that runs long; the cost is the superseded
# small files kept meanwhile (bench/lake.py).
DEFAULT_SNAPSHOT_RETENTION_DAYS = 7.0


class Settings(BaseSettings):
    """newsetl's configuration. Every field can be set as NEWSETL_<FIELD> in the environment."""

    model_config = SettingsConfigDict(env_prefix="NEWSETL_", frozen=True)

    db: str = Field(
        default="data/newsetl.duckdb",
        description="The warehouse: a DuckDB file, or a DuckLake (ducklake:sqlite:CATALOG_FILE, "
        "ducklake:postgres:'dbname=... host=...'); see docs/scaling.md.",
    )
    lake_data_path: str | None = Field(
        default=None,
        description="Where a new DuckLake puts its Parquet files (a folder, or s3://...) [default for a "
        "SQLite catalog: beside it, CATALOG.files/]; the lake remembers it.",
    )
    config: Path = Field(default=Path("newsetl.toml"), description="The web sources file (newsetl run).")
    max_file_bytes: int = Field(default=10 * 1024 * 1024, gt=0, description="Larger files are rejected.")
    lock_wait_seconds: float = Field(
        default=60.0, ge=0, description="How long a run waits for another run to finish writing."
    )
    memory_limit: str | None = Field(
        default=None,
        description="DuckDB's memory limit for the warehouse, e.g. 1GB [default: DuckDB's, 80% of RAM].",
    )
    max_batch_documents: int = Field(
        default=100_000,
        gt=0,
        description="A run processes its pending documents in batches of at most this many, each loaded "
        "before the next starts: beyond the raw documents, what a run holds in memory grows with a batch "
        "(100,000 generated documents: 5.6 GB at the peak in one batch, 2.8 GB in batches of 20,000).",
    )
    story_embeddings: bool = Field(
        default=False,
        description="Sentence embeddings of English reports as story evidence: joins reports of one event "
        "worded differently and keeps apart full-length reports of different events that recap each other "
        "(needs the optional extra: pip install -e '.[embeddings]'; ~20 ms of CPU an article, a third of "
        "bulk-load speed). See docs/stories.md.",
    )
    prefect_server_idle_minutes: float = Field(
        default=10.0,
        ge=0,
        description="Without PREFECT_API_URL, runs are recorded by a Prefect server newsetl starts in the "
        "background and shares between commands; it stops after this many idle minutes. 0: a server "
        "per command, stopped at its end (see flows/prefect_server.py).",
    )

    @field_validator("story_embeddings")
    @classmethod
    def _installed(cls, value: bool) -> bool:
        from transform.embeddings import NEEDS, available

        if value and not available():
            raise ValueError(f"story embeddings {NEEDS}")
        return value

    @field_validator("memory_limit")
    @classmethod
    def _a_size(cls, value: str | None) -> str | None:
        if value is not None and not _SIZE.match(value):
            raise ValueError("expected a size DuckDB reads, such as 512MB, 2GB or 1.5GiB")
        return value


_SIZE = re.compile(r"(?i)^\d+(\.\d+)?\s*([KMGT]i?B|B)$")


class RunOptions(TypedDict):
    """The parameters every flow that writes the warehouse takes from the settings."""

    lock_wait_seconds: float
    memory_limit: str | None


def run_options(settings: Settings, lock_wait: float | None = None) -> RunOptions:
    """`settings`' run options; `lock_wait` (a --lock-wait flag) wins over the setting."""
    return RunOptions(
        lock_wait_seconds=settings.lock_wait_seconds if lock_wait is None else lock_wait,
        memory_limit=settings.memory_limit,
    )


def apply_prefect_defaults() -> None:
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


@contextmanager
def one_shot_run_settings(own_server: bool = False) -> Iterator[None]:
    """Prefect settings for a flow run the CLI starts and waits for.

    Heartbeats let a Prefect server mark a run whose process died as crashed. On a temporary server or
    newsetl's own (`own_server`), which nobody watches that way, they only cost time: up to a second a run
    (bench: 0.7 s of a 4 s ingest), as Prefect's heartbeat thread sleeps in whole seconds and the run
    waits for it to stop. Against the user's server (PREFECT_API_URL set) they stay on.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if PREFECT_API_URL.value() and not own_server:
        yield
        return
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def absolute_db(db: str | Path) -> str:
    """`db` as a run started from any folder finds it: a DuckDB file's absolute path; a lake as named."""
    from warehouse.connection import LAKE_PREFIX

    text = str(db)
    return text if text.startswith(LAKE_PREFIX) else str(Path(text).resolve())


def warehouse_for(db: str | Path | None, memory_limit: str | None) -> Warehouse:
    """The warehouse a run opens: `db`, else NEWSETL_DB where the run executes; the flow's memory limit,
    else NEWSETL_MEMORY_LIMIT there. A prefect.yaml deployment passes neither, so each worker's environment
    picks the warehouse its runs write to (flows/cluster.py points its workers at the lake)."""
    from warehouse.connection import Warehouse

    settings = Settings()
    return Warehouse.at(db or settings.db, memory_limit or settings.memory_limit, settings.lake_data_path)
