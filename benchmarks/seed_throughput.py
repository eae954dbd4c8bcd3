"""Seeding throughput against the server's own raw COPY limit, measured in the same run.

    .venv/bin/python benchmarks/seed_throughput.py --profile demo [--variant baseline]
        [--workers 2] [--scale 1] [--copy-format binary|csv] [--database NAME] [--keep]

1. applies the variant to a private database (``--database``, default
   ``<prefix>_bench_<variant>``; workbench-owned, dropped at the end unless ``--keep``) and
   seeds it,
   sampling the RSS of the seeder and all its worker processes (peak = largest sum);
2. dumps every table with binary COPY (not timed) and COPYs exactly those rows back, binary,
   into empty ``LIKE ... INCLUDING ALL`` copies (indexes included), one table at a time;
3. prints rows/s and MB/s per table and the ratio raw COPY time / seeding time, overall and
   per table (per-table seeding time = generation + COPY summed over workers), and the load
   average before and after each half (other sessions on a 2-core machine skew every figure).

Not a test: the figures go into benchmarks/README.md by hand.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time

import psutil
from psycopg import sql

from workbench import db
from workbench.schema.variants import apply_variant
from workbench.seed import seed_database
from workbench.seed.writer import Catalog
from workbench.settings import Settings


class RssSampler(threading.Thread):
    """Peak of (this process + all descendants) RSS, sampled every 100 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self.stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.1)


def raw_copy(settings: Settings, database: str, tables: list[str]) -> dict[str, tuple[int, float]]:
    """Per table: (bytes of binary COPY data, seconds to COPY it into an indexed LIKE copy)."""
    out = {}
    with db.connection(settings, database, autocommit=True) as conn:
        catalog = Catalog.read(conn)
        conn.execute("DROP SCHEMA IF EXISTS bench_raw CASCADE")
        conn.execute("CREATE SCHEMA bench_raw")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET session_replication_role = replica")
        for table in tables:
            cols = sql.SQL(", ").join(sql.Identifier(c.name) for c in catalog.columns[table]
                                      if not c.generated)
            src, dst = sql.Identifier("public", table), sql.Identifier("bench_raw", table)
            conn.execute(sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(dst, src))
            with tempfile.TemporaryFile() as fh:
                dump = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT binary)")
                with conn.cursor().copy(dump.format(cols, src)) as copy:
                    for block in copy:
                        fh.write(block)
                size = fh.tell()
                fh.seek(0)
                started = time.perf_counter()
                load = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(dst, cols)
                with conn.transaction(), conn.cursor().copy(load) as copy:
                    while block := fh.read(1 << 20):
                        copy.write(block)
                out[table] = (size, time.perf_counter() - started)
        conn.execute("DROP SCHEMA bench_raw CASCADE")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="demo")
    parser.add_argument("--variant", default="baseline")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--copy-format", default="binary", choices=["binary", "csv"])
    parser.add_argument("--database", help="benchmark database (default <prefix>_bench_<variant>)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--seed-only", action="store_true",
                        help="skip the raw COPY half (checks a seeder change in half the time)")
    args = parser.parse_args()

    settings = Settings.load()
    name = args.database or f"{settings.prefix}_bench_{args.variant}"
    apply_variant(settings, args.variant, database=name)
    sampler = RssSampler()
    sampler.start()
    load = [os.getloadavg()]
    report = seed_database(settings, name, args.profile, scale=args.scale, workers=args.workers,
                           copy_format=args.copy_format)
    load.append(os.getloadavg())
    sampler.stop.set()
    sampler.join()
    print(f"{args.copy_format} COPY: seeded {report.rows:,} rows in {report.wall_seconds:.1f}s "
          "(phases "
          + ", ".join(f"{k} {v:.1f}s" for k, v in report.phases.items())
          + f"); peak RSS {sampler.peak / 2**20:.0f} MB", flush=True)
    if args.seed_only:
        print("load average (1/5/15 min) before, after seeding: "
              + "; ".join("/".join(f"{x:.2f}" for x in avg) for avg in load))
        if not args.keep:
            db.drop_database(settings, name)
        return
    tables = sorted(report.tables, key=lambda t: -report.tables[t].rows)
    raw = raw_copy(settings, name, [t for t in tables if report.tables[t].rows])
    load.append(os.getloadavg())

    print(f"\nprofile {args.profile} x{args.scale:g} on {args.variant}, workers "
          f"{report.workers}, copy format {args.copy_format}, server {settings.describe()}")
    print(f"{'table':<20}{'rows':>12}{'seed rows/s':>13}{'raw rows/s':>12}{'raw MB/s':>10}"
          f"{'raw/seed':>10}")
    raw_total = 0.0
    for table in tables:
        s = report.tables[table]
        if not s.rows:
            continue
        size, secs = raw[table]
        raw_total += secs
        print(f"{table:<20}{s.rows:>12,}{s.rows / max(s.seconds, 1e-9):>13,.0f}"
              f"{s.rows / max(secs, 1e-9):>12,.0f}{size / 1e6 / max(secs, 1e-9):>10.1f}"
              f"{secs / max(s.seconds, 1e-9):>10.2f}")
    seeding = report.wall_seconds
    print(f"\ntotal rows {report.rows:,}; seeding wall {seeding:.1f}s "
          f"({report.rows / seeding:,.0f} rows/s; phases "
          + ", ".join(f"{k} {v:.1f}s" for k, v in report.phases.items()) + ")")
    print(f"raw binary COPY into indexed copies, one backend: {raw_total:.1f}s "
          f"({report.rows / raw_total:,.0f} rows/s)")
    print(f"ratio raw COPY time / seeding wall time: {raw_total / seeding:.2f}")
    print(f"peak RSS (seeder + workers, sampled): {sampler.peak / 2**20:.0f} MB; "
          f"cpu count {os.cpu_count()}")
    print("load average (1/5/15 min) before seeding, after seeding, after raw COPY: "
          + "; ".join("/".join(f"{x:.2f}" for x in avg) for avg in load))
    if not args.keep:
        db.drop_database(settings, name)


if __name__ == "__main__":
    main()
