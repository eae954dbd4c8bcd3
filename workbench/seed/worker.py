"""A seeding worker process: ``python -m workbench.seed.worker`` with its job pickled on stdin.

Workers are fresh interpreters rather than forks: a fork of a process whose polars thread pool
has run can deadlock, and spawn-style multiprocessing re-imports the caller's main module
(scripts and notebooks without a ``__main__`` guard break). The job (conninfo included) comes
on stdin, never on the command line; progress and results go to stdout as one line each:
``P <table> <rows>`` per chunk and ``D <json>`` per committed tenant.
"""

from __future__ import annotations

import json
import pickle
import sys


def main() -> None:
    """Load the tenants of the job on stdin, reporting on stdout.

    The job is ``(load, args, kwargs)``: a loader function (pickled by name, e.g.
    ``runner.load_tenants`` or ``catalog_runner.load_builds``) and its arguments.
    """
    load, args, kwargs = pickle.loads(sys.stdin.buffer.read())

    def report(table: str, rows: int) -> None:
        print(f"P {table} {rows}", flush=True)

    for index, stats in load(*args, report=report, **kwargs):
        print("D " + json.dumps({"tenant": index, "stats": stats}), flush=True)


if __name__ == "__main__":
    main()
