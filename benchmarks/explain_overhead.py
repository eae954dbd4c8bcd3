"""What EXPLAIN ANALYZE capture costs compared with plain execution of the same catalog queries.

Why: the workbench keeps plans from ``EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON)`` and
takes before/after latencies from plain executions, because instrumenting every node inflates
runtime. This script measures by how much, per catalog query, in one run: for each query and
parameter set (large and small tenant, recent window) it alternates plain execution (client
monotonic clock), EXPLAIN ANALYZE with timing, and EXPLAIN ANALYZE with TIMING OFF, ``--repeats``
times after a warm-up, and prints medians and the overheads. Data is synthetic (the subject
profile's ``synthetic_data.sql``) at ``--scale`` in a private database, dropped afterwards.
Usage::

    .venv/bin/python benchmarks/explain_overhead.py [--scale 1.0] [--repeats 15] [--dsn ...]

All three are timed the same way (:func:`timed_ms`): inside the rolled-back transaction the
workbench runs every statement in, from sending the statement to the last row fetched, so
BEGIN and ROLLBACK are outside every figure. Plain times include the client round trip and the
rows; EXPLAIN's include the JSON plan's. The difference is the capture's real cost.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd
import psycopg

from workbench import db, explain
from workbench.experiments.data import build_database
from workbench.queries import catalog, draw_parameters
from workbench.settings import Settings


def timed_ms(conn: psycopg.Connection, statement: str, args: object) -> float:
    """Milliseconds for one execution, all rows fetched, timed inside a rolled-back transaction."""
    with explain.rolled_back(conn):
        started = time.perf_counter()
        cur = conn.execute(statement, args)  # type: ignore[arg-type]
        if cur.description is not None:
            cur.fetchall()
        return (time.perf_counter() - started) * 1000


def main() -> None:
    """Build the data, time the three ways interleaved, print the table and the medians."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="synthetic scale (1.0 = ~120k rows)")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--dsn", default=None)
    args = ap.parse_args()
    settings = Settings.load(args.dsn)
    name = f"{settings.prefix}_bench_explain"
    build_database(settings, name, scale=args.scale)
    rows = []
    try:
        with db.connection(settings, name, autocommit=True, prepare_threshold=None) as conn:
            sets = draw_parameters(conn, windows=("recent",))
            workers = explain.session_settings(conn).get("max_parallel_workers_per_gather")
            for q in catalog().values():
                for ps in sets:
                    args_ = ps.for_query(q)
                    ways = (q.sql, f"EXPLAIN ({explain.EXPLAIN_OPTIONS}) {q.sql}",
                            f"EXPLAIN ({explain.EXPLAIN_OPTIONS}, TIMING OFF) {q.sql}")
                    for statement in ways:  # warm-up
                        timed_ms(conn, statement, args_)
                    plain, timed, untimed = [], [], []
                    for _ in range(args.repeats):
                        for out, statement in zip((plain, timed, untimed), ways, strict=True):
                            out.append(timed_ms(conn, statement, args_))
                    p, t, u = (statistics.median(x) for x in (plain, timed, untimed))
                    rows.append({"query": q.name, "params": ps.label, "plain_ms": p,
                                 "analyze_ms": t, "timing_off_ms": u,
                                 "overhead": t / p - 1, "overhead_timing_off": u / p - 1})
    finally:
        db.drop_database(settings, name)
    frame = pd.DataFrame(rows)
    pd.set_option("display.width", 160)
    print(frame.round(3).to_string(index=False))
    heavy = frame[frame["plain_ms"] >= frame["plain_ms"].quantile(0.75)]
    print(f"\nscale {args.scale}, {args.repeats} interleaved repeats, "
          f"max_parallel_workers_per_gather={workers}; client clock, medians")
    print(f"median overhead, all queries: ANALYZE {frame['overhead'].median():+.0%}, "
          f"TIMING OFF {frame['overhead_timing_off'].median():+.0%}")
    print(f"median overhead, slowest quarter (plain >= {heavy['plain_ms'].min():.2f} ms): "
          f"ANALYZE {heavy['overhead'].median():+.0%}, "
          f"TIMING OFF {heavy['overhead_timing_off'].median():+.0%}")


if __name__ == "__main__":
    main()
