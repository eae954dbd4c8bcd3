"""Catalog walks shared by the Python data checks: which tables, columns and keys to look at.

Data checks read the data of tables they discover here, so no table name is assumed; the name
patterns below are the only convention they rely on (and the SQL checks use the same ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from workbench.audit.base import Found
from workbench.audit.context import AuditContext

EMAIL_NAMES = r"((^|_)e?mail$|^(from|to|cc|bcc|reply_to)_address$)"
MONEY_NAMES = r"(price|cost|amount|subtotal|^total$|_total$|balance)"
SAMPLES_PER_TARGET = 3


@dataclass(frozen=True)
class ForeignKey:
    """A single-column foreign key, as qualified names and column names."""

    name: str
    child: str
    child_column: str
    parent: str
    parent_column: str
    child_oid: int
    parent_oid: int


def columns_like(conn: psycopg.Connection, ctx: AuditContext, pattern: str,
                 types: tuple[str, ...] | None = None) -> list[tuple[str, str, str]]:
    """(table, column, type) of ordinary columns whose name matches ``pattern``."""
    rows = conn.execute(
        "SELECT c.oid::regclass::text, a.attname, format_type(a.atttypid, a.atttypmod), "
        "t.typcategory FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 "
        "AND NOT a.attisdropped AND n.nspname = ANY(%s) AND a.attname ~ %s ORDER BY 1, 2",
        (list(ctx.schemas), pattern)).fetchall()
    return [(t, c, typ) for t, c, typ, cat in rows if types is None or cat in types]


def has_column(conn: psycopg.Connection, table: str, column: str) -> bool:
    """Whether ``table`` (a regclass text) has ``column``."""
    row = conn.execute("SELECT 1 FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s "
                       "AND NOT attisdropped", (table, column)).fetchone()
    return row is not None


def foreign_keys(conn: psycopg.Connection, ctx: AuditContext) -> list[ForeignKey]:
    """Every single-column foreign key whose child is in the audited schemas."""
    rows = conn.execute(
        "SELECT con.conname, con.conrelid::regclass::text, ca.attname, "
        "con.confrelid::regclass::text, pa.attname, con.conrelid::int8, con.confrelid::int8 "
        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = con.conkey[1] "
        "JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = con.confkey[1] "
        "WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND con.conparentid = 0 "
        "AND n.nspname = ANY(%s) "
        "ORDER BY 2, 1", (list(ctx.schemas),)).fetchall()
    return [ForeignKey(*r) for r in rows]


def tenant_key(conn: psycopg.Connection, ctx: AuditContext) -> str | None:
    """The tenant table's single-column primary key (what tenant columns should hold)."""
    if not ctx.tenant_table:
        return None
    if len(ctx.tenant_model.tenant_key) == 1:
        return ctx.tenant_model.tenant_key[0]
    row = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = i.indkey[0] WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "AND i.indnatts = 1", (ctx.tenant_table,)).fetchone()
    return str(row[0]) if row else None


def ident(name: str) -> sql.Composable:
    """A regclass text (already quoted by PostgreSQL) as SQL."""
    return sql.SQL(name)


class Tally:
    """Per-target counts and a few sample values, summed into one :class:`Found`."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.rows: list[tuple[Any, ...]] = []
        self.total = 0
        self.queries: list[str] = []

    def count(self, conn: psycopg.Connection, label: tuple[Any, ...], query: sql.Composable,
              sample: sql.Composable) -> None:
        """Run a ``count(*)`` query; when positive, keep the label, the count and samples."""
        text = query.as_string(conn)
        self.queries.append(text)
        row = conn.execute(query).fetchone()
        n = int(row[0]) if row and row[0] else 0
        if n:
            values = [str(r[0]) for r in conn.execute(sample).fetchall()]
            self.rows.append((*label, n, values))
            self.total += n

    def found(self) -> Found:
        """The summed result; the detail names each target and its count."""
        detail = "; ".join(f"{'.'.join(str(x) for x in r[:-2])}: {r[-2]}" for r in self.rows)
        return Found(self.total, [*self.columns, "rows", "sample"], self.rows,
                     detail or "none", ";\n".join(self.queries))
