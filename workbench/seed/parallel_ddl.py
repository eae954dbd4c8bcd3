"""Statements run on several connections without waiting on each other's locks.

What ``pg_restore -j`` does for its post-data items: a statement starts only when no running
statement locks one of its tables in a conflicting mode. ``ALTER TABLE ... ADD PRIMARY KEY``
and ``ADD FOREIGN KEY`` lock their table(s) exclusively (a foreign key both its table and the
table it references: two of them on the same pair in opposite order would deadlock), while
``CREATE INDEX`` and ``ANALYZE`` on the same table may run side by side. So foreign keys are
validated in parallel, as the reference restore does, instead of one after another, and no
connection sits blocked behind another's lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
from pglast import ast, parse_sql
from pglast.enums import ConstrType

from workbench import db
from workbench.settings import Settings
from workbench.sqlfiles import read_sql


@dataclass(frozen=True)
class Statement:
    """A statement (its payload) and the tables it locks (``shared``: other shared locks on
    the same table may run beside it)."""

    payload: tuple[str, ...]
    tables: frozenset[str]
    shared: bool = False


def referenced_table(ddl: str) -> str | None:
    """The table an ``ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`` references, quoted as
    written (unqualified when it is on the search path), read with PostgreSQL's parser."""
    for raw in parse_sql(ddl):
        stmt = raw.stmt
        if not isinstance(stmt, ast.AlterTableStmt):
            continue
        for cmd in stmt.cmds or ():
            con = getattr(cmd, "def_", None)
            rel = getattr(con, "pktable", None)
            if isinstance(con, ast.Constraint) and con.contype == ConstrType.CONSTR_FOREIGN \
                    and rel is not None:
                parts = [p for p in (rel.schemaname, rel.relname) if p]
                return ".".join('"' + p.replace('"', '""') + '"' for p in parts)
    return None


def resolve(conn: psycopg.Connection, names: set[str]) -> dict[str, str]:
    """Each table name as the server resolves it (its oid), so spellings compare equal."""
    rows = conn.execute("SELECT x, to_regclass(x)::oid::text FROM unnest(%s::text[]) AS x",
                        (sorted(names),)).fetchall()
    return {name: oid or name for name, oid in rows}


def run_parallel(settings: Settings, database: str, jobs: Sequence[Statement], workers: int,
                 run_one: Callable[[psycopg.Connection, Statement], None],
                 setup: Sequence[str] = ()) -> None:
    """Run ``jobs`` in order of the list on up to ``workers`` autocommit connections, starting
    each only when its locks do not conflict with a running job's; the first error stops all
    (the others finish the statement they are in) and is raised."""
    pending = list(jobs)
    held: Counter[str] = Counter()  # table -> running jobs holding it
    exclusive: set[str] = set()
    cond = threading.Condition()
    failed: list[BaseException] = []

    def free(job: Statement) -> bool:
        if job.shared:
            return not (job.tables & exclusive)
        return not any(held[t] for t in job.tables)

    def take() -> Statement | None:
        with cond:
            while pending and not failed:
                for i, job in enumerate(pending):
                    if free(job):
                        del pending[i]
                        held.update(job.tables)
                        if not job.shared:
                            exclusive.update(job.tables)
                        return job
                cond.wait()
            return None

    def release(job: Statement) -> None:
        with cond:
            held.subtract(job.tables)
            if not job.shared:
                exclusive.difference_update(job.tables)
            cond.notify_all()

    def drain() -> None:
        with db.connection(settings, database, autocommit=True) as conn:
            for stmt in setup:
                conn.execute(stmt)  # type: ignore[arg-type]
            while (job := take()) is not None:
                try:
                    run_one(conn, job)
                except BaseException as exc:
                    with cond:
                        failed.append(exc)
                        cond.notify_all()
                    raise
                finally:
                    release(job)

    workers = max(1, min(workers, len(pending)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(drain) for _ in range(workers)]
    for fut in futures:
        fut.result()


def analyze(settings: Settings, database: str, schemas: Sequence[str], workers: int) -> None:
    """ANALYZE every table of ``schemas`` (partitioned ones through their parent, which samples
    its partitions and recurses into them), largest first, on ``workers`` connections."""
    with db.connection(settings, database, autocommit=True) as conn:
        rows = conn.execute(read_sql("seed/analyze_tables.sql"),  # type: ignore[arg-type]
                            {"schemas": list(schemas)}).fetchall()
    jobs = [Statement((name,), frozenset({name}), shared=True) for (name,) in rows]
    run_parallel(settings, database, jobs, workers,
                 lambda conn, job: conn.execute(f"ANALYZE {job.payload[0]}"))  # type: ignore[arg-type]


__all__ = ["Statement", "analyze", "referenced_table", "resolve", "run_parallel"]
