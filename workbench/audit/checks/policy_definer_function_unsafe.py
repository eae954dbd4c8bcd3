"""Policy helpers (SECURITY DEFINER) with a mutable search_path or EXECUTE for anyone."""

from __future__ import annotations

import psycopg

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.tenancy.policies import PolicyReader

EVERYONE = ("PUBLIC", "anon")


class PolicyDefinerFunctionUnsafe(PythonCheck):
    """Policy helpers (SECURITY DEFINER) with a mutable search_path or EXECUTE for anyone.

    A policy that learns the caller's tenants through a SECURITY DEFINER helper runs that helper
    with its owner's rights. Without SET search_path a caller can put a table or operator of
    their own first on the path and have the helper read it (the classic definer hijack); with
    EXECUTE granted to PUBLIC or anon, anyone (PostgREST exposes functions of exposed schemas)
    can call it and read tenant membership directly. Functions called by functions are followed.
    """

    severity = "high"
    risks = ("RISK-INT-002",)
    kind = "structural"
    order = 250

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Every definer function policies reach, once per problem, naming the policies."""
        columns = ["function_name", "problem", "policies"]
        reader = PolicyReader(ctx.read_catalog(conn), ctx.tenant_model)
        rows = []
        for name, (func, policies) in sorted(reader.definer_functions().items()):
            used_by = ", ".join(sorted({f"{ctx.labels.get(p.table, p.table)}.{p.name}"
                                        for p in policies}))
            if not func.fixed_search_path:
                rows.append((name, "search_path not fixed (no SET search_path)", used_by))
            runners = [r for r in func.executors if r in EVERYONE]
            if runners:
                rows.append((name, f"EXECUTE granted to {', '.join(runners)}", used_by))
        detail = "; ".join(f"{r[0]}: {r[1]}" for r in rows[:5]) or "none"
        return Found(len(rows), columns, rows, detail)
