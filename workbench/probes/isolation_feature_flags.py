"""RISK-MT-006: no place for per-organization feature flags."""

from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row

from workbench.audit.context import AuditContext, detect
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.sqlfiles import read_sql


def switch_tables(ctx: ProbeContext, audit: AuditContext) -> list[dict[str, Any]]:
    """Tenant tables shaped like per-tenant switches (unique per tenant [and key], booleans)."""
    columns = audit.settings()["workbench.tenant_columns"]  # {"<oid>": "<tenant column>"}
    with ctx.conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(read_sql("probes/tenant_switch_tables.sql"),  # type: ignore[arg-type]
                           {"columns": columns}).fetchall()


class IsolationFeatureFlags(Probe):
    """No table of per-tenant switches: nowhere to turn a feature on for one tenant only."""

    risks = ("RISK-MT-006",)
    group = "isolation"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Look in the catalog for a tenant table unique per tenant (and key) holding booleans."""
        audit = detect(ctx.conn)
        if not audit.tenant_tables:
            return Observation(None, "no tenant tables: per-tenant switches do not apply", {})
        found = switch_tables(ctx, audit)
        tables = sorted({r["table_name"] for r in found})
        if found:
            first = found[0]
            reason = (f"per-tenant switches live in {', '.join(tables)} ({first['shape']}, "
                      f"{first['unique_key']}; booleans {', '.join(first['switches'])})")
        else:
            reason = ("no tenant table is unique per tenant (or per tenant and key) with boolean "
                      "switches: per-tenant features have nowhere to live but free JSON")
        return Observation(not found, reason, {"switch_tables": found})
