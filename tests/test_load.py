"""Load path: histogram, workload files, tenant-aware users under RLS, Locust runs end to end."""

from __future__ import annotations

import random
from collections.abc import Iterator

import psycopg
import pytest

from workbench.errors import BadParameter
from workbench.load.histogram import HIGHEST_US, Histogram, HistogramSet
from workbench.load.runner import LoadSpec, parse_duration, run_load
from workbench.load.tenants import TenantDirectory, ensure_data, ensure_role, params_for
from workbench.load.transactions import TRANSACTIONS
from workbench.load.workload import ReadQuery, is_read_query, list_workloads, load_workload
from workbench.paths import sql_dir
from workbench.queries import catalog, draw_parameters, draw_parameters_for
from workbench.schema.variants import apply_variant
from workbench.settings import Settings
from workbench.sqlfiles import read_sql


def test_histogram_percentiles_are_close_and_bounds_are_kept() -> None:
    rng = random.Random(7)
    values = sorted(rng.randint(50, 20_000) for _ in range(20_000))
    hist = Histogram()
    for v in values:
        hist.record(v)
    for q in (0.5, 0.95, 0.99):
        exact = values[int(q * len(values)) - 1]
        assert abs(hist.percentile(q) - exact) / exact < 0.002
    assert hist.min_us == values[0] and abs(hist.max_us - values[-1]) <= values[-1] * 0.001
    assert abs(hist.mean_us - sum(values) / len(values)) < 0.001 * hist.mean_us
    hist.record(-5)
    hist.record(HIGHEST_US * 2)
    assert hist.count == 20_002 and hist.min_us == 0 and hist.max_us >= HIGHEST_US


def test_histograms_merge_across_processes(tmp_path) -> None:
    a, b = HistogramSet(), HistogramSet()
    for v in range(100):
        a.record("q", 1 + v)
        b.record("q", 1000 + v)
    b.record("only-b", 42)
    a.save(tmp_path / "hist-1.json")
    b.save(tmp_path / "hist-2.json")
    merged = HistogramSet.load_many(sorted(tmp_path.glob("hist-*.json")))
    assert merged["q"].count == 200 and merged["q"].min_us == 1 and merged["q"].max_us == 1099
    assert merged["q"].percentile(0.5) == 100 and merged["only-b"].count == 1
    rows = {r["name"]: r for r in merged.summary_rows()}
    assert rows["q"]["p50_us"] == 100 and rows["q"]["p99_us"] == 1097


def test_every_workload_names_real_queries_or_transactions() -> None:
    names = list_workloads()
    assert {"browse", "analytics", "write", "mixed"} <= set(names)
    for name in names:
        workload = load_workload(name)
        for task in workload.tasks:
            assert task in TRANSACTIONS or ReadQuery.load(task).sql
    mixed = load_workload("mixed")
    assert set(load_workload("write").tasks) <= set(mixed.tasks)



def test_read_tasks_are_catalog_queries_by_name_and_catalog_writes_are_not() -> None:
    cat = catalog()
    own = {p.stem for p in (sql_dir() / "load" / "queries").glob("*.sql")}
    assert not own & set(cat), "sql/load/queries/ duplicates catalog queries"
    reads = {t for w in ("browse", "analytics") for t in load_workload(w).tasks}
    assert len(reads & set(cat)) >= 10 and reads - set(cat) <= own
    for name in reads & set(cat):
        query = ReadQuery.load(name)
        assert (query.sql, query.params) == (cat[name].sql, cat[name].params)
    for name in (n for n, q in cat.items() if q.writes):
        assert not is_read_query(name)
        with pytest.raises(BadParameter):
            ReadQuery.load(name)


def test_durations_parse() -> None:
    assert parse_duration("5s") == 5 and parse_duration("2m") == 120
    assert parse_duration("500ms") == 0.5 and parse_duration("3") == 3


@pytest.fixture(scope="module")
def load_settings(settings: Settings) -> Iterator[Settings]:
    """Settings with a prefix of their own: load runs write, the shared variants must not change."""
    s = Settings.load(settings.dsn, prefix=f"{settings.prefix}load")
    apply_variant(s, "baseline")
    ensure_role(s, s.database_for("baseline"))
    ensure_data(s, s.database_for("baseline"))
    yield s


@pytest.mark.db
def test_tenant_context_puts_rls_in_force(load_settings: Settings) -> None:
    """As the load role, users (which has RLS) shows only the tenant set for the transaction."""
    conninfo = load_settings.conninfo(load_settings.database_for("baseline"))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        directory = TenantDirectory.load(conn)
        assert len(directory.tenants) >= 2
        big = max(directory.tenants, key=lambda t: t.size)
        small = min(directory.tenants, key=lambda t: t.size)
        assert big.size > small.size
        draws = [directory.draw(random.Random(i)).id for i in range(400)]
        assert draws.count(big.id) > draws.count(small.id)  # in proportion to size
        with conn.transaction():
            conn.execute(read_sql("load/set_tenant.sql"), {"role": "workbench_load", "org": big.id})
            orgs = {r[0] for r in conn.execute("SELECT organization_id::text FROM users")}
            assert orgs == {big.id}
        with conn.transaction():  # the role and tenant did not outlive the transaction
            user = conn.execute("SELECT current_user, current_setting('app.organization_id', true)")
            assert user.fetchone() in (("postgres", None), ("postgres", ""))



@pytest.mark.db
def test_each_tenant_draws_catalog_parameters_from_its_own_data(load_settings: Settings) -> None:
    """Every tenant gets its own catalog values; every catalog read runs with them under RLS."""
    conninfo = load_settings.conninfo(load_settings.database_for("baseline"))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        large = draw_parameters(conn, tenants_wanted=("large",), windows=("recent",))[0]
        org = str(large.values["org_id"])
        mine = draw_parameters_for(conn, [org])[org]
        assert mine.values == large.values and mine.tenant == org
        directory = TenantDirectory.load(conn)
        rng = random.Random(3)
        reads = [ReadQuery.load(n) for n, q in catalog().items() if not q.writes]
        for tenant in directory.tenants:
            assert tenant.params["org_id"] == tenant.id and "customer_status" in tenant.params
            for query in reads:
                params = params_for(query.params, tenant, rng)
                assert params.get("org_id", tenant.id) == tenant.id
                with conn.transaction():
                    conn.execute(read_sql("load/set_tenant.sql"),
                                 {"role": "workbench_load", "org": tenant.id})
                    conn.execute(query.sql, params).fetchall()  # type: ignore[arg-type]
        big = max(directory.tenants, key=lambda t: t.size)
        listed = ReadQuery.load("customer_list")
        with conn.transaction():
            conn.execute(read_sql("load/set_tenant.sql"), {"role": "workbench_load", "org": big.id})
            rows = conn.execute(listed.sql, params_for(listed.params, big, rng)).fetchall()
        assert rows, "the largest tenant's customer list (page 2) is empty"


@pytest.mark.db
def test_mixed_workload_runs_headless_and_reports_every_task(
    load_settings: Settings, tmp_path
) -> None:
    run = run_load(load_settings, LoadSpec("mixed", users=4, spawn_rate=4, duration="2s"),
                   results_dir=tmp_path)
    assert run.failure_count() == 0, run.failures
    assert run.request_count() > 0
    # every request Locust counted was timed in the µs histograms, under its own name
    locust_counts = run.requests().set_index("Name")["Request Count"].to_dict()
    assert dict(zip(run.latency_us["name"], run.latency_us["count"], strict=True)) == locust_counts
    reported = set(run.requests()["Name"])
    assert {"customer_list", "create_order"} <= reported
    assert set(run.latency_us["name"]) <= set(load_workload("mixed").tasks)
    assert (run.latency_us["p50_us"] > 0).all()
    assert (run.folder / "report.html").is_file() and len(run.history) > 0
    saved = (run.folder / "run.json").read_text()  # the server is named, never its password
    assert "password=" not in saved.replace("password=***", "")
    assert all(secret not in saved for secret in load_settings.secrets())


@pytest.mark.db
def test_processes_run_users_from_the_runners_tenant_snapshot(
    load_settings: Settings, tmp_path
) -> None:
    """Under --processes every worker's users run requests, drawing from one snapshot.

    The directory used to be read by each worker after it reported ready, so at premortem volume
    (23 s to read) a 10 s run recorded no request at all.
    """
    run = run_load(load_settings, LoadSpec("pk_lookup", users=4, spawn_rate=20, duration="3s",
                                           processes=2), results_dir=tmp_path)
    assert run.failure_count() == 0 and run.request_count() > 0
    per_process = [HistogramSet.load_many([p]) for p in (run.folder / "histograms").glob(
        "hist-*.json")]
    assert len(per_process) == 2 and all(h["customer_by_id"].count > 0 for h in per_process)
    assert "--tenants-file" in (run.folder / "run.json").read_text()
    assert not list(run.folder.glob("*.pickle")), "the snapshot is scratch, not bundle content"


@pytest.mark.db
@pytest.mark.slow
@pytest.mark.parametrize("workload", ["browse", "analytics", "write", "pk_lookup", "tenant_list"])
def test_each_workload_runs(load_settings: Settings, tmp_path, workload: str) -> None:
    run = run_load(load_settings, LoadSpec(workload, users=2, spawn_rate=10, duration="1s"),
                   results_dir=tmp_path)
    assert run.failure_count() == 0 and run.request_count() > 0


def test_library_side_never_imports_locust() -> None:
    """Importing locust monkey-patches the process with gevent, which hangs Jupyter kernels:
    only locustfiles (subprocesses) may import workbench.load.user."""
    import subprocess
    import sys

    code = ("import sys, workbench.load.experiments, workbench.load.report, workbench.cli.load;"
            "from workbench.probes import registry; registry();"
            "print('locust' in sys.modules or 'gevent' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.db
def test_dropped_connections_are_counted_and_users_reconnect(load_settings: Settings,
                                                             tmp_path) -> None:
    import threading
    import time

    from workbench import db

    database = load_settings.database_for("baseline")
    result: dict[str, object] = {}
    thread = threading.Thread(target=lambda: result.setdefault("run", run_load(
        load_settings, LoadSpec("browse", users=3, spawn_rate=10, duration="4s"),
        results_dir=tmp_path)))
    thread.start()
    killed = 0
    deadline = time.monotonic() + 15
    with db.connection(load_settings, database, autocommit=True) as conn:
        while not killed and time.monotonic() < deadline:
            time.sleep(0.5)
            row = conn.execute(read_sql("load/terminate_load_backends.sql"), {"db": database})
            killed = int(row.fetchone()[0])
    thread.join(timeout=60)
    run = result["run"]
    assert killed > 0
    assert 0 < run.failure_count() <= 3 * killed + 3  # one failed request per dropped connection
    assert run.request_count() > 20 * run.failure_count()  # and the users went on
