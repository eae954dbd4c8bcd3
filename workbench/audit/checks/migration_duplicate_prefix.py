"""Migration files that share a numeric prefix."""

from __future__ import annotations

import psycopg

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.migrations import duplicate_prefixes


class MigrationDuplicatePrefix(PythonCheck):
    """Migration files that share a numeric prefix.

    Two files numbered alike (the reviewed 0001_auth_user_trigger and 0001_bouncy_lenny_balinger)
    run in an order decided by the tool's sort, not by the author, and a tool that keys its
    journal by version number may skip one of them. Only runs with --migrations PATH.
    """

    severity = "medium"
    risks = ("RISK-OPS-001",)
    kind = "migrations"
    order = 9010

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Group the folder's files by prefix; every prefix held twice or more is one finding."""
        if ctx.migrations is None:
            return Found(0, [], [], "no --migrations folder given")
        dups = duplicate_prefixes(ctx.migrations.files())
        rows = [(prefix, names) for prefix, names in dups]
        detail = "; ".join(f"{p}: {', '.join(n)}" for p, n in dups) or "none"
        return Found(len(rows), ["prefix", "files"], rows, detail)
