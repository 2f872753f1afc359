"""The ingest flow with faults injected from the command line, for the fault tests to run as a child process.

    python -m tests.faults.run_ingest PATH... --db DB [--pause-before TABLE [--pause-seconds S]]
                                      [--lock-wait S] [--max-file-size BYTES]

--pause-before TABLE  prints `PAUSED TABLE` and sleeps just before the INSERT into TABLE (inside its
                      transaction), so the test can kill the process there or run a second writer.
--max-file-size N     RLIMIT_FSIZE: no file can grow past N bytes, as on a full disk (writes fail EFBIG).

Prints `RESULT {json}` and exits 0 when the run completes, `ERROR type: message` and exits 1 when not.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import sys
import time
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--db", required=True)
    parser.add_argument("--pause-before")
    parser.add_argument("--pause-seconds", type=float, default=3600.0)
    parser.add_argument("--lock-wait", type=float, default=60.0)
    parser.add_argument("--max-file-size", type=int)
    args = parser.parse_args()

    import warehouse.loads
    from flows.ingest import ingest
    from warehouse.batches import insert_rows

    if args.pause_before:

        def pausing_insert_rows(connection: Any, table: str, rows: Any, **kwargs: Any) -> None:
            if table == args.pause_before:
                print(f"PAUSED {table}", flush=True)
                time.sleep(args.pause_seconds)
            insert_rows(connection, table, rows, **kwargs)

        warehouse.loads.insert_rows = pausing_insert_rows  # type: ignore[attr-defined]

    if args.max_file_size is not None:
        # Without this the kernel kills the process with SIGXFSZ instead of failing the write.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.max_file_size, hard))

    print("STARTED", flush=True)
    try:
        summary = ingest(args.paths, db=args.db, lock_wait_seconds=args.lock_wait)
    except Exception as error:
        print(f"ERROR {type(error).__name__}: {error}", flush=True)
        return 1
    counts = {
        "documents_seen": summary.documents_seen,
        "documents_new": summary.documents_new,
        "new_articles": summary.new_articles,
        "exact_duplicates": summary.exact_duplicates,
        "rejected": len(summary.rejects),
    }
    print(f"RESULT {json.dumps(counts)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
