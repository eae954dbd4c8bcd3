"""Seeding any schema from its catalog: plan, then the runner's defer / load / restore.

The order of events, and what each guarantees:

1. **plan** (:mod:`workbench.seed.plan`): reads only. An unresolvable plan is one error naming
   every column, and the database is as it was. ``explain`` stops here and returns the listing.
2. **prepare**: the runner's bookkeeping tables (``sql/seed/state.sql``), refuse / replace /
   resume, and the list of reference tables (rows that were there before the first seed).
3. **defer**: the runner drops keys, indexes and foreign keys (recording how to restore them);
4. **load**: the global rows first (in this process, recorded as tenant -1), then the tenants on
   worker processes, each tenant in one transaction that also records it as done;
5. **restore**: whatever happened in 4 (the runner's ``restore_deferred``), then sequences are
   moved past the ids the seed wrote, and ANALYZE.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import psycopg
from psycopg import sql

from workbench import db
from workbench.errors import BadParameter, UnsafeOperation, one_line
from workbench.seed.anomalies import AnomalySpec, inject_anomalies
from workbench.seed.catalog_model import SchemaCatalog
from workbench.seed.engine import (
    Build,
    plan_digest,
    qualified,
    read_outside,
    sequence_of,
    write_builds,
)
from workbench.seed.overrides import parse_overrides
from workbench.seed.parallel_ddl import analyze
from workbench.seed.plan import Plan, make_plan, record_reference, reference_tables
from workbench.seed.pool import WorkerPool
from workbench.seed.profile import Profile
from workbench.seed.runner import (
    SESSION,
    Progress,
    SeedReport,
    TableStats,
    check_previous_run,
    default_partition_rows,
    defer_keys,
    peak_rss_mb,
    restore_deferred,
    run_loaders,
    tenant_weights,
)
from workbench.seed.safety import RestoreFailed, pending, restored_on_failure
from workbench.seed.values import Calendar
from workbench.settings import Settings
from workbench.sqlfiles import read_sql

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel

GLOBAL = -1  # the global rows' entry in _workbench.seed_tenants
BATCH_ROWS = 5_000  # tenants smaller than this share a transaction (rows of all tables)


@dataclass
class CatalogSeedReport(SeedReport):
    """A seed report with what the constraints cost (rows dropped or repaired, by name)."""

    engine: str = "catalog"
    costs: dict[str, int] = field(default_factory=dict)
    plan: str = ""  # digest of the plan's decisions


def build_plan(conn: psycopg.Connection, prof: Profile, *, schemas: tuple[str, ...] = ("public",),
               model: TenantModel | None = None) -> Plan:
    """Read the catalog and the tenant model and make the plan (reads only)."""
    from workbench.tenancy import infer

    catalog = SchemaCatalog.read(conn, schemas)
    if model is None:
        model = infer(conn, schemas=schemas)
    over = parse_overrides(prof.name, prof.catalog, prof.scale)
    plan = make_plan(catalog, model, over, reference=reference_tables(conn, catalog), conn=conn,
                     tenants=prof.tenants)
    plan.profile = prof
    return plan


def explain_plan(settings: Settings, database: str, prof: Profile, *,
                 schemas: tuple[str, ...] = ("public",), model: TenantModel | None = None) -> str:
    """What a seed of ``database`` would generate, per table and column, and why."""
    with db.connection(settings, database, autocommit=True) as conn:
        plan = build_plan(conn, prof, schemas=schemas, model=model)
    return plan.explain(prof.tenants)


def load_builds(conninfo: str, plan: Plan, prof: Profile, seed: int,
                tasks: list[tuple[int, float]], report: Callable[[str, int], None] | None = None,
                *, use_binary: bool = True, max_rows: int = 500_000
                ) -> Iterator[tuple[int, dict[str, list[float]]]]:
    """Make and COPY each task (a tenant, or ``GLOBAL``) in a transaction that records it.

    Small tenants share a transaction (and one COPY per table) until their rows reach
    ``BATCH_ROWS``: each is still recorded on its own and its rows are the same (a build's
    rows depend on its own random streams only), so resume and ``--workers`` see no batches.
    """
    cal = Calendar.of(prof)
    with psycopg.connect(conninfo, application_name="workbench-seed") as conn:
        for stmt in SESSION:
            conn.execute(stmt)  # type: ignore[arg-type]
        conn.commit()
        outside: dict[bool, Any] = {}
        batch: list[tuple[int, Build]] = []
        for k, (index, weight) in enumerate(tasks):
            tenant = index != GLOBAL
            if tenant not in outside:
                outside[tenant] = read_outside(conn, plan, tenant=tenant)
                conn.commit()
            build = Build(plan, seed, index, weight, cal, outside[tenant], max_rows,
                          _share(prof, index))
            build.make_keys()
            batch.append((index, build))
            following = tasks[k + 1][0] if k + 1 < len(tasks) else None
            sizes = [b.size() for _, b in batch]
            if following is not None and (following != GLOBAL) == tenant and \
                    None not in sizes and sum(sizes) < BATCH_ROWS:  # type: ignore[arg-type]
                continue  # (a streamed size is unknown: such a tenant commits on its own)
            with conn.transaction():
                stats = write_builds(conn, [b for _, b in batch], report, use_binary=use_binary)
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO _workbench.seed_tenants (tenant, rows) VALUES (%s, %s)",
                        [(i, json.dumps({"tables": {t: v[0] for t, v in st.items()},
                                         "costs": dict(b.costs)}))
                         for (i, b), st in zip(batch, stats, strict=True)])
            yield from ((i, st) for (i, _), st in zip(batch, stats, strict=True))
            batch = []


def _share(prof: Profile, index: int) -> tuple[float, float]:
    """Tenant ``index``'s slice of [0, 1) by weight (the global task: all of it)."""
    if index < 0:
        return 0.0, 1.0
    bounds = np.concatenate([[0.0], np.cumsum(tenant_weights(prof))]) / prof.tenants
    return float(bounds[index]), float(bounds[index + 1])


def _prepare(conn: psycopg.Connection, plan: Plan, database: str, prof: Profile, seed: int,
             mode: str, reference: set[str], anomalies: AnomalySpec | None = None) -> set[int]:
    """Refuse, replace or resume (as the runner does); returns the tasks already done."""
    run, done = check_previous_run(conn, database, prof, seed, mode)
    if done is not None:
        return done
    made = [t for t in plan.order]
    if run and made:
        names = sql.SQL(", ").join(qualified(t) for t in made)
        conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(names))
    if not run:
        record_reference(conn, reference)
    conn.execute("TRUNCATE _workbench.seed_tenants, _workbench.seed_run")
    conn.execute(read_sql("seed/run_started.sql"),  # type: ignore[arg-type]
                 (prof.name, prof.scale, seed,
                  json.dumps(anomalies.counts) if anomalies else None))
    return set()


def _move_sequences(conn: psycopg.Connection, plan: Plan) -> None:
    """Sequences and identities of seeded columns continue after the largest id written."""
    for name in plan.order:
        tp = plan.tables[name]
        for col, spec in tp.specs.items():
            if spec.kind != "serial":
                continue
            column = tp.table.columns[col]
            seq = sequence_of(column.default)
            if seq is None:
                row = conn.execute("SELECT pg_get_serial_sequence(%s, %s)",
                                   (name, col)).fetchone()
                seq = row[0] if row else None
            if seq is None:
                continue
            conn.execute(sql.SQL("SELECT setval(%s, greatest(coalesce(max({}), 0), 1)) FROM {}")
                         .format(sql.Identifier(col), qualified(name)), (seq,))


def _recover(settings: Settings, database: str, mode: str, schemas: tuple[str, ...]) -> None:
    """Keys and indexes an interrupted seed left dropped come back before anything is planned
    (the plan must see the whole schema). ``--replace`` empties the seeded tables first."""
    if not pending(settings, database):
        return
    with db.connection(settings, database, autocommit=True) as conn:
        if mode == "refuse":
            raise UnsafeOperation(
                f"database {database!r} has keys and indexes an interrupted seed dropped: pass "
                "--resume to finish that seed or --replace to start again")
        if mode == "replace":
            catalog = SchemaCatalog.read(conn, schemas)
            kept = reference_tables(conn, catalog)
            made = [t for t in catalog.tables if t not in kept]
            if made:
                conn.execute(sql.SQL("TRUNCATE {}").format(
                    sql.SQL(", ").join(qualified(t) for t in made)))
    try:
        restore_deferred(settings, database, 2)
    except psycopg.Error as exc:
        raise RestoreFailed(
            f"the keys and indexes an interrupted seed of {database!r} dropped cannot be "
            f"restored ({one_line(exc)}); `workbench seed --replace "
            f"--target {database}` empties the seeded tables and restores them") from None


def seed_catalog(settings: Settings, database: str, prof: Profile, *, seed: int = 0,
                 workers: int = 2, mode: str = "refuse", allow_destroy: bool = False,
                 progress: Progress | None = None, copy_format: str = "binary",
                 schemas: tuple[str, ...] = ("public",), model: TenantModel | None = None,
                 anomalies: AnomalySpec | None = None) -> CatalogSeedReport:
    """Seed ``database`` from its catalog with ``prof`` (already scaled); see the docstring.

    The worker processes start first and import while this process plans and prepares.
    ``anomalies``: defects planted after the restore (a profile whose generators make the
    reviewed schema's tables, which sql/baseline/subject/seed/anomalies/ is written for)."""
    db.require_destroyable(settings, database, allow_destroy=allow_destroy, action="seed")
    with WorkerPool(min(workers, prof.tenants) if workers > 1 else 0, __name__) as pool:
        return _seed_catalog(settings, database, prof, seed, workers, mode, progress,
                             copy_format, schemas, model, pool, anomalies)


def _seed_catalog(settings: Settings, database: str, prof: Profile, seed: int, workers: int,
                  mode: str, progress: Progress | None, copy_format: str,
                  schemas: tuple[str, ...], model: Any, pool: WorkerPool,
                  anomalies: AnomalySpec | None) -> CatalogSeedReport:
    started = time.perf_counter()
    _recover(settings, database, mode, schemas)
    report = CatalogSeedReport(database, prof.name, prof.scale, seed, workers, mode, copy_format)
    with db.connection(settings, database, autocommit=True) as conn:
        phase = time.perf_counter()
        plan = build_plan(conn, prof, schemas=schemas, model=model)
        report.phases["plan"] = time.perf_counter() - phase
        phase = time.perf_counter()
        plan.require_complete()
        report.plan = plan_digest(plan)
        reference = {t for t, p in plan.tables.items() if p.scope == "reference"}
        report.unseeded_tables = sorted(reference)
        if anomalies is not None and not plan.handed:
            raise BadParameter("--anomalies plants defects in the reviewed schema's tables; "
                               f"profile {prof.name!r} seeds {database!r} from its catalog "
                               "alone: drop --anomalies")
        done = _prepare(conn, plan, database, prof, seed, mode, reference, anomalies)
        defer_keys(conn, schemas)
    report.phases["prepare"] = time.perf_counter() - phase
    conninfo = settings.conninfo(database)
    weights = tenant_weights(prof)
    tenants = prof.tenants if plan.tenant_table else 0
    todo = [(i, float(weights[i])) for i in range(tenants) if i not in done]
    report.tenants_skipped = len(done)
    use_binary = copy_format == "binary"
    # Keys and indexes are dropped from here to the restore: any failure (Ctrl-C included)
    # restores them before it leaves (workbench/seed/safety.py), as for the reviewed schema.
    with restored_on_failure(lambda deleted: restore_deferred(settings, database,
                                                              max(workers, 1), deleted),
                             database):
        phase = time.perf_counter()
        if GLOBAL not in done and plan.generated(tenant=False):
            run_loaders(load_builds, lambda tasks: ((conninfo, plan, prof, seed, tasks),
                                                    {"use_binary": use_binary}),
                        [(GLOBAL, 1.0)], 1, report, progress, {})
        report.phases["global"] = time.perf_counter() - phase
        phase = time.perf_counter()
        loaders = report.workers = max(1, min(workers, len(todo)))
        run_loaders(load_builds, lambda tasks: ((conninfo, plan, prof, seed, tasks),
                                                {"use_binary": use_binary}),
                    todo, loaders, report, progress, {}, pool)
        report.phases["load"] = time.perf_counter() - phase
        for step, secs in restore_deferred(settings, database, max(workers, 1)).items():
            report.phases[step] = secs
    with db.connection(settings, database, autocommit=True) as conn:
        _move_sequences(conn, plan)
        if anomalies is not None and (report.tenants_loaded or mode != "resume"):
            phase = time.perf_counter()
            report.anomalies = inject_anomalies(conn, anomalies, seed)
            report.phases["anomalies"] = time.perf_counter() - phase
        phase = time.perf_counter()
        analyze(settings, database, schemas, max(workers, 1))
        report.phases["analyze"] = time.perf_counter() - phase
        costs: Counter = Counter()
        for (rows,) in conn.execute("SELECT rows FROM _workbench.seed_tenants"):
            costs.update(rows.get("costs", {}) if isinstance(rows, dict) else {})
        report.costs = dict(sorted(costs.items()))
        for name in plan.order:
            size = conn.execute("SELECT pg_total_relation_size(%s::regclass)", (name,)).fetchone()
            report.tables.setdefault(name, TableStats()).size_bytes = int(size[0]) if size else 0
        report.default_partition_rows = default_partition_rows(conn, schemas)
        report.peak_rss_mb = peak_rss_mb()
        report.wall_seconds = time.perf_counter() - started
        conn.execute(read_sql("seed/run_finished.sql"),  # type: ignore[arg-type]
                     (json.dumps(report.to_dict(), default=str),))
    return report


__all__ = ["CatalogSeedReport", "build_plan", "explain_plan", "load_builds", "seed_catalog"]
