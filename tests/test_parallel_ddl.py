"""Restore statements run in parallel only where their locks allow (workbench/seed/parallel_ddl)."""

from __future__ import annotations

import threading
from collections import Counter

import psycopg
import pytest

from workbench.seed.parallel_ddl import Statement, referenced_table, resolve, run_parallel

pytestmark = pytest.mark.db

TABLES = ("CREATE TABLE a (id int PRIMARY KEY, b int, c int); "
          "CREATE TABLE b (id int PRIMARY KEY, a int); CREATE TABLE c (id int PRIMARY KEY, a int); "
          'CREATE SCHEMA "Odd"; CREATE TABLE "Odd"."T x" (id int PRIMARY KEY, t int)')
FKS = {  # name -> (table, statement); a and b, a and c reference each other
    "a_b": ("a", "ALTER TABLE public.a ADD CONSTRAINT a_b FOREIGN KEY (b) REFERENCES b(id)"),
    "b_a": ("b", "ALTER TABLE public.b ADD CONSTRAINT b_a FOREIGN KEY (a) REFERENCES public.a(id)"),
    "a_c": ("a", "ALTER TABLE public.a ADD CONSTRAINT a_c FOREIGN KEY (c) REFERENCES c(id)"),
    "c_a": ("c", "ALTER TABLE public.c ADD CONSTRAINT c_a FOREIGN KEY (a) REFERENCES a(id)"),
    "t_t": ('"Odd"."T x"', 'ALTER TABLE "Odd"."T x" ADD CONSTRAINT t_t FOREIGN KEY (t) '
            'REFERENCES "Odd"."T x"(id)'),
}


def test_referenced_table_is_read_with_the_parser() -> None:
    assert referenced_table(FKS["a_b"][1]) == '"b"'
    assert referenced_table(FKS["t_t"][1]) == '"Odd"."T x"'
    assert referenced_table("ALTER TABLE a ADD CONSTRAINT k PRIMARY KEY (id)") is None


def _jobs(conn: psycopg.Connection) -> list[Statement]:
    refs = {name: referenced_table(ddl) for name, (_, ddl) in FKS.items()}
    oids = resolve(conn, {t for t, _ in FKS.values()} | {r for r in refs.values() if r})
    return [Statement((name, ddl), frozenset({oids[table], oids[refs[name]]}))  # type: ignore[index]
            for name, (table, ddl) in FKS.items()]


def test_foreign_keys_in_parallel_never_share_a_table(settings, scratch_db, connect) -> None:
    name = scratch_db("pddl")
    conn = connect(name, autocommit=True)
    conn.execute(TABLES)
    jobs = _jobs(conn)
    assert len({t for j in jobs for t in j.tables}) == 4  # "a", "public.a", ... resolve alike
    running: Counter[str] = Counter()
    clashes: list[str] = []
    lock = threading.Lock()

    def run_one(c: psycopg.Connection, job: Statement) -> None:
        with lock:
            clashes.extend(job.payload[0] for t in job.tables if running[t])
            running.update(job.tables)
        try:
            c.execute(job.payload[1] + "; SELECT pg_sleep(0.05)")  # type: ignore[arg-type]
        finally:
            with lock:
                running.subtract(job.tables)

    run_parallel(settings, name, jobs, 3, run_one)
    assert clashes == []
    made = {r[0] for r in conn.execute("SELECT conname FROM pg_constraint WHERE contype = 'f'")}
    assert made == set(FKS)


def test_the_first_error_stops_the_rest(settings, scratch_db, connect) -> None:
    name = scratch_db("pddlerr")
    conn = connect(name, autocommit=True)
    conn.execute(TABLES)
    jobs = _jobs(conn)
    broken = Statement(("broken", "ALTER TABLE public.a ADD CONSTRAINT x FOREIGN KEY (b) "
                        "REFERENCES missing(id)"), jobs[0].tables)
    with pytest.raises(psycopg.errors.UndefinedTable):
        run_parallel(settings, name, [jobs[0], broken, *jobs[1:]], 1,
                     lambda c, job: c.execute(job.payload[1]))  # type: ignore[arg-type]
    made = {r[0] for r in conn.execute("SELECT conname FROM pg_constraint WHERE contype = 'f'")}
    assert made == {"a_b"}
