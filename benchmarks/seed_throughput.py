"""Seeding against pg_restore -j 2 of exactly the seeded rows, measured in the same run.

    .venv/bin/python benchmarks/seed_throughput.py --profile demo [--variant baseline]
        [--workers 2] [--scale 1] [--copy-format binary|csv] [--database NAME] [--keep]

1. applies the variant to a private database (``--database``, default
   ``<prefix>_bench_<variant>``; workbench-owned, dropped at the end unless ``--keep``) and
   seeds it, sampling the RSS of the seeder and all its worker processes (peak = largest sum);
2. dumps that database (``pg_dump --format=directory --jobs 2 --compress=0``, not timed) and
   restores it into a fresh database with ``pg_restore --jobs 2`` (the same parallelism as the
   seeder's two workers), section by section: the schema (pre-data), the rows (data), then
   keys, indexes, foreign keys and the rest (post-data), each timed, every item's start and
   end read from pg_restore's verbose log; its sessions run with the settings the seeder's own
   take (``maintenance_work_mem = 256MB``, ``synchronous_commit = off``);
3. prints, per table, seed rows/s against restore rows/s, like with like: the seconds the
   seeder's workers spent on the table (generation + COPY, summed over workers) against the
   seconds pg_restore's jobs spent COPYing it (summed over its partitions); then the phases
   side by side (load vs data; keys, indexes, foreign keys vs post-data by kind) and the ratio
   restore time / seeding time over load + keys + indexes + foreign keys (the work both do);
   and the load average before and after each half (other sessions skew every figure).

pg_restore is the standard to beat: it loads the same rows from a file with no generation at
all, then builds the same keys and indexes once, in parallel. Not a test: the figures go into
benchmarks/README.md by hand.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from workbench import db
from workbench.backup import RESTORE_SESSION, client_bin_dir, client_env, run_client
from workbench.schema.variants import apply_variant
from workbench.seed import seed_database
from workbench.settings import Settings

JOBS = 2
ITEM = re.compile(r"pg_restore: (launching|finished) item (\d+) (.*)$")
KINDS = (("TABLE DATA ", "data"), ("FK CONSTRAINT ", "foreign keys"), ("CONSTRAINT ", "keys"),
         ("INDEX ", "indexes"))


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


@dataclass
class Section:
    """One timed pg_restore section: its wall time and every item's seconds."""

    wall: float = 0.0
    items: dict[str, float] = field(default_factory=dict)  # "TABLE DATA x" -> seconds

    def by_kind(self) -> dict[str, float]:
        """Item seconds summed per kind (data, keys, indexes, foreign keys, other)."""
        out: dict[str, float] = defaultdict(float)
        for desc, secs in self.items.items():
            kind = next((k for prefix, k in KINDS if desc.startswith(prefix)), "other")
            out[kind] += secs
        return dict(out)


def restore_section(folder: Path, dump: Path, env: dict[str, str], args: list[str],
                    section: str) -> Section:
    """``pg_restore --section`` with ``--jobs``, timing each item from its verbose log."""
    cmd = [str(folder / "pg_restore"), "--no-password", "--verbose", f"--section={section}",
           *(["--jobs", str(JOBS)] if section != "pre-data" else []), *args, str(dump)]
    out = Section()
    started: dict[str, float] = {}
    t0 = time.perf_counter()
    with subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                          text=True) as proc:
        assert proc.stderr is not None
        errors = []
        for line in proc.stderr:
            now = time.perf_counter()
            match = ITEM.match(line.strip())
            if match:
                event, item, desc = match.groups()
                if event == "launching":
                    started[item] = now
                else:
                    out.items[desc] = now - started.pop(item, t0)
            elif "error" in line.lower():
                errors.append(line.strip())
    out.wall = time.perf_counter() - t0
    if proc.returncode or errors:
        raise SystemExit(f"pg_restore --section={section} failed: {errors[:3]}")
    return out


def restore_copy(settings: Settings, database: str) -> tuple[dict[str, Section], dict[str, str]]:
    """Dump ``database`` (untimed), restore it into a fresh one section by section (timed).

    Returns the sections and, for each restored table, the table it belongs to (a partition's
    root), so per-table figures match the seeder's.
    """
    target = f"{database}_restore"
    with db.connection(settings, database, autocommit=True) as conn:
        folder = client_bin_dir(db.server_version(conn))
    sections: dict[str, Section] = {}
    with tempfile.TemporaryDirectory(prefix="wb-bench-seed-") as tmp:
        dump = Path(tmp) / "dump"
        args, env = client_env(settings, database)
        done = run_client([str(folder / "pg_dump"), "--format=directory", f"--jobs={JOBS}",
                           "--compress=0", "--file", str(dump), *args], env)
        if done.returncode:
            raise SystemExit(f"pg_dump failed: {done.stderr.strip()[:300]}")
        db.create_database(settings, target, replace=True, allow_destroy=False)
        try:
            args, env = client_env(settings, target)
            env["PGOPTIONS"] = RESTORE_SESSION  # what the seeder's loaders set for themselves
            for section in ("pre-data", "data", "post-data"):
                sections[section] = restore_section(folder, dump, env, args, section)
            with db.connection(settings, target, autocommit=True) as conn:
                roots = dict(conn.execute(
                    "SELECT c.relname, r.relname FROM pg_class c "
                    "JOIN pg_class r ON r.oid = coalesce(pg_partition_root(c.oid), c.oid) "
                    "WHERE c.relkind = 'r'").fetchall())
        finally:
            db.drop_database(settings, target)
    return sections, roots


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
                        help="skip the restore half (checks a seeder change in half the time)")
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
    sections, roots = restore_copy(settings, name)
    load.append(os.getloadavg())
    data = sections["data"]
    copy_secs: dict[str, float] = defaultdict(float)
    for desc, secs in data.items.items():
        if desc.startswith("TABLE DATA "):
            table = desc.removeprefix("TABLE DATA ").split()[-1]
            copy_secs[roots.get(table, table)] += secs

    print(f"\nprofile {args.profile} x{args.scale:g} on {args.variant}, workers "
          f"{report.workers}, copy format {args.copy_format}, server {settings.describe()}")
    print("per table: seconds summed over the seeder's workers (generation + COPY) against "
          f"seconds summed over pg_restore's {JOBS} jobs (COPY of the same rows)")
    print(f"{'table':<24}{'rows':>12}{'seed s':>9}{'restore s':>10}{'seed rows/s':>13}"
          f"{'restore rows/s':>15}{'restore/seed':>13}")
    for table in tables:
        st = report.tables[table]
        if not st.rows:
            continue
        secs = copy_secs.get(table.rpartition(".")[2], 0.0)  # the report names schema.table
        print(f"{table:<24}{st.rows:>12,}{st.seconds:>9.2f}{secs:>10.2f}"
              f"{st.rows / max(st.seconds, 1e-9):>13,.0f}{st.rows / max(secs, 1e-9):>15,.0f}"
              f"{secs / max(st.seconds, 1e-9):>13.2f}")
    phases = report.phases
    post = sections["post-data"].by_kind()
    built = [k for k in phases
             if k not in ("plan", "prepare", "global", "load", "anomalies", "analyze")]
    seed_work = phases["load"] + phases.get("global", 0.0) + sum(phases[k] for k in built)
    restore_work = data.wall + sections["post-data"].wall
    print(f"\nseeding: wall {report.wall_seconds:.1f}s ({report.rows:,} rows, "
          f"{report.rows / report.wall_seconds:,.0f} rows/s); phases "
          + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items()))
    print(f"pg_restore -j {JOBS}: schema {sections['pre-data'].wall:.1f}s, data "
          f"{data.wall:.1f}s, post-data {sections['post-data'].wall:.1f}s (item seconds summed "
          "over jobs: " + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(post.items())) + ")")
    print(f"the work both do: seeder load + {' + '.join(built)} = {seed_work:.1f}s; "
          f"pg_restore data + post-data = {restore_work:.1f}s")
    print(f"ratio restore time / seeding time: {restore_work / seed_work:.2f} "
          "(above 1: the seeder is faster than restoring its own rows)")
    print(f"peak RSS (seeder + workers, sampled): {sampler.peak / 2**20:.0f} MB; "
          f"cpu count {os.cpu_count()}")
    print("load average (1/5/15 min) before seeding, after seeding, after the restore: "
          + "; ".join("/".join(f"{x:.2f}" for x in avg) for avg in load))
    if not args.keep:
        db.drop_database(settings, name)


if __name__ == "__main__":
    main()
