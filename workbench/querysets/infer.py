"""Queries inferred from the schema and the tenant model, for a team that has no capture.

Per tenant table, the pages an application shows: a tenant's list, keyset-paginated by its
time column (else its key); one row by key; children by parent along each foreign key; a
count; a recent-window aggregate per day on its time column. Each is named
``<table>__<shape>`` and scoped to one tenant by :func:`workbench.querysets.scoping.tenant_scope`
(the model's column or join path), with named parameters that :mod:`workbench.querysets.draw`
fills from the seeded rows. The time column is the table's first NOT NULL time column with a
default (when rows were stamped), else its first NOT NULL one, else its first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import psycopg

from workbench.queries import PLACEHOLDER, Query
from workbench.querysets.model import QuerySet, Skipped
from workbench.querysets.scoping import Scope, ident, tenant_scope
from workbench.sqlfiles import read_sql
from workbench.tenancy.catalog import ForeignKey, read_catalog

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel

PAGE = "page_size"
NON_WORD = re.compile(r"\W")


@dataclass(frozen=True)
class TableShape:
    """What the inferred queries of one table are built on."""

    table: str
    key: tuple[str, ...]
    time_columns: tuple[str, ...]

    @property
    def time(self) -> str | None:
        """The column a list is ordered by and a window is cut on."""
        return self.time_columns[0] if self.time_columns else None

    @property
    def short(self) -> str:
        """The table's name without its schema (``public`` tables) or with it (others)."""
        schema, _, name = self.table.partition(".")
        name, schema = name.strip('"'), schema.strip('"')
        return name if schema == "public" else f"{schema}_{name}"


def read_shapes(conn: psycopg.Connection, schemas: tuple[str, ...]) -> dict[str, TableShape]:
    """Key and time columns of every table of ``schemas``."""
    rows = conn.execute(read_sql("querysets/table_shapes.sql"),  # type: ignore[arg-type]
                        {"schemas": list(schemas)}).fetchall()
    return {r[0]: TableShape(r[0], tuple(r[1]), tuple(r[2])) for r in rows}


def _pname(prefix: str, column: str) -> str:
    """A parameter name for ``column`` (placeholders take word characters only)."""
    return prefix + "_" + NON_WORD.sub("_", column)


def _select(shape: TableShape, scope: Scope, where: list[str], tail: str = "",
            columns: str = "t.*") -> str:
    lines = [f"SELECT {columns}", f"FROM {shape.table} t"]
    if scope.joins:
        lines.append(scope.joins)
    lines.append("WHERE " + "\n  AND ".join([scope.predicate, *where]))
    if tail:
        lines.append(tail)
    return "\n".join(lines)


def _order(shape: TableShape) -> tuple[str, ...]:
    """The list order: time column then key (newest first), or the key alone."""
    cols = ([shape.time] if shape.time else []) + [k for k in shape.key if k != shape.time]
    return tuple(cols)


def table_queries(shape: TableShape, scope: Scope, fks: list[ForeignKey]) -> list[Query]:
    """The inferred queries of one tenant table."""
    out: list[Query] = []
    order = _order(shape)
    limit = f"LIMIT %({PAGE})s"

    def add(kind: str, screen: str, text: str) -> None:
        params = tuple(dict.fromkeys(PLACEHOLDER.findall(text)))
        out.append(Query(f"{shape.short}__{kind}", screen, (), params, text))

    if order:
        cols = ", ".join(f"t.{ident(c)}" for c in order)
        marks = ", ".join(f"%({_pname('before', c)})s" for c in order)
        desc = ", ".join(f"t.{ident(c)} DESC" for c in order)
        cursor = f"({cols}) < ({marks})" if len(order) > 1 else f"{cols} < {marks}"
        add("list", f"{shape.short}: a tenant's list, newest first, keyset page 2",
            _select(shape, scope, [cursor], f"ORDER BY {desc}\n{limit}"))
    if shape.key:
        where = [f"t.{ident(k)} = %({_pname('key', k)})s" for k in shape.key]
        add("by_key", f"{shape.short}: one row by its key", _select(shape, scope, where))
    by_parent: dict[str, int] = {}
    for fk in fks:
        by_parent[fk.parent] = by_parent.get(fk.parent, 0) + 1
    for fk in fks:
        parent = fk.parent.rpartition(".")[2].strip('"')
        suffix = parent if by_parent[fk.parent] == 1 else "_".join(fk.columns)
        where = [f"t.{ident(c)} = %({_pname('parent', c)})s" for c in fk.columns]
        tail = f"ORDER BY {', '.join(f't.{ident(c)} DESC' for c in order)}\n{limit}" \
            if order else limit
        add(f"by_{suffix}", f"{shape.short}: children of one {parent}",
            _select(shape, scope, where, tail))
    add("count", f"{shape.short}: how many the tenant has",
        _select(shape, scope, [], columns="count(*)"))
    if shape.time:
        col = f"t.{ident(shape.time)}"
        add("recent", f"{shape.short}: per day over a recent window of {shape.time}",
            _select(shape, scope, [f"{col} >= %({_pname('since', shape.time)})s"],
                    "GROUP BY 1\nORDER BY 1", f"date_trunc('day', {col}) AS day, count(*)"))
    return out


def infer(conn: psycopg.Connection, model: TenantModel) -> QuerySet:
    """Inferred queries for every tenant table of ``model`` (a tenant model of ``conn``'s db)."""
    schemas = tuple(model.schemas) or ("public",)
    shapes = read_shapes(conn, schemas)
    fks_by_table: dict[str, list[ForeignKey]] = {}
    for fk in read_catalog(conn, schemas).foreign_keys:
        fks_by_table.setdefault(fk.child, []).append(fk)
    out = QuerySet("inferred from the schema", [])
    for table in sorted(model.tables):
        tt = model.tables[table]
        if tt.kind not in ("direct", "indirect"):
            continue
        shape = shapes.get(table)
        scope = tenant_scope(model, table)
        if shape is None or scope is None:
            out.skipped.append(Skipped(table, "no tenant scope or no catalog entry"))
            continue
        for query in table_queries(shape, scope, fks_by_table.get(table, [])):
            out.add(query)
    return out
