"""Building and running a load plan (:mod:`workbench.load.plan`) for any schema's query set.

The driver's side: it reads the tenant model and the database, draws every tenant's values,
grants the load role, writes the plan and runs Locust on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from workbench import db
from workbench.errors import BadParameter
from workbench.load.plan import CONTEXT_KEYS, LoadPlan, json_value
from workbench.load.runner import LoadRun, LoadSpec, run_load
from workbench.load.tenants import LOAD_ROLE
from workbench.load.writes import WRITE_SHARE, infer_writes
from workbench.load.writes import weights as write_weights
from workbench.querysets.draw import Drawer, tenants
from workbench.querysets.draw import Tenant as DrawnTenant
from workbench.querysets.model import QuerySet, Skipped
from workbench.querysets.scoping import ident
from workbench.settings import Settings
from workbench.sqlfiles import read_sql

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel

MAX_TENANTS = 20  # the largest ones: they carry most of the traffic (121 tables at demo:
#                   50 tenants took 54 s to draw)
JWT_CLAIMS = "request.jwt.claims"
JWT_SUB = "request.jwt.claim.sub"


def context_sql(model: TenantModel) -> str:
    """``SELECT set_config(...)`` for the role, the model's settings, and the JWT claims."""
    parts: list[sql.Composable] = [sql.SQL("set_config('role', %(role)s, true)")]
    for name in model.context.settings:
        parts.append(sql.SQL("set_config({}, %(org)s, true)").format(sql.Literal(name)))
    if model.context.uses_auth_uid:
        parts.append(sql.SQL("set_config({}, %(wb_claims)s, true)").format(
            sql.Literal(JWT_CLAIMS)))
        parts.append(sql.SQL("set_config({}, %(wb_sub)s, true)").format(sql.Literal(JWT_SUB)))
    return "SELECT " + ", ".join(p.as_string(None) for p in parts)


def _member(conn: psycopg.Connection, model: TenantModel, tenant: DrawnTenant) -> str | None:
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
    conn: psycopg.Connection, model: TenantModel, queries: QuerySet, *,
    max_tenants: int = MAX_TENANTS, page_size: int = 25, write_share: float = WRITE_SHARE,
    profile: str = "ci",
) -> LoadPlan:
    """Draw values for the read queries of ``queries``, per tenant (the largest ones), and add
    the writes the catalog allows (:mod:`workbench.load.writes`, rolled back) as
    ``write_share`` of the requests (0: reads only); ``profile`` is the seeding profile whose
    generators make the written values."""
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
            "values": {name: [{k: json_value(v) for k, v in ps.values.items()} for ps in sl]
                       for name, sl in sets.items()}})
    chosen = [q for q in reads if q.name in usable]
    entries: list[dict[str, Any]] = [
        {"name": q.name, "sql": q.sql, "params": list(q.params),
         "weight": queries.weights.get(q.name, 1.0)} for q in chosen]
    if write_share > 0 and ranked:
        found = infer_writes(conn, model, [t.id for t in ranked], profile=profile)
        weight = write_weights({q.name: queries.weights.get(q.name, 1.0) for q in chosen},
                               found.queries, write_share)
        entries += [{"name": q.name, "sql": q.sql, "params": list(q.params),
                     "weight": weight[q.name], "writes": True} for q in found.queries]
        for drawn in per_tenant:
            drawn["values"].update(found.values.get(drawn["id"], {}))
        skipped.update({s.name: s for s in found.skipped})
    return LoadPlan(queries.source, context_sql(model), entries, per_tenant,
                    [{"name": s.name, "reason": s.reason} for s in skipped.values()])


def grant_load_role(conn: psycopg.Connection, model: TenantModel) -> None:
    """Let the load role read and write the model's schemas (a workbench-owned database only).

    Where the schema has Supabase's ``authenticated`` role the load role inherits it (its
    grants are the application's); otherwise it is granted SELECT, INSERT and UPDATE on every
    table (and its sequences, for defaults), so that RLS, not a missing privilege, decides
    what a tenant sees and writes (the plan's writes are rolled back).
    """
    conn.execute(read_sql("load/role.sql"))  # type: ignore[arg-type]
    for schema in model.schemas or ("public",):
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {s} TO {r}; "
                             "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {s} TO {r}; "
                             "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}").format(
            s=sql.Identifier(schema), r=sql.Identifier(LOAD_ROLE)))


def run_plan(
    settings: Settings, target: str, plan: LoadPlan, *, users: int = 10,
    spawn_rate: float = 10.0, duration: str = "10s", processes: int = 1,
    results_dir: Path | None = None, label: str = "",
) -> LoadRun:
    """Locust on ``target`` (a workbench-owned database) with ``plan``: the usual run folder.

    The plan is saved beside the run (``load_plan.json``) and handed to Locust by path.
    """
    db.require_owned(settings, target, action="load")
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
    write_share: float = WRITE_SHARE,
) -> LoadRun:
    """The query set of ``target`` (captured, a folder, or inferred) under load, with the
    catalog's inferred writes as ``write_share`` of the requests."""
    from workbench import tenancy
    from workbench.querysets import sources

    db.require_owned(settings, target, action="load")
    with db.connection(settings, target, autocommit=True) as conn:
        model = tenancy.infer(conn)
        queries = sources.choose(conn, model, queries_from=queries_from, queries_dir=queries_dir)
        grant_load_role(conn, model)
        plan = build(conn, model, queries, write_share=write_share)
    return run_plan(settings, target, plan, users=users, spawn_rate=spawn_rate,
                    duration=duration, processes=processes, results_dir=results_dir)
