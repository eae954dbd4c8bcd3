"""Migrations that do not apply cleanly, in order, on a fresh database."""

from __future__ import annotations

import psycopg

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.migrations import apply_fresh


class MigrationFailsOnFreshDatabase(PythonCheck):
    """Migrations that do not apply cleanly, in order, on a fresh database.

    The folder is applied file by file in a scratch database the workbench creates and drops
    (never the audited one); the first file PostgreSQL refuses is reported with its SQLSTATE,
    message and line, and the files after it as not applied. A migration that cannot run on an
    empty database means every new environment (CI, a new region, disaster recovery) is built
    some other way than the one reviewed. Only runs with --migrations PATH.
    """

    severity = "high"
    risks = ("RISK-OPS-004",)
    kind = "migrations"
    order = 9020

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Apply everything in a scratch database; one row for the first failure."""
        if ctx.migrations is None:
            return Found(0, [], [], "no --migrations folder given")
        columns = ["migration", "sqlstate", "message", "line", "not_applied"]
        failure = apply_fresh(ctx.migrations)
        if failure is None:
            return Found(0, columns, [], "every migration applied")
        row = (failure.migration, failure.sqlstate, failure.message, failure.line,
               list(failure.not_applied))
        later = (f"; {len(failure.not_applied)} later migration(s) not applied"
                 if failure.not_applied else "")
        where = f" (line {failure.line})" if failure.line else ""
        detail = (f"{failure.migration}{where}: {failure.message} "
                  f"[SQLSTATE {failure.sqlstate}]{later}")
        return Found(1, columns, [row], detail)
