"""Soft-deleted rows that still have live children (children that carry their own deleted_at)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import (
    SAMPLES_PER_TARGET,
    ForeignKey,
    Tally,
    foreign_keys,
    has_column,
    ident,
)
from workbench.column_names import SOFT_DELETE_COLUMN


class LiveChildrenOfDeletedParents(PythonCheck):
    """Soft-deleted rows that still have live children (children that carry their own deleted_at).

    Soft delete sets deleted_at and fires no cascade: a soft-deleted parent keeps live children
    that every list still shows. The count is of soft-deleted PARENT rows with
    at least one child whose deleted_at IS NULL, along any foreign key, each parent once (the
    defect is the parent's delete that did not propagate, however many children it left).
    Children without a deleted_at column cannot be live or deleted on their own; the structural
    check soft_delete_without_cascade lists those keys. Keys to the tenant table are skipped
    (a deleted tenant is the offboarding process's business, not a per-row defect).
    """

    severity = "medium"
    risks = ("RISK-INTEGRITY-004",)
    order = 5050

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Per soft-deletable parent table, count its deleted rows with any live child."""
        by_parent: dict[str, list[ForeignKey]] = {}
        for fk in foreign_keys(conn, ctx):
            if fk.parent == ctx.tenant_table or not has_column(conn, fk.parent, SOFT_DELETE_COLUMN):
                continue
            if has_column(conn, fk.child, SOFT_DELETE_COLUMN):
                by_parent.setdefault(fk.parent, []).append(fk)
        tally = Tally(["table_name", "child_tables"])
        deleted = sql.Identifier(SOFT_DELETE_COLUMN)
        for parent, fks in sorted(by_parent.items()):
            live = sql.SQL(" OR ").join(
                sql.SQL("EXISTS (SELECT 1 FROM {c} c WHERE c.{cc} = p.{pc} "
                        "AND c.{d} IS NULL)").format(
                    c=ident(fk.child), cc=sql.Identifier(fk.child_column),
                    pc=sql.Identifier(fk.parent_column), d=deleted) for fk in fks)
            frm = sql.SQL("FROM {p} p WHERE p.{d} IS NOT NULL AND ({live})").format(
                p=ident(parent), d=deleted, live=live)
            key = sql.Identifier(fks[0].parent_column)
            tally.count(
                conn, (parent, ",".join(sorted({fk.child for fk in fks}))),
                sql.SQL("SELECT count(*) ") + frm,
                sql.SQL("SELECT p.{k} ").format(k=key) + frm
                + sql.SQL(" LIMIT {n}").format(n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
