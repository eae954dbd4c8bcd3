# pglast types every AST field as optional; the parser fills the ones read here for these
# node kinds (a statement has its table, a key its columns), so those checks are off here.
# mypy: disable-error-code="union-attr, index, arg-type"
"""Deleting the rows that keep a unique key from being built again after a failed seed.

A seed drops keys and indexes for the load and restores them at the end, whatever happened.
If the rows it wrote repeat a unique key (a generator bug), that restore fails on the data
and ``--restore`` could never succeed: the database would stay without its keys. Here the
repeating rows, all but the first by ctid, are deleted and counted, so the key is built and
the count is reported as what the constraint cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import pglast
import psycopg
from pglast import ast
from pglast.stream import RawStream
from psycopg import sql

from workbench.sqlfiles import read_sql


@dataclass(frozen=True)
class UniqueKey:
    """What a recorded key or unique index statement makes unique."""

    table: sql.Composable
    keys: tuple[str, ...]  # columns or expressions, as SQL
    predicate: str | None  # a partial index's WHERE
    nulls_distinct: bool


def unique_key(ddl: str) -> UniqueKey | None:
    """The key a ``CREATE UNIQUE INDEX`` or ``ADD CONSTRAINT ... PRIMARY KEY / UNIQUE``
    statement makes; None for anything else (an exclusion constraint, a plain index)."""
    stmt = pglast.parse_sql(ddl)[0].stmt
    if isinstance(stmt, ast.IndexStmt) and stmt.unique:
        keys = tuple(sql.Identifier(e.name).as_string(None) if e.name else RawStream()(e.expr)
                     for e in stmt.indexParams)
        where = RawStream()(stmt.whereClause) if stmt.whereClause else None
        return UniqueKey(_table(stmt.relation), keys, where, not stmt.nulls_not_distinct)
    if isinstance(stmt, ast.AlterTableStmt) and len(stmt.cmds) == 1:
        con = stmt.cmds[0].def_
        if isinstance(con, ast.Constraint) and con.keys and con.contype in (
                pglast.enums.ConstrType.CONSTR_PRIMARY, pglast.enums.ConstrType.CONSTR_UNIQUE):
            keys = tuple(sql.Identifier(k.sval).as_string(None) for k in con.keys)
            return UniqueKey(_table(stmt.relation), keys, None, not con.nulls_not_distinct)
    return None


def _table(rel: ast.RangeVar) -> sql.Composable:
    return sql.Identifier(rel.schemaname, rel.relname) if rel.schemaname else \
        sql.Identifier(rel.relname)


def delete_duplicates(conn: psycopg.Connection, ddl: str) -> int:
    """Delete the rows repeating the key ``ddl`` makes (keeping the first by ctid); how many."""
    key = unique_key(ddl)
    if key is None:
        return 0
    where = [f"({key.predicate})"] if key.predicate else []
    if key.nulls_distinct:
        where += [f"({k}) IS NOT NULL" for k in key.keys]
    stmt = sql.SQL(read_sql("seed/delete_duplicates.sql")).format(  # type: ignore[arg-type]
        table=key.table, keys=sql.SQL(", ".join(key.keys)),  # type: ignore[arg-type]
        where=sql.SQL(" AND ".join(where) or "true"))  # type: ignore[arg-type]
    return conn.execute(stmt).rowcount
