"""Load from a query set on a schema that is not the reviewed one: weighted, tenant-aware."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests._team_tracker import build
from workbench import tenancy
from workbench.load.plan import LoadPlan
from workbench.load.queryset_load import build as build_plan
from workbench.load.queryset_load import grant_load_role, run_plan
from workbench.load.tenants import LOAD_ROLE
from workbench.querysets import sources
from workbench.settings import Settings

pytestmark = pytest.mark.db


def _tracker(scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
             ) -> tuple[str, psycopg.Connection, tenancy.TenantModel]:
    """The team tracker in a fresh database: its name, a connection, its tenant model."""
    name = build(scratch_db, connect)
    conn = connect(name, autocommit=True)
    return name, conn, tenancy.infer(conn)


def _plan(conn: psycopg.Connection) -> tuple[object, LoadPlan]:
    model = tenancy.infer(conn)
    qs = sources.choose(conn, model)
    for q in qs.queries:  # weights as a capture would give them: lists ten times the lookups
        qs.weights[q.name] = 10.0 if q.name.endswith("__list") else 1.0
    return model, build_plan(conn, model, qs, max_tenants=3)


def test_plan_context_puts_the_tenants_policies_in_force(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    conn = connect(build(scratch_db, connect), autocommit=True)
    model, plan = _plan(conn)
    assert "set_config('app.team_id', %(org)s, true)" in plan.context_sql
    assert [t["id"] for t in plan.tenants] == ["1", "2", "3"]
    assert plan.workload().tasks["tasks__list"] == 10.0
    grant_load_role(conn, model)
    directory = plan.directory()
    small = directory.tenants[-1]
    context = {"role": LOAD_ROLE, **LoadPlan.context(small)}
    with conn.transaction():
        conn.execute(plan.context_sql, context)  # type: ignore[arg-type]
        seen = {r[0] for r in conn.execute("SELECT DISTINCT team_id FROM projects")}
        tasks = conn.execute("SELECT count(*) FROM tasks").fetchone()
    assert seen == {3} and tasks is not None and 0 < tasks[0] < 6000
    json.loads(json.dumps(plan.__dict__))  # the plan travels as JSON


@pytest.mark.slow
def test_short_load_run_reports_percentiles_per_query(
    settings: Settings, scratch_db: Callable[[str], str],
    connect: Callable[..., psycopg.Connection], tmp_path: Path,
) -> None:
    name, conn, model = _tracker(scratch_db, connect)
    qs = sources.choose(conn, model).select(["tasks__list", "tasks__by_key", "projects__count"])
    qs.weights.update({"tasks__list": 20.0, "tasks__by_key": 1.0, "projects__count": 1.0})
    plan = build_plan(conn, model, qs, max_tenants=3, write_share=0)  # the reads' weights alone
    grant_load_role(conn, model)
    run = run_plan(settings, name, plan, users=4, spawn_rate=10, duration="5s",
                   results_dir=tmp_path)
    assert run.failure_count() == 0, run.failures
    lat = run.latency_us.set_index("name")
    assert set(lat.index) <= {"tasks__list", "tasks__by_key", "projects__count"}
    assert "tasks__list" in lat.index
    for col in ("p50_us", "p95_us", "p99_us"):
        assert (lat[col] > 0).all()
    # twenty times the weight: the list is asked for most (four users for five seconds on a
    # tiny schema make hundreds of requests; a run too short to tell is itself a failure)
    assert lat["count"].sum() >= 20, lat
    assert lat["count"]["tasks__list"] >= lat["count"].drop("tasks__list").sum()
    assert (run.folder / "report.html").is_file()


def _counts(conn: psycopg.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("projects", "tasks", "comments", "team_members")}


def test_plan_adds_writes_inferred_from_the_catalog_both_ways(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    _, conn, model = _tracker(scratch_db, connect)
    qs = sources.choose(conn, model)
    reads_only = build_plan(conn, model, qs, max_tenants=3, write_share=0)
    assert not [q for q in reads_only.queries if q.get("writes")]
    plan = build_plan(conn, model, qs, max_tenants=3)
    writes = {q["name"]: q for q in plan.queries if q.get("writes")}
    # a direct table and an indirect one: a new row, and one column of a row by its key
    assert {"projects__insert", "tasks__insert", "tasks__update"} <= set(writes), writes
    assert "ON CONFLICT DO NOTHING" in writes["tasks__insert"]["sql"]
    share = sum(q["weight"] for q in writes.values()) / sum(q["weight"] for q in plan.queries)
    assert abs(share - 0.2) < 1e-9
    for tenant in plan.tenants:  # every tenant writes from its own rows
        assert tenant["values"]["tasks__insert"], tenant["id"]
    # as the load role in tenant 1's context the write goes through, and is rolled back
    grant_load_role(conn, model)
    before = _counts(conn)
    first = plan.directory().tenants[0]
    query = plan.read_queries()["tasks__insert"]
    assert query.rolled_back
    values = LoadPlan.values(first, query, random.Random(1))
    with conn.transaction(force_rollback=True):
        conn.execute(plan.context_sql, {"role": LOAD_ROLE, **LoadPlan.context(first)})  # type: ignore[arg-type]
        assert conn.execute(query.sql, values).rowcount == 1  # type: ignore[arg-type]
    assert _counts(conn) == before


@pytest.mark.slow
def test_load_with_writes_reports_them_and_leaves_the_rows(
    settings: Settings, scratch_db: Callable[[str], str],
    connect: Callable[..., psycopg.Connection], tmp_path: Path,
) -> None:
    name, conn, model = _tracker(scratch_db, connect)
    qs = sources.choose(conn, model).select(["tasks__list", "projects__count"])
    plan = build_plan(conn, model, qs, max_tenants=3, write_share=0.5)
    grant_load_role(conn, model)
    before = _counts(conn)
    run = run_plan(settings, name, plan, users=3, spawn_rate=10, duration="4s",
                   results_dir=tmp_path)
    assert run.failure_count() == 0, run.failures
    lat = run.latency_us.set_index("name")
    written = [n for n in lat.index if n.endswith(("__insert", "__update"))]
    assert written and lat.loc[written, "count"].sum() >= 5, lat
    assert _counts(conn) == before  # every write rolled back
