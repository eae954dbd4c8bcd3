"""Rows of JSONB item arrays with an element that lacks a required field or is not an object."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, columns_like, ident

# A key counts as required when at least this share of the column's object elements carry it.
INFERRED_SHARE = 0.9
MIN_ELEMENTS = 10


class JsonbItemsMissingFields(PythonCheck):
    """Rows of JSONB item arrays with an element that lacks a required field or is not an object.

    For every jsonb column holding arrays of objects (quote line items): the required fields are
    given (AuditOptions.jsonb_required, keyed "table.column") or inferred as the keys that at
    least 90% of the column's elements carry (with at least 10 elements). A row counts once.
    """

    severity = "medium"
    risks = ("RISK-INTEGRITY-003",)
    order = 5080

    def _required(self, conn: psycopg.Connection, table: str, column: str,
                  given: tuple[str, ...] | None) -> list[str]:
        if given is not None:
            return list(given)
        query = sql.SQL(
            "WITH e AS (SELECT x FROM {t}, jsonb_array_elements({c}) x "
            "WHERE jsonb_typeof({c}) = 'array' AND jsonb_typeof(x) = 'object') "
            "SELECT k, count(*), (SELECT count(*) FROM e) FROM e, jsonb_object_keys(x) k "
            "GROUP BY k").format(t=ident(table), c=sql.Identifier(column))
        rows = conn.execute(query).fetchall()
        return sorted(k for k, n, total in rows
                      if total >= MIN_ELEMENTS and n >= INFERRED_SHARE * total)

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Count rows whose array has a malformed element."""
        tally = Tally(["table_name", "column_name", "required"])
        for table, column, typ in columns_like(conn, ctx, ".*"):
            if typ != "jsonb":
                continue
            given = ctx.jsonb_required.get(f"{table}.{column}")
            required = self._required(conn, table, column, given)
            if not required:
                continue
            c = sql.Identifier(column)
            where = sql.SQL(
                "jsonb_typeof({c}) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements({c}) x"
                " WHERE jsonb_typeof(x) <> 'object' OR NOT x ?& {req})").format(
                c=c, req=sql.Literal(required))
            tally.count(
                conn, (table, column, ",".join(required)),
                sql.SQL("SELECT count(*) FROM {t} WHERE {w}").format(t=ident(table), w=where),
                sql.SQL("SELECT {c} FROM {t} WHERE {w} LIMIT {n}").format(
                    c=c, t=ident(table), w=where, n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
