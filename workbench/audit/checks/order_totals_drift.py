"""Parent rows whose stored subtotal differs from the sum of their lines' line_total."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, foreign_keys, has_column, ident


class OrderTotalsDrift(PythonCheck):
    """Parent rows whose stored subtotal differs from the sum of their lines' line_total.

    Found by name: a table with subtotal referenced by a table with line_total. A parent with no
    lines must have a zero subtotal. Invoices print the stored figure, so drift is billed.
    """

    severity = "medium"
    risks = ("RISK-INTEGRITY-007",)
    order = 5040

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Sum the lines of every parent and compare with its stored subtotal."""
        tally = Tally(["table_name", "lines_table"])
        for fk in foreign_keys(conn, ctx):
            if not (has_column(conn, fk.parent, "subtotal")
                    and has_column(conn, fk.child, "line_total")):
                continue
            frm = sql.SQL(
                "FROM {p} p LEFT JOIN (SELECT {cc} AS k, sum(line_total) AS s FROM {c} GROUP BY 1)"
                " l ON l.k = p.{pc} WHERE p.subtotal IS DISTINCT FROM coalesce(l.s, 0)").format(
                p=ident(fk.parent), c=ident(fk.child), cc=sql.Identifier(fk.child_column),
                pc=sql.Identifier(fk.parent_column))
            tally.count(
                conn, (fk.parent, fk.child), sql.SQL("SELECT count(*) ") + frm,
                sql.SQL("SELECT p.{pc} ").format(pc=sql.Identifier(fk.parent_column)) + frm
                + sql.SQL(" LIMIT {n}").format(n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
