"""Seeding's shared machinery: the entry point, refuse or resume, deferred keys, loaders.

:func:`seed_database` is the one entry point; every seed runs on the catalog engine
(:mod:`workbench.seed.catalog_runner`), a profile's own generators included
(:mod:`workbench.seed.handover`). What lives here is what that engine and others share: the
refuse/resume rules, dropping keys and indexes and restoring them step by step, and the loader
processes. Work is split by tenant: each tenant is generated and COPYed in one transaction that
also records the tenant as done, so an interrupted run (Ctrl-C, kill -9) never leaves half a
tenant, and ``resume`` simply loads the tenants not yet recorded. Tenants are handed out
largest first so that the heavy tail does not leave one worker finishing alone.
"""

from __future__ import annotations

import json
import pickle
import resource
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import psycopg
from psycopg import sql

from workbench import db
from workbench.errors import BadParameter, UnsafeOperation, WorkbenchError
from workbench.seed.anomalies import load_anomalies
from workbench.seed.parallel_ddl import Statement, referenced_table, resolve, run_parallel
from workbench.seed.pool import WorkerPool, spawn
from workbench.seed.profile import Profile, check_scale, load_profile
from workbench.seed.unique_rows import delete_duplicates
from workbench.seed.writer import Catalog
from workbench.settings import Settings
from workbench.sqlfiles import read_sql

Mode = Literal["refuse", "replace", "resume"]
CopyFormat = Literal["binary", "csv"]
Progress = Callable[[str, int, int], None]
SESSION = ("SET synchronous_commit = off", "SET session_replication_role = replica")


class SeedFailed(WorkbenchError):
    """A worker process died; the message is its last line of error output."""


@dataclass
class TableStats:
    """What seeding did to one table."""

    rows: int = 0
    copy_bytes: int = 0
    seconds: float = 0.0
    size_bytes: int = 0


@dataclass
class SeedReport:
    """The outcome of one seeding run, as saved in the manifest."""

    database: str
    profile: str
    scale: float
    seed: int
    workers: int
    mode: str
    copy_format: str = "binary"
    tables: dict[str, TableStats] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    tenants_loaded: int = 0
    tenants_skipped: int = 0
    anomalies: dict[str, Any] = field(default_factory=dict)
    unseeded_tables: list[str] = field(default_factory=list)
    default_partition_rows: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    wall_seconds: float = 0.0

    @property
    def rows(self) -> int:
        """Rows written in this run, all tables."""
        return sum(s.rows for s in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        data = asdict(self)
        data["rows"] = self.rows
        return data

    def save(self, path: Path) -> Path:
        """Write the report as JSON to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, default=str))
        return path


def tenant_weights(profile: Profile) -> np.ndarray:
    """Zipf-like tenant sizes with mean 1: tenant 0 is the largest."""
    raw = 1.0 / np.arange(1, profile.tenants + 1) ** profile.skew
    return raw * profile.tenants / raw.sum()


# ---------------------------------------------------------------- coordinator side


def check_previous_run(conn: psycopg.Connection, database: str, profile: Profile, seed: int,
                       mode: str, filled: Sequence[str] = ()) -> tuple[Any, set[int] | None]:
    """The refuse and resume rules both seeding engines share.

    Returns the recorded run (or None) and, when resuming it, the tenants already done.
    """
    conn.execute(read_sql("seed/state.sql"))  # type: ignore[arg-type]
    run = conn.execute("SELECT profile, scale, seed FROM _workbench.seed_run").fetchone()
    if mode == "refuse" and (filled or run):
        what = f"seeded with profile {run[0]!r}" if run else f"rows in {', '.join(filled[:3])}"
        raise UnsafeOperation(
            f"database {database!r} is not empty ({what}); pass --replace to reseed it or "
            "--resume to finish an interrupted run"
        )
    if mode == "resume" and run:
        if (run[0], round(run[1], 9), run[2]) != (profile.name, round(profile.scale, 9), seed):
            raise BadParameter(
                f"--resume: database {database!r} was seeded with profile {run[0]!r}, "
                f"scale {run[1]:g}, seed {run[2]}; resume with the same values or use --replace"
            )
        return run, {r[0] for r in conn.execute("SELECT tenant FROM _workbench.seed_tenants")}
    return run, None


def deferrable(conn: psycopg.Connection, schemas: Sequence[str] = ("public",)
               ) -> list[tuple[Any, ...]]:
    """What :func:`defer_keys` drops in ``schemas``: (step, kind, table, name, ddl, drop_ddl)
    rows of ``sql/seed/deferrable.sql``."""
    return conn.execute(sql.SQL(read_sql("seed/deferrable.sql")).format(  # type: ignore[arg-type]
        schemas=sql.Literal(list(schemas)))).fetchall()


def defer_keys(conn: psycopg.Connection, schemas: Sequence[str] = ("public",)) -> int:
    """Drop keys, indexes and foreign keys of the tables in ``schemas``, recording how to
    restore each (one transaction).

    The records and the drops go in one pipeline (a round trip for all, not one per object)
    and the commit does not wait for its WAL flush: the records commit with the drops, so a
    crash loses both or neither."""
    with conn.transaction():
        conn.execute("SET LOCAL synchronous_commit = off")
        rows = deferrable(conn, schemas)
        with conn.pipeline(), conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO _workbench.seed_deferred (step, kind, table_name, name, ddl) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [row[:5] for row in rows])
            for *_, drop in sorted(rows, key=lambda r: -r[0]):
                if drop:  # NULL: dropped with its parent's index
                    cur.execute(drop)
    return len(rows)


EXISTS_SQL = {  # whether a restore step is already done (a killed run may have done it)
    # an attach step's name is the partition's index, qualified
    "attach": "SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(%(name)s))",
}
EXISTS_DEFAULT = (  # a constraint of the table, or an index in the table's schema
    "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = %(table)s::regclass "
    "AND conname = %(name)s) OR EXISTS (SELECT 1 FROM pg_class i WHERE i.relname = %(name)s "
    "AND i.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = %(table)s::regclass))")


DELETED_LOCK = threading.Lock()  # restore jobs run on threads and count into one Counter


def _restore_one(conn: psycopg.Connection, row: tuple[str, ...],
                 deleted: Counter | None = None) -> None:
    """Recreate one dropped object (its (kind, table, name, ddl) record). With ``deleted`` (a
    restore after a failed seed), a unique key the rows repeat is built after deleting the
    repeats, counted there."""
    kind, table, name, ddl = row
    try:
        _recreate(conn, kind, table, name, ddl)
    except psycopg.errors.UniqueViolation:
        if deleted is None:
            raise
        with conn.transaction():
            count = delete_duplicates(conn, ddl)
        if not count:
            raise
        with DELETED_LOCK:
            deleted[f"{name} (duplicate keys: rows deleted)"] += count
        _recreate(conn, kind, table, name, ddl)


def _recreate(conn: psycopg.Connection, kind: str, table: str, name: str, ddl: str) -> None:
    with conn.transaction():
        query = EXISTS_SQL.get(kind, EXISTS_DEFAULT)
        done = conn.execute(query, {"table": table, "name": name}).fetchone()  # type: ignore[arg-type]
        if not (done and done[0]):
            conn.execute(ddl)  # type: ignore[arg-type]
        conn.execute("DELETE FROM _workbench.seed_deferred WHERE table_name = %s AND name = %s",
                     (table, name))


# (steps, their name in the report, whether their statements may run in parallel): see
# sql/seed/deferrable.sql. Parallel steps run on up to ``workers`` connections, each statement
# once no running one locks its tables (workbench/seed/parallel_ddl.py): keys lock their table,
# indexes share it, foreign keys lock their table and the one they reference. Keys and indexes
# form one step, as in pg_restore's post-data: no connection waits for the last key of a big
# table before indexes start. Partitioned parents (ON ONLY, no data read) and ATTACH PARTITION
# (which locks the parent) run in order.
RESTORE_STEPS = (((1,), "parents", False), ((2, 3), "keys and indexes", True),
                 ((4,), "attach", False), ((5,), "foreign keys", True))
RESTORE_SESSION = ("SET maintenance_work_mem = '256MB'",
                   # each restored object is its own small commit (hundreds of ATTACHes on the
                   # partitioned variant); a crash loses at most the last few, which resume redoes
                   "SET synchronous_commit = off")


def _jobs(conn: psycopg.Connection, todo: list[tuple[str, ...]], parallel: bool) -> list[Statement]:
    """A step's (kind, table, name, ddl) rows as jobs with the tables each one locks."""
    if not parallel:  # one job holding every table: the step runs in order
        everything = frozenset({"*"})
        return [Statement(row, everything) for row in todo]
    refs = {row: referenced_table(row[3]) if row[0] == "fk" else None for row in todo}
    oids = resolve(conn, {row[1] for row in todo} | {r for r in refs.values() if r})
    return [Statement(row, frozenset(oids[t] for t in (row[1], refs[row]) if t),
                shared=row[0] == "index") for row in todo]


def restore_deferred(settings: Settings, database: str, workers: int = 2,
                     deleted: Counter | None = None) -> dict[str, float]:
    """Recreate everything :func:`defer_keys` dropped, step by step (see ``RESTORE_STEPS``).

    Resume relies on this too: a run killed while deferred still ends exact. Returns the
    seconds each step took. ``deleted``: delete rows repeating a unique key rather than fail
    (after a failed seed, see :func:`workbench.seed.safety.restored_on_failure`), counted.
    """
    with db.connection(settings, database, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('_workbench.seed_deferred')").fetchone()
        if not exists or not exists[0]:
            return {}
        rows = conn.execute("SELECT step, kind, table_name, name, ddl "
                            "FROM _workbench.seed_deferred ORDER BY step, table_name, name"
                            ).fetchall()
        steps = [(label, _jobs(conn, [tuple(r[1:]) for r in rows if r[0] in numbers], parallel))
                 for numbers, label, parallel in RESTORE_STEPS]
    seconds = {}
    for label, jobs in steps:
        if not jobs:
            continue
        started = time.perf_counter()
        run_parallel(settings, database, jobs, workers,
                     lambda conn, job: _restore_one(conn, job.payload, deleted), RESTORE_SESSION)
        seconds[label] = time.perf_counter() - started
    return seconds


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024.0


def seed_database(
    settings: Settings,
    database: str,
    profile: str | Profile,
    *,
    scale: float = 1.0,
    seed: int = 0,
    workers: int = 2,
    mode: Mode = "refuse",
    anomalies: str | Path | dict[str, Any] | None = None,
    allow_destroy: bool = False,
    progress: Progress | None = None,
    copy_format: CopyFormat = "binary",
    schemas: tuple[str, ...] = ("public",),
    tenancy: Any = None,
) -> SeedReport:
    """Seed ``database`` (an applied variant) with ``profile``; the same inputs give the same rows.

    ``mode``: ``refuse`` a non-empty database, ``replace`` its rows, or ``resume`` an
    interrupted run of the same profile/scale/seed. ``progress(table, rows_added, planned)`` is
    called as chunks land (``planned`` is the expected total for the table, 0 when unknown).
    ``copy_format``: ``binary`` (where a table's column types allow it; else CSV) or ``csv``.
    """
    check_scale(scale)
    if mode not in ("refuse", "replace", "resume"):
        raise BadParameter(f"mode must be refuse, replace or resume, got {mode!r}")
    if not isinstance(workers, int) or workers < 1:
        raise BadParameter(f"--workers must be a whole number >= 1, got {workers!r}")
    if copy_format not in ("binary", "csv"):
        raise BadParameter(f"--copy-format must be binary or csv, got {copy_format!r}")
    prof = load_profile(profile, scale) if not isinstance(profile, Profile) else (
        profile.scaled(scale) if scale != 1.0 else profile)
    from workbench.seed.catalog_runner import seed_catalog

    spec = load_anomalies(anomalies) if anomalies is not None else None
    return seed_catalog(settings, database, prof, seed=seed, workers=workers, mode=mode,
                        allow_destroy=allow_destroy, progress=progress, copy_format=copy_format,
                        schemas=schemas, model=tenancy, anomalies=spec)


def default_partition_rows(conn: psycopg.Connection,
                           schemas: Sequence[str] = ("public",)) -> dict[str, int]:
    """Rows per partitioned table that fell into its DEFAULT partition (0 when all is well).

    Kept in the manifest and shown by the CLI: a profile whose period lies outside unit 0300's
    monthly range would otherwise silently turn partition pruning into a no-op.
    """
    out = {}
    for parent, part in conn.execute(sql.SQL(read_sql("seed/default_partitions.sql")).format(  # type: ignore[arg-type]
            schemas=sql.Literal(list(schemas)))):
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.SQL(part))).fetchone()
        out[parent] = int(row[0]) if row else 0
    return out


def split_tenants(todo: list[tuple[int, float]], workers: int) -> list[list[tuple[int, float]]]:
    """Largest tenant first onto the least loaded worker (LPT), so the heavy tail balances."""
    bins: list[list[tuple[int, float]]] = [[] for _ in range(min(workers, len(todo)))]
    load = [0.0] * len(bins)
    for task in sorted(todo, key=lambda t: -t[1]):
        k = load.index(min(load))
        bins[k].append(task)
        load[k] += task[1]
    return bins


Job = tuple[tuple[Any, ...], dict[str, Any]]


def run_loaders(load: Callable[..., Iterator[tuple[int, dict[str, list[float]]]]],
                job: Callable[[list[tuple[int, float]]], Job],
                todo: list[tuple[int, float]], workers: int, report: SeedReport,
                progress: Progress | None, planned: dict[str, int],
                pool: WorkerPool | None = None) -> None:
    """Load ``todo`` tenants in this process or in ``workers`` worker processes.

    ``load(*args, report=tick, **kwargs)`` (a module-level function, so that it pickles by
    name), with ``(args, kwargs) = job(tasks)``, yields ``(tenant, stats)`` per committed
    tenant. A worker (:mod:`workbench.seed.worker`) runs the same call on its share; workers
    come from ``pool`` (started early) when given.
    """
    lock = threading.Lock()

    def record(stats: dict[str, list[float]]) -> None:
        with lock:
            report.tenants_loaded += 1
            for table, (rows, nbytes, secs) in stats.items():
                s = report.tables.setdefault(table, TableStats())
                s.rows += int(rows)
                s.copy_bytes += int(nbytes)
                s.seconds += secs

    def tick(table: str, rows: int) -> None:
        if progress:
            with lock:
                progress(table, rows, planned.get(table, 0))

    if workers == 1 or len(todo) <= 1:
        args, kwargs = job(todo)
        for _index, stats in load(*args, report=tick, **kwargs):
            record(stats)
        return
    shares = split_tenants(todo, workers)
    procs = pool.take(len(shares)) if pool else [spawn(load.__module__) for _ in shares]
    for proc, tasks in zip(procs, shares, strict=True):
        assert proc.stdin is not None
        proc.stdin.write(pickle.dumps((load, *job(tasks))))
        proc.stdin.close()

    errors: list[BaseException] = []  # raised by the caller's callbacks in a follower thread

    def follow(proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        try:
            for raw in proc.stdout:
                kind, _, rest = raw.decode().rstrip("\n").partition(" ")
                if kind == "P":
                    table, rows = rest.split(" ")
                    tick(table, int(rows))
                elif kind == "D":
                    record(json.loads(rest)["stats"])
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, raised there
            errors.append(exc)
            for other in procs:
                other.kill()

    try:
        threads = [threading.Thread(target=follow, args=(p,), daemon=True) for p in procs]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        if errors:
            raise errors[0]
    except BaseException:  # no worker may still write while the failure restores the keys
        for proc in procs:
            proc.kill()
        raise
    finally:
        for proc in procs:
            proc.wait()
    failed = [p for p in procs if p.returncode != 0]
    if failed:
        assert failed[0].stderr is not None
        lines = failed[0].stderr.read().decode().strip().splitlines() or ["(no output)"]
        raise SeedFailed(f"seeding worker failed: {lines[-1]}")


def table_checksums(conn: psycopg.Connection, *, checksum: bool = True
                    ) -> dict[str, tuple[int, str]]:
    """(row count, order-independent content checksum) per table of schema public.

    ``checksum=False`` only counts (the checksum is then ``''``).
    """
    catalog = Catalog.read(conn)
    template = read_sql("seed/checksums.sql") if checksum else (
        "SELECT count(*), '' FROM {table}")
    out = {}
    for table in sorted(catalog.columns):
        q = sql.SQL(template).format(table=sql.Identifier("public", table))  # type: ignore[arg-type]
        count, checksum = conn.execute(q).fetchone()  # type: ignore[misc]
        out[table] = (int(count), str(checksum))
    return out


__all__ = ["SeedReport", "TableStats", "default_partition_rows", "load_profile",
           "restore_deferred", "seed_database", "table_checksums", "tenant_weights"]
