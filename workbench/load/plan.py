"""A load plan for any schema: its query set, its tenants with their drawn values, its context.

The catalog's load (``loadtests/workloads/*.toml``) knows the reviewed schema's queries; a
user's schema has a query set instead (:mod:`workbench.querysets`: captured, a folder, or
inferred). The driver draws everything once (it has the tenant model and the database) and
writes one JSON file; every Locust process reads it (``--queryset FILE``), so no process
guesses. A task's weight is the query's weight (calls, for a captured workload). Each tenant
carries its size (users are drawn in proportion), one set of values per query, and the caller
its policies expect: the model's ``current_setting`` names get the tenant's id, and where
policies call ``auth.uid()`` a member of the tenant (from the membership table) goes into
``request.jwt.claims`` and ``request.jwt.claim.sub``, as PostgREST sets them.

Values travel as JSON: numbers stay numbers, everything else as text (the query sends it as
an untyped literal, and PostgreSQL reads it as the compared column's type), arrays as array
literals.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from workbench import db
from workbench.errors import BadParameter, UnsafeOperation
from workbench.load.runner import LoadRun, LoadSpec, run_load
from workbench.load.tenants import LOAD_ROLE, Tenant, TenantDirectory
from workbench.load.workload import ReadQuery, Workload
from workbench.querysets.draw import Drawer, tenants
from workbench.querysets.draw import Tenant as DrawnTenant
from workbench.querysets.model import QuerySet, Skipped
from workbench.querysets.scoping import ident
from workbench.settings import Settings
from workbench.sqlfiles import read_sql

MAX_TENANTS = 50  # the largest ones: they carry most of the traffic
JWT_CLAIMS = "request.jwt.claims"
JWT_SUB = "request.jwt.claim.sub"
CONTEXT_KEYS = {"role", "org", "wb_sub", "wb_claims"}  # the context statement's parameters


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        inner = ",".join('"' + str(v).replace('"', '\\"') + '"' for v in value)
        return "{" + inner + "}"
    return str(value)


@dataclass
class LoadPlan:
    """Queries with weights, tenants with values, and the context SQL users run first."""

    source: str
    context_sql: str
    queries: list[dict[str, Any]]
    tenants: list[dict[str, Any]]
    skipped: list[dict[str, str]] = field(default_factory=list)

    # -- for Locust processes -------------------------------------------------------------
    def workload(self) -> Workload:
        """The plan as a workload: every query a read task, weighted."""
        return Workload("queryset", self.source, {q["name"]: float(q["weight"])
                                                  for q in self.queries})

    def read_queries(self) -> dict[str, ReadQuery]:
        """Each query as a read request whose context is the plan's."""
        return {q["name"]: ReadQuery(q["name"], q["sql"], tuple(q["params"]), self.context_sql)
                for q in self.queries}

    def directory(self) -> TenantDirectory:
        """Tenants with their sizes; each one's per-query values in ``params``."""
        return TenantDirectory([Tenant(str(t["id"]), int(t["size"]), {},
                                       {"values": t["values"], "sub": t.get("sub") or ""})
                                for t in self.tenants])

    @staticmethod
    def values(tenant: Tenant, query: ReadQuery, rng: random.Random) -> dict[str, Any]:
        """The tenant's values for ``query`` (one of its drawn sets)."""
        options = tenant.params["values"].get(query.name) or [{}]  # type: ignore[union-attr]
        return dict(rng.choice(options))

    @staticmethod
    def context(tenant: Tenant) -> dict[str, Any]:
        """What the context SQL needs besides the role: the tenant, and its member's claims."""
        sub = str(tenant.params.get("sub") or "")
        return {"org": tenant.id, "wb_sub": sub,
                "wb_claims": json.dumps({"sub": sub, "role": "authenticated"})}

    # -- files ----------------------------------------------------------------------------
    def save(self, path: Path) -> Path:
        """Write the plan as JSON (no connection details in it)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.__dict__, indent=1, default=str))
        return path

    @classmethod
    def load(cls, path: Path) -> LoadPlan:
        """A plan written by :meth:`save`."""
        return cls(**json.loads(Path(path).read_text()))


def context_sql(model: Any) -> str:
    """``SELECT set_config(...)`` for the role, the model's settings, and the JWT claims."""
    parts = [sql.SQL("set_config('role', %(role)s, true)")]
    for name in model.context.settings:
        parts.append(sql.SQL("set_config({}, %(org)s, true)").format(sql.Literal(name)))
    if model.context.uses_auth_uid:
        parts.append(sql.SQL("set_config({}, %(wb_claims)s, true)").format(
            sql.Literal(JWT_CLAIMS)))
        parts.append(sql.SQL("set_config({}, %(wb_sub)s, true)").format(sql.Literal(JWT_SUB)))
    return "SELECT " + ", ".join(p.as_string(None) for p in parts)


def _member(conn: psycopg.Connection, model: Any, tenant: DrawnTenant) -> str | None:
    ctx = model.context
    if not (ctx.uses_auth_uid and ctx.membership_table and ctx.membership_user_column
            and ctx.membership_tenant_column):
        return None
    row = conn.execute(
        f"SELECT {ident(ctx.membership_user_column)}::text FROM {ctx.membership_table} "  # type: ignore[arg-type]
        f"WHERE {ident(ctx.membership_tenant_column)} = %s ORDER BY 1 LIMIT 1",
        (tenant.id,)).fetchone()
    return row[0] if row else None


def build(
    conn: psycopg.Connection, model: Any, queries: QuerySet, *,
    max_tenants: int = MAX_TENANTS, page_size: int = 25,
) -> LoadPlan:
    """Draw values for the read queries of ``queries``, per tenant (the largest ones)."""
    reads = queries.reads()
    ranked = [t for t in tenants(conn, model) if t.size > 0][:max_tenants]
    drawer = Drawer(conn, model, page_size=page_size)
    per_tenant: list[dict[str, Any]] = []
    skipped: dict[str, Skipped] = {}
    usable: set[str] = {q.name for q in reads}
    for q in reads:
        clash = set(q.params) & CONTEXT_KEYS
        if clash:
            skipped[q.name] = Skipped(q.name, f"parameter named {sorted(clash)[0]!r}: the load "
                                      "context uses that name; rename it in the query file")
            usable.discard(q.name)
    for tenant in ranked:
        sets, missed = drawer.param_sets(reads, {"t": tenant})
        for s in missed:
            skipped[s.name] = s
            usable.discard(s.name)
        per_tenant.append({
            "id": str(tenant.id), "size": tenant.size, "sub": _member(conn, model, tenant),
            "values": {name: [{k: _json_value(v) for k, v in ps.values.items()} for ps in sl]
                       for name, sl in sets.items()}})
    chosen = [q for q in reads if q.name in usable]
    return LoadPlan(
        queries.source, context_sql(model),
        [{"name": q.name, "sql": q.sql, "params": list(q.params),
          "weight": queries.weights.get(q.name, 1.0)} for q in chosen],
        per_tenant, [{"name": s.name, "reason": s.reason} for s in skipped.values()])


def grant_load_role(conn: psycopg.Connection, model: Any) -> None:
    """Let the load role read the model's schemas (on a workbench-owned database only).

    Where the schema has Supabase's ``authenticated`` role the load role inherits it (its
    grants are the application's); otherwise it is granted SELECT on every table, so that RLS,
    not a missing privilege, decides what a tenant sees.
    """
    conn.execute(read_sql("load/role.sql"))  # type: ignore[arg-type]
    for schema in model.schemas or ("public",):
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {s} TO {r}; "
                             "GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}").format(
            s=sql.Identifier(schema), r=sql.Identifier(LOAD_ROLE)))


def run_plan(
    settings: Settings, target: str, plan: LoadPlan, *, users: int = 10,
    spawn_rate: float = 10.0, duration: str = "10s", processes: int = 1,
    results_dir: Path | None = None, label: str = "",
) -> LoadRun:
    """Locust on ``target`` (a workbench-owned database) with ``plan``: the usual run folder.

    The plan is saved beside the run (``load_plan.json``) and handed to Locust by path.
    """
    if not db.is_owned(settings, target):
        raise UnsafeOperation(f"refusing to load {target!r}: the workbench did not create it "
                              "(clone it first: workbench clone)")
    if not plan.queries or not plan.tenants:
        raise BadParameter(f"nothing to load on {target!r}: the plan has "
                           f"{len(plan.queries)} queries and {len(plan.tenants)} tenants")
    folder = (results_dir or settings.results_dir)
    path = plan.save(folder / f"load_plan-{target}.json")
    spec = LoadSpec(workload="queryset", users=users, spawn_rate=spawn_rate, duration=duration,
                    processes=processes, queryset=str(path), target=target,
                    label=label or target)
    return run_load(settings, spec, results_dir=folder)


def load_target(
    settings: Settings, target: str, *, queries_from: str | None = None,
    queries_dir: Path | None = None, users: int = 10, spawn_rate: float = 10.0,
    duration: str = "10s", processes: int = 1, results_dir: Path | None = None,
) -> LoadRun:
    """The query set of ``target`` (captured, a folder, or inferred) under load."""
    from workbench import tenancy
    from workbench.querysets import sources

    if not db.is_owned(settings, target):
        raise UnsafeOperation(f"refusing to load {target!r}: the workbench did not create it "
                              "(clone it first: workbench clone)")
    with db.connection(settings, target, autocommit=True) as conn:
        model = tenancy.infer(conn)
        queries = sources.choose(conn, model, queries_from=queries_from, queries_dir=queries_dir)
        grant_load_role(conn, model)
        plan = build(conn, model, queries)
    return run_plan(settings, target, plan, users=users, spawn_rate=spawn_rate,
                    duration=duration, processes=processes, results_dir=results_dir)
