"""Shared helpers for the scale probes: catalog facts and plan evidence, quick at ci size.

Each scale probe decides 'present' from the schema (a missing index, an unpartitioned
append-only table), because that is what a mitigation changes; the plans of the catalog queries
that bear on the risk (large tenant, recent window, one warm-up and one EXPLAIN ANALYZE each)
go with it as evidence, with their findings, saved as JSON.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from psycopg.rows import dict_row

from workbench import explain
from workbench.errors import NotFound
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.queries import draw_parameters, select_queries
from workbench.risks.subject import has_table
from workbench.sqlfiles import read_sql


def table_indexes(ctx: ProbeContext, table: str) -> list[dict[str, Any]]:
    """Indexes of ``public.<table>``: name, method, leading columns, predicate, bytes."""
    with ctx.conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(read_sql("explain/table_indexes.sql"), {"table": table}).fetchall()  # type: ignore[arg-type]


def table_layout(ctx: ProbeContext, table: str) -> dict[str, Any]:
    """Partitioning, rows, bytes and columns of ``public.<table>``."""
    with ctx.conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(read_sql("explain/table_layout.sql"), {"table": table}).fetchone()  # type: ignore[arg-type]
    if row is None:
        raise NotFound(f"table public.{table} does not exist")
    return row


def has_index_leading(indexes: list[dict[str, Any]], columns: list[str]) -> str | None:
    """Name of an index whose leading columns are exactly ``columns`` in order, or None."""
    for ix in indexes:
        if list(ix["columns"] or [])[: len(columns)] == columns and not ix["predicate"]:
            return str(ix["index"])
    return None


def missing_table(ctx: ProbeContext, risk: str, table: str) -> Observation | None:
    """'Not testable' when the table the review names for ``risk`` is not in this database."""
    if has_table(ctx.conn, table):
        return None
    return Observation(None, f"{table}, the table the review names for {risk}, is not here")


def plan_paths(evidence: dict[str, Any]) -> list[str]:
    """The plans file named in ``evidence``, if one was written."""
    return [evidence["plans_file"]] if evidence.get("plans_file") else []


class ScaleProbe(Probe):
    """Base of the scale probes: adds plan evidence for the risk's catalog queries."""

    group: ClassVar[str] = "scale"

    def plan_evidence(self, ctx: ProbeContext, risk: str) -> dict[str, Any]:
        """EXPLAIN ANALYZE the catalog queries bearing on ``risk``; summary, findings, file."""
        queries = select_queries(risk=risk)
        if not queries:
            return {"plans": "no catalog query bears on this risk"}
        try:
            sets = draw_parameters(ctx.conn, tenants_wanted=("large",), windows=("recent",))
        except NotFound as exc:
            return {"plans": f"not captured: {exc}"}
        caps = explain.capture(ctx.conn, queries, sets, variant=ctx.variant, warmup=1, repeats=1)
        findings = explain.judge(caps, explain.relation_rows(ctx.conn))
        path = ctx.path(f"plans_{risk.lower()}.json")
        path.write_text(json.dumps([c.to_dict() for c in caps], default=str))
        summary = explain.summary_frame(caps)
        return {
            "plans": summary[["query", "params", "explain_median_ms", "shape", "top_node",
                              "max_parallel_workers_per_gather"]].to_dict("records"),
            "plan_trees": {c.query: explain.render_tree(c.plan) for c in caps},
            "findings": findings.drop(columns=["variant"]).to_dict("records"),
            "timing": "EXPLAIN ANALYZE (instrumented), one run after one warm-up",
            "plans_file": str(path),
        }
