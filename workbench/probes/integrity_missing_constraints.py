"""RISK-OPS-004: the migrations carry no CHECK constraints on tenant tables at all."""

from workbench.probes.base import Observation, Probe, ProbeContext


class IntegrityMissingConstraints(Probe):
    """Tenant tables (with organization_id) that have no CHECK constraint of any kind."""

    risks = ("RISK-OPS-004",)
    group = "integrity"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Count tenant tables without a single CHECK constraint."""
        rows = ctx.conn.execute(
            "SELECT c.oid::regclass::text, (SELECT count(*) FROM pg_constraint k "
            "WHERE k.conrelid = c.oid AND k.contype = 'c') FROM pg_class c "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = 'public' "
            "ORDER BY 1").fetchall()
        bare = [t for t, n in rows if n == 0]
        checked = len(rows) - len(bare)
        return Observation(bool(bare) and checked == 0,
                           f"{checked} of {len(rows)} tenant tables carry a CHECK constraint",
                           {"tables_without_check": bare})
