"""Negative values in money columns (price, cost, amount, subtotal, total, balance)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, columns_like, ident
from workbench.column_names import MONEY_NAMES


class NegativeAmounts(PythonCheck):
    """Negative values in money columns (price, cost, amount, subtotal, total, balance).

    Columns are found by name among numeric columns. A negative price or total is almost always
    a sign error in a writer; refunds and credits belong in rows of their own.
    """

    severity = "medium"
    risks = ("RISK-INTEGRITY-006",)
    order = 5070

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Count values below zero in every money-like numeric column."""
        tally = Tally(["table_name", "column_name"])
        for table, column, _ in columns_like(conn, ctx, MONEY_NAMES, types=("N",)):
            where = sql.SQL("{c} < 0").format(c=sql.Identifier(column))
            tally.count(
                conn, (table, column),
                sql.SQL("SELECT count(*) FROM {t} WHERE {w}").format(t=ident(table), w=where),
                sql.SQL("SELECT {c} FROM {t} WHERE {w} LIMIT {n}").format(
                    c=sql.Identifier(column), t=ident(table), w=where,
                    n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
