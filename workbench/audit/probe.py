"""Probes made of audit checks: the defect is present when the named checks find anything.

A probe module in ``workbench/probes/`` subclasses :class:`AuditProbe`, names its risks and
checks, and optionally narrows the findings (``keep``) to the rows that are about its risk.
The evidence (counts, samples) is stored as JSON beside the finding.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from workbench.audit.runner import run_audit
from workbench.probes.base import Observation, Probe, ProbeContext


class AuditProbe(Probe):
    """Run ``checks`` on the variant; present when any kept row or count remains."""

    checks: ClassVar[tuple[str, ...]] = ()

    def keep(self, check_id: str, sample: dict[str, Any]) -> bool:
        """Whether a sample row counts for this risk (all rows by default)."""
        return True

    def observe(self, ctx: ProbeContext) -> Observation:
        """Run the checks, narrow the findings, write the evidence file."""
        report = run_audit(ctx.conn, checks=self.checks)
        failed = [r.id for r in report.results if r.failed]
        if failed:
            raise RuntimeError(f"audit checks failed: {', '.join(failed)}")
        evidence: dict[str, Any] = {}
        for r in report.results:
            kept = [s for s in r.rows if self.keep(r.id, s)]
            count = r.count if len(kept) == len(r.rows) else len(kept)
            evidence[r.id] = {"count": count, "samples": kept[:10]}
        path = ctx.path(f"{self.probe_id()}__{ctx.variant}.json")
        path.write_text(json.dumps(evidence, indent=2, default=str))
        hits = {cid: e["count"] for cid, e in evidence.items() if e["count"]}
        reason = ("; ".join(f"{cid}: {n}" for cid, n in hits.items()) if hits
                  else f"no finding from {', '.join(self.checks)}")
        return Observation(bool(hits), reason, evidence, [str(path)])
