"""Catalog-driven seeding of any schema, timed by phase, against ``pg_restore -j 2`` of its rows.

    .venv/bin/python benchmarks/seed_catalog_throughput.py --source postgresql://.../pub_lago
        [--profile ci] [--scale 1] [--workers 2] [--schema public] [--database NAME] [--keep]

1. clones ``--source`` schema-only into a workbench-owned database (``workbench clone``);
2. seeds it from its catalog (plan, prepare, global rows, tenants, restore of keys, indexes and
   foreign keys, ANALYZE), sampling the RSS of the seeder and its workers (peak = largest sum);
3. the reference: a directory dump (``pg_dump -Fd -j 2``, not timed) of exactly the seeded rows,
   restored with ``pg_restore -j 2`` into a fresh database (timed: it loads the rows, builds the
   same keys and indexes and validates the same foreign keys, in parallel), i.e. what the server
   needs when nothing has to be generated;
4. prints seconds per phase, rows/s, peak RSS and the ratio restore time / seeding time (1.0 =
   as fast as a restore) over the work both do: everything but the seeder's ANALYZE, which
   pg_restore does not do (the seeder keeps it: the server's autovacuum may be off, as on this
   machine, and a seeded database is queried at once); the ratio with ANALYZE is printed too.
   The load average around each half is printed (other sessions on a 2-core machine skew every
   figure).

Not a test: the figures go into benchmarks/README.md by hand. Small scales only on the shared
machine (ci, demo).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from seed_throughput import RssSampler  # type: ignore[import-not-found]  # sibling script

from workbench import db
from workbench.backup import client_bin_dir
from workbench.clone import clone_from
from workbench.seed import load_profile
from workbench.seed.catalog_runner import seed_catalog
from workbench.settings import Settings


def restore_reference(settings: Settings, database: str, jobs: int = 2) -> float:
    """Seconds ``pg_restore -j jobs`` takes to rebuild ``database`` (schema and rows)."""
    with db.connection(settings, database, autocommit=True) as conn:
        bindir = client_bin_dir(conn.info.server_version)
    fresh = f"{database}_restore"
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        folder = Path(tmp) / "dump"
        subprocess.run([str(bindir / "pg_dump"), "-Fd", "-j", str(jobs), "-f", str(folder),
                        "--exclude-schema", "_workbench", "-d", settings.conninfo(database)],
                       check=True, capture_output=True)
        db.create_database(settings, fresh, replace=True, allow_destroy=False)
        started = time.perf_counter()
        subprocess.run([str(bindir / "pg_restore"), "-j", str(jobs), "--no-owner",
                        "-d", settings.conninfo(fresh), str(folder)],
                       capture_output=True)  # roles' GRANT warnings are not failures
        seconds = time.perf_counter() - started
    db.drop_database(settings, fresh)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True, help="DSN of the database whose schema to use")
    parser.add_argument("--profile", default="ci")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--schema", action="append", default=None)
    parser.add_argument("--database", default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    settings = Settings.load(os.environ.get("WORKBENCH_DSN"))
    schemas = tuple(args.schema or ("public",))
    clone = clone_from(settings, args.source, database=args.database, replace=True)
    name = clone.database
    prof = load_profile(args.profile, args.scale)
    load_before = os.getloadavg()[0]
    sampler = RssSampler()
    sampler.start()
    report = seed_catalog(settings, name, prof, seed=args.seed, workers=args.workers,
                          schemas=schemas)
    sampler.stop.set()
    load_after = os.getloadavg()[0]
    restore = restore_reference(settings, name)
    load_restore = os.getloadavg()[0]
    tables = sum(1 for s in report.tables.values() if s.rows)
    print(f"schema {args.source.rsplit('/', 1)[-1]}: {len(report.tables)} tables "
          f"({tables} with rows), profile {prof.name} x{args.scale:g}, {report.workers} workers")
    print(f"rows {report.rows:,} in {report.wall_seconds:.1f} s "
          f"({report.rows / report.wall_seconds:,.0f} rows/s); peak RSS "
          f"{sampler.peak / 2**20:.0f} MB")
    for phase, secs in report.phases.items():
        print(f"  {phase:<14}{secs:8.2f} s")
    analyze = report.phases.get("analyze", 0.0)
    work = report.wall_seconds - analyze
    print(f"pg_restore -j 2 of the same rows: {restore:.1f} s; ratio restore/seed "
          f"{restore / work:.2f} over the work both do ({work:.1f} s: all but ANALYZE); "
          f"{restore / report.wall_seconds:.2f} with ANALYZE")
    print(f"load average: {load_before:.1f} before, {load_after:.1f} after seeding, "
          f"{load_restore:.1f} after the restore")
    lost = sum(v for k, v in report.costs.items() if "repaired" not in k and "again" not in k)
    print(f"rows lost to constraints: {lost:,} ({len(report.costs)} constraint entries; see the "
          "seed report)")
    if not args.keep:
        db.drop_database(settings, name)


if __name__ == "__main__":
    main()
