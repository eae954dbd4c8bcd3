"""Index advice on a schema that is not the reviewed one: ranked by HypoPG, then measured."""

from __future__ import annotations

import os
from collections.abc import Callable

import psycopg
import pytest

from tests._team_tracker import build
from workbench import db, tenancy
from workbench.experiments.index_advice import advise, hypopg_status
from workbench.querysets import draw, plans, sources
from workbench.schema.fingerprint import fingerprint

pytestmark = [pytest.mark.db, pytest.mark.slow]
HYPOPG_PACKAGED = 15  # Debian's postgresql-15-hypopg, installed by make system-deps


def _setup(scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]):
    conn = connect(build(scratch_db, connect), autocommit=True, prepare_threshold=None)
    model = tenancy.infer(conn)
    qs = sources.choose(conn, model)
    drawer = draw.Drawer(conn, model)
    sets, _ = drawer.param_sets(qs.queries, draw.pick(draw.tenants(conn, model)))
    run = plans.capture_set(conn, qs, sets, repeats=1, warmup=0)
    return conn, qs, sets, run


def test_hypopg_ranks_candidates_without_building_them(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    conn, qs, sets, run = _setup(scratch_db, connect)
    available, status = hypopg_status(conn)
    if not available:
        major = db.server_version(conn) // 10000
        if os.environ.get("CI") == "true" and major == HYPOPG_PACKAGED:
            pytest.fail(f"CI needs HypoPG on PostgreSQL {major} (make system-deps): {status}")
        # the embedded server: no HypoPG build for it (see index_advice). The advice says so and
        # ranks by building the candidates one at a time, leaving nothing behind.
        before = fingerprint(conn)
        advice = advise(conn, qs, sets, run.captures, top=0)
        assert advice.hypopg.startswith("hypopg unavailable on this server")
        assert set(advice.ranking()["method"]) == {"built"}
        assert fingerprint(conn).digest == before.digest
        return
    before = fingerprint(conn)
    advice = advise(conn, qs, sets, run.captures, top=0)
    assert advice.hypopg.startswith("hypopg ")
    ranking = advice.ranking()
    assert not ranking.empty and set(ranking["method"]) == {"hypopg"}
    assert list(ranking["cost_saved"]) == sorted(ranking["cost_saved"], reverse=True)
    # the keyset list of tasks by project has no index; one leading with project_id helps it
    by_projects = ranking[ranking["used_by"].str.contains("tasks__by_projects")]
    assert any(idx.startswith("public.tasks (project_id") for idx in by_projects["index"])
    # nothing was built, and hypopg's extension did not stay behind
    assert fingerprint(conn).digest == before.digest
    assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'wbx_%'"
                        ).fetchone() == (0,)


def test_best_candidate_is_built_and_measured_then_removed(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    conn, qs, sets, run = _setup(scratch_db, connect)
    available, status = hypopg_status(conn)
    before = fingerprint(conn)
    # without HypoPG the candidates are built one by one for the ranking; the advice says so
    advice = advise(conn, qs, sets, run.captures, top=1, repeats=2, cycles=1, write_rows=100,
                    use_hypopg=False)
    assert advice.hypopg == "hypopg not used"
    assert set(advice.ranking()["method"]) == {"built"}
    best = advice.ranked[0].candidate
    lat = advice.latency()
    assert set(lat["index"]) == {best.name}
    for col in ("median_before", "median_after", "p95_before", "p95_after"):
        assert (lat[col] > 0).all()
    touched = set(lat["query"])
    assert set(advice.ranked[0].used_by) <= touched
    wc = advice.write_cost()
    assert list(wc["table"]) == [best.table]
    assert (wc[["before", "after"]] > 0).all().all()
    assert advice.sizes[best.name] > 0
    assert fingerprint(conn).digest == before.digest
    if not available:
        assert status.startswith("hypopg unavailable on this server: ")
