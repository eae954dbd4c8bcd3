"""RISK-MT-001: tenant columns with no foreign key to the tenant table."""

from __future__ import annotations

from workbench.catalog import tenant_columns
from workbench.probes.base import Observation, Probe, ProbeContext


class TenantColumnWithoutFk(Probe):
    """Tables whose organization_id has no foreign key to the tenant table."""

    risks = ("RISK-MT-001",)
    group = "schema"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Read every tenant column from the catalog and look for its FK."""
        cols = tenant_columns(ctx.conn)
        if cols.empty:
            return Observation(None, "no table has an organization_id column")
        tenant_table = cols["tenant_table"].iloc[0]
        missing = cols[cols["fk_name"].isna()]
        csv = ctx.path("tenant_columns.csv")
        cols.to_csv(csv, index=False)
        evidence = {
            "tenant_table": tenant_table,
            "tenant_tables": len(cols),
            "without_fk": missing["table_name"].tolist(),
        }
        if len(missing):
            return Observation(
                True,
                f"{len(missing)} of {len(cols)} tenant tables have no FK to {tenant_table}: "
                + ", ".join(missing["table_name"]),
                evidence, [str(csv)],
            )
        return Observation(
            False, f"all {len(cols)} tenant tables reference {tenant_table}", evidence, [str(csv)]
        )
