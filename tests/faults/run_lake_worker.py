"""tests/faults/run_ingest.py with places to hold a lake's worker until the test lets it go, for
test_lake_writers.py.

    python -m tests.faults.run_lake_worker PATH... --db SPEC [--hold-at extraction|articles]
                                           [--resume-when FILE] [run_ingest's options]

--hold-at extraction  prints `PAUSED extraction` when extraction starts: the run has stored and claimed its
                      documents (committed) and holds no lock, as a worker does mid-batch.
--hold-at articles    prints `PAUSED articles` just before the INSERT into articles: inside the load's
                      transaction, holding the lake's commit lock.
--resume-when FILE    goes on once FILE exists (without it, the worker holds until it is killed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any


def main() -> int:
    from flows import pipeline
    from tests.faults import run_ingest

    hold_at = _option("--hold-at")
    resume_when = _option("--resume-when")

    def hold(place: str) -> None:
        print(f"PAUSED {place}", flush=True)
        while resume_when is None or not Path(resume_when).exists():
            time.sleep(0.1)

    if hold_at == "extraction":
        extract_and_clean = pipeline.extract_and_clean

        def holding_extract_and_clean(*args: Any, **kwargs: Any) -> Any:
            hold("extraction")
            return extract_and_clean(*args, **kwargs)

        pipeline.extract_and_clean = holding_extract_and_clean
    elif hold_at == "articles":
        import warehouse.loads

        insert_rows = warehouse.loads.insert_rows  # type: ignore[attr-defined]

        def holding_insert_rows(connection: Any, table: str, rows: Any, **kwargs: Any) -> None:
            if table == "articles":
                hold("articles")
            insert_rows(connection, table, rows, **kwargs)

        warehouse.loads.insert_rows = holding_insert_rows  # type: ignore[attr-defined]
    elif hold_at is not None:
        raise SystemExit(f"--hold-at takes extraction or articles, not {hold_at!r}")
    return run_ingest.main()


def _option(name: str) -> str | None:
    """Take `name VALUE` out of the command line (run_ingest parses the rest)."""
    if name not in sys.argv:
        return None
    index = sys.argv.index(name)
    value = sys.argv[index + 1]
    del sys.argv[index : index + 2]
    return value


if __name__ == "__main__":
    sys.exit(main())
