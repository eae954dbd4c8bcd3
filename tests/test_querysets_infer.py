"""Queries inferred from a schema and its tenant model; values drawn per tenant from its rows."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from tests._team_tracker import build
from workbench import tenancy
from workbench.queries import Query
from workbench.querysets.draw import Drawer, pick, tenants
from workbench.querysets.infer import infer

pytestmark = pytest.mark.db

TASK_OWNER = ("SELECT DISTINCT p.team_id FROM tasks t JOIN projects p ON p.id = t.project_id "
              "WHERE t.id = ANY(%s)")
OWNERS = {
    "tasks__list": TASK_OWNER, "tasks__by_key": TASK_OWNER, "tasks__by_users": TASK_OWNER,
    "comments__by_tasks": "SELECT DISTINCT p.team_id FROM comments c JOIN tasks t ON "
    "t.id = c.task_id JOIN projects p ON p.id = t.project_id WHERE c.id = ANY(%s)",
}


def test_inferred_shapes_run_scoped_to_one_tenant_with_drawn_values(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    conn = connect(build(scratch_db, connect), autocommit=True)
    model = tenancy.infer(conn)
    qs = infer(conn, model)
    names = {q.name for q in qs.queries}
    # every shape, on a direct table (projects) and an indirect one two hops away (comments)
    for table in ("projects", "tasks", "comments"):
        for shape in ("list", "by_key", "count", "recent"):
            assert f"{table}__{shape}" in names
    assert {"tasks__by_projects", "tasks__by_users", "comments__by_tasks"} <= names
    assert not any(n.startswith(("teams__", "users__", "countries__")) for n in names)
    by = qs.by_name()
    # the indirect table is scoped through its foreign-key path to the direct column
    assert "JOIN public.projects" in by["comments__list"].sql
    assert '"team_id" = %(tenant)s' in by["comments__list"].sql
    ranked = tenants(conn, model)
    assert [t.id for t in ranked] == [1, 2, 3]
    chosen = pick(ranked)
    sets, skipped = Drawer(conn, model).param_sets(qs.queries, chosen)
    assert not skipped and set(sets) == names
    for query in qs.queries:
        for ps in sets[query.name]:
            tenant = chosen[ps.tenant].id
            assert ps.values["tenant"] == tenant
            rows = conn.execute(query.sql, ps.for_query(query)).fetchall()  # type: ignore[arg-type]
            # (a keyset page 2 of a one-project tenant is empty, rightly)
            if ps.tenant == "large" or not query.name.endswith("__list"):
                assert rows, f"{query.name} {ps.label} found nothing"
            owner_sql = OWNERS.get(query.name)
            if owner_sql:  # every row returned belongs to the tenant the values were drawn for
                owners = conn.execute(owner_sql, ([r[0] for r in rows],)).fetchall()
                assert owners == [(tenant,)], query.name


def test_a_parameter_compared_with_no_column_is_skipped_with_the_reason(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    conn = connect(build(scratch_db, connect), autocommit=True)
    model = tenancy.infer(conn)
    query = Query("odd", "", (), ("n",), "SELECT id FROM tasks WHERE length(title) > %(n)s")
    sets, skipped = Drawer(conn, model).param_sets([query], pick(tenants(conn, model)))
    assert not sets and skipped[0].name == "odd"
    assert "parameter n is compared with no column" in skipped[0].reason
