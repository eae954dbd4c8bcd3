"""RISK-INT-003: policies that go silently empty when the tenant setting they read is unset."""

from typing import ClassVar

from workbench import db
from workbench.audit.isolation import run_isolation
from workbench.probes.audit_probe import AuditProbe
from workbench.probes.base import Observation, ProbeContext


class IsolationUnsetSetting(AuditProbe):
    """Policies reading the setting with missing_ok; harness reads that return 0 rows silently."""

    risks = ("RISK-INT-003",)
    group = "isolation"
    checks: ClassVar[tuple[str, ...]] = ("policy_setting_missing_ok",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Catalog check, then: with the setting unset, does any RLS table answer silently?"""
        obs = AuditProbe.observe(self, ctx)
        if not db.is_owned(ctx.settings, ctx.database):
            return obs
        matrix = run_isolation(ctx.settings, ctx.database)
        silent = [c for c in matrix.cells if c.context == "unset" and c.operation == "select"
                  and c.outcome == "blocked" and not c.loud]
        obs.evidence["silent_unset_reads"] = sorted({c.table for c in silent})
        obs.present = bool(obs.present or silent)
        obs.reason += f"; harness: {len(silent)} table(s) return nothing, silently, when unset"
        return obs
