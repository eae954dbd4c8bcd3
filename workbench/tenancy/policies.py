"""Does a policy on tenant data constrain rows by tenant? Read against the tenant model.

A policy scopes a direct table when it reads the table's tenant column AND something that knows
the caller's tenant (a setting, the caller's identity, a helper function, the membership or
tenant table). On an indirect table it must also go through its path: read the first hop's
column and one of the tables the path passes. ``USING (true)`` never scopes. A permissive policy
that does not scope is harmless only when a scoped RESTRICTIVE policy covers the same command
(policies of one kind are OR-ed, restrictive ones AND-ed onto them).

The functions policies call are followed (two levels), which is also how SECURITY DEFINER
helpers are found for their own check.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.tenancy.catalog import Catalog, Function, Policy
from workbench.tenancy.expressions import Reader, Reading, is_always_true
from workbench.tenancy.model import TableTenancy, TenantModel

COVERS = {"ALL": ("SELECT", "INSERT", "UPDATE", "DELETE")}


@dataclass(frozen=True)
class PolicyScope:
    """The verdict on one policy of a tenant table."""

    policy: Policy
    scoped: bool
    why: str


def _expressions(policy: Policy) -> list[tuple[str, str]]:
    """(clause, expression) pairs that apply; UPDATE/ALL without WITH CHECK reuse USING."""
    out = []
    if policy.using_expr is not None:
        out.append(("USING", policy.using_expr))
    if policy.check_expr is not None:
        out.append(("WITH CHECK", policy.check_expr))
    return out


class PolicyReader:
    """Policies of one catalog judged against one tenant model."""

    def __init__(self, catalog: Catalog, model: TenantModel) -> None:
        self.catalog = catalog
        self.model = model
        self.reader = Reader(catalog)
        ctx = model.context
        self.scope_tables = {t for t in (model.tenant_table, ctx.membership_table) if t}
        self.helpers = set(ctx.helper_functions)

    def knows_tenant(self, reading: Reading) -> bool:
        """The expression can learn the caller's tenant."""
        return (reading.has_context or bool(reading.relations & self.scope_tables)
                or any(f.name in self.helpers for f in reading.functions))

    def judge(self, policy: Policy, tenancy: TableTenancy) -> tuple[bool, str]:
        """(scoped, why) for one policy of a direct or indirect table."""
        for clause, expr in _expressions(policy):
            if is_always_true(expr):
                return False, f"{clause} (true) lets every tenant's rows through"
            reading = self.reader.read(expr, policy.table)
            if tenancy.kind == "direct":
                column = tenancy.column or ""
                if column not in reading.columns:
                    return False, f"{clause} never reads the tenant column {column}"
            else:
                hop = tenancy.path[0]
                passes = {h.ref_table for h in tenancy.path} | self.scope_tables
                if not set(hop.columns) & reading.columns or not reading.relations & passes:
                    return False, (f"{clause} never follows {', '.join(hop.columns)} toward "
                                   f"{self.model.tenant_table or 'the tenant'}")
            if not self.knows_tenant(reading):
                return False, f"{clause} compares with nothing that knows the caller's tenant"
        return True, "scoped"

    def scopes(self) -> list[PolicyScope]:
        """Every policy of a tenant table; permissive unscoped ones excused by a scoped
        restrictive policy on the same command are reported scoped."""
        judged: list[PolicyScope] = []
        for policy in self.catalog.policies:
            tenancy = self.model.table(policy.table)
            if tenancy is None or tenancy.kind not in ("direct", "indirect"):
                continue
            scoped, why = self.judge(policy, tenancy)
            judged.append(PolicyScope(policy, scoped, why))
        guarded = {(s.policy.table, cmd) for s in judged
                   if s.scoped and not s.policy.permissive
                   for cmd in COVERS.get(s.policy.command, (s.policy.command,))}
        out = []
        for s in judged:
            cmds = COVERS.get(s.policy.command, (s.policy.command,))
            if not s.scoped and all((s.policy.table, c) in guarded for c in cmds):
                s = PolicyScope(s.policy, True, "a restrictive policy scopes it")
            out.append(s)
        return out

    def definer_functions(self) -> dict[str, tuple[Function, list[Policy]]]:
        """SECURITY DEFINER functions any policy reaches (followed), with those policies."""
        found: dict[str, tuple[Function, list[Policy]]] = {}
        for policy in self.catalog.policies:
            for f in self.reader.read(policy.text, policy.table).functions:
                if f.security_definer:
                    found.setdefault(f.signature or f.name, (f, []))[1].append(policy)
        return found
