"""Rows whose tenant id names no row of the tenant table."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, ident, tenant_key


class OrphanTenantIds(PythonCheck):
    """Rows whose tenant id names no row of the tenant table.

    Possible wherever the tenant column has no foreign key: such rows belong to no organization,
    no tenant sees them through its policies, and deleting an organization leaves them behind.
    """

    severity = "high"
    risks = ("RISK-MT-001",)
    order = 5010
    requires_tenant_model = True

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Anti-join every tenant table against the tenant table's key."""
        tally = Tally(["table_name"])
        key = tenant_key(conn, ctx)
        if not key or not ctx.tenant_table:
            return Found(0, tally.columns, [], not_run="the tenant model names no tenant table "
                         "with a single-column key to check tenant ids against")
        for table in ctx.tenant_tables:
            col = sql.Identifier(ctx.tenant_column_of(table) or "")
            where = sql.SQL("t.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {tt} o "
                            "WHERE o.{key} = t.{col})").format(
                col=col, tt=ident(ctx.tenant_table), key=sql.Identifier(key))
            tally.count(
                conn, (table,),
                sql.SQL("SELECT count(*) FROM {t} t WHERE {w}").format(t=ident(table), w=where),
                sql.SQL("SELECT DISTINCT t.{col} FROM {t} t WHERE {w} LIMIT {n}").format(
                    col=col, t=ident(table), w=where, n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
