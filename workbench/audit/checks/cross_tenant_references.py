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
        tenants = set(ctx.tenant_oids)
        col = sql.Identifier(ctx.tenant_column)
        for fk in foreign_keys(conn, ctx):
            if fk.child_oid not in tenants or fk.parent_oid not in tenants:
                continue
            if fk.child_column == ctx.tenant_column:
                continue
            frm = sql.SQL("FROM {c} c JOIN {p} p ON p.{pc} = c.{cc} "
                          "WHERE c.{t} IS DISTINCT FROM p.{t}").format(
                c=ident(fk.child), p=ident(fk.parent), pc=sql.Identifier(fk.parent_column),
                cc=sql.Identifier(fk.child_column), t=col)
            tally.count(
                conn, (fk.child, fk.child_column, fk.parent),
                sql.SQL("SELECT count(*) ") + frm,
                sql.SQL("SELECT c.{cc} ").format(cc=sql.Identifier(fk.child_column)) + frm
                + sql.SQL(" LIMIT {n}").format(n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
