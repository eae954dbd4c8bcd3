"""Plans for a query set on a workbench-owned database: captures, findings, a comparable record.

The same capture as the catalog's (:func:`workbench.explain.capture`: warm-up, EXPLAIN ANALYZE
repeats, every statement rolled back), per query with the parameter sets drawn for it, and the
same findings (:func:`workbench.explain.judge`). A run folder gets ``plans.json``, one row per
(query, tenant) with its plan fingerprint, which ``workbench report --compare`` reads to say
which plans changed between two runs; the captures themselves go to ``plans/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg

from workbench import db as dbmod
from workbench import explain
from workbench.queries import ParamSet
from workbench.querysets import draw, sources
from workbench.querysets.model import QuerySet, Skipped
from workbench.settings import Settings

PLANS_FILE = "plans.json"


@dataclass
class PlanRun:
    """Every capture of one query set on one database, its findings and what was skipped."""

    database: str
    queries: QuerySet
    captures: list[explain.PlanCapture]
    findings: pd.DataFrame
    skipped: list[Skipped] = field(default_factory=list)
    folder: Path | None = None  # where it was saved

    def summary(self) -> pd.DataFrame:
        """One row per (query, tenant): instrumented times, fingerprint, finding kinds."""
        frame = explain.summary_frame(self.captures)
        if frame.empty:
            return frame
        kinds = self.findings.groupby(["query", "params"])["kind"].apply(
            lambda s: ", ".join(sorted(set(s)))) if not self.findings.empty else pd.Series()
        frame["findings"] = [kinds.get((q, p), "") for q, p in zip(frame["query"],
                                                                    frame["params"], strict=True)]
        frame["weight"] = [self.queries.weights.get(q, 1.0) for q in frame["query"]]
        return frame

    def save(self, folder: Path) -> Path:
        """``plans.json``, ``plan_findings.json``, ``queryset.json`` and ``plans/*.json``."""
        folder.mkdir(parents=True, exist_ok=True)
        explain.save_captures(self.captures, folder / "plans")
        self.queries.save(folder / "queryset.json")
        (folder / "plan_findings.json").write_text(
            self.findings.to_json(orient="records", indent=1, default_handler=str))
        path = folder / PLANS_FILE
        path.write_text(json.dumps({
            "database": self.database, "source": self.queries.source,
            "plans": self.summary().to_dict(orient="records"),
            "skipped": [s.__dict__ for s in self.skipped],
        }, indent=1, default=str))
        return path


def capture_set(
    conn: psycopg.Connection,
    queries: QuerySet,
    sets: dict[str, list[ParamSet]],
    *,
    variant: str = "",
    warmup: int = 1,
    repeats: int = 3,
    large_rows: float = explain.LARGE_RELATION_ROWS,
) -> PlanRun:
    """EXPLAIN ANALYZE every query that has parameter sets; a failing one is skipped, named.

    ``conn`` must be autocommit with ``prepare_threshold=None``.
    """
    captures: list[explain.PlanCapture] = []
    skipped: list[Skipped] = []
    for query in queries.queries:
        if query.name not in sets:
            continue
        try:
            captures.extend(explain.capture(conn, [query], sets[query.name], variant=variant,
                                            warmup=warmup, repeats=repeats))
        except psycopg.Error as exc:
            msg = (exc.diag.message_primary or str(exc)).strip()
            skipped.append(Skipped(query.name, f"EXPLAIN failed: {msg}", query.sql))
    findings = explain.judge(captures, explain.relation_rows(conn), large_rows=large_rows)
    return PlanRun(conn.info.dbname, queries, captures, findings, skipped)


def load_points(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(query, tenant) -> summary row of a run folder's ``plans.json`` (empty when it has none)."""
    path = folder / PLANS_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    return {(str(r["query"]), str(r["params"])): r for r in data.get("plans", [])}


def explain_target(
    settings: Settings, target: str, *, names: tuple[str, ...], queries_from: str | None,
    queries_dir: Path | None, tenancy_file: Path | None, repeats: int, warmup: int,
    out: Path | None,
) -> PlanRun:
    """Capture plans of a query set on ``target`` (workbench-owned) and save the run folder.

    The tenant model comes from ``tenancy_file`` or is inferred; the queries from
    :func:`workbench.querysets.sources.choose`; ``out`` defaults to
    ``results/explain/<target>/<UTC time>``.
    """
    from workbench import tenancy

    dbmod.require_owned(settings, target, action="EXPLAIN ANALYZE on")
    with dbmod.connection(settings, target, autocommit=True, prepare_threshold=None) as conn:
        model = tenancy.load(tenancy_file) if tenancy_file else tenancy.infer(conn)
        qs = sources.choose(conn, model, queries_from=queries_from,
                            queries_dir=queries_dir).select(names)
        drawer = draw.Drawer(conn, model)
        sets, skipped = drawer.param_sets(qs.queries, draw.pick(draw.tenants(conn, model)))
        run = capture_set(conn, qs, sets, variant=target, warmup=warmup, repeats=repeats)
        run.skipped[:0] = skipped
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = out or settings.results_dir / "explain" / target / stamp
    run.save(folder)
    run.folder = folder
    return run
