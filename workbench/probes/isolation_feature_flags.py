"""RISK-MT-006: no place for per-organization feature flags."""

from workbench.probes.base import Observation, Probe, ProbeContext


class IsolationFeatureFlags(Probe):
    """No table or column named like feature/flag/entitlement on the tenant side."""

    risks = ("RISK-MT-006",)
    group = "isolation"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Look for a feature-flag table or column anywhere in public."""
        rows = ctx.conn.execute(
            "SELECT c.relname || coalesce('.' || a.attname, '') FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
            "AND a.attname ~ '(feature|entitlement)' "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') "
            "AND (c.relname ~ '(feature|entitlement)' OR a.attname IS NOT NULL)").fetchall()
        found = [r[0] for r in rows]
        reason = (f"feature flags live in {', '.join(found)}" if found else
                  "no feature/entitlement table or column; organizations.settings is free JSON")
        return Observation(not found, reason, {"found": found})
