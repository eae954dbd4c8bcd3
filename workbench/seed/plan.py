"""The seeding plan: every table and column resolved to a generator before anything changes.

:func:`make_plan` reads what it needs (catalog, tenant model, a few evaluated defaults in a
read-only transaction) and decides, per table, its scope (the tenant table, a direct or
indirect tenant table, a global table, or reference data already present), how many rows it
gets (rows per tenant for a root table, a fan-out along one foreign key for the others), the
order, and per column a :class:`~workbench.seed.generators.Spec` with the reason it was chosen.
Columns it cannot fill are collected, and :meth:`Plan.require_complete` raises one error naming
all of them: the database is untouched when that happens. :meth:`Plan.explain` is what
``workbench seed --explain-plan`` prints.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import psycopg
from psycopg import sql

from workbench.errors import BadParameter
from workbench.seed import constraints as cons
from workbench.seed import idformat
from workbench.seed.catalog_model import Col, ForeignKey, SchemaCatalog, Table, UniqueKey
from workbench.seed.generators import (
    DEFAULT_RANGES,
    INT_BOUNDS,
    NUMERIC_TYPES,
    TEXT_FORMS,
    TIME_TYPES,
    Spec,
    regex_pool,
    time_bound_us,
)
from workbench.seed.handover import Handover, check_order, groups, resolve
from workbench.seed.meaning import TEXT_TYPES, meaning_of, pool_for, words
from workbench.seed.overrides import Overrides, unknown_names
from workbench.sqlfiles import read_sql

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel

TENANT_SCOPES = ("tenant", "direct", "indirect")
NATURAL_TIME = re.compile(r"\b(now|clock_timestamp|statement_timestamp|transaction_timestamp)\(\)"
                          r"|CURRENT_(TIMESTAMP|DATE)|LOCALTIMESTAMP", re.I)
UUID_DEFAULT = re.compile(r"gen_random_uuid|uuid_generate_v[14]|uuid_generate_v7|uuidv[47]", re.I)
CREATION_WORDS = {"created", "inserted", "occurred", "started", "start", "begins", "timestamp",
                  "logged", "recorded"}
NULL_SHARES = {"tombstone": 0.9, "later": 0.3, "future": 0.3, "paragraph": 0.2}
DEFAULT_NULL_SHARE = 0.05


@dataclass(frozen=True)
class FkPlan:
    """How one foreign key's columns are filled.

    ``role``: ``tenant`` (the tenant's own row), ``anchor`` (the fan-out parent: children are
    made per parent row), ``pick`` (a parent row drawn from this tenant's, or the global, rows),
    ``self`` (a row of the same table), ``null`` (left NULL, with the reason in ``note``).
    """

    fk: ForeignKey
    role: str
    nullable: bool
    unique: bool = False
    null_share: float = 0.0
    note: str = ""
    late: bool = False  # its parent comes later in the order (a cycle): picked from pre-made keys
    unique_alone: bool = False  # unique without the tenant column: a global parent row is
    # given to one tenant only (profiles.id -> auth.users.id)


@dataclass(frozen=True)
class UniquePlan:
    """A unique key and how rows are kept unique (token column, or drop duplicates)."""

    key: UniqueKey
    scope: str  # "tenant": only within one tenant's rows; "global": across tenants too
    token: str | None  # a text column made unique with a (tenant, row) token; None: drop dups
    predicate: str | None = None
    built_in: bool = False  # a column's generator never repeats a value


@dataclass(frozen=True)
class CheckPlan:
    """A CHECK (or a domain's) and where it is verified: client (polars) or server (staging)."""

    name: str
    expression: str
    value_column: str | None = None
    client: bool = True


@dataclass
class TablePlan:
    """Everything the engine needs for one table."""

    name: str
    scope: str  # tenant | direct | indirect | global | reference
    table: Table
    rows: float = 0.0  # root table: rows per tenant (global: in all)
    fanout: float = 0.0
    anchor: FkPlan | None = None
    rows_reason: str = ""
    specs: dict[str, Spec] = field(default_factory=dict)
    fks: list[FkPlan] = field(default_factory=list)
    uniques: list[UniquePlan] = field(default_factory=list)
    checks: list[CheckPlan] = field(default_factory=list)
    key_columns: tuple[str, ...] = ()  # made for all rows first (referenced, unique, FK)
    fixed_columns: tuple[str, ...] = ()  # other rows depend on them: repairs never change them
    referenced_columns: tuple[str, ...] = ()  # what other tables' foreign keys point at
    singleton: bool = False  # a unique key on the tenant alone: one row per tenant at most
    column_order: tuple[str, ...] = ()  # the other columns, dependencies first
    notes: list[str] = field(default_factory=list)

    @property
    def tenant_scoped(self) -> bool:
        """Whether rows are made per tenant."""
        return self.scope in TENANT_SCOPES

    @property
    def copy_columns(self) -> tuple[str, ...]:
        """The columns COPY sends (the server fills the rest)."""
        fk_cols = {c for f in self.fks for c in f.fk.columns}
        return tuple(c for c in self.table.columns if c in fk_cols or (
            c in self.specs and self.specs[c].kind != "server"))


@dataclass
class Plan:
    """The whole plan: tables in generation order, the tenant, and what could not be resolved."""

    tables: dict[str, TablePlan]
    order: list[str]  # generated tables, parents before children (cycles broken)
    tenant_table: str | None
    tenant_key: tuple[str, ...]
    schemas: tuple[str, ...]
    unresolved: list[str] = field(default_factory=list)
    tenant_note: str = ""
    handed: dict[str, Handover] = field(default_factory=dict)  # tables a profile's generator
    # makes (workbench/seed/handover.py); every other table comes from the catalog
    generators_note: str = ""  # which tables the profile's generators make, or why none
    profile: Any = None  # the profile the plan was made for (its generators read it)

    def generated(self, *, tenant: bool) -> list[str]:
        """Generated tables of the tenant pass (``tenant=True``) or the global pass."""
        return [t for t in self.order if self.tables[t].tenant_scoped == tenant]

    def require_complete(self) -> None:
        """Raise one error naming every column the plan could not fill (nothing changed)."""
        if self.unresolved:
            raise BadParameter(
                f"cannot plan the seed: {len(self.unresolved)} column(s) cannot be filled: "
                + "; ".join(self.unresolved)
                + ". Give each a generator in the profile's [catalog.columns] or a default")

    def explain(self, tenants: int) -> str:
        """What would be generated for each table, and why (``--explain-plan``)."""
        lines = [f"tenant: {self.tenant_note}", f"schemas: {', '.join(self.schemas)}",
                 *([f"generators: {self.generators_note}"] if self.generators_note else []),
                 f"order: {len(self.order)} generated tables, "
                 f"{sum(1 for t in self.tables.values() if t.scope == 'reference')} reference"]
        kept = sorted(t for t, p in self.tables.items() if p.scope == "reference")
        for name in self.order + kept:
            tp = self.tables[name]
            lines.append("")
            lines.append(f"{name} [{tp.scope}] {tp.rows_reason}")
            if tp.scope == "reference":
                continue
            for f in tp.fks:
                extra = f" ({f.note})" if f.note else ""
                late = " late" if f.late else ""
                lines.append(f"  fk {f.fk.name} ({', '.join(f.fk.columns)}) -> {f.fk.ref_table}: "
                             f"{f.role}{late}{', unique' if f.unique else ''}{extra}")
            for col, spec in tp.specs.items():
                lines.append(f"  {col}: {spec.describe()}")
            for u in tp.uniques:
                how = ("unique by construction" if u.built_in else f"token on {u.token}"
                       if u.token else "duplicates dropped (counted)")
                cols = ", ".join(u.key.columns)
                lines.append(f"  unique {u.key.name} ({cols}), {u.scope}: {how}")
            for c in tp.checks:
                where = "checked per chunk" if c.client else "checked on the server (staging)"
                lines.append(f"  check {c.name}: {where}")
            lines.extend(f"  note: {n}" for n in tp.notes)
        if self.unresolved:
            lines.append("")
            lines.append("UNRESOLVED: " + "; ".join(self.unresolved))
        return "\n".join(lines)


# ---------------------------------------------------------------- building the plan


def _seed_of(*parts: str) -> int:
    return int.from_bytes(hashlib.blake2b("|".join(parts).encode(), digest_size=4).digest(),
                          "little")


def _scope(name: str, model: TenantModel) -> tuple[str, str | None]:
    """(scope, tenant column) of a table from the tenant model."""
    if model is None or not model.found():
        return "global", None
    if name == model.tenant_table:
        return "tenant", None
    entry = model.tables.get(name)
    if entry is None or entry.kind == "global":
        return "global", None
    return entry.kind, entry.column


def _column_hints(table: Table) -> dict[str, cons.Hint]:
    types = {c.name: c.base for c in table.columns.values()}
    merged: dict[str, cons.Hint] = {}
    sources: list[tuple[str, str | None]] = [(ch.expression, None) for ch in table.checks]
    sources += [(d, c.name) for c in table.columns.values() for d in c.domain_checks]
    for expression, value_col in sources:
        for col, h in cons.hints(expression, types, value_col).items():
            m = merged.setdefault(col, cons.Hint())
            for attr in ("lo", "hi", "lo_strict", "hi_strict", "min_len", "max_len"):
                if getattr(h, attr) not in (None, False):
                    setattr(m, attr, getattr(h, attr))
            if h.choices is not None:
                m.choices = h.choices if m.choices is None else tuple(
                    v for v in m.choices if v in h.choices)
            m.regex.extend(h.regex)
            m.required = m.required or h.required
    return merged


def _bounds(col: Col, hint: cons.Hint | None, meaning: str | None, integer: bool
            ) -> tuple[float, float]:
    limit = INT_BOUNDS.get(col.base)
    if col.base == "numeric" and col.precision:
        scale = col.scale or 0
        limit = 10 ** (col.precision - scale) - 10 ** -scale
    lo, hi = DEFAULT_RANGES.get(meaning or "", (0, 1000))
    step = 1 if integer else 10 ** -min(col.scale if col.scale is not None else 3, 3)
    if hint and hint.lo is not None and isinstance(hint.lo, int | float):
        lo = hint.lo + (step if hint.lo_strict else 0)
        hi = max(hi, lo + (100 if integer else 100.0))
    if hint and hint.hi is not None and isinstance(hint.hi, int | float):
        hi = hint.hi - (step if hint.hi_strict else 0)
        if hint.lo is None:
            lo = min(lo, hi - (100 if integer else 100.0))
    if limit is not None:
        lo, hi = max(lo, -limit), min(hi, limit)
    return lo, hi


def resolve_column(table: Table, col: Col, hint: cons.Hint | None, over: Overrides,
                   conn: psycopg.Connection | None, in_unique: bool,
                   tenants: int) -> Spec | None:
    """The generator of one (non-foreign-key) column, or None when nothing fits."""
    key = f"{table.name}.{col.name}"
    meaning = meaning_of(col.name, col.base, table.name)
    null_share = 0.0 if (col.not_null or in_unique or hint and hint.required) else \
        NULL_SHARES.get(meaning or "", DEFAULT_NULL_SHARE)
    null_share = over.nulls.get(key, null_share)
    base = col.base
    # values of a sequence-like column come in per-tenant ranges of this width (slot 0: global)
    stride = int(min(max(INT_BOUNDS.get(base, 2**31 - 1) // (tenants + 2), 1), 10**9))
    if col.generated:
        return Spec("server", "generated column: PostgreSQL computes it", base=base)
    if key in over.columns:
        given = over.columns[key]
        if isinstance(given, list):
            return Spec("choices", "profile [catalog.columns]", {"values": tuple(given)},
                        null_share, base)
        return Spec("text", f"profile [catalog.columns]: meaning {given}",
                    {"meaning": given, "max_len": col.char_limit}, null_share, base)
    if col.is_array:
        element = resolve_column(table, Col(col.name, col.base, col.base, labels=col.labels),
                                 None, over, None, False, tenants)
        if element is None or element.kind in ("server", "null"):
            return None if col.not_null else Spec("null", f"array of {base}: no element "
                                                  "generator", base=base)
        return Spec("array", f"array of {base}", {"element": element,
                                                 "min_items": 1 if col.not_null else 0},
                    null_share, base)
    serial = col.identity or (col.default or "").startswith("nextval(")
    if serial and base in INT_BOUNDS:
        why = "identity" if col.identity else "sequence default"
        return Spec("serial", f"{why}: per-tenant ranges, sequence moved past them after",
                    {"stride": stride}, 0.0, base)
    choices = hint.choices if hint and hint.choices is not None else None
    if base == "enum":
        labels = [v for v in col.labels if choices is None or v in choices]
        return Spec("choices", "enum labels" + (" allowed by a check" if choices else ""),
                    {"values": tuple(labels)}, null_share, base) if labels else None
    if choices is not None:
        if not choices:
            return None
        return Spec("choices", "CHECK lists the allowed values", {"values": tuple(choices)},
                    null_share, base)
    if base == "uuid":
        return Spec("uuid", "uuid" + (" (like its default)" if col.default else ""), {},
                    null_share, base)
    if base == "bool":
        return Spec("bool", "boolean", {}, null_share, base)
    if base in INT_BOUNDS:
        if in_unique and not (hint and (hint.lo is not None or hint.hi is not None)):
            return Spec("serial", "integer in a unique key: per-tenant ranges",
                        {"stride": stride}, 0.0, base)
        lo, hi = _bounds(col, hint, meaning, True)
        return Spec("int", f"integer{' (' + meaning + ')' if meaning else ''}"
                    f"{' within its check' if hint and hint.lo is not None else ''}",
                    {"lo": int(np.ceil(lo)), "hi": int(np.floor(hi))}, null_share, base)
    if base in NUMERIC_TYPES:
        lo, hi = _bounds(col, hint, meaning, False)
        if base == "money":
            return Spec("number", "money", {"lo": lo, "hi": hi, "scale": 2, "money": True},
                        null_share, base)
        return Spec("number", f"{base}" + (f"({col.precision},{col.scale})" if col.precision
                                           else "") + (f" ({meaning})" if meaning else ""),
                    {"lo": lo, "hi": hi, "scale": col.scale, "money": meaning == "money"},
                    null_share, base)
    if base in TIME_TYPES:
        params: dict[str, Any] = {"meaning": meaning}
        if hint and hint.lo is not None and not isinstance(hint.lo, int | float):
            params["lo_us"] = time_bound_us(hint.lo)
        if hint and hint.hi is not None and not isinstance(hint.hi, int | float):
            params["hi_us"] = time_bound_us(hint.hi)
        why = "now()-like default: " if col.default and NATURAL_TIME.search(col.default) else ""
        return Spec("time", f"{why}spread over the profile's period with its growth"
                    + (f" ({meaning})" if meaning else ""), params, null_share, base)
    if base in ("json", "jsonb"):
        return Spec("json", f"{base} " + ("array of tags" if meaning == "tags" else "object"),
                    {"meaning": meaning}, null_share, base)
    if base in TEXT_TYPES:
        return _text_spec(table, col, hint, meaning, conn, null_share)
    if base in TEXT_FORMS:
        width = col.char_limit if base in ("bit", "varbit") else None
        return Spec("textform", f"{base} in its text form", {"width": width}, null_share, base)
    if col.not_null and col.default is None:
        return None
    if col.default is not None:
        return Spec("server", f"type {col.type} has no generator: its default fills it",
                    base=base)
    return Spec("null", f"type {col.type} has no generator: left NULL", base=base)


def _text_spec(table: Table, col: Col, hint: cons.Hint | None, meaning: str | None,
               conn: psycopg.Connection | None, null_share: float) -> Spec:
    params: dict[str, Any] = {"meaning": meaning}
    limits = [v for v in (col.char_limit, hint.max_len if hint else None) if v is not None]
    if limits:
        params["max_len"] = min(limits)
    if hint and hint.min_len:
        params["min_len"] = hint.min_len
    reason = f"text by meaning '{meaning}'" if meaning else "text"
    fit = {k: v for k, v in params.items() if k in ("max_len", "min_len")}
    shape, why = _id_format(table, col, conn)
    if shape:
        return Spec("idshape", why, {**shape, **fit}, null_share, col.base)
    if not col.default and (words(col.name)[-1:] == ["id"]) and not (hint and hint.regex):
        # a text key the application makes (cuid, nanoid): random, fixed length
        return Spec("idshape", "text id without a default: random, like a cuid",
                    {"prefix": "", "alphabet": "lower", "length": 25, **fit},
                    null_share, col.base)
    if hint and hint.regex:
        pattern, icase = hint.regex[0]
        pool = _matching_pool(table, col, meaning, pattern, icase, params)
        if pool is not None and len(pool):
            return Spec("text", f"{reason}, matching {pattern!r}", {**params, "pool": pool},
                        null_share, col.base)
        return Spec("text", f"no value found matching {pattern!r}: rows are checked and "
                    "dropped", params, null_share, col.base)
    return Spec("text", reason, params, null_share, col.base)


def _id_format(table: Table, col: Col, conn: psycopg.Connection | None
               ) -> tuple[dict[str, Any] | None, str]:
    """The shape of a text id column and why: its default read, else evaluated, else the
    source's rows as ``workbench clone`` recorded them (:mod:`workbench.seed.idformat`)."""
    default = col.default or ""
    if default and not NATURAL_TIME.search(default):
        shape = idformat.shape_of_default(default)
        if shape:
            return shape, f"text id like its default {default[:40]!r}"
        if "(" in default:
            shape = idformat.shape_of_samples(idformat.sample_default(conn, default))
            if shape:
                return shape, f"text id shaped like its default's values {default[:40]!r}"
        if UUID_DEFAULT.search(default):
            return ({"prefix": "", "alphabet": "uuid", "length": 36},
                    "text id like its uuid default")
    shape = idformat.recorded_shape(conn, table.name, col.name)
    if shape:
        return shape, "text id shaped like the source's rows (recorded by workbench clone)"
    return None, ""


def _matching_pool(table: Table, col: Col, meaning: str | None, pattern: str, icase: bool,
                   params: dict[str, Any]) -> np.ndarray | None:
    """Values matching ``pattern``: the meaning's own values that match, else rstr's."""
    import polars as pl

    from workbench.seed.generators import Context, values
    from workbench.seed.values import Calendar, rng_for

    check = ("(?i)" if icase else "") + pattern
    if not cons._regex_ok(check):
        return None
    if meaning:
        probe = Spec("text", "", {k: v for k, v in params.items() if k != "pool"}, base=col.base)
        cal = Calendar(0, np.ones(1), np.ones(24) / 24)
        made = values(probe, rng_for(0, 0, f"{table.name}.{col.name}#probe"), 400,
                      Context(cal, 0, 0)).unique().sort()
        kept = made.filter(made.str.contains(check))
        if len(kept) >= 20:
            return kept.to_numpy()
    pool = regex_pool(pattern, icase, _seed_of(table.name, col.name))
    if params.get("max_len"):
        pool = pool[[len(v) <= params["max_len"] for v in pool]]
    return pool if len(pool) else (pl.Series([], dtype=pl.String).to_numpy())


def _anchor_choice(tp: TablePlan, candidates: list[ForeignKey], over: Overrides,
                   table: Table) -> ForeignKey | None:
    """The fan-out parent: the profile's choice, else composition first (the key is part of
    this table's primary or unique key, or deletes cascade), then NOT NULL keys."""
    wanted = over.parents.get(tp.name)
    if wanted:
        return next((f for f in candidates if f.name == wanted), None)
    unique_cols = {c for u in table.uniques for c in u.columns}

    def rank(f: ForeignKey) -> tuple[int, int, int, str]:
        not_null = all(table.columns[c].not_null for c in f.columns)
        return (-int(set(f.columns) <= unique_cols), -int(f.on_delete == "c"), -int(not_null),
                f.name)

    return min(candidates, key=rank) if candidates else None


def _order(tables: dict[str, TablePlan], tenant_table: str | None, listed: list[str] = ()
           ) -> tuple[list[str], set[tuple[str, str]]]:
    """Topological order (parents first) and the edges left late to break cycles.

    A direct table comes after the tenant table even without a foreign key to it (its tenant
    column takes the tenant row's key); tables a profile's generators make come in the order
    the profile lists them (``listed``: a generator may read what an earlier one made).
    """
    after = {t: set(listed[:i]) for i, t in enumerate(listed)}
    deps = {t: {f.ref_table for f in tp.table.foreign_keys
                if f.ref_table in tables and f.ref_table != t
                and tables[f.ref_table].scope != "reference"}
            | ({tenant_table} if tenant_table and tp.scope == "direct" else set())
            | {p for p in after.get(t, ()) if tables[p].scope != "reference"}
            for t, tp in tables.items() if tp.scope != "reference"}
    order: list[str] = []
    late: set[tuple[str, str]] = set()
    remaining = dict(deps)
    while remaining:
        ready = sorted(t for t, d in remaining.items() if not (d & remaining.keys()))
        if not ready:  # a cycle: a table on it whose pending parents' keys may be NULL
            def pending_not_null(t: str) -> tuple[int, str]:
                tab = tables[t].table
                bad = sum(1 for f in tab.foreign_keys if f.ref_table in remaining
                          and f.ref_table != t and all(tab.columns[c].not_null for c in f.columns))
                return bad, t
            cyclic = [t for t in remaining if _on_cycle(t, remaining)]
            pick = min(cyclic or list(remaining), key=pending_not_null)
            late.update((pick, p) for p in remaining[pick] if p in remaining)
            ready = [pick]
        for t in ready:
            order.append(t)
            del remaining[t]
    return order, late


def _on_cycle(start: str, deps: dict[str, set[str]]) -> bool:
    """Whether ``start`` reaches itself through ``deps`` (parents of each table)."""
    seen: set[str] = set()
    todo = [p for p in deps.get(start, ()) if p in deps]
    while todo:
        t = todo.pop()
        if t == start:
            return True
        if t not in seen:
            seen.add(t)
            todo.extend(p for p in deps.get(t, ()) if p in deps)
    return False


def make_plan(catalog: SchemaCatalog, model: TenantModel, over: Overrides, *,
              reference: set[str] = frozenset(),  # type: ignore[assignment]
              conn: psycopg.Connection | None = None, tenants: int = 1) -> Plan:
    """Resolve every table and column of ``catalog`` (see the module docstring)."""
    bad = unknown_names(over, catalog.tables)
    if bad:
        raise BadParameter(f"profile overrides name no table or column of this database: "
                           f"{', '.join(bad)}")
    tenant_table = model.tenant_table if model is not None and model.found() else None
    tables: dict[str, TablePlan] = {}
    for name, table in catalog.tables.items():
        scope, _ = _scope(name, model)
        tables[name] = TablePlan(name, "reference" if name in reference else scope, table)
    handed, hand_note = resolve(over.generators, catalog.tables) if over.generators else ({}, "")
    check_order(list(handed), catalog.tables)
    order, late_edges = _order(tables, tenant_table, list(handed))
    position = {t: i for i, t in enumerate(order)}
    unresolved: list[str] = []
    for name in order:
        own: list[str] = []  # a handed table's generator fills what the catalog cannot
        _plan_table(tables[name], tables, model, over, conn, tenants, late_edges, position,
                    own if name in handed else unresolved)
        if name in handed:
            tp = tables[name]
            tp.rows_reason = f"made by the profile's generator {handed[name][0]}"
            tp.notes.extend(f"its generator must fill {u}" for u in own)
    for tp in tables.values():
        if tp.scope == "reference":
            tp.rows_reason = "reference rows already present: kept, foreign keys point at them"
    note = (f"{tenant_table} (key {', '.join(model.tenant_key)}); "
            f"{len(model.direct())} direct, {len(model.indirect())} indirect tables"
            if tenant_table else "none found: every table global")
    return Plan(tables, order, tenant_table, tuple(model.tenant_key) if tenant_table else (),
                catalog.schemas, unresolved, note,
                groups({t: v for t, v in handed.items() if t in position}, order), hand_note)


def _plan_table(tp: TablePlan, tables: dict[str, TablePlan], model: TenantModel, over: Overrides,
                conn: psycopg.Connection | None, tenants: int,
                late_edges: set[tuple[str, str]], position: dict[str, int],
                unresolved: list[str]) -> None:
    table = tp.table
    _, tenant_col = _scope(tp.name, model)
    hints = _column_hints(table)
    unique_cols = {c for u in table.uniques for c in u.columns}

    # foreign keys
    fk_cols: set[str] = set()
    anchor_candidates = []
    for f in table.foreign_keys:
        parent = tables.get(f.ref_table)
        if parent is None:
            continue
        if (tp.tenant_scoped and parent.tenant_scoped and parent.scope != "tenant"
                and f.ref_table != tp.name and position.get(f.ref_table, 1 << 30)
                < position[tp.name]):
            anchor_candidates.append(f)
    anchor = _anchor_choice(tp, anchor_candidates, over, table) if tp.scope != "tenant" else None
    if tp.name in over.parents and anchor is None:
        unresolved.append(f"{tp.name}: profile [catalog.parents] names "
                          f"{over.parents[tp.name]!r}, not a foreign key to an earlier tenant "
                          "table")
    for f in sorted(table.foreign_keys, key=lambda f: (f is not anchor, f.name)):
        parent = tables.get(f.ref_table)
        # MATCH SIMPLE: a key with one NULL column is not checked, so one nullable column
        # is enough to leave a key unset
        nullable = not all(table.columns[c].not_null for c in f.columns)
        unique = any(set(u.columns) <= set(f.columns) | ({tenant_col} if tenant_col else set())
                     and u.predicate is None for u in table.uniques)
        # unique on the key alone: parents are never shared, not even between tenants
        shared_never = any(set(u.columns) <= set(f.columns) and u.predicate is None
                           for u in table.uniques)
        null_share = over.nulls.get(f"{tp.name}.{f.columns[0]}", 0.1 if nullable else 0.0)
        late = (tp.name, f.ref_table) in late_edges
        if parent is None:
            role, note = "null", "parent table not seeded"
        elif f is anchor:
            role, note = "anchor", ""
        elif f.self_reference:
            role, note = "self", "a row of the same table (tree)"
        elif parent.scope == "tenant" and tp.tenant_scoped:
            role, note = "tenant", "this tenant's row"
        elif parent.tenant_scoped and not tp.tenant_scoped:
            role, note = "null", "a global row cannot point into one tenant"
        else:
            role, note = "pick", ("a row of this tenant" if parent.tenant_scoped
                                  else "a global or reference row")
        if role == "null" and not nullable:
            unresolved.append(f"{tp.name}.{', '.join(f.columns)} (NOT NULL foreign key "
                              f"{f.name}: {note})")
        tp.fks.append(FkPlan(f, role, nullable, unique, null_share if role != "tenant" else 0.0,
                             note, late, shared_never))
        fk_cols.update(f.columns)

    # rows
    if tp.scope == "tenant":
        tp.rows, tp.rows_reason = 1, "one row per tenant"
    elif tp.anchor is None and anchor is not None:
        tp.anchor = next(f for f in tp.fks if f.fk is anchor)
        tp.fanout = over.fanouts.get(tp.name, 1.0 if tp.anchor.unique else over.fanout)
        if tp.anchor.unique:
            tp.fanout = min(tp.fanout, 1.0)
        source = "profile" if tp.name in over.fanouts else "default"
        tp.rows = over.rows.get(tp.name, 0.0)
        tp.rows_reason = (f"{tp.rows:g} rows per tenant shared over {anchor.ref_table} rows"
                          if tp.rows else f"~{tp.fanout:g} per {anchor.ref_table} row "
                          f"({source} fan-out along {anchor.name})")
    elif tp.tenant_scoped:
        tp.rows = over.rows.get(tp.name, over.rows_per_tenant)
        tp.rows_reason = (f"{tp.rows:g} rows per tenant "
                          f"({'profile' if tp.name in over.rows else 'default'}), sized by "
                          "the tenant's weight")
    else:  # a global table tenant rows point at (users, say) grows with the tenants
        pointed = any(f.ref_table == tp.name and tables[t].tenant_scoped
                      for t, other in tables.items() for f in other.table.foreign_keys)
        default = over.rows_per_tenant * tenants if pointed else over.global_rows
        tp.rows = over.rows.get(tp.name, default)
        tp.rows_reason = (f"{tp.rows:g} rows in all "
                          f"({'profile' if tp.name in over.rows else 'default'}; global table)")

    # columns
    for col in table.columns.values():
        if col.name in fk_cols:
            continue
        if tenant_col and col.name == tenant_col:
            tp.specs[col.name] = Spec("tenant", "the tenant's key (tenant column)", base=col.base)
            continue
        spec = resolve_column(table, col, hints.get(col.name), over, conn,
                              col.name in unique_cols, tenants)
        if spec is None:
            unresolved.append(f"{tp.name}.{col.name} ({col.type}"
                              f"{', NOT NULL' if col.not_null else ''}: no generator fits)")
            continue
        tp.specs[col.name] = spec
    _time_links(tp)

    # uniques, checks, key columns
    for u in table.uniques:
        scoped = tenant_col in u.columns or any(
            set(f.fk.columns) & set(u.columns) and f.role in ("tenant", "anchor", "pick", "self")
            and tables[f.fk.ref_table].tenant_scoped for f in tp.fks) or not tp.tenant_scoped
        if any(_unique_by_construction(tp.specs.get(c)) for c in u.columns):
            tp.uniques.append(UniquePlan(u, "tenant" if scoped else "global", None, u.predicate,
                                         True))
            continue
        token = next((c for c in u.columns if _token_fits(tp.specs.get(c), hints.get(c))), None)
        tp.uniques.append(UniquePlan(u, "tenant" if scoped else "global", token, u.predicate))
        if not scoped and token is None:
            tp.notes.append(f"unique {u.name} spans tenants and has no column made unique "
                            "by construction: rows of different tenants may collide")
    constant = {c for c, sp in tp.specs.items() if sp.kind == "tenant"} | {
        c for f in tp.fks if f.role == "tenant" for c in f.fk.columns}
    if tp.tenant_scoped and tp.scope != "tenant" and any(
            u.predicate is None and set(u.columns) <= constant for u in table.uniques):
        tp.singleton = True
        tp.rows_reason = "at most one row per tenant (a unique key on the tenant alone)"
    per_tenant = {c for u in tp.uniques if u.scope == "tenant" for c in u.key.columns}
    shared = {c for u in tp.uniques if u.scope == "global" for c in u.key.columns}
    for c in per_tenant - shared:  # numbered within the tenant: (team_id, number) = 1, 2, ...
        spec = tp.specs.get(c)
        column = table.columns[c]
        if spec and spec.kind == "serial" and not (
                column.identity or "nextval(" in (column.default or "")):
            tp.specs[c] = Spec("serial", "integer in a per-tenant unique key: 1, 2, ... per "
                               "tenant", {"stride": 0, "per_tenant": True}, 0.0, spec.base)
    types = {c.name: c.base for c in table.columns.values()}
    for ch in table.checks:
        client = cons.to_polars(ch.expression, types) is not None and set(
            cons.columns_of(ch.expression)) <= set(tp.copy_columns)
        tp.checks.append(CheckPlan(ch.name, ch.expression, None, client))
    for col in table.columns.values():
        for i, d in enumerate(col.domain_checks):
            ok = cons.to_polars(d, types, col.name) is not None
            tp.checks.append(CheckPlan(f"domain check {i + 1} of {col.name}", d, col.name, ok))
            if not ok:
                tp.notes.append(f"domain check on {col.name} is not read client-side: "
                                f"{d[:60]!r}")
    referenced = {c for other in tables.values() for f in other.table.foreign_keys
                  if f.ref_table == tp.name for c in f.ref_columns}
    predicates = {c for u in table.uniques if u.predicate for c in cons.columns_of(u.predicate)}
    keys = [c for c in table.columns if c in referenced or c in unique_cols or c in fk_cols
            or c in predicates or (tp.specs.get(c) and tp.specs[c].kind == "tenant")]
    tp.key_columns = tuple(keys)
    # NULL in a unique column conflicts with nothing, so only what other rows point at is fixed
    tp.fixed_columns = tuple(c for c in keys if c in referenced or c in predicates or (
        tp.specs.get(c) and tp.specs[c].kind == "tenant"))
    tp.referenced_columns = tuple(c for c in keys if c in referenced)
    rest = [c for c in tp.specs if c not in keys]
    after = {c: tp.specs[c].params.get("after") for c in rest}
    tp.column_order = tuple(sorted(rest, key=lambda c: (after.get(c) is not None, c)))
    counts = Counter(f.role for f in tp.fks)
    if counts.get("null"):
        tp.notes.append(f"{counts['null']} foreign key(s) left NULL")


def _unique_by_construction(spec: Spec | None) -> bool:
    """Values that never repeat: uuids, per-tenant ranges, random ids of 12+ characters."""
    if spec is None:
        return False
    return spec.kind in ("uuid", "serial") or (
        spec.kind == "idshape" and int(spec.params.get("length", 0)) >= 12)


def _token_fits(spec: Spec | None, hint: cons.Hint | None) -> bool:
    """Whether a (tenant, row) token may be added to this text column's values."""
    if spec is None or spec.kind not in ("text", "idshape"):
        return False
    if hint and hint.regex:
        pool = spec.params.get("pool")
        sample_value = (str(pool[0]) if pool is not None and len(pool) else "abc") + "-12-345"
        return all(re.search(("(?i)" if icase else "") + pattern, sample_value)
                   for pattern, icase in hint.regex if cons._regex_ok(pattern))
    return True


def _time_links(tp: TablePlan) -> None:
    """Later/future/tombstone times follow the table's creation time (never before it)."""
    times = [c for c, s in tp.specs.items() if s.kind == "time" and s.base != "date"]
    plain = [c for c in times if not tp.specs[c].params.get("meaning")]
    if not plain:
        return
    first = next((c for c in plain if set(words(c)) & CREATION_WORDS), None)
    if first is None:
        return
    for c in times:
        spec = tp.specs[c]
        if c != first and spec.params.get("meaning") in ("later", "future", "tombstone"):
            tp.specs[c] = Spec(spec.kind, spec.reason + f", after {first}",
                               {**spec.params, "after": first}, spec.null_share, spec.base)


def reference_tables(conn: psycopg.Connection, catalog: SchemaCatalog) -> set[str]:
    """Tables holding rows the seeder did not write (a migration's lookup rows, say).

    The first seed records them in ``_workbench.seed_reference``; later runs (``--replace``)
    read that list instead, since by then every table holds rows.
    """
    recorded = conn.execute("SELECT to_regclass('_workbench.seed_reference')").fetchone()
    if recorded and recorded[0]:
        run = conn.execute("SELECT to_regclass('_workbench.seed_run')").fetchone()
        has_run = run and run[0] and conn.execute(
            "SELECT EXISTS (SELECT 1 FROM _workbench.seed_run)").fetchone()[0]  # type: ignore[index]
        if has_run:
            return {r[0] for r in conn.execute("SELECT table_name FROM _workbench.seed_reference")}
    out = set()
    for name, table in catalog.tables.items():
        q = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(
            sql.Identifier(table.schema, table.relname))
        if conn.execute(q).fetchone()[0]:  # type: ignore[index]
            out.add(name)
    return out


def record_reference(conn: psycopg.Connection, reference: set[str]) -> None:
    """Remember which tables were reference data before the first seed."""
    conn.execute(read_sql("seed/catalog/reference.sql"))  # type: ignore[arg-type]
    conn.execute("TRUNCATE _workbench.seed_reference")
    for name in sorted(reference):
        conn.execute("INSERT INTO _workbench.seed_reference (table_name) VALUES (%s)", (name,))


__all__ = ["CheckPlan", "FkPlan", "Plan", "TablePlan", "UniquePlan", "make_plan",
           "pool_for", "record_reference", "reference_tables", "resolve_column"]
