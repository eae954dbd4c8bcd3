"""Tables a profile hands to its own generators; the catalog engine makes everything else.

A profile may name, per table, a Python callable that makes that table's rows (``[catalog]
generators``, see :mod:`workbench.seed.overrides`); tables named with the same callable are
made together (a parent and its children: orders whose totals derive from their lines). The
engine still plans every table, orders them, scopes them by tenant, drops and restores keys,
COPYs, records and resumes; a handed table's generator only replaces its two passes:

* it is called once per build (a tenant, or the global rows) with a :class:`HandContext` and
  yields chunks ``(table, {column: values})`` for the tables of its group, in any order and
  size. Values carry meaning (a boolean flag, a float amount); the chunk is fitted to the
  table as :mod:`workbench.seed.writer` does (a column the table lacks is dropped, a flag the
  column type cannot hold stays NULL), and a column the chunk does not carry comes from the
  catalog: its default on the server, else the plan's generator for it.
* generators run in the order the profile lists them (the plan follows it), so one may read
  what an earlier one left in :attr:`HandContext.shared` (ids, prices), beyond foreign keys.
* a group whose rows a catalog-made table points at is run in the first pass and its chunks
  kept until they are written (the engine needs their keys); every other group streams in the
  second pass, chunk by chunk, so memory stays that of one chunk.

The rows are the generator's business: checks and unique keys are not repaired here, and a
row the server refuses fails the seed (the keys are restored, as after any failure).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import psycopg

from workbench.errors import BadParameter, SchemaError
from workbench.seed.generators import Context, values
from workbench.seed.profile import import_module
from workbench.seed.writer import Catalog, Column, SideTable, chunk_rows, copy_chunk, side_chunk

if TYPE_CHECKING:
    from workbench.seed.catalog_model import Table
    from workbench.seed.engine import Build
    from workbench.seed.plan import Plan

Chunk = tuple[str, dict[str, Any]]
Generator = Callable[["HandContext"], Iterator[Chunk]]


@dataclass(frozen=True)
class Handover:
    """One group of tables a profile's generator makes (``tables`` in plan order)."""

    name: str  # as the profile names it, for --explain-plan and errors
    make: Generator
    tables: tuple[str, ...]


def resolve(spec: str | dict[str, str], tables: dict[str, Table]
            ) -> tuple[dict[str, tuple[str, Any]], str]:
    """``table -> (name, callable)`` in the order the profile lists them (checked), and a note.

    ``spec`` is a module whose ``GENERATORS`` maps tables to callables, or a mapping of tables
    to ``"module:function"``. A module is written for one schema: on a database that lacks
    any of its tables none is handed over (the catalog makes everything, the note says why),
    so the shipped profiles seed any schema. A table named one by one must exist (a typo is an
    error). A callable's ``sides`` (tables it also fills when the database has them: a variant
    that moved some of its columns into a table of their own) join its group after it.
    """
    if isinstance(spec, str):
        module = import_module(spec, "catalog.generators")
        listed = getattr(module, "GENERATORS", None)
        if not isinstance(listed, dict):
            raise BadParameter(f"catalog.generators: module {spec!r} has no GENERATORS mapping")
        named = {t: (f"{spec}.{_label(fn)}", fn) for t, fn in listed.items()}
        absent = [t for t in named if t not in tables]
        if absent:
            return {}, (f"{spec} not used: this database lacks {len(absent)} of its tables "
                        f"({', '.join(absent[:3])}{', ...' if len(absent) > 3 else ''})")
    else:
        named = {}
        for table, ref in spec.items():
            module_name, _, attr = ref.partition(":")
            fn = getattr(import_module(module_name, f"catalog.generators.{table}"), attr, None)
            if not attr or not callable(fn):
                raise BadParameter(f"catalog.generators.{table}: {ref!r} names no callable "
                                   "(give \"module:function\")")
            named[table] = (ref, fn)
    missing = [t for t in named if t not in tables]
    if missing:
        raise BadParameter(f"catalog.generators names no table of this database: "
                           f"{', '.join(missing)}")
    out: dict[str, tuple[str, Any]] = {}
    for table, (label, fn) in named.items():
        out[table] = (label, fn)
        out.update({side: (label, fn) for side in getattr(fn, "sides", ()) if side in tables})
    return out, f"{len(out)} tables made by the profile's generators"


def _label(fn: Any) -> str:
    return getattr(fn, "__name__", None) or getattr(getattr(fn, "gen", None), "__name__", "?")


def check_order(listed: list[str], tables: dict[str, Table]) -> None:
    """A generator may only point at tables listed before it (or made by the catalog)."""
    seen: set[str] = set()
    for name in listed:
        for fk in tables[name].foreign_keys:
            if fk.ref_table in listed and fk.ref_table != name and fk.ref_table not in seen:
                raise BadParameter(f"catalog.generators lists {name} before {fk.ref_table}, "
                                   f"which its foreign key {fk.name} points at: list parents "
                                   "first")
        seen.add(name)


def groups(handed: dict[str, tuple[str, Any]], order: list[str]) -> dict[str, Handover]:
    """``table -> Handover``: tables sharing a callable form one group, in plan order."""
    position = {t: i for i, t in enumerate(order)}
    members: dict[Any, list[str]] = {}
    for table, (_, fn) in handed.items():
        members.setdefault(fn, []).append(table)
    out = {}
    for fn, tables in members.items():
        ordered = tuple(sorted(tables, key=lambda t: position.get(t, 1 << 30)))
        group = Handover(handed[tables[0]][0], fn, ordered)
        out.update(dict.fromkeys(ordered, group))
    return out


# ---------------------------------------------------------------- in a build


@dataclass
class HandContext:
    """What a profile's generator is given: who it makes rows for, and the plan."""

    plan: Plan
    seed: int
    slot: int  # the tenant's index, or -1 for the global rows
    weight: float  # the tenant's size (mean 1 over tenants)
    cal: Any  # workbench.seed.values.Calendar of the profile
    profile: Any  # the (scaled) workbench.seed.profile.Profile
    build: Build
    shared: dict[str, Any] = field(default_factory=dict)  # what generators pass each other
    started: dict[Any, Any] = field(default_factory=dict)  # group -> kept chunks, or True
    catalog: Catalog | None = None
    eager: set[str] | None = None  # handed tables made in the first pass (see eager())

    def rng(self, purpose: str) -> np.random.Generator:
        """A random stream of this build for ``purpose`` (the same whatever the workers)."""
        return self.build.rng(purpose, "hand")

    def has(self, table: str) -> bool:
        """Whether this database has ``table`` and the seed makes its rows."""
        tp = self.plan.tables.get(table)
        return tp is not None and tp.scope != "reference"

    def keys(self, table: str) -> pl.DataFrame | None:
        """Key columns of ``table``'s rows made so far (this build's, else global/reference)."""
        return self.build.parent_keys(table)

    def side_chunk(self, side: str, parent: str, data: dict[str, Any]) -> dict[str, Any]:
        """``side``'s chunk from ``parent``'s: its key from the parent's referenced columns
        (the widest foreign key between them), every other column by name."""
        table = self.plan.tables[side].table
        fk = max((f for f in table.foreign_keys if f.ref_table == parent),
                 key=lambda f: (len(f.columns), f.name))
        payload = tuple(c.name for c in table.columns.values()
                        if c.name not in fk.columns and not c.generated)
        spec = SideTable(side, parent, tuple(zip(fk.columns, fk.ref_columns, strict=True)),
                         payload)
        return side_chunk(spec, data, self.writer_catalog())

    def writer_catalog(self) -> Catalog:
        """The handed tables as :mod:`workbench.seed.writer` fits and encodes chunks."""
        if self.catalog is None:
            self.catalog = Catalog({t: columns_of(self.plan.tables[t].table)
                                    for t in self.plan.handed}, frozenset())
        return self.catalog


def columns_of(table: Table) -> tuple[Column, ...]:
    """A table's columns as the writer knows them."""
    return tuple(Column(c.name, c.type, c.not_null, bool(c.generated),
                        c.default is not None or bool(c.identity),
                        "array" if c.is_array else c.base, c.scale)
                 for c in table.columns.values())


def context(build: Build) -> HandContext:
    """The build's context for the profile's generators (made once per build)."""
    if build.hand is None:
        build.hand = HandContext(build.plan, build.seed, build.slot, build.weight, build.cal,
                                 build.plan.profile, build)
    return build.hand


def eager(build: Build) -> set[str]:
    """Handed tables to make in the first pass: those a catalog-made table of the build points
    at (or takes the tenant from), and every handed table before them (they may read what
    those left in ``shared``)."""
    plan = build.plan
    order = build.tables()
    needed = set()
    for name in order:
        if name in plan.handed:
            continue
        tp = plan.tables[name]
        needed.update(f.fk.ref_table for f in tp.fks if f.fk.ref_table in plan.handed)
        if plan.tenant_table in plan.handed and any(s.kind == "tenant" for s in tp.specs.values()):
            needed.add(plan.tenant_table)
    last = max((i for i, t in enumerate(order) if t in needed), default=-1)
    return {t for t in order[:last + 1] if t in plan.handed}


def make_keys(build: Build, name: str) -> None:
    """Pass 1 of a handed table: nothing, unless a catalog-made table needs its keys now."""
    ctx = context(build)
    if ctx.eager is None:
        ctx.eager = eager(build)
    group = build.plan.handed[name]
    if name not in ctx.eager or group in ctx.started:
        return
    from workbench.seed.engine import TableRows

    kept = list(_chunks(ctx, group))
    ctx.started[group] = kept
    for table in group.tables:
        tp = build.plan.tables[table]
        frames = [pl.DataFrame({c: data[c] for c in tp.key_columns
                                if data.get(c) is not None}) for t, data in kept if t == table]
        keys = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
        build.rows[table] = TableRows(keys, np.ones(keys.height, dtype=bool))


def write(cur: psycopg.Cursor, build: Build, name: str, stats: dict[str, list[float]],
          report: Callable[[str, int], None] | None, *, use_binary: bool = True) -> None:
    """Pass 2 of a handed table: COPY its group's chunks (made now, or kept from pass 1)."""
    from workbench.seed.engine import qualified

    ctx = context(build)
    group = build.plan.handed[name]
    kept = ctx.started.get(group)
    if kept is True:
        return  # written with the group's first table
    ctx.started[group] = True
    catalog = ctx.writer_catalog()
    started = time.perf_counter()
    for table, data in (kept if kept is not None else _chunks(ctx, group)):
        size = copy_chunk(cur, table, data, catalog, use_binary=use_binary,
                          target=qualified(table))
        rows = chunk_rows(data)
        now = time.perf_counter()
        entry = stats.setdefault(table, [0, 0, 0.0])
        entry[0] += rows
        entry[1] += size
        entry[2] += now - started
        started = now
        if report:
            report(table, rows)


def _chunks(ctx: HandContext, group: Handover) -> Iterator[Chunk]:
    """The group's chunks, each checked and completed from the catalog."""
    counts: dict[str, int] = {}
    for table, data in group.make(ctx):
        if table not in group.tables:
            raise SchemaError(f"profile generator {group.name} made rows for {table}, not one "
                              f"of its tables ({', '.join(group.tables)})")
        k = counts[table] = counts.get(table, -1) + 1
        yield table, complete(ctx, group, table, data, k)


def complete(ctx: HandContext, group: Handover, table: str, data: dict[str, Any],
             chunk: int) -> dict[str, Any]:
    """Values for the columns a chunk does not carry and the server does not default: the
    plan's generator for each (the catalog's), else an error naming the column."""
    tp = ctx.plan.tables[table]
    fk_cols = {c for f in tp.fks for c in f.fk.columns}
    todo = [c for c in tp.table.columns.values() if c.name not in data and not c.generated
            and c.default is None and not c.identity]
    if not todo:
        return data
    n = chunk_rows(data)
    rng = ctx.build.rng(table, f"hand:{chunk}")
    made = Context(ctx.cal, ctx.slot, 0)
    out = dict(data)
    for col in todo:
        spec = tp.specs.get(col.name)
        if col.name in fk_cols or spec is None or spec.kind in ("server", "tenant", "null"):
            if col.not_null:
                raise SchemaError(f"profile generator {group.name} gives no values for "
                                  f"{table}.{col.name} ({col.type}, NOT NULL, no default): "
                                  "make them there or stop handing the table over")
            continue
        made.frame = {k: v for k, v in out.items() if isinstance(v, pl.Series)}
        out[col.name] = values(spec, rng, n, made)
    return out


__all__ = ["HandContext", "Handover", "check_order", "complete", "groups", "make_keys", "resolve",
           "write"]
