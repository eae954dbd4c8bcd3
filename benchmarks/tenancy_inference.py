"""How long tenant inference and the structural audit take as a schema grows.

Why: the audit must stay under 2 s on a 142-table schema, and inference must not make one round
trip per table. For each size (``--tables``, default 142 and 1000) this builds a synthetic
multi-tenant schema (``sql/tenancy/synthetic_schema.sql``: seven in ten tables direct with a
policy through a SECURITY DEFINER helper, two indirect, one lookup) in a private database,
checks the inferred model against what was built, then times, in the same run and connection:
``infer()`` (median of ``--repeats``), the structural audit, and as the standard comparison one
plain catalog query (``SELECT count(*) FROM pg_attribute``), so a slow machine shows as such.
Usage::

    .venv/bin/python benchmarks/tenancy_inference.py [--tables 142 1000] [--repeats 5] [--dsn ...]
"""

from __future__ import annotations

import argparse
import statistics
import time

from workbench import db
from workbench.audit import run_audit
from workbench.paths import sql_dir
from workbench.settings import Settings
from workbench.sqlfiles import run_script
from workbench.tenancy import infer


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    """Build each size, check the model, print the timings."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, nargs="+", default=[142, 1000])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--dsn", default=None)
    args = ap.parse_args()
    settings = Settings.load(args.dsn)
    print(f"{'tables':>7} {'direct':>7} {'indirect':>9} {'global':>7} {'infer s':>8} "
          f"{'audit s':>8} {'baseline query ms':>18}")
    for n in args.tables:
        name = f"{settings.prefix}_bench_tenancy_{n}"
        db.create_database(settings, name, replace=True, allow_destroy=False)
        try:
            with db.connection(settings, name, autocommit=True) as conn:
                run_script(conn, sql_dir() / "baseline" / "000_supabase_stubs.sql")
                conn.execute("SELECT set_config('workbench.synthetic_tables', %s, false)",
                             (str(n),))
                run_script(conn, sql_dir() / "tenancy" / "synthetic_schema.sql")
                conn.execute("ANALYZE")
                model = infer(conn)
                assert model.tenant_table == "public.workspaces", model.describe()
                assert model.context.helper_functions == ("private.my_workspaces",)
                base = _median_seconds(
                    lambda: conn.execute("SELECT count(*) FROM pg_attribute").fetchone(),
                    args.repeats)
                inference = _median_seconds(lambda: infer(conn), args.repeats)
                t0 = time.perf_counter()
                report = run_audit(conn, kinds=["structural"])
                audit = time.perf_counter() - t0
                assert not [r.id for r in report.results if r.failed]
            print(f"{n + 2:>7} {len(model.direct()):>7} {len(model.indirect()):>9} "
                  f"{len(model.global_tables()):>7} {inference:>8.3f} {audit:>8.3f} "
                  f"{base * 1000:>18.2f}")
        finally:
            db.drop_database(settings, name)


if __name__ == "__main__":
    main()
