"""No failure at any phase of a seed leaves a database without its keys (issue 13 §1).

Failures are real: an event trigger that raises on the Nth DDL statement of a given kind (the
seeder's drops and restores are DDL), a progress callback that raises or terminates the
loader's backend (a lost connection), SIGINT and SIGKILL sent to a running ``workbench seed``.
After each, the catalog fingerprint must equal the one from before the seed: at once when the
command could still act, after ``--restore`` (and ``--resume``) after kill -9. The reviewed
schema's seeder (profile ci, baseline variant) does the seeding.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from psycopg import sql

from workbench import db
from workbench.errors import UnsafeOperation
from workbench.schema.fingerprint import Fingerprint, fingerprint
from workbench.schema.variants import apply_variant
from workbench.seed import seed_database
from workbench.seed.runner import SeedFailed, deferrable
from workbench.seed.safety import RestoreFailed, pending, restore_keys
from workbench.settings import Settings
from workbench.sqlfiles import read_sql

pytestmark = pytest.mark.db
WORKBENCH = str(Path(sys.executable).with_name("workbench"))

# Raises on DDL statements number first .. first+times-1 (counted per tag; a sequence, so a
# rolled-back failure still counts and the retry passes).
FAULTS = """
CREATE SCHEMA wbt_fault;
CREATE SEQUENCE wbt_fault.seen;
CREATE TABLE wbt_fault.plan (tag text PRIMARY KEY, first int NOT NULL, times int NOT NULL);
CREATE FUNCTION wbt_fault.fail() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
    p wbt_fault.plan;
    n bigint;
BEGIN
    SELECT * INTO p FROM wbt_fault.plan WHERE tag = tg_tag;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    n := nextval('wbt_fault.seen');
    IF n >= p.first AND n < p.first + p.times THEN
        RAISE EXCEPTION 'injected failure at % number %', tg_tag, n;
    END IF;
END
$$;
CREATE EVENT TRIGGER wbt_fault ON ddl_command_start EXECUTE FUNCTION wbt_fault.fail();
"""


@pytest.fixture(scope="module")
def target(settings: Settings):  # type: ignore[no-untyped-def]
    """The baseline variant, its fingerprint, and how many DDL statements each phase runs."""
    name = apply_variant(settings, "baseline", database=f"{settings.prefix}_seedsafe").database
    with db.connection(settings, name) as conn:
        before = fingerprint(conn)
        rows = deferrable(conn)
    drops = sum(1 for r in rows if (r[5] or "").startswith("ALTER TABLE"))
    keys = sum(1 for r in rows if r[0] == 2)
    yield name, before, {"drops": drops, "keys": keys}
    db.drop_database(settings, name)


def _inject(settings: Settings, name: str, tag: str, first: int, times: int = 1) -> None:
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute(FAULTS)  # type: ignore[arg-type]
        conn.execute("INSERT INTO wbt_fault.plan VALUES (%s, %s, %s)", (tag, first, times))


def _heal(settings: Settings, name: str) -> None:
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute("DROP EVENT TRIGGER IF EXISTS wbt_fault")
        conn.execute("DROP SCHEMA IF EXISTS wbt_fault CASCADE")


def _fingerprint(settings: Settings, name: str) -> Fingerprint:
    with db.connection(settings, name) as conn:
        return fingerprint(conn)


def _assert_whole(settings: Settings, name: str, before: Fingerprint) -> None:
    assert pending(settings, name) == 0
    assert _fingerprint(settings, name).diff(before) == []


# (phase, DDL tag, which statement fails: from the phase counts) — one failure each; the
# automatic restore's retry then passes, so the command ends with every key back.
DDL_FAULTS = {
    "defer": ("ALTER TABLE", lambda n: 3),
    "restore keys": ("ALTER TABLE", lambda n: n["drops"] + 2),
    "restore indexes": ("CREATE INDEX", lambda n: 5),
    "restore foreign keys": ("ALTER TABLE", lambda n: n["drops"] + n["keys"] + 1),
}


@pytest.mark.parametrize("phase", list(DDL_FAULTS))
def test_ddl_failure_in_a_phase_leaves_every_key(settings: Settings, target, phase: str) -> None:  # type: ignore[no-untyped-def]
    name, before, counts = target
    tag, nth = DDL_FAULTS[phase]
    _inject(settings, name, tag, nth(counts))
    try:
        with pytest.raises(Exception, match="injected failure"):
            seed_database(settings, name, "ci", mode="replace")
    finally:
        _heal(settings, name)
    _assert_whole(settings, name, before)


def test_restore_that_keeps_failing_says_run_restore(settings: Settings, target) -> None:  # type: ignore[no-untyped-def]
    name, before, _ = target
    _inject(settings, name, "CREATE INDEX", 1, times=10_000)  # every index build fails
    try:
        with pytest.raises(RestoreFailed) as err:
            seed_database(settings, name, "ci", mode="replace")
        assert "workbench seed --restore" in str(err.value) and "\n" not in str(err.value)
        assert pending(settings, name) > 0
    finally:
        _heal(settings, name)
    waiting, _ = restore_keys(settings, name)
    assert waiting > 0
    _assert_whole(settings, name, before)


def _raise_after(first: int, exc: BaseException) -> Callable[[str, int, int], None]:
    seen = [0]

    def progress(table: str, rows: int, planned: int) -> None:
        seen[0] += 1
        if seen[0] >= first:
            raise exc

    return progress


@pytest.mark.parametrize("exc", [RuntimeError("generator broke"), KeyboardInterrupt()],
                         ids=["error", "ctrl-c"])
def test_load_failure_restores_before_it_leaves(settings: Settings, target,  # type: ignore[no-untyped-def]
                                                exc: BaseException) -> None:
    name, before, _ = target
    with pytest.raises(type(exc)):
        seed_database(settings, name, "ci", mode="replace", progress=_raise_after(5, exc))
    _assert_whole(settings, name, before)


def _terminate_loaders(settings: Settings, name: str) -> Callable[[str, int, int], None]:
    """A progress callback that kills the loaders' server backends once (lost connections)."""
    done = [False]

    def progress(table: str, rows: int, planned: int) -> None:
        if not done[0]:
            done[0] = True
            with db.connection(settings, name, autocommit=True) as conn:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() "
                             "AND application_name = 'workbench-seed'")

    return progress


@pytest.mark.slow
@pytest.mark.parametrize("scale,workers", [(1, 1), (5, 2)], ids=["in-process", "worker-processes"])
def test_lost_connection_restores(settings: Settings, target, scale: int, workers: int) -> None:  # type: ignore[no-untyped-def]
    name, before, _ = target
    with pytest.raises(Exception) as err:
        seed_database(settings, name, "ci", scale=scale, workers=workers, mode="replace",
                      progress=_terminate_loaders(settings, name))
    if workers > 1:
        assert err.type is SeedFailed
    _assert_whole(settings, name, before)


def _start(settings: Settings, name: str, *extra: str) -> subprocess.Popen[str]:
    cmd = [WORKBENCH, "seed", "--target", name, "--profile", "ci", "--replace", *extra]
    return subprocess.Popen(cmd, env=settings.child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_until(proc: subprocess.Popen[str], ready: Callable[[], bool], what: str) -> None:
    """Poll ``ready`` until it holds while ``proc`` runs; fail naming ``what`` otherwise."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if ready():
            return
        time.sleep(0.02)
    raise AssertionError(f"the run ended or stalled before {what}: {proc.poll()=}")


def _wait_for(settings: Settings, name: str, proc: subprocess.Popen[str], *,
              tenants: bool) -> None:
    """Until this run (started after now) has begun (``tenants``: and committed a tenant)."""
    query = ("SELECT count(*) FROM _workbench.seed_run r "
             + (", _workbench.seed_tenants t " if tenants else "") + "WHERE r.started_at > %s")
    with db.connection(settings, name, autocommit=True) as conn:
        since = conn.execute("SELECT clock_timestamp()").fetchone()[0]
        _wait_until(proc, lambda: bool(
            conn.execute("SELECT to_regclass('_workbench.seed_tenants')").fetchone()[0]
            and conn.execute(query, (since,)).fetchone()[0]),  # type: ignore[arg-type]
            "it got going")


@pytest.mark.slow
@pytest.mark.parametrize("sig,group", [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["ctrl-c-to-the-group", "sigterm-to-the-command"])
def test_signal_during_a_multi_process_load(settings: Settings, target, sig: int,  # type: ignore[no-untyped-def]
                                            group: bool) -> None:
    name, before, _ = target
    proc = _start(settings, name, "--scale", "5", "--workers", "2")
    _wait_for(settings, name, proc, tenants=True)
    if group:  # what Ctrl-C does: the whole foreground group, workers included
        os.killpg(proc.pid, sig)
    else:      # a cancelled CI job: the command only; it must stop its workers itself
        os.kill(proc.pid, sig)
    _, stderr = proc.communicate(timeout=300)
    # the coordinator's KeyboardInterrupt or a worker's, whichever lands first: one line
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert proc.returncode in (2, 130) and len(lines) == 1, stderr
    assert "interrupted" in lines[0] or "KeyboardInterrupt" in lines[0], stderr
    _assert_whole(settings, name, before)


# Where each kill lands: two moments the database shows (keys dropped, a tenant committed), so
# the kills that prove something land whatever the machine's speed, and three delays from the
# start of the run drawn from a fixed seed (any phase, the same ones on every run).
KILL_SEED = 13


@pytest.mark.slow
def test_kill_9_at_random_points_then_restore_and_resume(settings: Settings, target) -> None:  # type: ignore[no-untyped-def]
    name, before, _ = target
    started = time.perf_counter()
    seed_database(settings, name, "ci", mode="replace")
    full = time.perf_counter() - started
    rng = random.Random(KILL_SEED)
    moments: list[str | float] = ["keys dropped", "a tenant committed",
                                  *(rng.uniform(0.0, full) for _ in range(3))]
    hits = []  # attempts killed while keys were dropped: the ones that prove something
    for attempt, moment in enumerate(moments):
        proc = _start(settings, name)
        if moment == "keys dropped":
            _wait_until(proc, lambda: pending(settings, name) > 0, moment)
        elif moment == "a tenant committed":
            _wait_for(settings, name, proc, tenants=True)
        else:
            _wait_for(settings, name, proc, tenants=False)
            time.sleep(float(moment))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        waiting = pending(settings, name)
        when = moment if isinstance(moment, str) else f"{moment:.2f}s into the run"
        where = f"attempt {attempt}: killed {when} ({waiting} waiting)"
        if waiting:
            hits.append(moment)
        elif isinstance(moment, str):
            raise AssertionError(f"{where}: the kill was meant to land while keys were dropped")
        restored = subprocess.run([WORKBENCH, "seed", "--target", name, "--restore"],
                                  env=settings.child_env(), capture_output=True, text=True,
                                  timeout=300)
        assert restored.returncode == 0, f"{where}: {restored.stderr}"
        assert pending(settings, name) == 0, where
        assert _fingerprint(settings, name).diff(before) == [], where
        with db.connection(settings, name, autocommit=True) as conn:
            run = conn.execute("SELECT to_regclass('_workbench.seed_run')").fetchone()[0] and \
                conn.execute("SELECT finished_at IS NULL FROM _workbench.seed_run").fetchone()
        if run and run[0]:  # interrupted after prepare: resume finishes the same run
            seed_database(settings, name, "ci", mode="resume")
            _assert_whole(settings, name, before)
    assert {"keys dropped", "a tenant committed"} <= set(hits), hits


APP_SCHEMA = """
CREATE SCHEMA app;
CREATE TABLE app.teams (id bigint PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE app.events (team_id bigint NOT NULL REFERENCES app.teams, at timestamptz NOT NULL,
                         n int) PARTITION BY RANGE (at);
CREATE TABLE app.events_a PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE INDEX ON app.events (team_id, at);
CREATE TABLE app.notes (id bigint PRIMARY KEY, team_id bigint NOT NULL REFERENCES app.teams);
CREATE INDEX notes_team ON app.notes (team_id);
CREATE TABLE public.kept (id int PRIMARY KEY);
"""


def test_keys_of_any_seeded_schema_are_deferred_and_restored(settings: Settings) -> None:
    """Keys, indexes and foreign keys of the seeded schemas (here ``app``, not ``public``) are
    dropped for the load and restored exactly, a step already redone by a killed run (an index,
    an attached partition index) is not redone, and other schemas are left alone."""
    from workbench.seed.runner import defer_keys

    name = f"{settings.prefix}_anyschema"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    try:
        with db.connection(settings, name, autocommit=True) as conn:
            conn.execute(APP_SCHEMA)
            conn.execute(read_sql("seed/state.sql"))  # type: ignore[arg-type]
            before = fingerprint(conn)
            assert defer_keys(conn, ("app",)) > 0
            left = conn.execute("SELECT x.indexrelid::regclass::text FROM pg_index x JOIN "
                                "pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid "
                                "= c.relnamespace WHERE n.nspname IN ('app', 'public') "
                                "ORDER BY 1").fetchall()
            # app keeps only the key the partitioned table's (kept) foreign key needs; public
            # is not seeded and keeps its own
            assert left == [("app.teams_pkey",), ("kept_pkey",)], left
            assert fingerprint(conn).diff(before) != []
            # as a killed restore leaves it: the plain index is back, its record still waits
            conn.execute("CREATE INDEX notes_team ON app.notes (team_id)")
        waiting = pending(settings, name)
        assert restore_keys(settings, name)[0] == waiting
        assert pending(settings, name) == 0
        with db.connection(settings, name) as conn:
            assert fingerprint(conn).diff(before) == []
    finally:
        db.drop_database(settings, name, allow_destroy=True)


def test_seeding_writes_only_to_databases_the_workbench_owns(settings: Settings) -> None:
    name = f"{settings.prefix}_notours"
    with db.connection(settings, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with db.connection(settings, name, autocommit=True) as conn:
            conn.execute("CREATE TABLE precious (id int PRIMARY KEY); "
                         "INSERT INTO precious VALUES (42)")
            before = fingerprint(conn)
        with pytest.raises(UnsafeOperation, match="did not create it"):
            seed_database(settings, name, "ci")
        with pytest.raises(UnsafeOperation, match="did not create it"):
            restore_keys(settings, name)
        for extra in ([], ["--restore"]):
            r = subprocess.run([WORKBENCH, "seed", "--target", name, *extra],
                               env=settings.child_env(), capture_output=True, text=True,
                               timeout=120)
            lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
            assert r.returncode == 2 and len(lines) == 1 and "did not create it" in lines[0]
        with db.connection(settings, name) as conn:
            assert fingerprint(conn).diff(before) == []
            assert conn.execute("SELECT to_regnamespace('_workbench')").fetchone() == (None,)
            assert conn.execute("SELECT id FROM precious").fetchall() == [(42,)]
    finally:
        db.drop_database(settings, name, allow_destroy=True)


def test_delete_duplicates_keeps_the_first_row_of_each_key(settings: Settings) -> None:
    """Expressions, a partial predicate, NULLs (distinct unless NULLS NOT DISTINCT), a key."""
    from workbench.seed.unique_rows import delete_duplicates

    name = f"{settings.prefix}_dupdel"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    try:
        with db.connection(settings, name, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (id int, e text, s text, n int)")
            conn.execute("INSERT INTO t VALUES (1, 'A', 'x', NULL), (2, 'a', 'x', NULL), "
                         "(3, 'b', 'y', 1), (4, 'B', 'y', NULL), (1, 'c', 'x', 2)")
            partial = "CREATE UNIQUE INDEX u ON public.t USING btree (lower(e)) WHERE (s = 'x')"
            assert delete_duplicates(conn, partial) == 1  # 'a' (y rows are outside)
            conn.execute(partial)
            assert delete_duplicates(conn, "CREATE UNIQUE INDEX v ON public.t (n)") == 0
            assert delete_duplicates(
                conn, "CREATE UNIQUE INDEX w ON public.t (n) NULLS NOT DISTINCT") == 1  # id 4
            pk = "ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id)"
            assert delete_duplicates(conn, pk) == 1  # the second id 1
            conn.execute(pk)
            assert delete_duplicates(conn, "CREATE INDEX x ON public.t (e)") == 0
            left = [r[0] for r in conn.execute("SELECT id FROM t ORDER BY id")]
        assert left == [1, 3]
    finally:
        db.drop_database(settings, name)
