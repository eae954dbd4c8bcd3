"""Index advice that says what an index saves and what it costs, measured.

Index advisors stop at planner cost. Here candidates (:mod:`workbench.querysets.candidates`)
are first ranked by planner cost without building them, with HypoPG's hypothetical indexes:
each candidate's weighted cost saving over every query that reads its table (weights are the
query set's: calls for a captured workload). Where HypoPG is not installed on the server the
candidates are built for real, one at a time, for the same ranking, and the advice says
"hypopg unavailable on this server: <why>". Then the best few are built and measured with the
what-if harness (:func:`workbench.experiments.whatif.measure_change`): latency of every query
reading the table, before and after, interleaved, p50 and p95; inserts per second into the
table with and without (:mod:`workbench.experiments.write_cost`); the index's size.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg

from workbench.experiments.whatif import Change, WhatIf, measure_change
from workbench.experiments.write_cost import insert_rate
from workbench.explain import PlanCapture, walk
from workbench.queries import ParamSet, Query
from workbench.querysets.candidates import Candidate, CatalogFacts, from_plans
from workbench.querysets.model import QuerySet
from workbench.querysets.scoping import ident

HYPOPG = "hypopg"


@dataclass
class Ranked:
    """One candidate's planner-cost ranking: per (query, tenant) cost with and without it."""

    candidate: Candidate
    method: str
    costs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def saving(self) -> float:
        """Weighted planner cost saved over the queries reading the table (mean over tenants)."""
        by_query: dict[str, list[float]] = {}
        for c in self.costs:
            by_query.setdefault(c["query"], []).append(c["weight"] * (c["before"] - c["after"]))
        return sum(statistics.fmean(v) for v in by_query.values())

    @property
    def used_by(self) -> list[str]:
        """Queries whose plan uses the index."""
        return sorted({c["query"] for c in self.costs if c["uses_index"]})


@dataclass
class Advice:
    """Ranking and measurements of one query set's candidate indexes."""

    hypopg: str
    ranked: list[Ranked]
    measured: list[WhatIf]
    sizes: dict[str, int]
    skipped: list[str] = field(default_factory=list)

    def ranking(self) -> pd.DataFrame:
        """One row per candidate, best first: planner cost saved, queries using it, why."""
        return pd.DataFrame([{
            "index": r.candidate.label, "name": r.candidate.name, "method": r.method,
            "cost_saved": round(r.saving, 2), "used_by": ", ".join(r.used_by),
            "reasons": "; ".join(sorted(r.candidate.reasons)),
        } for r in self.ranked])

    def latency(self) -> pd.DataFrame:
        """Per measured index and query: p50/p95 before and after (plain executions, ms)."""
        frames = []
        for w in self.measured:
            lat = w.latency()
            if not lat.empty:
                frames.append(lat.assign(index=w.unit))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def write_cost(self) -> pd.DataFrame:
        """Per measured index: inserts per second into its table without and with, and size."""
        frames = []
        for w in self.measured:
            wc = w.write_cost()
            if not wc.empty:
                frames.append(wc.assign(index=w.unit, bytes=self.sizes.get(w.unit)))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def save(self, folder: Path) -> Path:
        """``index_advice.json`` with the ranking and every measurement (raw samples too)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "index_advice.json"
        path.write_text(json.dumps({
            "hypopg": self.hypopg, "skipped": self.skipped,
            "ranking": [{"index": r.candidate.label, "ddl": r.candidate.ddl(r.candidate.name),
                         "method": r.method, "cost_saved": r.saving, "costs": r.costs,
                         "reasons": sorted(r.candidate.reasons)} for r in self.ranked],
            "measured": [w.to_dict() | {"bytes": self.sizes.get(w.unit)} for w in self.measured],
        }, indent=1, default=str))
        return path


def hypopg_status(conn: psycopg.Connection) -> tuple[bool, str]:
    """(available, what to say): creating the extension here is the test."""
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = %s",
                       (HYPOPG,)).fetchone()
    if row:
        return True, f"hypopg {row[0]}"
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION hypopg")
            version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = %s",
                                   (HYPOPG,)).fetchone()
            conn.execute("DROP EXTENSION hypopg")
    except psycopg.Error as exc:
        why = (exc.diag.message_primary or str(exc)).strip()
        major = conn.info.server_version // 10000
        return False, (f"hypopg unavailable on this server: {why} (install HypoPG for "
                       f"PostgreSQL {major}, e.g. Debian's postgresql-{major}-hypopg; candidates "
                       "were built one at a time instead)")
    return True, f"hypopg {version[0] if version else ''}"


def _plan(conn: psycopg.Connection, query: Query, ps: ParamSet) -> dict[str, Any]:
    row = conn.execute(f"EXPLAIN (FORMAT JSON) {query.sql}", ps.for_query(query)).fetchone()  # type: ignore[arg-type]
    doc = row[0] if row else [{}]
    return (json.loads(doc) if isinstance(doc, str) else doc)[0]


def _uses(plan: dict[str, Any], index_name: str) -> bool:
    return any(index_name in str(n.get("Index Name", "")) for _, _, _, n in walk(plan))


def tables_read(captures: Iterable[PlanCapture], facts: CatalogFacts) -> dict[str, set[str]]:
    """Table -> names of the queries whose plans read it."""
    out: dict[str, set[str]] = {}
    for cap in captures:
        for _, _, _, node in walk(cap.plan):
            table = facts.columns.resolve(None, node["Relation Name"]) \
                if node.get("Relation Name") else None
            if table:
                out.setdefault(table, set()).add(cap.query)
    return out


def rank(
    conn: psycopg.Connection,
    candidates: list[Candidate],
    queries: QuerySet,
    sets: dict[str, list[ParamSet]],
    readers: dict[str, set[str]],
    *,
    hypothetical: bool,
) -> list[Ranked]:
    """Planner cost of every query reading each candidate's table, without and with it.

    ``hypothetical``: HypoPG (nothing built); else each index is built, costed and dropped.
    Candidates no plan uses, or that save nothing, are left out.
    """
    by_name = queries.by_name()
    base: dict[tuple[str, str], float] = {}
    out: list[Ranked] = []
    for cand in candidates:
        names = sorted(n for n in readers.get(cand.table, ()) if n in sets and n in by_name)
        for n in names:
            for ps in sets[n]:
                if (n, ps.label) not in base:
                    base[(n, ps.label)] = float(_plan(conn, by_name[n], ps)["Plan"]["Total Cost"])
        if hypothetical:
            row = conn.execute("SELECT indexrelid, indexname FROM hypopg_create_index(%s)",
                               (cand.ddl(),)).fetchone()
            assert row is not None
            hypo_oid, index_name = row[0], str(row[1])
        else:
            conn.execute(cand.ddl(cand.name))  # type: ignore[arg-type]
            index_name = cand.name
        ranked = Ranked(cand, "hypopg" if hypothetical else "built")
        try:
            for n in names:
                for ps in sets[n]:
                    plan = _plan(conn, by_name[n], ps)
                    ranked.costs.append({
                        "query": n, "params": ps.label, "weight": queries.weights.get(n, 1.0),
                        "before": base[(n, ps.label)], "after": float(plan["Plan"]["Total Cost"]),
                        "uses_index": _uses(plan, index_name)})
        finally:
            if hypothetical:
                conn.execute("SELECT hypopg_drop_index(%s)", (hypo_oid,))
            else:  # quoted as ddl() quoted it (a name made from "Order Items" needs quotes)
                conn.execute(f"DROP INDEX IF EXISTS {cand.table.rpartition('.')[0]}."  # type: ignore[arg-type]
                             f"{ident(cand.name)}")
        if ranked.used_by and ranked.saving > 0:
            out.append(ranked)
    return sorted(out, key=lambda r: -r.saving)


def _index_change(cand: Candidate, queries: list[Query],
                  sets: dict[str, list[ParamSet]]) -> Change:
    schema = cand.table.rpartition(".")[0]

    def apply(conn: psycopg.Connection) -> None:
        conn.execute(cand.ddl(cand.name))  # type: ignore[arg-type]

    def revert(conn: psycopg.Connection) -> None:
        conn.execute(f"DROP INDEX IF EXISTS {schema}.{cand.name}")  # type: ignore[arg-type]

    return Change(cand.name, [], apply, revert, queries, lambda q: sets[q.name], [cand.table],
                  insert_rate)


def advise(
    conn: psycopg.Connection,
    queries: QuerySet,
    sets: dict[str, list[ParamSet]],
    captures: list[PlanCapture],
    *,
    top: int = 3,
    repeats: int = 5,
    cycles: int = 2,
    write_rows: int = 500,
    use_hypopg: bool = True,
) -> Advice:
    """Rank the candidates the plans suggest, then build and measure the ``top`` best.

    ``conn``: autocommit, ``prepare_threshold=None``, on a workbench-owned database. HypoPG's
    extension is created for the ranking and dropped again if it was not there before.
    """
    facts = CatalogFacts.read(conn)
    candidates = from_plans(facts, captures)
    readers = tables_read(captures, facts)
    available, status = hypopg_status(conn) if use_hypopg else (False, "hypopg not used")
    created = False
    if available and conn.execute("SELECT 1 FROM pg_extension WHERE extname = %s",
                                  (HYPOPG,)).fetchone() is None:
        conn.execute("CREATE EXTENSION hypopg")
        created = True
    try:
        ranked = rank(conn, candidates, queries, sets, readers, hypothetical=available)
    finally:
        if created:
            conn.execute("DROP EXTENSION hypopg")
    by_name = queries.by_name()
    measured: list[WhatIf] = []
    sizes: dict[str, int] = {}
    skipped: list[str] = []
    for r in ranked[:top]:
        cand = r.candidate
        touched = [by_name[n] for n in sorted(readers.get(cand.table, ())) if n in sets]
        change = _index_change(cand, touched, sets)
        try:
            measured.append(measure_change(conn, change, repeats=repeats, cycles=cycles,
                                           write_rows=write_rows, capture_plans=False))
        except psycopg.Error as exc:
            skipped.append(f"{cand.label}: {(exc.diag.message_primary or str(exc)).strip()}")
            continue
        change.apply(conn)
        try:
            row = conn.execute("SELECT pg_relation_size(%s::regclass)",
                               (f"{cand.table.rpartition('.')[0]}.{cand.name}",)).fetchone()
            sizes[cand.name] = int(row[0]) if row else 0
        finally:
            change.revert(conn)
    return Advice(status, ranked, measured, sizes, skipped)
