"""What an index costs a table's writers, on any schema: inserts per second, rolled back.

The rows inserted are copies of the table's own rows (so their sizes, foreign keys and check
constraints are real), with fresh values where a unique key needs them: the column's default
when it has one, a new uuid, a shifted integer, a random suffix for text. A table whose every
unique key is made only of foreign-key columns cannot be copied that way and reports no rate;
the what-if says so rather than guessing. Nothing stays: the transaction is rolled back.
"""

from __future__ import annotations

import time

import psycopg
from psycopg import sql

from workbench.errors import BadParameter
from workbench.explain import rolled_back
from workbench.sqlfiles import read_sql

INTEGER_TYPES = ("smallint", "integer", "bigint")


def copy_statement(conn: psycopg.Connection, table: str) -> tuple[str, dict[str, object]]:
    """``INSERT INTO table (...) SELECT ... FROM table LIMIT %(n)s`` keeping unique keys."""
    rows = conn.execute(read_sql("querysets/insertable_columns.sql"),  # type: ignore[arg-type]
                        {"table": table}).fetchall()
    targets: list[str] = []
    values: list[str] = []
    args: dict[str, object] = {}
    for name, type_name, typmod, has_default, unique, referencing in rows:
        col = sql.Identifier(name).as_string(None)
        if not unique:
            targets.append(col)
            values.append(col)
        elif has_default:
            continue  # the default (identity, sequence, gen_random_uuid()) makes it fresh
        elif referencing:
            targets.append(col)
            values.append(col)
        elif type_name == "uuid":
            targets.append(col)
            values.append("gen_random_uuid()")
        elif type_name in INTEGER_TYPES:
            shift = conn.execute(sql.SQL("SELECT coalesce(max({c}) - min({c}) + 1, 0) FROM {t}")
                                 .format(c=sql.Identifier(name), t=sql.SQL(table))).fetchone()
            args[f"shift_{len(args)}"] = int(shift[0]) if shift else 0
            targets.append(col)
            values.append(f"{col} + %(shift_{len(args) - 1})s")
        elif type_name.startswith(("text", "character varying", "citext")):
            width = typmod - 4 if typmod > 4 else 0
            fresh = f"{col} || md5(random()::text)"
            targets.append(col)
            values.append(f"right({fresh}, {width})" if width else fresh)
        else:
            raise BadParameter(f"cannot copy rows of {table}: unique column {name} ({type_name}) "
                               "has no default and no type the copy can make fresh")
    if not targets:
        raise BadParameter(f"cannot copy rows of {table}: no column to write")
    stmt = (f"INSERT INTO {table} ({', '.join(targets)}) "
            f"SELECT {', '.join(values)} FROM {table} LIMIT %(n)s")
    return stmt, args


def insert_rate(conn: psycopg.Connection, table: str, rows: int) -> float:
    """Rows per second for inserting ``rows`` copies of ``table``'s rows (rolled back).

    0.0 when the table is empty or a copy breaks a unique key (composite keys of foreign keys).
    """
    stmt, args = copy_statement(conn, table)
    try:
        with rolled_back(conn):
            started = time.perf_counter()
            cur = conn.execute(stmt, {**args, "n": rows})  # type: ignore[arg-type]
            elapsed = time.perf_counter() - started
            done = cur.rowcount
    except psycopg.errors.UniqueViolation:
        return 0.0
    return done / elapsed if elapsed > 0 and done > 0 else 0.0
