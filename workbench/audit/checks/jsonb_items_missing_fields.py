"""Rows of JSONB array columns holding a non-array, or an element that is malformed."""

from __future__ import annotations

import psycopg
from psycopg import sql

from workbench.audit.base import Found, PythonCheck
from workbench.audit.context import AuditContext
from workbench.audit.targets import SAMPLES_PER_TARGET, Tally, columns_like, ident

# A column is array-shaped, and a key required, when this share of its values / object elements
# are arrays / carry the key, over at least MIN_VALUES values / MIN_ELEMENTS elements.
INFERRED_SHARE = 0.9
MIN_VALUES = 10
MIN_ELEMENTS = 10


class JsonbItemsMissingFields(PythonCheck):
    """Rows of JSONB array columns holding a non-array, or an element that is malformed.

    A column counts as holding arrays (quote line items, address lists) when it is given
    (AuditOptions.jsonb_required, keyed "table.column") or when at least 90% of its non-NULL
    values (at least 10) are arrays. A row is counted once when its value is not an array (a
    bare string where addresses belong), or when an element is not an object or lacks a
    required field: given, or inferred as the keys that at least 90% of the column's object
    elements carry (at least 10 elements). Columns of arrays of scalars (tags) are checked for
    array-ness only.
    """

    severity = "medium"
    risks = ("RISK-INTEGRITY-003",)
    order = 5080

    def _shape(self, conn: psycopg.Connection, table: str, column: str) -> bool:
        query = sql.SQL("SELECT count(*), count(*) FILTER (WHERE jsonb_typeof({c}) = 'array') "
                        "FROM {t} WHERE {c} IS NOT NULL").format(t=ident(table),
                                                                 c=sql.Identifier(column))
        row = conn.execute(query).fetchone()
        total, arrays = (int(row[0]), int(row[1])) if row else (0, 0)
        return total >= MIN_VALUES and arrays >= INFERRED_SHARE * total

    def _required(self, conn: psycopg.Connection, table: str, column: str) -> list[str]:
        query = sql.SQL(
            "WITH e AS (SELECT x FROM {t}, jsonb_array_elements({c}) x "
            "WHERE jsonb_typeof({c}) = 'array' AND jsonb_typeof(x) = 'object') "
            "SELECT k, count(*), (SELECT count(*) FROM e) FROM e, jsonb_object_keys(x) k "
            "GROUP BY k").format(t=ident(table), c=sql.Identifier(column))
        rows = conn.execute(query).fetchall()
        return sorted(k for k, n, total in rows
                      if total >= MIN_ELEMENTS and n >= INFERRED_SHARE * total)

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Count rows whose value is not an array or whose array has a malformed element."""
        tally = Tally(["table_name", "column_name", "required"])
        for table, column, typ in columns_like(conn, ctx, ".*"):
            if typ != "jsonb":
                continue
            given = ctx.jsonb_required.get(f"{table}.{column}")
            if given is None and not self._shape(conn, table, column):
                continue
            required = list(given) if given is not None else self._required(conn, table, column)
            c = sql.Identifier(column)
            bad_element = (sql.SQL(" OR EXISTS (SELECT 1 FROM jsonb_array_elements({c}) x"
                                   " WHERE jsonb_typeof(x) <> 'object' OR NOT x ?& {req})").format(
                c=c, req=sql.Literal(required)) if required else sql.SQL(""))
            where = sql.SQL("{c} IS NOT NULL AND (jsonb_typeof({c}) <> 'array'{b})").format(
                c=c, b=bad_element)
            tally.count(
                conn, (table, column, ",".join(required)),
                sql.SQL("SELECT count(*) FROM {t} WHERE {w}").format(t=ident(table), w=where),
                sql.SQL("SELECT {c} FROM {t} WHERE {w} LIMIT {n}").format(
                    c=c, t=ident(table), w=where, n=sql.Literal(SAMPLES_PER_TARGET)))
        return tally.found()
