"""The backup round trip (RISK-OPS-007) against the way it used to run, in the same session.

    .venv/bin/python benchmarks/backup_round_trip.py [--database NAME] [--jobs N]

On a seeded variant database (default: the baseline's, ``workbench seed --profile demo``):

1. the reference: ``pg_dump --format=custom`` (default compression, one job) and a plain
   ``pg_restore`` into a fresh workbench-owned database, each timed, then dropped;
2. the workbench's :func:`workbench.backup.round_trip`: directory format, ``--jobs``, no
   compression, the source hashed during the dump, both sides' tables hashed over ``--jobs``
   connections; times per phase.

The reference is timed without hashing; the old round trip also hashed the source and the
restored copy one table at a time, on one connection (printed as well, from one serial
:func:`database_state`). Not a test: the figures go into benchmarks/README.md by hand.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from workbench import db
from workbench.backup import (
    client_bin_dir,
    client_env,
    database_state,
    default_jobs,
    round_trip,
    run_client,
)
from workbench.settings import Settings


def reference(settings: Settings, database: str) -> dict[str, float]:
    """Custom-format dump, default compression, serial restore: seconds and archive MB."""
    with db.connection(settings, database, autocommit=True) as conn:
        folder = client_bin_dir(db.server_version(conn))
        started = time.perf_counter()
        database_state(conn)
        hashed = time.perf_counter() - started
    target = f"{settings.prefix}_bench_restore_ref"
    out: dict[str, float] = {"hash one side, serial": hashed}
    with tempfile.TemporaryDirectory(prefix="wb-bench-dump-") as tmp:
        archive = Path(tmp) / "ref.dump"
        args, env = client_env(settings, database)
        started = time.perf_counter()
        done = run_client([str(folder / "pg_dump"), "--format=custom", "--file", str(archive),
                           *args], env)
        out["dump"] = time.perf_counter() - started
        if done.returncode:
            raise SystemExit(f"pg_dump failed: {done.stderr.strip()[:300]}")
        out["archive MB"] = archive.stat().st_size / 1e6
        db.create_database(settings, target, replace=True, allow_destroy=False)
        try:
            args, env = client_env(settings, target)
            started = time.perf_counter()
            done = run_client([str(folder / "pg_restore"), "--no-password", *args, str(archive)],
                              env)
            out["restore"] = time.perf_counter() - started
        finally:
            db.drop_database(settings, target)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a seeded database (default: the baseline variant's)")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()
    settings = Settings.load()
    database = args.database or settings.database_for("baseline")
    load = [os.getloadavg()]
    ref = reference(settings, database)
    load.append(os.getloadavg())
    trip = round_trip(settings, database, target=f"{settings.prefix}_bench_restore_new",
                      jobs=args.jobs)
    load.append(os.getloadavg())
    if not trip.equal:
        raise SystemExit(f"the round trip is not equal: {trip.summary()}")
    old_total = ref["dump"] + ref["restore"] + 2 * ref["hash one side, serial"]
    print(f"{database}: {trip.rows:,} rows, {trip.source_bytes / 1e6:,.0f} MB; "
          f"server {settings.describe()}; cpu count {os.cpu_count()}")
    print(f"reference (custom format, compressed, 1 job): dump {ref['dump']:.1f}s "
          f"({ref['archive MB']:,.0f} MB), restore {ref['restore']:.1f}s; with the serial "
          f"hashing of both sides the old round trip: {old_total:.1f}s")
    s = trip.seconds
    print(f"workbench (directory, uncompressed, -j {trip.jobs}): dump {s['dump']:.1f}s "
          f"({trip.dump_bytes / 1e6:,.0f} MB) with the source hashed meanwhile "
          f"({s['hash_source']:.1f}s), restore {s['restore']:.1f}s, restored side hashed "
          f"{s['compare']:.1f}s; round trip {s['total']:.1f}s")
    print(f"restore: {ref['restore'] / s['restore']:.2f}x faster; round trip "
          f"{old_total / s['total']:.2f}x faster")
    print("load average (1/5/15 min) before, after the reference, after the workbench: "
          + "; ".join("/".join(f"{x:.2f}" for x in avg) for avg in load))


if __name__ == "__main__":
    main()
