"""Rows that reference a row of another tenant along a foreign key."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, foreign_keys, ident


class CrossTenantReferences(PythonCheck):
    """Rows that reference a row of another tenant along a foreign key.

    Every single-column foreign key between two tenant tables is followed; a child whose tenant
    differs from its parent's (an order of A on a customer of B) is counted. Each one is a
    cross-tenant leak waiting for a join that trusts the key.
    """

    severity = "critical"
    risks = ("RISK-MT-002",)
    order = 5020
    requires_tenant_model = True

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Join child to parent along each key and compare the tenant columns."""
        tally = Tally(["table_name", "column_name", "references_table"])
        columns = {ctx.oids[t]: ctx.tenant_model.tenant_column(t)
                   for t in ctx.tenant_model.direct()} if ctx.tenant_model.found() else {}
        for fk in foreign_keys(conn, ctx):
            child_col, parent_col = columns.get(fk.child_oid), columns.get(fk.parent_oid)
            if child_col is None or parent_col is None or fk.child_column == child_col:
                continue
            frm = sql.SQL("FROM {c} c JOIN {p} p ON p.{pc} = c.{cc} "
                          "WHERE c.{ct} IS DISTINCT FROM p.{pt}").format(
                c=ident(fk.child), p=ident(fk.parent), pc=sql.Identifier(fk.parent_column),
                cc=sql.Identifier(fk.child_column), ct=sql.Identifier(child_col),
                pt=sql.Identifier(parent_col))
            tally.count(
                conn, (fk.child, fk.child_column, fk.parent),
                sql.SQL("SELECT count(*) ") + frm,
                sql.SQL("SELECT c.{cc} ").format(cc=sql.Identifier(fk.child_column)) + frm
                + sql.SQL(" LIMIT {n}").format(n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
