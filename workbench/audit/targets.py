"""Catalog walks shared by the Python data checks: which tables, columns and keys to look at.

Data checks read the data of tables they discover here, so no table name is assumed; the name
patterns of :mod:`workbench.column_names` are the only convention they rely on (shared with the
SQL checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from workbench.audit.base import Found
from workbench.audit.context import AuditContext
from workbench.sqlfiles import read_sql

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
    rows = conn.execute(read_sql("catalog/columns_like.sql"),  # type: ignore[arg-type]
                        {"schemas": list(ctx.schemas), "pattern": pattern}).fetchall()
    return [(t, c, typ) for t, c, typ, cat in rows if types is None or cat in types]


def has_column(conn: psycopg.Connection, table: str, column: str) -> bool:
    """Whether ``table`` (a regclass text) has ``column``."""
    row = conn.execute(read_sql("catalog/has_column.sql"),  # type: ignore[arg-type]
                       {"table": table, "column": column}).fetchone()
    return row is not None


def foreign_keys(conn: psycopg.Connection, ctx: AuditContext) -> list[ForeignKey]:
    """Every single-column foreign key whose child is in the audited schemas."""
    rows = conn.execute(read_sql("catalog/single_column_foreign_keys.sql"),  # type: ignore[arg-type]
                        {"schemas": list(ctx.schemas)}).fetchall()
    return [ForeignKey(*r) for r in rows]


def tenant_key(conn: psycopg.Connection, ctx: AuditContext) -> str | None:
    """The tenant table's single-column primary key (what tenant columns should hold)."""
    if not ctx.tenant_table:
        return None
    if len(ctx.tenant_model.tenant_key) == 1:
        return ctx.tenant_model.tenant_key[0]
    row = conn.execute(read_sql("catalog/single_column_primary_key.sql"),  # type: ignore[arg-type]
                       {"table": ctx.tenant_table}).fetchone()
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
