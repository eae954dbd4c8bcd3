"""The load experiments: each runs real load (or a scripted pooler session) and returns a frame.

They are library functions so the notebook, the probes and the benchmark share one
implementation: pool exhaustion (RISK-OPS-003), prepared statements and tenant context through a
transaction-mode PgBouncer (RISK-OPS-002, RISK-INT-003/MT-002), the cost of RLS, and the
derived-value drift a concurrent write run leaves behind (RISK-INTEGRITY-002/007).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql

from workbench import db
from workbench.errors import WorkbenchError
from workbench.load.histogram import POOL_WAIT, Histogram
from workbench.load.pgbouncer import pgbouncer
from workbench.load.report import split_roles
from workbench.load.runner import LoadRun, LoadSpec, prepare_database, run_load
from workbench.load.tenants import BYPASS_ROLE, LOAD_ROLE, TenantDirectory
from workbench.settings import VARIANTS, Settings
from workbench.sqlfiles import read_sql
from workbench.tenancy import infer

DRIFT_CHECKS = ("quantity_drift", "order_totals_drift")


def _us(run: LoadRun, name: str, column: str) -> float:
    row = run.latency_us[run.latency_us["name"] == name]
    return float(row[column].iloc[0]) if len(row) else 0.0


def _requests_us(run: LoadRun) -> dict[str, float]:
    """p50/p95/p99 (µs) over every request of a run (pool wait excluded)."""
    merged = Histogram()
    for name, hist in run.histograms.items():
        if name != POOL_WAIT:
            merged.merge(hist)
    return {f"p{int(q * 100)}_us": merged.percentile(q) for q in (0.5, 0.95, 0.99)} | {
        "mean_us": merged.mean_us}


def pool_exhaustion(
    settings: Settings, *, variant: str = "baseline", users: Sequence[int] = (10, 25, 50, 100),
    pool_size: int = 10, duration: str = "3s", workload: str = "tenant_list",
    pool_timeout: float = 5.0, results_dir: Path | None = None,
) -> pd.DataFrame:
    """The application's pool (``max: 10``) against more and more concurrent users.

    Each row: users, throughput, request latency percentiles (which include the wait for a
    connection, as the application sees it), the wait itself, and the share of the mean
    response time spent waiting.
    """
    prepare_database(settings, variant)
    rows: list[dict[str, Any]] = []
    for n in users:
        spec = LoadSpec(workload, variant=variant, users=n, spawn_rate=max(n, 1) * 2,
                        duration=duration, pool_size=pool_size, pool_timeout=pool_timeout,
                        label=f"pool{pool_size}-u{n}")
        run = run_load(settings, spec, results_dir=results_dir, prepare=False)
        lat = _requests_us(run)
        wait_mean = _us(run, POOL_WAIT, "mean_us")
        rows.append({
            "users": n, "pool_size": pool_size, "rps": round(run.total_rps(), 1),
            "requests": run.request_count(), "failures": run.failure_count(),
            **{k: round(v, 1) for k, v in lat.items()},
            "wait_p50_us": _us(run, POOL_WAIT, "p50_us"),
            "wait_p95_us": _us(run, POOL_WAIT, "p95_us"),
            "wait_mean_us": wait_mean,
            "wait_share": round(wait_mean / lat["mean_us"], 3) if lat["mean_us"] else math.nan,
            "run": run.folder.name,
        })
    return pd.DataFrame(rows)


def rls_cost(
    settings: Settings, *, variant: str = "baseline", workload: str = "browse", users: int = 4,
    duration: str = "3s", results_dir: Path | None = None,
) -> pd.DataFrame:
    """The same queries, same tenants, RLS enforced (load role) vs bypassed (service_role).

    One run, each request picking its role at random, so both sides share the machine's noise.
    """
    prepare_database(settings, variant)
    spec = LoadSpec(workload, variant=variant, users=users, spawn_rate=users * 2,
                    duration=duration, role=f"{LOAD_ROLE},{BYPASS_ROLE}", label="rls")
    run = run_load(settings, spec, results_dir=results_dir, prepare=False)
    frame = split_roles(run.latency_us.assign(variant=variant))
    frame["run"] = run.folder.name
    return frame


def drift_counts(settings: Settings, variant: str) -> dict[str, int]:
    """The audit's drift checks on ``variant``: rows whose stored derived value disagrees."""
    from workbench.audit.runner import run_audit

    with db.connection(settings, settings.database_for(variant), autocommit=True) as conn:
        report = run_audit(conn, checks=list(DRIFT_CHECKS))
    out = {}
    for result in report.results:
        if result.failed:
            raise WorkbenchError(f"drift check {result.id} failed: {result.error}")
        out[result.id] = result.count
    return out


def drift_after_write(
    settings: Settings, *, variants: Sequence[str] = VARIANTS, users: int = 8,
    duration: str = "3s", results_dir: Path | None = None,
) -> pd.DataFrame:
    """Drift before and after a concurrent ``write`` run, per variant and check.

    Writes into the variants' databases (workbench-owned): the point is what concurrent
    application writes leave behind where nothing in the database keeps the derived values.
    """
    rows = []
    for variant in variants:
        prepare_database(settings, variant)
        before = drift_counts(settings, variant)
        spec = LoadSpec("write", variant=variant, users=users, spawn_rate=users * 2,
                        duration=duration, label="drift")
        run = run_load(settings, spec, results_dir=results_dir, prepare=False)
        after = drift_counts(settings, variant)
        for check in DRIFT_CHECKS:
            rows.append({"variant": variant, "check": check, "before": before.get(check, 0),
                         "after": after.get(check, 0),
                         "new_drift": after.get(check, 0) - before.get(check, 0),
                         "write_requests": run.request_count(),
                         "write_failures": run.failure_count(), "run": run.folder.name})
    return pd.DataFrame(rows)


def pooler_prepared_statements(
    settings: Settings, *, variant: str = "baseline", users: int = 6, duration: str = "2s",
    pool_size: int = 2, modes: Sequence[bool] = (False, True), workload: str = "browse",
    pool_mode: str = "transaction", results_dir: Path | None = None,
) -> pd.DataFrame:
    """A workload through transaction-mode PgBouncer with prepared statements off and/or on.

    ``browse`` by default: with several statements, each client's ``_pg3_N`` names differ
    from server connection to server connection, as in the application; with a single query
    every connection soon holds the same ``_pg3_0`` and the failures hide after warm-up.
    """
    prepare_database(settings, variant)
    rows = []
    database = settings.database_for(variant)
    with pgbouncer(settings, database, pool_mode=pool_mode, pool_size=pool_size) as pooler:
        for prepare in modes:
            spec = LoadSpec(workload, variant=variant, users=users, spawn_rate=users * 2,
                            duration=duration, prepare=prepare, pg_host=pooler.host,
                            pg_port=str(pooler.port), label=f"pgb-prepare-{prepare}")
            run = run_load(settings, spec, results_dir=results_dir, prepare=False)
            errors = (sorted(set(run.failures["Error"].astype(str)))
                      if len(run.failures) and "Error" in run.failures else [])
            rows.append({"variant": variant, "pooler": pooler.version,
                         "pool_mode": pooler.pool_mode, "prepared_statements": prepare,
                         "requests": run.request_count(), "failures": run.failure_count(),
                         "failure_rate": round(
                             run.failure_count() / max(run.request_count(), 1), 3),
                         "errors": "; ".join(errors)[:400], "run": run.folder.name})
    return pd.DataFrame(rows)


@dataclass
class LeakResult:
    """What the scripted pooler session showed for one way of setting the tenant."""

    method: str
    leaked: bool
    seen_by_other_client: str | None
    other_client_rows: int
    steps: list[str] = field(default_factory=list)


def pooler_tenant_leak(settings: Settings, *, variant: str = "baseline") -> list[LeakResult]:
    """Does a tenant set by one client show up in another client's transaction?

    Through transaction-mode PgBouncer with one server connection, client A sets the tenant
    (session-level ``set_config(..., false)``, then transaction-local ``set_config(..., true)``),
    and client B, which never set one, reads the tenant setting (the one the policies read, from
    the tenant model) and an RLS-protected table as the load role. The steps are recorded
    verbatim.
    """
    prepare_database(settings, variant)
    database = settings.database_for(variant)
    with db.connection(settings, database, autocommit=True) as conn:
        tenant = TenantDirectory.load(conn, sample=False).tenants[0].id
        settings_read = infer(conn).context.settings
    if not settings_read:
        raise WorkbenchError(f"no policy of {database} reads a tenant setting: there is no "
                             "tenant context to leak through the pooler")
    setting = settings_read[0]
    reset = sql.SQL("RESET {}").format(sql.SQL(".").join(map(sql.Identifier, setting.split("."))))
    rows_sql = read_sql("load/leak_rows.sql")
    rows_stmt = [ln for ln in rows_sql.splitlines() if ln and not ln.startswith("--")][-1]
    results = []
    with pgbouncer(settings, database, pool_size=1) as pooler:
        base = settings.conninfo(database, host=pooler.host, port=str(pooler.port))
        for method, local in (("session set_config(..., false)", False),
                              ("transaction-local set_config(..., true)", True)):
            steps: list[str] = []
            with psycopg.connect(base, autocommit=True, prepare_threshold=None) as a, \
                    psycopg.connect(base, autocommit=True, prepare_threshold=None) as b:
                set_sql = read_sql("load/set_tenant_session.sql")
                if local:
                    with a.transaction():
                        a.execute(read_sql("load/set_tenant.sql"),
                                  {"role": LOAD_ROLE, "org": tenant})
                    steps.append(f"A: BEGIN; set_config('{setting}', '{tenant}', true); COMMIT")
                else:
                    a.execute(set_sql, {"org": tenant})
                    steps.append(f"A: set_config('{setting}', '{tenant}', false)")
                with b.transaction():
                    b.execute("SELECT set_config('role', %s, true)", (LOAD_ROLE,))
                    row = b.execute(read_sql("load/leak_probe.sql")).fetchone()
                    seen = row[0] if row else None
                    visible = 0
                    if seen:
                        count = b.execute(rows_sql).fetchone()  # type: ignore[arg-type]
                        visible = int(count[0]) if count else 0
                steps.append("B: BEGIN; set_config('role', 'workbench_load', true); "
                             f"current_setting('{setting}', true) -> {seen!r}; "
                             f"{rows_stmt} -> {visible}; COMMIT")
                if not local:  # leave the shared server connection clean for the next step
                    a.execute(reset)
            results.append(LeakResult(method, seen == tenant, seen, visible, steps))
    return results


LOAD_SECONDS = {"ci": 2}
"""Seconds of load per probe step at each report profile (others get ``DEFAULT_LOAD_SECONDS``)."""
DEFAULT_LOAD_SECONDS = 10


def load_seconds(profile: str) -> int:
    """How long a probe loads the database at ``profile`` (a few seconds at ci)."""
    return LOAD_SECONDS.get(profile, DEFAULT_LOAD_SECONDS)


WAIT_SHARE_EXHAUSTED = 0.25
"""A pool counts as exhausted when requests spend this share of their time waiting for it."""


def pool_verdict(frame: pd.DataFrame, app_pool_size: int = 0) -> tuple[bool, str]:
    """Exhausted when, above ``app_pool_size`` users (every run by default), waiting dominates
    or requests fail.

    ``frame`` comes from :func:`pool_exhaustion`; its own ``pool_size`` may differ from the
    application's (a larger pool is how a setup without the defect is shown).
    """
    pool_size = int(frame["pool_size"].iloc[0])
    over = frame[frame["users"] > app_pool_size]
    if over.empty:
        return False, f"no run had more than {app_pool_size} users"
    worst = over.sort_values("users").iloc[-1]
    exhausted = bool((over["wait_share"] >= WAIT_SHARE_EXHAUSTED).any()
                     or (over["failures"] > 0).any())
    base = frame[frame["users"] <= pool_size]
    versus = (f" (vs {float(base['rps'].max()):.0f} req/s at <= {pool_size} users)"
              if len(base) else "")
    return exhausted, (
        f"pool of {pool_size}: at {int(worst['users'])} users requests wait "
        f"{worst['wait_mean_us'] / 1000:.1f} ms on average for a connection "
        f"({worst['wait_share']:.0%} of their time), p95 {worst['p95_us'] / 1000:.1f} ms, "
        f"{int(worst['failures'])} failures, {worst['rps']:.0f} req/s{versus}")
