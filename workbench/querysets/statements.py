"""Queries from ``pg_stat_statements``: what the application really runs, weighted by calls.

The server is the user's (``--queries-from DSN``) and is only read. Statements are normalised
by the extension (constants become ``$n``); each becomes a named query (``<verb>_<table>_<id>``)
whose ``$n`` are turned into ``%(pn)s``, so its parameters are bound and drawn like any other
query's. Left out, with the reason: utility statements (SET, BEGIN, DDL), text the parser
refuses (truncated by ``track_activity_query_size``), and traffic that reads no user table:
catalog and statistics queries, the workbench's own ``set_config`` context and probes.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.errors import BadParameter, NotFound
from workbench.queries import Query
from workbench.querysets.binding import (
    Columns,
    is_data_statement,
    named,
    tables_read,
    writes,
)
from workbench.querysets.model import QuerySet, Skipped
from workbench.sqlfiles import read_sql

VERBS = {"select": "select", "insert": "insert", "update": "update", "delete": "delete",
         "with": "with"}


def _name(text: str, tables: list[str], queryid: int) -> str:
    """``<verb>_<first table named>_<queryid's last 6 hex digits>``."""
    verb = VERBS.get(text.split(None, 1)[0].lower(), "stmt") if text.strip() else "stmt"
    table = tables[0].rpartition(".")[2].strip('"') if tables else "none"
    return f"{verb}_{table}_{queryid & 0xFFFFFF:06x}"


def capture(conn: psycopg.Connection, *, limit: int = 200, min_calls: int = 1) -> QuerySet:
    """The busiest ``limit`` data statements of ``conn``'s database, with calls as weights.

    ``conn`` is any connection to the database whose traffic is wanted; nothing is written.
    """
    row = conn.execute(read_sql("querysets/pg_stat_statements_schema.sql")).fetchone()
    if row is None:
        db = conn.info.dbname
        raise NotFound(
            f"pg_stat_statements is not installed in database {db!r}: add it to "
            "shared_preload_libraries and CREATE EXTENSION pg_stat_statements there, "
            "or give queries with --queries-dir"
        )
    view = sql.Identifier(row[0], "pg_stat_statements")
    stmt = sql.SQL(read_sql("querysets/pg_stat_statements.sql")).format(view=view)  # type: ignore[arg-type]
    try:
        rows = conn.execute(stmt).fetchall()
    except psycopg.Error as exc:
        msg = (exc.diag.message_primary or str(exc)).strip()
        raise NotFound(f"cannot read pg_stat_statements in {conn.info.dbname!r}: {msg}") from None
    columns = Columns.read(conn)
    out = QuerySet(f"pg_stat_statements of {conn.info.dbname}", [])
    for queryid, text, calls, mean_ms, total_ms, nrows in rows:
        label = f"queryid {queryid}"
        if calls < min_calls:
            continue
        if not is_data_statement(text):
            out.skipped.append(Skipped(label, "not one data statement (utility or unparsable)",
                                       text))
            continue
        known, other = tables_read(text, columns)
        if not known:
            why = f"reads no user table ({', '.join(other) or 'no table'})"
            out.skipped.append(Skipped(label, why, text))
            continue
        try:
            psy_sql, params = named(text)
        except BadParameter as exc:
            out.skipped.append(Skipped(label, str(exc), text))
            continue
        name = _name(text, known, int(queryid))
        out.add(Query(name, f"captured: {calls} calls, mean {mean_ms:.3f} ms", (), params,
                      psy_sql, writes(text)), float(calls),
                {"queryid": int(queryid), "calls": int(calls), "mean_ms": float(mean_ms),
                 "total_ms": float(total_ms), "rows": int(nrows)})
        if len(out.queries) >= limit:
            break
    if not out.queries:
        raise NotFound(f"pg_stat_statements of {conn.info.dbname!r} holds no statement on a "
                       "user table yet: run the application against it first")
    return out
