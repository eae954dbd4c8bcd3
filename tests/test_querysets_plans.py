"""Plans of inferred queries on a workbench-owned database, and which plans changed between runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests._team_tracker import build
from workbench.errors import UnsafeOperation
from workbench.querysets.plans import PLANS_FILE, explain_target
from workbench.report.compare import compare, resolve_run
from workbench.settings import Settings

pytestmark = pytest.mark.db


def test_explain_runs_compare_and_name_the_plans_an_index_changed(
    settings: Settings, scratch_db: Callable[[str], str],
    connect: Callable[..., psycopg.Connection], tmp_path: Path,
) -> None:
    name = build(scratch_db, connect)
    kwargs = dict(names=(), queries_from=None, queries_dir=None, tenancy_file=None,
                  repeats=1, warmup=0)
    first = explain_target(settings, name, out=tmp_path / "a", **kwargs)  # type: ignore[arg-type]
    assert len({c.query for c in first.captures}) >= 20 and not first.skipped
    saved = json.loads((tmp_path / "a" / PLANS_FILE).read_text())
    assert {p["params"] for p in saved["plans"]} == {"large/drawn", "small/drawn"}
    assert (tmp_path / "a" / "queryset.json").is_file()
    conn = connect(name, autocommit=True)
    conn.execute("CREATE INDEX tasks_project_created ON tasks (project_id, created_at)")
    conn.execute("ANALYZE tasks")
    explain_target(settings, name, out=tmp_path / "b", **kwargs)  # type: ignore[arg-type]
    run_a = resolve_run(settings.results_dir, str(tmp_path / "a"))
    run_b = resolve_run(settings.results_dir, str(tmp_path / "b"))
    changed = {(p["query"], p["params"]) for p in compare(run_a, run_b).plans}
    assert ("tasks__by_projects", "large/drawn") in changed
    # the same run against itself changes nothing
    assert compare(run_a, run_a).plans == []


def test_explain_refuses_a_database_the_workbench_did_not_create(
    settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(UnsafeOperation, match="did not create"):
        explain_target(settings, "postgres", names=(), queries_from=None, queries_dir=None,
                       tenancy_file=None, repeats=1, warmup=0, out=tmp_path)
