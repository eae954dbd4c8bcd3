"""Query sets from a folder and from pg_stat_statements; parameters bound with pglast."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests._team_tracker import build
from workbench.errors import BadParameter, NotFound
from workbench.querysets.binding import Columns, bind, named, unbound
from workbench.querysets.folder import from_folder
from workbench.querysets.statements import capture

pytestmark = pytest.mark.db


@pytest.fixture
def tracker(scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]) -> str:
    return build(scratch_db, connect)


def test_parameters_bind_through_joins_aliases_and_subqueries(
    tracker: str, connect: Callable[..., psycopg.Connection]
) -> None:
    columns = Columns.read(connect(tracker))
    sql = """
        WITH recent AS (SELECT * FROM comments WHERE created_at >= $5)
        SELECT t.id, p.name, count(r.id)
        FROM tasks t
        JOIN projects p ON p.id = t.project_id
        LEFT JOIN recent r ON r.task_id = t.id
        WHERE p.team_id = $1
          AND status IN ($2, $3)
          AND (t.created_at, t.id) < ($4, $7)
          AND EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = t.assignee_id
                      AND m.role = $6)
          AND lower(t.title) LIKE lower($8)
          AND length(t.title) > $9 + 1
        GROUP BY 1, 2 LIMIT $10 OFFSET $11"""
    got = {k: (b.table, b.column, b.op) for k, b in bind(sql, columns).items()}
    assert got == {
        "p1": ("public.projects", "team_id", "="),
        "p2": ("public.tasks", "status", "in"),
        "p3": ("public.tasks", "status", "in"),
        "p4": ("public.tasks", "created_at", "<"),
        "p5": ("public.comments", "created_at", ">="),
        "p6": ("public.team_members", "role", "="),
        "p7": ("public.tasks", "id", "<"),
        "p8": ("public.tasks", "title", "like"),
        "p9": (None, None, ""),  # compared with an expression, not a column
        "p10": (None, None, "limit"),
        "p11": (None, None, "offset"),
    }
    assert unbound(bind(sql, columns)) == ["p9"]
    named_sql = "SELECT * FROM tasks WHERE project_id = %(project)s AND due_on <= %(due)s"
    assert {k: b.column for k, b in bind(named_sql, columns).items()} == {
        "project": "project_id", "due": "due_on"}
    writes = bind("UPDATE tasks SET status = $1 WHERE id = $2", columns)
    assert (writes["p1"].column, writes["p1"].op, writes["p2"].column) == ("status", "set", "id")


def test_positional_statements_become_named_leaving_literals_alone() -> None:
    text, names = named("SELECT 'é$1%', $2 FROM tasks WHERE title LIKE 'a%' AND id = $1")
    assert names == ("p1", "p2")
    assert text == "SELECT 'é$1%%', %(p2)s FROM tasks WHERE title LIKE 'a%%' AND id = %(p1)s"
    with pytest.raises(BadParameter, match="cannot parse"):
        named("SELEC 1")


def test_folder_queries_default_their_header(tmp_path: Path) -> None:
    (tmp_path / "open_tasks.sql").write_text(
        "-- weight: 3\nSELECT id FROM tasks WHERE status = %(status)s LIMIT %(n)s\n")
    (tmp_path / "close_task.sql").write_text(
        "-- name: close\nUPDATE tasks SET status = 'done' WHERE id = %(id)s\n")
    qs = from_folder(tmp_path)
    by = qs.by_name()
    assert list(by) == ["close", "open_tasks"]
    assert by["open_tasks"].params == ("status", "n") and not by["open_tasks"].writes
    assert by["close"].writes and qs.weights == {"close": 1.0, "open_tasks": 3.0}
    (tmp_path / "bad.sql").write_text("-- weight: lots\nSELECT 1\n")
    with pytest.raises(BadParameter, match="weight"):
        from_folder(tmp_path)
    with pytest.raises(NotFound):
        from_folder(tmp_path / "missing")


def test_pg_stat_statements_capture_is_the_run_traffic_weighted_by_calls(
    tracker: str, connect: Callable[..., psycopg.Connection]
) -> None:
    conn = connect(tracker, autocommit=True)
    preload = conn.execute("SHOW shared_preload_libraries").fetchone()
    with pytest.raises(NotFound, match="not installed"):
        capture(conn)
    conn.execute("CREATE EXTENSION pg_stat_statements")
    if "pg_stat_statements" not in str(preload):
        # a server that does not preload it (the machine's PostgreSQL 15): one clear error
        with pytest.raises(NotFound, match="cannot read pg_stat_statements.*shared_preload"):
            capture(conn)
        return
    conn.execute("SELECT pg_stat_statements_reset()")
    app = connect(tracker, autocommit=True)
    for i in range(7):
        app.execute("SELECT id, title FROM tasks WHERE project_id = %s AND status = %s "
                    "ORDER BY created_at DESC LIMIT 20", (1 + i, "open")).fetchall()
    for i in range(3):
        app.execute("SELECT count(*) FROM comments c JOIN tasks t ON t.id = c.task_id "
                    "WHERE t.project_id = %s", (i + 1,)).fetchall()
    app.execute("SET work_mem = '8MB'")
    app.execute("SELECT count(*) FROM pg_class").fetchall()
    qs = capture(conn)
    assert sorted(qs.stats[q.name]["calls"] for q in qs.queries) == [3, 7]
    assert sorted(qs.weights.values()) == [3.0, 7.0]
    tasks_q = max(qs.queries, key=lambda q: qs.weights[q.name])
    assert tasks_q.name.startswith("select_tasks_") and tasks_q.params == ("p1", "p2", "p3")
    assert "%(p1)s" in tasks_q.sql
    reasons = " | ".join(s.reason for s in qs.skipped)
    assert "utility" in reasons and "pg_class" in reasons
    # the captured statement runs as captured, with values for its named parameters
    rows = app.execute(tasks_q.sql, {"p1": 1, "p2": "open", "p3": 5}).fetchall()  # type: ignore[arg-type]
    assert 0 < len(rows) <= 5
