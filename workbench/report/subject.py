"""The report for any schema: clone, seed, audit, isolation, plans, what-if, load, growth.

``workbench report --schema DSN`` (or ``--migrations DIR``) gives a schema the workbench has
never seen every capability of the reviewed report, in one bundle with one page. The premortem's
37 risks are the reviewed schema's; here the page leads with findings by severity, each with
its evidence file: audit checks that found rows, tenant isolation attempts that crossed
tenants, plan findings (large scans, spills, misestimates), indexes that measured faster,
load failures, plan flips as the data grows, and the queries that could not be run (and why).

A schema that cannot be cloned or seeded fails in the first step with one line and leaves
nothing behind (a clone that could not be seeded is dropped). A later phase that fails is a
finding of its own, and the phases after it still run, as a failed notebook does in the
reviewed report.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import psycopg

from workbench import charts, db
from workbench.errors import SchemaError, WorkbenchError, one_line
from workbench.settings import Settings

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel

Progress = Callable[[str], None]
SEVERITIES = ("critical", "high", "medium", "low", "info")
PLAN_SEVERITY = {"seq_scan_large": "medium", "spill": "medium", "nested_loop": "medium",
                 "misestimate": "low", "filter_heavy_index": "low"}
SPEEDUP_WORTH = 1.5  # a measured index counts as a finding when a query gets this much faster
TABLES_NAMED = 8     # a finding's title names this many of its tables, then counts the rest
DETAIL_CHARS = 300   # a finding's detail line on the page (the JSON keeps every table)


@dataclass
class SubjectOptions:
    """What the user may choose; the defaults keep a ``ci`` run short."""

    profile: str = "ci"
    queries_from: str | None = None
    queries_dir: Path | None = None
    platform: str | None = None
    database: str | None = None
    users: int = 4
    duration: str = "8s"
    top_indexes: int = 2
    whatif_repeats: int = 3
    growth: bool = True
    growth_queries: int = 12
    keep: bool = False  # keep the seeded clone after the run (for explain/load --target)


@dataclass
class Finding:
    """One line of the page: how bad, from which phase, what, and the file that shows it."""

    severity: str
    source: str
    title: str
    detail: str = ""
    evidence: str = ""
    tables: dict[str, str] = field(default_factory=dict)  # per table, when one check found many


@dataclass
class SubjectRun:
    """Everything one subject report produced."""

    run_dir: Path
    database: str
    subject: str
    status: str = "ok"
    timings: dict[str, float] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def ordered(self) -> list[Finding]:
        """Findings by severity, most severe first."""
        return sorted(self.findings, key=lambda f: SEVERITIES.index(f.severity))

    def counts(self) -> dict[str, int]:
        """Findings per severity."""
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}


def _phase(run: SubjectRun, name: str, progress: Progress, body: Callable[[], Any]) -> Any:
    """Run one phase, timed; a failure becomes a high finding and the report goes on."""
    progress(name)
    started = time.perf_counter()
    try:
        return body()
    except (WorkbenchError, Exception) as exc:  # noqa: BLE001 - every phase failure is reported
        run.status = "failed"
        message = one_line(exc, 300)
        run.findings.append(Finding("high", name, f"the {name} phase failed", message))
        return None
    finally:
        run.timings[name] = round(time.perf_counter() - started, 2)


def _inferred(model: TenantModel | None) -> TenantModel:
    """The model phase's result; without it a phase that scopes queries per tenant cannot run,
    and says why instead of failing on ``None``."""
    if model is None:
        raise WorkbenchError("no tenant model: the model phase failed (see its finding); "
                             "fix that first, or pass a schema whose tenancy can be inferred")
    return model


# ---------------------------------------------------------------------------------------------
# Turning each phase's results into findings
# ---------------------------------------------------------------------------------------------
def audit_findings(report: Any) -> list[Finding]:
    """Audit checks that found rows (or could not run)."""
    out = []
    for r in report.findings("info"):
        detail = r.error or r.detail
        out.append(Finding(r.severity, "audit", f"{r.title} ({r.count})" if r.count else r.title,
                           " ".join(str(detail).split())[:DETAIL_CHARS], "audit.json"))
    return out


def named_tables(tables: list[str], shown: int = TABLES_NAMED) -> str:
    """``a, b, c`` or ``a, b, ... and 7 more``: how one finding names the tables it covers."""
    head = ", ".join(tables[:shown])
    return head if len(tables) <= shown else f"{head} and {len(tables) - shown} more"


def isolation_findings(matrix: Any) -> list[Finding]:
    """One critical finding for every table whose rows crossed tenants: how many, which, and
    per table (``tables``, kept in the JSON) the attempts that leaked."""
    by_table: dict[str, list[str]] = {}
    for cell in matrix.leaks():
        by_table.setdefault(cell.table, []).append(f"{cell.operation} ({cell.context})")
    if not by_table:
        return []
    tables = sorted(by_table)
    per_table = {t: ", ".join(sorted(by_table[t])) for t in tables}
    n = len(tables)
    return [Finding("critical", "isolation", f"tenant A reached tenant B's rows in {n} "
                    f"table{'s' if n > 1 else ''}: {named_tables(tables)}",
                    "; ".join(f"{t}: {ops}" for t, ops in per_table.items())[:DETAIL_CHARS],
                    "isolation.json", per_table)]


def plan_findings(frame: pd.DataFrame) -> list[Finding]:
    """One finding per (query, kind) of :func:`workbench.explain.judge`."""
    out: list[Finding] = []
    if frame.empty:
        return out
    for (query, kind), g in frame.groupby(["query", "kind"]):
        tenants = ", ".join(sorted(set(g["params"])))
        out.append(Finding(PLAN_SEVERITY.get(str(kind), "low"), "plans", f"{query}: {kind}",
                           f"{g['detail'].iloc[0]} [{tenants}]", "plan_findings.json"))
    return out


def index_findings(advice: Any) -> list[Finding]:
    """Measured indexes that made a query at least :data:`SPEEDUP_WORTH` times faster."""
    out = []
    lat = advice.latency()
    wc = advice.write_cost()
    for ranked in advice.ranked:
        cand = ranked.candidate
        mine = lat[lat["index"] == cand.name] if not lat.empty else lat
        if mine.empty:
            continue
        best = mine.loc[mine["speedup"].idxmax()]
        if best["speedup"] < SPEEDUP_WORTH:
            continue
        writes = wc[wc["index"] == cand.name] if not wc.empty else wc
        cost = (f"; inserts {writes['before'].iloc[0]:,.0f} -> {writes['after'].iloc[0]:,.0f} "
                "rows/s") if not writes.empty and writes["before"].iloc[0] > 0 else \
            "; insert cost not measurable on this table"
        size = advice.sizes.get(cand.name, 0)
        out.append(Finding(
            "medium", "indexes", f"index {cand.label} makes {best['query']} "
            f"{best['speedup']:.1f}x faster",
            f"p50 {best['median_before']:.2f} -> {best['median_after']:.2f} ms, p95 "
            f"{best['p95_before']:.2f} -> {best['p95_after']:.2f} ms ({best['params']}); "
            f"{size / 1024:,.0f} KiB{cost}; {cand.ddl(cand.name)}", "index_advice.json"))
    return out


def load_findings_of(run: Any) -> list[Finding]:
    """Failed requests under load."""
    failures = run.failure_count()
    if not failures:
        return []
    return [Finding("high", "load", f"{failures} of {run.request_count()} requests failed "
                    "under load", "see the load run's locust_failures.csv",
                    f"{run.folder.name}/locust_failures.csv")]


def growth_findings(frame: pd.DataFrame) -> list[Finding]:
    """Plan flips as the data grows (worth knowing: the plan a small database shows is not the
    one production gets)."""
    from workbench.experiments.growth import flips

    out = []
    for _, row in flips(frame).iterrows():
        out.append(Finding("low", "growth", f"{row['query']} changes plan at scale "
                           f"{row['scale']:g} ({row['params']})",
                           f"{row['shape_before']} -> {row['shape']} at {row['rows_seeded']:,} "
                           "rows", "growth.csv"))
    return out


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------
def _clone_and_seed(settings: Settings, run: SubjectRun, *, source: str | None,
                    migrations: Path | None, options: SubjectOptions, progress: Progress) -> None:
    """The first step: a clone with rows, or one line of error and nothing left behind."""
    from workbench.clone import clone_from, clone_migrations, platform_prelude
    from workbench.seed import seed_database

    progress("clone")
    t = time.perf_counter()
    if source:
        made = clone_from(settings, source, database=options.database, replace=True)
    else:
        assert migrations is not None
        made = clone_migrations(settings, migrations, database=options.database, replace=True,
                                prelude=platform_prelude(options.platform))
    run.database = made.database
    run.timings["clone"] = round(time.perf_counter() - t, 2)
    run.facts["clone"] = {"database": made.database, "tables": made.tables,
                          "source": made.source, "same_as_source": made.same_as_source}
    progress(f"seed ({options.profile})")
    t = time.perf_counter()
    try:
        from workbench import tenancy

        with db.connection(settings, made.database, autocommit=True) as conn:
            schemas = tuple(tenancy.infer(conn).schemas) or ("public",)
        report = seed_database(settings, made.database, options.profile, mode="replace",
                               schemas=schemas)
    except psycopg.Error as exc:
        db.drop_database(settings, made.database)
        msg = (exc.diag.message_primary or str(exc)).strip()
        raise SchemaError(f"cannot seed the clone of {run.subject}: {msg} (the clone "
                          f"{made.database} was dropped)") from None
    except BaseException:
        db.drop_database(settings, made.database)
        raise
    report.save(run.run_dir / "seed.json")
    run.timings["seed"] = round(time.perf_counter() - t, 2)
    run.facts["seed"] = {"rows": report.rows, "tables": len(report.tables),
                         "unseeded": list(report.unseeded_tables)}


def run_subject(
    settings: Settings,
    *,
    source: str | None = None,
    migrations: Path | None = None,
    options: SubjectOptions | None = None,
    progress: Progress = lambda _m: None,
) -> SubjectRun:
    """The whole report for the schema at ``source`` (a DSN, only read) or in ``migrations``.

    The seeded clone is dropped at the end (also when a phase or the run fails) unless
    ``options.keep``: it is the workbench's own, and a kept one holds a seeded copy of the
    schema on the server until ``workbench db drop`` removes it.
    """
    opts = options or SubjectOptions()
    subject = source and db.describe_target(source) or str(migrations)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    run_dir = settings.results_dir / f"{stamp}-schema"
    run_dir.mkdir(parents=True, exist_ok=True)
    run = SubjectRun(run_dir, "", subject)
    started = time.perf_counter()
    _clone_and_seed(settings, run, source=source, migrations=migrations, options=opts,
                    progress=progress)
    run.facts["clone"]["kept"] = opts.keep
    try:
        _phases(settings, run, opts, progress, started)
    finally:
        if not opts.keep:
            db.drop_database(settings, run.database)
    return run


def _phases(settings: Settings, run: SubjectRun, opts: SubjectOptions, progress: Progress,
            started: float) -> None:
    """Every phase after the seed, on the clone ``run.database``, then the page."""
    from workbench import tenancy
    from workbench.audit.context import AuditOptions
    from workbench.audit.isolation import run_isolation
    from workbench.audit.runner import run_audit
    from workbench.experiments.growth import growth_chart, growth_of
    from workbench.experiments.index_advice import advise
    from workbench.load.queryset_load import build as build_plan
    from workbench.load.queryset_load import grant_load_role, run_plan
    from workbench.querysets import draw, plans, sources

    name, run_dir = run.database, run.run_dir
    state: dict[str, Any] = {}

    with db.connection(settings, name, autocommit=True, prepare_threshold=None) as conn:
        def model() -> TenantModel:
            m = tenancy.infer(conn)
            (run_dir / "tenancy.toml").write_text(m.to_toml())
            run.facts["tenancy"] = m.describe()
            state["model"] = m
            return m

        _phase(run, "model", progress, model)
        m: TenantModel | None = state.get("model")

        def audit() -> None:
            report = run_audit(conn, AuditOptions(tenancy=m))
            (run_dir / "audit.json").write_text(json.dumps(report.to_dict(), indent=1,
                                                           default=str))
            run.findings.extend(audit_findings(report))

        _phase(run, "audit", progress, audit)

    def isolation() -> None:
        matrix = run_isolation(settings, name, AuditOptions(tenancy=m))
        (run_dir / "isolation.json").write_text(json.dumps(matrix.to_dict(), indent=1))
        run.facts["isolation"] = {"cells": len(matrix.cells), "leaks": len(matrix.leaks())}
        run.findings.extend(isolation_findings(matrix))

    _phase(run, "isolation", progress, isolation)

    with db.connection(settings, name, autocommit=True, prepare_threshold=None) as conn:
        def explain_all() -> None:
            model = _inferred(m)
            qs = sources.choose(conn, model, queries_from=opts.queries_from,
                                queries_dir=opts.queries_dir)
            drawer = draw.Drawer(conn, model)
            sets, skipped = drawer.param_sets(qs.queries, draw.pick(draw.tenants(conn, model)))
            prun = plans.capture_set(conn, qs, sets, variant=name, warmup=1, repeats=1)
            prun.skipped[:0] = skipped
            prun.save(run_dir)
            state.update(qs=qs, sets=sets, plans=prun)
            run.facts["queries"] = {"source": qs.source, "count": len(qs.queries),
                                    "explained": len({c.query for c in prun.captures}),
                                    "skipped": len(prun.skipped)}
            run.findings.extend(plan_findings(prun.findings))
            for s in prun.skipped:
                run.findings.append(Finding("info", "queries", f"{s.name} not run",
                                            s.reason, "plans.json"))

        _phase(run, "plans", progress, explain_all)

        def whatif() -> None:
            advice = advise(conn, state["qs"], state["sets"], state["plans"].captures,
                            top=opts.top_indexes, repeats=opts.whatif_repeats, cycles=2,
                            write_rows=200)
            advice.save(run_dir)
            run.facts["whatif"] = {"hypopg": advice.hypopg, "candidates": len(advice.ranked),
                                   "measured": len(advice.measured)}
            state["advice"] = advice
            run.findings.extend(index_findings(advice))

        if "plans" in state:
            _phase(run, "whatif", progress, whatif)

        def load_plan() -> Any:
            grant_load_role(conn, _inferred(m))
            return build_plan(conn, _inferred(m), state["qs"], profile=opts.profile)

        plan = _phase(run, "load plan", progress, load_plan) if "qs" in state else None

    def load() -> None:
        assert plan is not None
        lrun = run_plan(settings, name, plan, users=opts.users, duration=opts.duration,
                        results_dir=run_dir / "load")
        lrun.latency_us.to_csv(run_dir / "load_latency_us.csv", index=False)
        state["load"] = lrun
        run.facts["load"] = {"requests": lrun.request_count(), "failures": lrun.failure_count(),
                             "rps": round(lrun.total_rps(), 1), "folder":
                             str(lrun.folder.relative_to(run_dir))}
        run.findings.extend(load_findings_of(lrun))

    if plan is not None:
        _phase(run, "load", progress, load)

    def growth() -> None:
        qs = state["qs"]
        heaviest = state["plans"].summary().groupby("query")["explain_median_ms"].max()
        chosen = list(heaviest.nlargest(opts.growth_queries).index)
        frame = growth_of(settings, name, _inferred(m), qs.select(chosen), opts.profile)
        frame.to_csv(run_dir / "growth.csv", index=False)
        charts.save(growth_chart(frame), run_dir, "growth")
        state["growth"] = frame
        run.findings.extend(growth_findings(frame))

    if opts.growth and "plans" in state:
        _phase(run, "growth", progress, growth)

    progress("page")
    run.timings["total"] = round(time.perf_counter() - started, 2)
    _write(run, state, settings)


def _write(run: SubjectRun, state: dict[str, Any], settings: Settings) -> None:
    """``subject_findings.json``, ``manifest.json`` and ``index.html``; passwords scrubbed."""
    from workbench.report.html import render_subject
    from workbench.settings import scrub_tree

    run_dir = run.run_dir
    (run_dir / "subject_findings.json").write_text(
        json.dumps([asdict(f) for f in run.ordered()], indent=1))
    manifest = {"run_id": run_dir.name, "kind": "schema", "subject": run.subject,
                "database": run.database, "status": run.status, "timings": run.timings,
                "facts": run.facts, "server": settings.describe()}
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str))
    render_subject(run_dir, run, state)
    scrub_tree(run_dir, settings.secrets())


def bundle_frames(run_dir: str | Path) -> dict[str, pd.DataFrame]:
    """A schema report's results as frames, read back from its bundle (for notebooks).

    ``run_dir`` is the bundle, or ``latest``/``""`` for the newest one under ``results/``.
    """
    folder = Path(run_dir) if run_dir and run_dir != "latest" else _newest(Settings.load())
    frames: dict[str, pd.DataFrame] = {}
    readers: dict[str, Callable[[Path], pd.DataFrame]] = {
        "subject_findings.json": lambda p: pd.DataFrame(json.loads(p.read_text())),
        "isolation.json": lambda p: pd.DataFrame(json.loads(p.read_text())["cells"]),
        "plans.json": lambda p: pd.DataFrame(json.loads(p.read_text())["plans"]),
        "index_advice.json": lambda p: pd.DataFrame(
            [{k: v for k, v in r.items() if k != "costs"}
             for r in json.loads(p.read_text())["ranking"]]),
        "load_latency_us.csv": pd.read_csv,
        "growth.csv": pd.read_csv,
    }
    for name, read in readers.items():
        path = folder / name
        frames[name.split(".")[0]] = read(path) if path.is_file() else pd.DataFrame()
    return frames


def _newest(settings: Settings) -> Path:
    runs = sorted(settings.results_dir.glob("*-schema"))
    if not runs:
        from workbench.errors import NotFound

        raise NotFound(f"no schema report in {settings.results_dir}: run "
                       "`workbench report --schema DSN` first")
    return runs[-1]
