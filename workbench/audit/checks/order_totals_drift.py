"""Parent rows whose stored totals disagree with their lines or with each other."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, foreign_keys, has_column, ident

# total = subtotal - discount_amount + tax_amount + shipping_amount, each term when present
TOTAL_TERMS = (("discount_amount", "-"), ("tax_amount", "+"), ("shipping_amount", "+"))


class OrderTotalsDrift(PythonCheck):
    """Parent rows whose stored totals disagree with their lines or with each other.

    Found by name: a table with subtotal referenced by a table with line_total. A parent row is
    counted once when any of these fails (each only where its columns exist):
    subtotal = sum of its lines' line_total (0 without lines; line_total is the line's amount
    before tax, as the reviewed application computes it and as unit 0120 keeps it);
    tax_amount = sum of its lines' tax_amount; total = subtotal - discount_amount + tax_amount +
    shipping_amount; balance_due = total - paid_amount. Invoices print the stored figures, so
    drift is billed.
    """

    severity = "medium"
    risks = ("RISK-INTEGRITY-007",)
    order = 5040

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Sum the lines of every parent and compare them and the parent's own identities."""
        tally = Tally(["table_name", "lines_table"])
        for fk in foreign_keys(conn, ctx):
            parent, child = fk.parent, fk.child
            if not (has_column(conn, parent, "subtotal") and has_column(conn, child, "line_total")):
                continue
            line_tax = has_column(conn, child, "tax_amount") and has_column(
                conn, parent, "tax_amount")
            rules = [sql.SQL("p.subtotal IS DISTINCT FROM coalesce(l.s, 0)")]
            if line_tax:
                rules.append(sql.SQL("p.tax_amount IS DISTINCT FROM coalesce(l.tax, 0)"))
            if has_column(conn, parent, "total"):
                expr: sql.Composable = sql.SQL("p.subtotal")
                for column, sign in TOTAL_TERMS:
                    if has_column(conn, parent, column):
                        expr = sql.SQL("{} {} coalesce(p.{}, 0)").format(
                            expr, sql.SQL(sign), sql.Identifier(column))
                rules.append(sql.SQL("p.total IS DISTINCT FROM {}").format(expr))
                if has_column(conn, parent, "balance_due") and has_column(
                        conn, parent, "paid_amount"):
                    rules.append(sql.SQL(
                        "p.balance_due IS DISTINCT FROM p.total - coalesce(p.paid_amount, 0)"))
            tax_sum = sql.SQL(", sum(tax_amount) AS tax") if line_tax else sql.SQL("")
            frm = sql.SQL(
                "FROM {p} p LEFT JOIN (SELECT {cc} AS k, sum(line_total) AS s{tax} FROM {c} "
                "GROUP BY 1) l ON l.k = p.{pc} WHERE {rules}").format(
                p=ident(parent), c=ident(child), cc=sql.Identifier(fk.child_column),
                pc=sql.Identifier(fk.parent_column), tax=tax_sum,
                rules=sql.SQL(" OR ").join(rules))
            tally.count(
                conn, (parent, child), sql.SQL("SELECT count(*) ") + frm,
                sql.SQL("SELECT p.{pc} ").format(pc=sql.Identifier(fk.parent_column)) + frm
                + sql.SQL(" LIMIT {n}").format(n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
