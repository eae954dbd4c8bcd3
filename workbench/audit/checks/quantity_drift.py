"""Rows whose stored *_available differs from *_on_hand minus *_allocated."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, columns_like, has_column, ident


class QuantityDrift(PythonCheck):
    """Rows whose stored *_available differs from *_on_hand minus *_allocated.

    Found by name: any table with the three columns of one prefix (quantity_available,
    quantity_on_hand, quantity_allocated). A drifted row shows stock that is not there
    (overselling) or hides stock that is.
    """

    severity = "high"
    risks = ("RISK-INTEGRITY-002",)
    order = 5030

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Compare the stored value with the difference it should equal."""
        tally = Tally(["table_name", "column_name"])
        for table, column, _ in columns_like(conn, ctx, r"_available$"):
            prefix = column[: -len("available")]
            on_hand, allocated = f"{prefix}on_hand", f"{prefix}allocated"
            if not (has_column(conn, table, on_hand) and has_column(conn, table, allocated)):
                continue
            where = sql.SQL("{a} IS DISTINCT FROM {h} - {l}").format(
                a=sql.Identifier(column), h=sql.Identifier(on_hand), l=sql.Identifier(allocated))
            key = sql.SQL("ctid") if not has_column(conn, table, "id") else sql.Identifier("id")
            tally.count(
                conn, (table, column),
                sql.SQL("SELECT count(*) FROM {t} WHERE {w}").format(t=ident(table), w=where),
                sql.SQL("SELECT {k} FROM {t} WHERE {w} LIMIT {n}").format(
                    k=key, t=ident(table), w=where, n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
