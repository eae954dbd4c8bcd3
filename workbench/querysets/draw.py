"""Parameter values per tenant, drawn from the seeded rows the parameters are compared with.

The catalog draws its values with one hand-written query (``draw_parameters``, named in
``sql/baseline/subject.toml``); a query set of any schema cannot have one, so values come from
each parameter's binding (:mod:`workbench.querysets.binding`) in the same spirit: the tenant's
own rows, the commonest value where there is a choice (the busiest parent, the commonest
status), a keyset cursor one page from the newest row, a lower time bound at the tenant's 90th
percentile (a recent window). A parameter compared with a tenant column (or the tenant key)
gets the tenant's id; a LIMIT a page; an OFFSET 0. A query with a parameter compared with no
column cannot be run, and is returned as skipped with that reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psycopg

from workbench.queries import ParamSet, Query
from workbench.querysets.binding import Binding, Columns, bind
from workbench.querysets.model import Skipped
from workbench.querysets.scoping import TENANT_PARAM, ident, is_tenant_column, tenant_scope

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel

PAGE_SIZE = 25
RECENT_QUANTILE = 0.9
EQUALITY = ("=", "in", "any", "like", "set", "value", "<>", "!=")
UPPER = ("<", "<=")
LOWER = (">", ">=")


@dataclass(frozen=True)
class Tenant:
    """One tenant's id (as the database returns it) and its size in rows."""

    id: Any
    size: int


def tenants(conn: psycopg.Connection, model: TenantModel) -> list[Tenant]:
    """Every tenant, largest first: rows of its direct tables (the tenant table's keys too)."""
    sizes: dict[Any, int] = {}
    if model.tenant_table and model.tenant_key:
        key = ident(model.tenant_key[0])
        for (tid,) in conn.execute(f"SELECT {key} FROM {model.tenant_table}").fetchall():  # type: ignore[arg-type]
            sizes.setdefault(tid, 0)
    for table, tt in sorted(model.tables.items()):
        if tt.kind != "direct":
            continue
        column = model.tenant_column(table)
        assert column is not None  # a direct table names its column (TenantModel.from_dict)
        col = ident(column)
        stmt = f"SELECT {col}, count(*) FROM {table} WHERE {col} IS NOT NULL GROUP BY 1"
        for tid, n in conn.execute(stmt).fetchall():  # type: ignore[arg-type]
            sizes[tid] = sizes.get(tid, 0) + int(n)
    return [Tenant(t, n) for t, n in sorted(sizes.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def pick(ranked: list[Tenant], which: Iterable[str] = ("large", "small")) -> dict[str, Tenant]:
    """The largest and the smallest non-empty tenant (where skew shows in plans)."""
    nonempty = [t for t in ranked if t.size > 0] or ranked
    if not nonempty:
        return {}
    choice = {"large": nonempty[0], "small": nonempty[-1]}
    return {w: choice[w] for w in which}


@dataclass
class Drawer:
    """Draws values for one database; remembers each (tenant, table, columns) draw."""

    conn: psycopg.Connection
    model: TenantModel
    page_size: int = PAGE_SIZE
    columns: Columns | None = None
    _cache: dict[tuple, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.columns is None:
            self.columns = Columns.read(self.conn)

    def bindings(self, query: Query) -> dict[str, Binding]:
        """The query's parameters and the columns they meet."""
        assert self.columns is not None
        return bind(query.sql, self.columns)

    def _rows(self, tenant: Tenant, table: str, select: str, tail: str) -> list[tuple]:
        scope = tenant_scope(self.model, table, "t")
        where = f"WHERE {scope.predicate}" if scope else ""
        joins = scope.joins if scope else ""
        stmt = f"SELECT {select} FROM {table} t {joins} {where} {tail}"
        with self.conn.transaction():
            self.conn.execute("SET LOCAL statement_timeout = '30s'")
            return self.conn.execute(stmt, {TENANT_PARAM: tenant.id}).fetchall()  # type: ignore[arg-type]

    def _group(self, tenant: Tenant, table: str, cols: tuple[str, ...], kind: str) -> dict:
        key = (str(tenant.id), table, cols, kind)
        if key in self._cache:
            return self._cache[key]
        quoted = [f"t.{ident(c)}" for c in cols]
        nums = ", ".join(str(i + 1) for i in range(len(cols)))
        if kind == "eq":
            rows = self._rows(tenant, table, ", ".join(quoted),
                              f"GROUP BY {nums} ORDER BY count(*) DESC, {nums} LIMIT 1")
        elif kind == "upper":
            order = ", ".join(f"{c} DESC" for c in quoted)
            rows = self._rows(tenant, table, ", ".join(quoted),
                              f"ORDER BY {order} LIMIT 1 OFFSET {int(self.page_size)}")
            if not rows:
                rows = self._rows(tenant, table, ", ".join(quoted), f"ORDER BY {order} LIMIT 1")
        else:
            rows = self._rows(tenant, table, ", ".join(
                f"percentile_disc({RECENT_QUANTILE}) WITHIN GROUP (ORDER BY {c})"
                for c in quoted), "")
        values = dict(zip(cols, rows[0], strict=True)) if rows else dict.fromkeys(cols)
        self._cache[key] = values
        return values

    def draw(self, query: Query, tenant: Tenant) -> dict[str, Any]:
        """Values for every parameter of ``query`` for ``tenant`` (ValueError: one unbound)."""
        bindings = self.bindings(query)
        values: dict[str, Any] = {}
        groups: dict[tuple[str, str], list[Binding]] = {}
        for name, b in bindings.items():
            if is_tenant_column(self.model, b.table, b.column):
                values[name] = [tenant.id] if b.op == "any" else tenant.id
            elif b.op == "limit":
                values[name] = self.page_size
            elif b.op == "offset":
                values[name] = 0
            elif b.table is None or b.column is None:
                raise ValueError(f"parameter {name} is compared with no column")
            else:
                kind = "eq" if b.op in EQUALITY else "upper" if b.op in UPPER else "lower"
                groups.setdefault((b.table, kind), []).append(b)
        for (table, kind), members in groups.items():
            cols = tuple(dict.fromkeys(m.column for m in members if m.column))
            drawn = self._group(tenant, table, cols, kind)
            for m in members:
                value = drawn.get(m.column)
                if m.op == "any":
                    value = [value]
                elif m.op == "like" and value is not None:
                    value = f"{str(value)[:3]}%"
                values[m.param] = value
        return values

    def param_sets(
        self, queries: Iterable[Query], chosen: dict[str, Tenant]
    ) -> tuple[dict[str, list[ParamSet]], list[Skipped]]:
        """Per query, one parameter set per chosen tenant (``large/drawn`` ...); and the skips."""
        out: dict[str, list[ParamSet]] = {}
        skipped: list[Skipped] = []
        for query in queries:
            try:
                out[query.name] = [ParamSet(label, "drawn", self.draw(query, tenant))
                                   for label, tenant in chosen.items()]
            except ValueError as exc:
                skipped.append(Skipped(query.name, f"cannot draw values: {exc}", query.sql))
            except psycopg.Error as exc:
                msg = (exc.diag.message_primary or str(exc)).strip()
                skipped.append(Skipped(query.name, f"drawing values failed: {msg}", query.sql))
        return out, skipped

