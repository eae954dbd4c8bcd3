"""RISK-INT-002: tenant tables without (forced) row level security, and the leaks that follow."""

from typing import ClassVar

from workbench import db
from workbench.audit.isolation import run_isolation
from workbench.probes.audit_probe import AuditProbe
from workbench.probes.base import Observation, ProbeContext


class IsolationRlsCoverage(AuditProbe):
    """RLS off or not forced on tenant tables; the harness's leaks as tenant A into tenant B."""

    risks = ("RISK-INT-002",)
    group = "isolation"
    checks: ClassVar[tuple[str, ...]] = ("rls_disabled_on_tenant_table", "rls_not_forced")

    def observe(self, ctx: ProbeContext) -> Observation:
        """Catalog checks, then the isolation matrix (saved as CSV) when the database is ours."""
        obs = self.observe_catalog(ctx)
        if not db.is_owned(ctx.settings, ctx.database):
            return obs
        matrix = run_isolation(ctx.settings, ctx.database)
        frame = matrix.frame()
        path = ctx.path(f"isolation_matrix__{ctx.variant}.csv")
        frame.to_csv(path, index=False)
        leaks = matrix.leaks()
        obs.evidence["leaks"] = len(leaks)
        obs.evidence["leaked_tables"] = sorted({c.table for c in leaks})
        obs.paths.append(str(path))
        obs.present = bool(obs.present or leaks)
        obs.reason += f"; harness: {len(leaks)} of {len(matrix.cells)} attempts leaked"
        return obs

    def observe_catalog(self, ctx: ProbeContext) -> Observation:
        """The plain audit-probe observation."""
        return AuditProbe.observe(self, ctx)
