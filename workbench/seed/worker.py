"""A seeding worker process: ``python -m workbench.seed.worker [MODULE]`` with its job pickled
on stdin.

Workers are fresh interpreters rather than forks: a fork of a process whose polars thread pool
has run can deadlock, and spawn-style multiprocessing re-imports the caller's main module
(scripts and notebooks without a ``__main__`` guard break). MODULE (the loader's) is imported
before the job is read, so a worker started early (:mod:`workbench.seed.pool`) pays its
start-up while the coordinator plans. The job (conninfo included) comes on stdin, never on the
command line; an empty stdin means no job. Progress and results go to stdout as one line each:
``P <table> <rows>`` per chunk and ``D <json>`` per committed tenant.
"""

from __future__ import annotations

import importlib
import json
import pickle
import sys


def main() -> None:
    """Load the tenants of the job on stdin, reporting on stdout.

    The job is ``(load, args, kwargs)``: a loader function (pickled by name, e.g.
    ``catalog_runner.load_builds``) and its arguments.
    """
    for module in sys.argv[1:]:
        importlib.import_module(module)
    data = sys.stdin.buffer.read()
    if not data:
        return
    load, args, kwargs = pickle.loads(data)

    def report(table: str, rows: int) -> None:
        print(f"P {table} {rows}", flush=True)

    for index, stats in load(*args, report=report, **kwargs):
        print("D " + json.dumps({"tenant": index, "stats": stats}), flush=True)


if __name__ == "__main__":
    main()
