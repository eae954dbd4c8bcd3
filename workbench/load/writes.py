"""Writes inferred from the catalog, so that a query set's load measures writes beside reads.

A query set (captured, a folder, or inferred) mostly reads; an application also inserts and
updates, and a write costs what a read does not (WAL, every index, triggers, foreign-key
checks, row level security's WITH CHECK). Per tenant table (direct or indirect), where the
catalog allows, the driver adds:

* ``<table>__insert``: a new row for the tenant. Its tenant column and foreign keys are copied
  from one of the tenant's own rows of the table (so every parent exists and is the tenant's);
  every other column the seeder fills gets a value from the seeder's generator for it (the same
  plan and generators ``workbench seed`` uses, :mod:`workbench.seed`); what the server fills
  (defaults, identities, generated columns) is left to it. ``ON CONFLICT DO NOTHING``: a repeat
  of a unique value is a property of random values, not of the schema.
* ``<table>__update``: one non-key column of one of the tenant's rows, by its primary key, set
  to a fresh value from the column's generator (a column outside every unique key and foreign
  key, so the update changes data, not identity).

The load runs each in a transaction that is rolled back (:meth:`PostgresUser.read` with a
``rolled_back`` query), so the rows stay as seeded while the server does a write's work. Each
tenant gets :data:`VALUES_PER_TENANT` value sets per statement, each tried once here, rolled
back: a set the server refuses (a CHECK the generators missed) is dropped, and a statement no
set of which is accepted is skipped with the server's reason.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import psycopg

from workbench.errors import one_line
from workbench.load.plan import json_value
from workbench.queries import PLACEHOLDER, Query
from workbench.querysets.model import Skipped
from workbench.querysets.scoping import TENANT_PARAM, ident, tenant_scope

if TYPE_CHECKING:
    from workbench.seed.plan import TablePlan
    from workbench.tenancy.model import TenantModel

VALUES_PER_TENANT = 4
WRITE_SHARE = 0.2  # of all requests, split evenly over the write statements
ROW0 = 900_000_000  # the generators' row number for new rows: far above any seeded row's
NON_WORD = re.compile(r"\W")
# generator kinds whose values change a row's data (not a key's identity)
UPDATABLE = ("choices", "bool", "int", "number", "text", "time", "json", "textform", "array")


class _Refused(Exception):
    """Raised to roll back a trial statement the server accepted."""


@dataclass
class WriteSet:
    """Write statements, their value sets per tenant (by the tenant id's text), what was left."""

    queries: list[Query] = field(default_factory=list)
    values: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)


def _param(prefix: str, column: str) -> str:
    return f"{prefix}_{NON_WORD.sub('_', column)}"


def _plain(value: Any) -> Any:
    """A value for the plan's JSON: an object read back from jsonb stays JSON text."""
    return json.dumps(value) if isinstance(value, dict) else json_value(value)


@dataclass(frozen=True)
class _TableWrites:
    """The statements of one table and the columns each takes from where."""

    table: str
    copied: tuple[str, ...]      # from one of the tenant's rows: tenant column, foreign keys
    generated: tuple[str, ...]   # from the seeder's generators
    key: tuple[str, ...]         # the primary key (update by it)
    updated: str | None          # the column the update sets

    def short(self) -> str:
        schema, _, name = self.table.partition(".")
        name, schema = name.strip('"'), schema.strip('"')
        return name if schema == "public" else f"{schema}_{name}"

    def statements(self) -> list[Query]:
        out = []
        cols = (*self.copied, *self.generated)
        if cols:
            names = ", ".join(ident(c) for c in cols)
            marks = ", ".join("%(" + _param("new", c) + ")s" for c in cols)
            text = (f"INSERT INTO {self.table} ({names})\nVALUES ({marks})\n"
                    "ON CONFLICT DO NOTHING")
            out.append(_query(f"{self.short()}__insert", f"{self.short()}: a new row of a "
                              "tenant's (rolled back)", text))
        if self.updated and self.key:
            where = " AND ".join(f"{ident(k)} = %({_param('key', k)})s" for k in self.key)
            text = (f"UPDATE {self.table}\nSET {ident(self.updated)} = "
                    f"%({_param('set', self.updated)})s\nWHERE {where}")
            out.append(_query(f"{self.short()}__update", f"{self.short()}: one of a tenant's "
                              f"rows, {self.updated} changed (rolled back)", text))
        return out


def _query(name: str, screen: str, text: str) -> Query:
    params = tuple(dict.fromkeys(PLACEHOLDER.findall(text)))
    return Query(name, screen, (), params, text, writes=True)


def _shape(tp: TablePlan, tenant_column: str | None, makers: set[str]) -> _TableWrites | str:
    """What the statements of ``tp``'s table write, or why it gets none."""
    table = tp.table
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    copied = tuple(c for c in table.columns if c in fk_cols or c == tenant_column)
    generated, missing = [], []
    for name, col in table.columns.items():
        spec = tp.specs.get(name)
        if name in copied or col.generated or col.identity == "a":
            continue
        if spec is not None and spec.kind in makers:
            generated.append(name)
        elif col.not_null and col.default is None and not col.identity:
            missing.append(name)
    if missing:
        return f"no generator for {', '.join(missing)} (NOT NULL, no default)"
    unique_cols = {c for u in table.uniques for c in u.columns}
    key = table.primary.columns if table.primary else ()
    updated = next((c for c in generated if c not in unique_cols and c not in key
                    and tp.specs[c].kind in UPDATABLE), None)
    order = [c for c in (*tp.key_columns, *tp.column_order) if c in generated]
    order += [c for c in generated if c not in order]
    return _TableWrites(tp.name, copied, tuple(order), tuple(key), updated)


def _sample(conn: psycopg.Connection, model: TenantModel, table: str, tenant: Any,
            n: int) -> list[dict[str, Any]]:
    """Up to ``n`` of the tenant's rows of ``table`` (as JSON objects)."""
    scope = tenant_scope(model, table)
    if scope is None:
        return []
    stmt = f"SELECT to_jsonb(t) FROM {table} t {scope.joins} WHERE {scope.predicate} LIMIT %(n)s"
    return [r[0] for r in conn.execute(stmt, {TENANT_PARAM: tenant, "n": n})]  # type: ignore[arg-type]


def _value_sets(shape: _TableWrites, tp: TablePlan, rows: list[dict[str, Any]],
                rng: np.random.Generator, index: int, cal: Any) -> dict[str, list[dict[str, Any]]]:
    """Per statement, one value set per sampled row: copied columns from it, the rest made."""
    from workbench.seed.generators import Context, values

    ctx = Context(cal, index, ROW0)
    made: dict[str, list[Any]] = {}
    for col in shape.generated:
        series = values(tp.specs[col], rng, len(rows), ctx)
        ctx.frame[col] = series
        made[col] = series.to_list()
    inserts = [{**{_param("new", c): _plain(row.get(c)) for c in shape.copied},
                **{_param("new", c): _plain(made[c][i]) for c in shape.generated}}
               for i, row in enumerate(rows)]
    out = {f"{shape.short()}__insert": inserts}
    if shape.updated and shape.key:
        out[f"{shape.short()}__update"] = [
            {**{_param("key", k): _plain(row.get(k)) for k in shape.key},
             _param("set", shape.updated): _plain(made[shape.updated][i])}
            for i, row in enumerate(rows) if all(row.get(k) is not None for k in shape.key)]
    return out


def _accepted(conn: psycopg.Connection, query: Query, sets: list[dict[str, Any]],
              errors: dict[str, str]) -> list[dict[str, Any]]:
    """The sets the server takes (each tried in a savepoint, rolled back)."""
    kept = []
    for values in sets:
        try:
            with conn.transaction():
                conn.execute(query.sql, values)  # type: ignore[arg-type]
                raise _Refused
        except _Refused:
            kept.append(values)
        except psycopg.Error as exc:
            errors.setdefault(query.name, one_line(exc, 200))
    return kept


def infer_writes(conn: psycopg.Connection, model: TenantModel, tenant_ids: list[Any], *,
                 profile: str = "ci", per_tenant: int = VALUES_PER_TENANT,
                 seed: int = 1) -> WriteSet:
    """Insert and update statements for every tenant table the catalog lets us write, with
    value sets for each of ``tenant_ids`` (see the module docstring)."""
    from workbench.seed import load_profile
    from workbench.seed.catalog_model import SchemaCatalog
    from workbench.seed.generators import MAKERS
    from workbench.seed.overrides import parse_overrides
    from workbench.seed.plan import make_plan
    from workbench.seed.values import Calendar

    prof = load_profile(profile)
    # the seed's plan as for an empty database: a seeded table is "reference" to the seeder
    # (kept as it is), and gets no generators, while here every table is written anew
    catalog = SchemaCatalog.read(conn, tuple(model.schemas) or ("public",))
    plan = make_plan(catalog, model, parse_overrides(prof.name, prof.catalog, prof.scale),
                     conn=conn, tenants=prof.tenants)
    cal = Calendar.of(prof)
    out = WriteSet()
    errors: dict[str, str] = {}
    queries: dict[str, Query] = {}
    for name in model.tenant_tables():
        tp = plan.tables.get(name)
        if tp is None:
            continue
        shape = _shape(tp, model.tenant_column(name), set(MAKERS))
        if isinstance(shape, str):
            out.skipped.append(Skipped(f"{name} writes", shape))
            continue
        statements = {q.name: q for q in shape.statements()}
        queries.update(statements)
        with conn.transaction():  # one transaction; every trial is a savepoint rolled back
            for index, tenant in enumerate(tenant_ids):
                rows = _sample(conn, model, name, tenant, per_tenant)
                if not rows:
                    continue
                rng = np.random.default_rng([seed, index, zlib.crc32(name.encode())])
                try:
                    drawn = _value_sets(shape, tp, rows, rng, index, cal)
                except Exception as exc:  # noqa: BLE001 - a generator that cannot run here
                    for qname in statements:
                        errors.setdefault(qname, f"generator failed: {one_line(exc, 160)}")
                    break
                for qname, sets in drawn.items():
                    kept = _accepted(conn, statements[qname], sets, errors)
                    if kept:
                        out.values.setdefault(str(tenant), {})[qname] = kept
    used = {q for per in out.values.values() for q in per}
    for qname, query in queries.items():
        if qname in used:
            out.queries.append(query)
        else:
            why = errors.get(qname, "no tenant has a row of the table to write from")
            out.skipped.append(Skipped(qname, f"no value set the server accepts: {why}",
                                       query.sql))
    return out


def weights(read_weights: dict[str, float], writes: list[Query],
            share: float = WRITE_SHARE) -> dict[str, float]:
    """Each write's weight: together ``share`` of all requests, split evenly."""
    if not writes or share <= 0:
        return {}
    total = sum(read_weights.values()) or 1.0
    each = total * share / (1.0 - share) / len(writes)
    return {q.name: each for q in writes}
