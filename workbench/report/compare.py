"""What changed between two report runs: verdicts, plan shapes, latencies beyond noise.

Plans and latencies come from the evidence the scale probes keep in each finding (EXPLAIN
ANALYZE medians, instrumented). A latency counts as changed only when it moved by more than
``ratio`` and by more than ``floor_ms``: sub-millisecond jitter on a shared machine is noise,
not a regression.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import NotFound
from workbench.probes.runner import load_findings
from workbench.querysets.plans import PLANS_FILE, load_points
from workbench.report import scorecard


@dataclass
class Comparison:
    """The differences, ready for JSON and for the page."""

    run_a: str
    run_b: str
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    latencies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def regressions(self) -> int:
        """Verdicts that got worse, plus latencies that grew."""
        worse = sum(1 for v in self.verdicts if v["direction"] == "worse")
        return worse + sum(1 for lat in self.latencies if lat["ratio"] > 1)

    def to_json(self) -> str:
        """The comparison for machines."""
        return json.dumps({"run_a": self.run_a, "run_b": self.run_b,
                           "regressions": self.regressions, "verdicts": self.verdicts,
                           "plans": self.plans, "latencies": self.latencies}, indent=2)


_GOOD = {"not-confirmed": 0, "mitigated": 0, "not-testable": 1, "no-probe": 1,
         "confirmed": 2, "not-mitigated": 2, "error": 3}


def resolve_run(results_dir: Path, name: str) -> Path:
    """A run folder by id, ``latest``, or path (a report run, or an explain run's folder)."""
    for candidate in (Path(name), results_dir / name):
        if (candidate / "scorecard.json").is_file() or (candidate / PLANS_FILE).is_file():
            return candidate.resolve()
    raise NotFound(
        f"no report run {name!r} in {results_dir} (expected a folder with scorecard.json "
        f"or {PLANS_FILE})"
    )


def _plan_points(run: Path) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """Every plan a run recorded: the scale probes' evidence and a query set's ``plans.json``."""
    points = {}
    for f in load_findings(run):
        plans = f.evidence.get("plans")
        for plan in plans if isinstance(plans, list) else []:
            key = (f.probe, f.variant, str(plan.get("query")), str(plan.get("params")))
            points[key] = plan
    for (query, params), plan in load_points(run).items():
        points[("queries", "", query, params)] = plan
    return points


def compare(run_a: Path, run_b: Path, *, ratio: float = 1.5, floor_ms: float = 1.0) -> Comparison:
    """Compare two run folders."""
    out = Comparison(run_a.name, run_b.name)
    rows_a = {r.id: r for r in scorecard.build(load_findings(run_a))}
    for row in scorecard.build(load_findings(run_b)):
        for variant, cell in row.variants.items():
            before = rows_a[row.id].variants[variant].verdict if row.id in rows_a else "no-probe"
            if before != cell.verdict:
                direction = "worse" if _GOOD[cell.verdict] > _GOOD[before] else "better"
                out.verdicts.append({"risk": row.id, "variant": variant, "before": before,
                                     "after": cell.verdict, "direction": direction})
    plans_a, plans_b = _plan_points(run_a), _plan_points(run_b)
    for key in sorted(set(plans_a) & set(plans_b)):
        a, b = plans_a[key], plans_b[key]
        label = {"probe": key[0], "variant": key[1], "query": key[2], "params": key[3]}
        if a.get("shape") != b.get("shape"):
            out.plans.append({**label, "shape_before": a.get("shape"),
                              "shape_after": b.get("shape")})
        ms_a, ms_b = a.get("explain_median_ms"), b.get("explain_median_ms")
        if isinstance(ms_a, int | float) and isinstance(ms_b, int | float) and ms_a > 0:
            r = ms_b / ms_a
            if abs(ms_b - ms_a) > floor_ms and (r > ratio or r < 1 / ratio):
                out.latencies.append({**label, "ms_before": round(ms_a, 3),
                                      "ms_after": round(ms_b, 3), "ratio": round(r, 2),
                                      "timing": "EXPLAIN ANALYZE median (instrumented)"})
    return out
