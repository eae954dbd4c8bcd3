"""Time `workbench report --schema` by phase on any schema (the 5-minute target at ci).

    .venv/bin/python benchmarks/schema_report.py --schema DSN [--profile ci] [--database NAME]
    .venv/bin/python benchmarks/schema_report.py --migrations DIR [--platform supabase]

Runs the whole schema report into a private results folder and prints the seconds of every
phase (clone, seed, model, audit, isolation, plans, whatif, load plan, load, growth, total),
the counts behind them, and the load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from workbench import db
from workbench.report.subject import SubjectOptions, run_subject
from workbench.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema")
    parser.add_argument("--migrations", type=Path)
    parser.add_argument("--platform")
    parser.add_argument("--profile", default="ci")
    parser.add_argument("--database", default="wbbench_schema")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    settings = Settings.load()
    settings.results_dir = Path(tempfile.mkdtemp(prefix="wb-schema-report-"))
    before = os.getloadavg()
    run = run_subject(settings, source=args.schema, migrations=args.migrations,
                      options=SubjectOptions(profile=args.profile, database=args.database,
                                             platform=args.platform),
                      progress=lambda m: print(f"  .. {m}", flush=True))
    after = os.getloadavg()
    print(f"{run.subject} at {args.profile}: {run.status}")
    for phase, seconds in run.timings.items():
        print(f"  {phase:<10} {seconds:8.1f} s")
    for key, value in run.facts.items():
        print(f"  {key}: {value}")
    print(f"  findings: {run.counts()}")
    print(f"  load average before {before[0]:.1f}, after {after[0]:.1f}; bundle {run.run_dir}")
    if not args.keep:
        db.drop_database(settings, run.database)


if __name__ == "__main__":
    main()
