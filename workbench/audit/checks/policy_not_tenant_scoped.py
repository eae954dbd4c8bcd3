"""Policies on tenant tables that do not constrain rows by tenant."""

from __future__ import annotations

import psycopg

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.tenancy.policies import PolicyReader


class PolicyNotTenantScoped(PythonCheck):
    """Policies on tenant tables that do not constrain rows by tenant.

    Permissive policies are OR-ed, so one that lets every tenant through (USING (true), WITH
    CHECK (true), a clause that never reads the table's tenant column, or, on an indirect table,
    one that never follows its foreign-key path toward the tenant) opens the table to every
    tenant, whatever the other policies say. Excused when a scoped RESTRICTIVE policy covers the
    same command. Reads the tenant model; functions the policy calls are followed.
    """

    severity = "high"
    risks = ("RISK-INT-002", "RISK-MT-002")
    kind = "structural"
    order = 240

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Judge every policy of every direct and indirect table."""
        columns = ["table_name", "policy_name", "command", "tenancy", "why"]
        if not ctx.tenant_model.found():
            return Found(0, columns, [], "no tenant model: nothing to judge")
        reader = PolicyReader(ctx.read_catalog(conn), ctx.tenant_model)
        rows = []
        for s in reader.scopes():
            if not s.scoped:
                p = s.policy
                tenancy = ctx.tenant_model.tables[p.table].kind
                rows.append((ctx.labels.get(p.table, p.table), p.name, p.command, tenancy, s.why))
        detail = "; ".join(f"{r[0]}.{r[1]}: {r[4]}" for r in rows[:5]) or "none"
        return Found(len(rows), columns, rows, detail)
