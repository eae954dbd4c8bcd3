"""Values of email columns that are not a plausible address."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, columns_like, ident
from workbench.column_names import EMAIL_NAMES

PLAUSIBLE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class InvalidEmails(PythonCheck):
    """Values of email columns that are not a plausible address.

    Columns are found by name (email, *_email, from/to_address); a value passes when it is
    local@domain.tld with no whitespace. NULLs are not counted.
    """

    severity = "low"
    risks = ("RISK-INTEGRITY-008",)
    order = 5060

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Match every non-NULL value against the pattern."""
        tally = Tally(["table_name", "column_name"])
        for table, column, _ in columns_like(conn, ctx, EMAIL_NAMES, types=("S",)):
            where = sql.SQL("{c} !~ {p}").format(c=sql.Identifier(column),
                                                 p=sql.Literal(PLAUSIBLE))
            tally.count(
                conn, (table, column),
                sql.SQL("SELECT count(*) FROM {t} WHERE {w}").format(t=ident(table), w=where),
                sql.SQL("SELECT {c} FROM {t} WHERE {w} LIMIT {n}").format(
                    c=sql.Identifier(column), t=ident(table), w=where,
                    n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
