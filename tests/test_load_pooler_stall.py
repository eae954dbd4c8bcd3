"""A pooler that stops answering must not hold a Locust user, or Locust's stop, forever.

The pooler is a real PgBouncer (transaction mode) stopped with SIGSTOP, so its sockets stay open
and nothing answers. The user code runs under gevent in a subprocess (the test process must
never import gevent or locust), through a real Locust run or driven directly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from workbench.load.pgbouncer import Pooler, pgbouncer
from workbench.load.runner import LoadRun, LoadSpec, prepare_database, run_load
from workbench.schema.variants import apply_variant
from workbench.settings import Settings

# pgbouncer_path (session-scoped) comes before any database work: under CI=true a missing
# pgbouncer fails the module instead of skipping it
pytestmark = [pytest.mark.db, pytest.mark.usefixtures("pgbouncer_path")]


@pytest.fixture(scope="module")
def stall_settings(settings: Settings) -> Iterator[Settings]:
    """The baseline variant in a database of its own (load runs write their hot-row seeds)."""
    s = Settings.load(settings.dsn, prefix=f"{settings.prefix}ps")
    apply_variant(s, "baseline")
    prepare_database(s, "baseline")
    yield s


def _pid(pooler: Pooler) -> int:
    return int((pooler.folder / "pgbouncer.pid").read_text())


@contextmanager
def _resumed_at_exit(pooler: Pooler) -> Iterator[int]:
    """PgBouncer's pid; whatever happens, it is running again when the block ends."""
    pid = _pid(pooler)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGCONT)


# Run in a subprocess under gevent, as Locust runs the users.
DRIVER = r"""
from gevent import monkey; monkey.patch_all()
import argparse, json, os, signal, sys, time
import gevent, psycopg
from gevent.socket import wait_read
from locust import events
from locust.env import Environment
from workbench.load import user as load_user
from workbench.load.workload import ReadQuery

host, port, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
reports = []
events.request.add_listener(lambda exception=None, **kw: reports.append(
    None if exception is None else f"{type(exception).__name__}: {exception}"))

def make_user(prepare):
    parser = argparse.ArgumentParser()
    load_user._add_arguments(parser)
    opts = parser.parse_args(["--prepare", prepare, "--pg-host", host, "--pg-port", port,
                              "--request-timeout", "1"])
    user = load_user.PostgresUser(Environment(parsed_options=opts))
    user.on_start()
    return user

query = ReadQuery.load("customer_by_id")
# the killed user runs its pipeline unprepared, so it fails on the division alone; with
# prepared statements PgBouncer's assignment could fail it earlier, before the pooler stops
killed, piped, simple = make_user("off"), make_user("on"), make_user("off")
for user in (killed, piped, simple):
    user.read(query)  # through the pooler (prepared statements may fail there: no matter)
    user.conn = user.conn or user.state.connect()
out = {}

def failing_pipeline():
    # a request whose pipeline fails (as a prepared statement missing on this server
    # connection does) while the pooler stops answering before the pipeline's Sync
    try:
        with killed._connection() as conn:
            with conn.pipeline():
                conn.execute("BEGIN")
                conn.execute("SELECT 1 / 0")
                wait_read(conn.fileno(), timeout=10)  # the error is on its way back
                gevent.sleep(0.2)
                os.kill(pid, signal.SIGSTOP)
                try:
                    conn.execute("SELECT 1")  # sees the error; the pipeline's exit waits for Sync
                except psycopg.Error as exc:
                    out["body_error"] = type(exc).__name__
                    raise
    except gevent.GreenletExit:
        raise
    except BaseException as exc:  # named in the output, so a failure says where it stopped
        out.setdefault("greenlet_error", f"{type(exc).__name__}: {exc}")
        raise

glet = gevent.spawn(failing_pipeline)
# wait for the body's error, not for a fixed time: on a loaded machine the steps before the
# SIGSTOP can take longer than any fixed window
deadline = time.monotonic() + 30
while "body_error" not in out and not glet.dead and time.monotonic() < deadline:
    gevent.sleep(0.05)
gevent.sleep(0.5)  # the greenlet is now in the pipeline's exit, waiting for a Sync
out["dead_before_kill"] = glet.dead
glet.kill(block=False)  # as Locust does to a user still busy after --stop-timeout
glet.join(timeout=3)
out["killed_user_died"] = glet.dead

for label, user in (("pipeline", piped), ("simple", simple), ("reconnect", simple)):
    del reports[:]
    started = time.monotonic()
    user.read(query)
    out[label] = {"seconds": time.monotonic() - started, "reports": list(reports)}

os.kill(pid, signal.SIGCONT)
out["after_resume"] = []
for _ in range(5):  # the pooler replaces the server connections it had to drop
    del reports[:]
    simple.read(query)
    out["after_resume"] += reports
    if reports == [None]:
        break
for user in (killed, piped, simple):
    user.on_stop()
print(json.dumps(out))
"""


def test_requests_are_bounded_and_killed_users_die_while_the_pooler_is_silent(
        stall_settings: Settings) -> None:
    database = stall_settings.database_for("baseline")
    with pgbouncer(stall_settings, database) as pooler, _resumed_at_exit(pooler) as pid:
        out = subprocess.run(
            [sys.executable, "-c", DRIVER, pooler.host, str(pooler.port), str(pid)],
            env=stall_settings.child_env(), capture_output=True, text=True, timeout=90)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # the killed user's cleanup never waits on a connection left mid-pipeline
    # the pipeline failed in its body, on the division, after the pooler stopped
    assert result.get("body_error") == "DivisionByZero", result
    assert not result["dead_before_kill"], result  # it was waiting on the silent pooler
    assert result["killed_user_died"], result
    for label in ("pipeline", "simple", "reconnect"):
        step = result[label]  # the request returned (the driver ended), reporting its timeout
        assert len(step["reports"]) == 1, (label, step)
        assert step["reports"][0].startswith("RequestTimeout: no answer within 1s from"), step
    assert result["after_resume"][-1] is None, result


def test_locust_stops_and_reports_timeouts_when_the_pooler_stops_answering(
        stall_settings: Settings, tmp_path) -> None:
    database = stall_settings.database_for("baseline")
    with pgbouncer(stall_settings, database) as pooler, _resumed_at_exit(pooler) as pid:
        spec = LoadSpec("browse", users=4, spawn_rate=8, duration="3s", prepare=True,
                        pg_host=pooler.host, pg_port=str(pooler.port), request_timeout=1.0)
        result: dict[str, LoadRun | BaseException] = {}

        def run() -> None:
            try:
                result["run"] = run_load(stall_settings, spec, results_dir=tmp_path,
                                         prepare=False)
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                result["run"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 60
        while "login attempt" not in pooler.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        os.kill(pid, signal.SIGSTOP)  # silent until Locust has stopped
        thread.join(timeout=120)
    outcome = result.get("run")
    assert isinstance(outcome, LoadRun), outcome
    errors = " | ".join(outcome.failures["Error"].astype(str)) if len(outcome.failures) else ""
    assert "no answer within 1s from" in errors, errors[:1000]
