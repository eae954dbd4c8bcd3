"""The what-if harness: measure the catalog, apply one unit, measure, revert; repeat, compare.

Latencies are plain executions timed with the client's monotonic clock (EXPLAIN ANALYZE's own
timing inflates scan-heavy queries by a third to a half); plans come from EXPLAIN ANALYZE
captured once per side. Before and after alternate in ``cycles`` (before, apply, after, revert,
before, ...), so drift on a shared machine falls on both sides. The database must come back to
the fingerprint it started with, or the experiment fails: a unit whose revert is not exact
cannot be trusted as a mitigation.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg

from workbench import explain
from workbench.errors import SchemaError
from workbench.experiments.write_cost import insert_rate
from workbench.queries import ParamSet, Query, catalog, draw_parameters
from workbench.schema.fingerprint import fingerprint
from workbench.schema.units import Unit, applied_units, apply_unit, get_unit, revert_unit
from workbench.sqlfiles import read_sql


@dataclass
class WhatIf:
    """One experiment's raw results; the frames below summarise them."""

    unit: str
    risks: list[str]
    samples: list[dict[str, Any]]
    plans_before: list[explain.PlanCapture]
    plans_after: list[explain.PlanCapture]
    index_sizes: dict[str, int]
    writes: list[dict[str, Any]]
    settings: dict[str, str]
    apply_seconds: list[float] = field(default_factory=list)

    def latency(self) -> pd.DataFrame:
        """Per query and parameter set: median and p95 before/after (plain executions, ms)."""
        df = pd.DataFrame(self.samples)
        if df.empty:
            return df
        agg = df.groupby(["query", "params", "phase"])["ms"].agg(
            median="median", p95=lambda s: float(np.percentile(s, 95)), n="count"
        ).unstack("phase")
        agg.columns = [f"{stat}_{phase}" for stat, phase in agg.columns]
        agg = agg.reset_index()
        agg["speedup"] = agg["median_before"] / agg["median_after"]
        shapes = explain.compare_shapes(self.plans_before, self.plans_after)
        if not shapes.empty:
            agg = agg.merge(shapes, on=["query", "params"], how="left")
        agg["timing"] = "plain execution, client monotonic clock"
        agg["max_parallel_workers_per_gather"] = self.settings.get(
            "max_parallel_workers_per_gather"
        )
        return agg

    def write_cost(self) -> pd.DataFrame:
        """Insert throughput per table before and after (rows/s, rolled back)."""
        df = pd.DataFrame(self.writes)
        if df.empty:
            return df
        out = df.groupby(["table", "phase"])["rows_per_s"].median().unstack("phase").reset_index()
        out["slowdown"] = out["before"] / out["after"]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary plus every raw sample and plan."""
        return {
            "unit": self.unit, "risks": self.risks, "settings": self.settings,
            "index_sizes": self.index_sizes, "apply_seconds": self.apply_seconds,
            "samples": self.samples, "writes": self.writes,
            "plans_before": [c.to_dict() for c in self.plans_before],
            "plans_after": [c.to_dict() for c in self.plans_after],
        }

    def save(self, folder: Path) -> Path:
        """Write ``whatif__<unit>.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"whatif__{self.unit}.json"
        path.write_text(json.dumps(self.to_dict(), indent=1, default=str))
        return path


def queries_for(unit: Unit) -> list[Query]:
    """Catalog queries that bear on any of the unit's risks."""
    return [q for q in catalog().values() if set(q.risks) & set(unit.risks)]


def index_sizes(conn: psycopg.Connection) -> dict[str, int]:
    """Bytes of every index in the public schema, by name."""
    rows = conn.execute(read_sql("explain/index_sizes.sql")).fetchall()  # type: ignore[arg-type]
    return {name: int(size) for name, size in rows}


def unit_tables(unit: Unit) -> list[str]:
    """Tables the unit's ``apply.sql`` creates indexes on (where write cost is measured)."""
    text = unit.apply_path.read_text()
    tables = []
    for token in text.replace("(", " ").split():
        if token.startswith("public.") and token not in tables:
            tables.append(token.removeprefix("public."))
    return [t for t in tables if not t.startswith("idx_")]


@dataclass
class Change:
    """One reversible change to measure: what it does, undoes, and which work it touches.

    A mitigation unit is one (:func:`run_whatif`); so is a candidate index of any schema
    (:mod:`workbench.experiments.index_advice`). ``sets`` gives each query its parameter sets;
    ``write_rate`` measures inserts per second into a table (rolled back).
    """

    name: str
    risks: list[str]
    apply: Callable[[psycopg.Connection], None]
    revert: Callable[[psycopg.Connection], None]
    queries: list[Query]
    sets: Callable[[Query], list[ParamSet]]
    tables: list[str]
    write_rate: Callable[[psycopg.Connection, str, int], float]


def measure_change(
    conn: psycopg.Connection,
    change: Change,
    *,
    repeats: int = 5,
    cycles: int = 2,
    write_rows: int = 500,
    capture_plans: bool = True,
) -> WhatIf:
    """Measure ``change`` on its queries and tables: before and after alternate in ``cycles``.

    ``conn`` must be autocommit with ``prepare_threshold=None`` on a workbench-owned database
    where the change is not applied. Each cycle runs ``repeats`` plain executions per query and
    parameter set on each side, and one insert-rate sample per table; the change is reverted at
    the end (also on failure) and the catalog fingerprint checked.
    """
    settings = explain.session_settings(conn)
    start_fp = fingerprint(conn)
    sizes_before = index_sizes(conn)
    samples: list[dict[str, Any]] = []
    writes: list[dict[str, Any]] = []
    applied_secs: list[float] = []
    plans_before: list[explain.PlanCapture] = []
    plans_after: list[explain.PlanCapture] = []
    new_sizes: dict[str, int] = {}
    applied = False

    def measure(phase: str, cycle: int) -> None:
        for q in change.queries:
            for ps in change.sets(q):
                explain.time_plain(conn, q, ps)  # warm-up, discarded
                for r in range(repeats):
                    samples.append({"query": q.name, "params": ps.label, "phase": phase,
                                    "cycle": cycle, "repeat": r,
                                    "ms": explain.time_plain(conn, q, ps)})
        for table in change.tables:
            writes.append({"table": table, "phase": phase, "cycle": cycle,
                           "rows_per_s": change.write_rate(conn, table, write_rows)})

    def plans(variant: str) -> list[explain.PlanCapture]:
        out: list[explain.PlanCapture] = []
        for q in change.queries:
            out.extend(explain.capture(conn, [q], change.sets(q), variant=variant, repeats=1))
        return out

    try:
        for cycle in range(max(cycles, 1)):
            measure("before", cycle)
            if capture_plans and cycle == 0:
                plans_before = plans("before")
            t0 = time.perf_counter()
            applied = True
            change.apply(conn)
            conn.execute("ANALYZE")
            applied_secs.append(time.perf_counter() - t0)
            if cycle == 0:
                after = index_sizes(conn)
                new_sizes = {k: v for k, v in after.items() if k not in sizes_before}
            measure("after", cycle)
            if capture_plans and cycle == 0:
                plans_after = plans("after")
            change.revert(conn)
            applied = False
    finally:
        if applied:
            change.revert(conn)
    end_fp = fingerprint(conn)
    if end_fp.digest != start_fp.digest:
        diff = start_fp.diff(end_fp)[:5]
        raise SchemaError(f"{change.name} did not restore the catalog: {diff}")
    return WhatIf(change.name, list(change.risks), samples, plans_before, plans_after,
                  new_sizes, writes, settings, applied_secs)


def run_whatif(
    conn: psycopg.Connection,
    unit_id: str,
    *,
    queries: list[Query] | None = None,
    param_sets: list[ParamSet] | None = None,
    repeats: int = 5,
    cycles: int = 2,
    write_rows: int = 500,
    capture_plans: bool = True,
) -> WhatIf:
    """Measure ``unit_id``'s effect on the catalog queries that bear on its risks.

    The unit must not be applied; see :func:`measure_change` for how it is measured.
    """
    unit = get_unit(unit_id)
    chosen = queries if queries is not None else queries_for(unit)
    sets = param_sets if param_sets is not None else draw_parameters(conn)

    def revert(c: psycopg.Connection) -> None:
        if unit.id in applied_units(c):
            revert_unit(c, unit)

    change = Change(unit.id, list(unit.risks), lambda c: apply_unit(c, unit), revert, chosen,
                    lambda _q: sets, unit_tables(unit), insert_rate)
    return measure_change(conn, change, repeats=repeats, cycles=cycles, write_rows=write_rows,
                          capture_plans=capture_plans)


def summary(results: list[WhatIf]) -> pd.DataFrame:
    """One row per unit: index bytes, median speedup over its queries, worst write slowdown."""
    rows = []
    for r in results:
        lat = r.latency()
        wc = r.write_cost()
        rows.append({
            "unit": r.unit, "risks": ", ".join(r.risks),
            "index_bytes": sum(r.index_sizes.values()),
            "median_speedup": float(statistics.median(lat["speedup"])) if not lat.empty else None,
            "best_speedup": float(lat["speedup"].max()) if not lat.empty else None,
            "write_slowdown": float(wc["slowdown"].max()) if not wc.empty else None,
            "plans_changed": int(lat.get("changed", pd.Series(dtype=bool)).sum()),
        })
    return pd.DataFrame(rows)
