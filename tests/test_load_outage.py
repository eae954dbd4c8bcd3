"""A server restart during a load run is an outage: users back off, the run says how long it was.

The restart is real: a scratch cluster of the test's own (never the suite's server) is stopped
for three seconds while four users run a read workload, then started again.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator

import pytest

from tests._scratch_cluster import ScratchCluster
from workbench.load.outages import (
    BACKOFF_CAP,
    OutageLog,
    backoff_seconds,
    connection_lost,
    merge,
)
from workbench.load.report import outages
from workbench.load.runner import LoadRun, LoadSpec, prepare_database, run_load
from workbench.schema.variants import apply_variant
from workbench.settings import Settings

DOWN_SECONDS = 3.0
USERS = 4


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(1)
    waits = [backoff_seconds(n, rng) for n in range(12)]
    assert waits[0] == 0 and waits[1] < waits[3] < waits[5]
    assert max(waits) <= BACKOFF_CAP * 1.2 and waits[-1] >= BACKOFF_CAP * 0.8


def test_connection_errors_are_told_from_query_errors() -> None:
    import psycopg
    from psycopg import errors
    from psycopg_pool import PoolTimeout

    assert connection_lost(psycopg.OperationalError("connection refused"))
    assert connection_lost(errors.AdminShutdown("terminating connection"))
    assert connection_lost(errors.CannotConnectNow("the database system is starting up"))
    assert not connection_lost(errors.QueryCanceled("statement timeout"))
    assert not connection_lost(errors.DivisionByZero("division by zero"))
    assert not connection_lost(PoolTimeout("pool exhausted"))


def test_outage_logs_merge_across_processes(tmp_path) -> None:
    a, b = OutageLog(), OutageLog()
    a.lost(100.0)
    a.refused(100.5, "refused")
    a.refused(101.0, "refused")
    a.outages[0].ended = 103.0
    a.current = None
    b.refused(101.5, "refused")
    b.outages[0].ended = 104.0
    b.current = None
    c = OutageLog()
    c.lost(200.0)  # a dropped connection that reconnected at once is no outage
    c.connected()
    a.save(tmp_path / "outages-1.json")
    b.save(tmp_path / "outages-2.json")
    c.save(tmp_path / "outages-3.json")
    [outage] = merge(sorted(tmp_path.glob("outages-*.json")))
    assert outage["started"] == 100.0 and outage["seconds"] == 4.0
    assert outage["failed_requests"] == 4 and outage["refused_connections"] == 3
    assert not outage["open_at_end"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[ScratchCluster]:
    scratch = ScratchCluster()
    try:
        scratch.start()
        yield scratch
    finally:
        scratch.remove()


@pytest.mark.db
@pytest.mark.slow
def test_a_server_restart_is_one_outage_with_a_few_failures(cluster: ScratchCluster,
                                                            tmp_path) -> None:
    settings = Settings.load(cluster.dsn, prefix="wbtoutage")
    apply_variant(settings, "baseline")
    prepare_database(settings, "baseline")
    result: dict[str, LoadRun] = {}
    spec = LoadSpec("browse", users=USERS, spawn_rate=USERS, duration="10s")
    thread = threading.Thread(target=lambda: result.setdefault(
        "run", run_load(settings, spec, results_dir=tmp_path, prepare=False)))
    thread.start()
    time.sleep(3)  # the users are running
    stopping = time.time()
    cluster.stop()
    time.sleep(DOWN_SECONDS)
    starting = time.time()
    cluster.start()
    thread.join(timeout=90)
    run = result["run"]

    [outage] = run.outages
    assert not outage["open_at_end"]
    assert outage["started"] >= stopping - 0.5 and outage["ended"] >= starting
    assert outage["seconds"] >= DOWN_SECONDS
    assert run.failure_count() == run.outage_failure_count() > 0
    assert run.query_failure_count() == 0
    # backoff: each user tried a few times per second at most (a tight loop tried thousands)
    assert outage["failed_requests"] <= USERS * (outage["seconds"] / (0.8 * BACKOFF_CAP) + 12)
    saved = json.loads((run.folder / "outages.json").read_text())
    assert saved == run.outages
    assert "server unavailable 1 time(s)" in run.outage_summary()
    table = outages({"baseline": run})
    assert table[["failed_requests", "query_failures"]].values.tolist() == [
        [outage["failed_requests"], 0]]
    failures = run.failures
    assert failures["Error"].str.contains("ServerUnavailable").any()
    # and the users went on after it: successful requests in the histograms after the restart
    assert run.request_count() > 2 * run.failure_count()
