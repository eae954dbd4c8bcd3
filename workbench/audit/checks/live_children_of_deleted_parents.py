"""Live rows whose parent (along a foreign key) is soft-deleted."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, foreign_keys, has_column, ident


class LiveChildrenOfDeletedParents(PythonCheck):
    """Live rows whose parent (along a foreign key) is soft-deleted.

    Soft delete sets deleted_at and fires no cascade: the children (a soft-deleted customer's
    contacts and open orders) stay live. A child counts as live when it has no deleted_at or
    its deleted_at is NULL. Keys to the tenant table are skipped (a deleted organization is
    the offboarding process's business, not a per-row defect).
    """

    severity = "medium"
    risks = ("RISK-INTEGRITY-004",)
    order = 5050

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Join each child to its soft-deletable parent."""
        tally = Tally(["table_name", "column_name", "parent_table"])
        for fk in foreign_keys(conn, ctx):
            if fk.parent == ctx.tenant_table or not has_column(conn, fk.parent, "deleted_at"):
                continue
            live = (sql.SQL(" AND c.deleted_at IS NULL") if has_column(conn, fk.child, "deleted_at")
                    else sql.SQL(""))
            frm = sql.SQL("FROM {c} c JOIN {p} p ON p.{pc} = c.{cc} "
                          "WHERE p.deleted_at IS NOT NULL").format(
                c=ident(fk.child), p=ident(fk.parent), pc=sql.Identifier(fk.parent_column),
                cc=sql.Identifier(fk.child_column)) + live
            tally.count(
                conn, (fk.child, fk.child_column, fk.parent), sql.SQL("SELECT count(*) ") + frm,
                sql.SQL("SELECT c.{cc} ").format(cc=sql.Identifier(fk.child_column)) + frm
                + sql.SQL(" LIMIT {n}").format(n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
