"""The catalog-driven seeding engine: one tenant's rows (or the global rows) from a plan.

A build runs in two passes over the plan's tables (parents first):

1. **keys**: for every table, its row count (rows per tenant for a root table, per-parent
   fan-out along its anchor key otherwise) and its key columns for all rows: foreign keys,
   unique and referenced columns. Keys of a table in a cycle, or a self-reference, are picked
   from rows already made (a later table's keys exist by pass 2), never from another tenant's.
   Unique keys are made unique here (token, else duplicates dropped and counted).
2. **rows**: per chunk, the other columns; checks repaired or the row dropped and counted
   (:mod:`workbench.seed.repair`); a foreign key whose parent row was dropped becomes NULL
   (or its row is dropped); then COPY (binary where every column type allows it). Checks the
   engine cannot read go through a staging table on the server and failing rows are dropped.

Every random stream is keyed by (seed, tenant, table, purpose, chunk): the same rows whatever
the number of workers. Foreign keys are validated by the server when the runner restores them.
"""

from __future__ import annotations

import decimal
import hashlib
import re
import time
import uuid
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import psycopg
from psycopg import sql

from workbench.seed import binary, handover
from workbench.seed import constraints as cons
from workbench.seed.generators import Context, Spec, values
from workbench.seed.plan import CheckPlan, FkPlan, Plan, TablePlan, UniquePlan
from workbench.seed.repair import covered_keys, dedupe, repeats, satisfy
from workbench.seed.values import Calendar, rng_for
from workbench.seed.writer import to_csv

CHUNK_ROWS = 20_000
RETRIES = 5  # draws of a failing row's non-key columns before it is dropped
DROP = "__drop"  # marks rows of pass 1 that cannot be kept
SEQUENCE = re.compile(r"nextval\('([^']+)'::regclass\)")


def qualified(name: str) -> sql.Composable:
    """``schema.table`` (as the plan names it) as a quoted identifier."""
    schema, _, rel = name.partition(".")
    return sql.Identifier(schema.strip('"'), rel.strip('"'))


@dataclass
class TableRows:
    """One table's rows in a build: key columns of all rows, and which are still alive."""

    keys: pl.DataFrame
    alive: np.ndarray
    parent_of: np.ndarray | None = None  # anchor parent's row per row

    def survivors(self) -> pl.DataFrame:
        """Key columns of the rows not dropped."""
        if self.alive.all():  # most tables: no filter (a polars call per foreign key)
            return self.keys
        return self.keys.filter(pl.Series(self.alive))


@dataclass
class Build:
    """One tenant (``slot`` >= 0) or the global rows (``slot`` = -1) of a plan."""

    plan: Plan
    seed: int
    slot: int
    weight: float
    cal: Calendar
    outside: dict[str, pl.DataFrame]  # key columns of tables made elsewhere (global, reference)
    max_rows: int = 500_000
    share: tuple[float, float] = (0.0, 1.0)  # this tenant's slice of the tenants' total weight
    rows: dict[str, TableRows] = field(default_factory=dict)
    costs: Counter = field(default_factory=Counter)
    unique_done: set[tuple[str, str]] = field(default_factory=set)
    seen: dict[tuple[str, str], pl.DataFrame] = field(default_factory=dict)  # keys written
    unique_on: dict[tuple[str, str], weakref.ref] = field(default_factory=dict)  # the key
    # frame each unique key was last made unique on (unchanged since: no repeats to look for)
    hand: Any = None  # the profile's own generators' state (workbench/seed/handover.py)

    def rng(self, table: str, purpose: str) -> np.random.Generator:
        """The stream of one purpose of one table in this build."""
        who = self.slot if self.slot >= 0 else 1_000_000
        return rng_for(self.seed, who, f"{table}#{purpose}")

    def size(self) -> int | None:
        """Rows this build makes (once its keys are made); None when a profile's generator
        streams some of them (their number is known only once written)."""
        if self.plan.handed:
            return None
        return sum(r.keys.height for r in self.rows.values())

    def tables(self) -> list[str]:
        """The tables this build makes, in order."""
        return self.plan.generated(tenant=self.slot >= 0)

    # ---------------------------------------------------------------- pass 1: keys

    def parent_keys(self, table: str) -> pl.DataFrame | None:
        """Rows a foreign key may point at: this build's survivors, else the outside ones."""
        if table in self.rows:
            return self.rows[table].survivors()
        return self.outside.get(table)

    def count(self, tp: TablePlan, rng: np.random.Generator) -> tuple[int, np.ndarray | None]:
        """Rows of ``tp`` here, and for an anchored table each row's parent row."""
        n, parent_of = self._count(tp, rng)
        if tp.singleton and n > 1:
            return 1, None if parent_of is None else parent_of[:1]
        return n, parent_of

    def _count(self, tp: TablePlan, rng: np.random.Generator) -> tuple[int, np.ndarray | None]:
        if tp.scope == "tenant":
            return 1, None
        if tp.anchor is not None:
            parents = self.parent_keys(tp.anchor.fk.ref_table)
            m = 0 if parents is None else parents.height
            if tp.rows:
                n = max(1, round(tp.rows * self.weight)) if m else 0
                per = rng.multinomial(n, np.full(m, 1.0 / m)) if m else np.zeros(0, int)
            elif tp.anchor.unique:
                per = (rng.random(m) < tp.fanout).astype(np.int64)
            else:
                per = rng.poisson(tp.fanout, size=m)
            idx = np.repeat(np.arange(m), per)[: self.max_rows]
            return len(idx), idx
        scale = self.weight if tp.tenant_scoped else 1.0
        return min(self.max_rows, max(1, round(tp.rows * scale))), None

    def make_keys(self) -> None:
        """Pass 1 for every table (see the module docstring)."""
        order = self.tables()
        deferred: list[tuple[TablePlan, FkPlan]] = []
        for name in order:
            if name in self.plan.handed:  # a profile's generator makes it
                handover.make_keys(self, name)
                continue
            tp = self.plan.tables[name]
            rng = self.rng(name, "keys")
            n, parent_of = self.count(tp, rng)
            made = {"__row": pl.Series("__row", np.arange(n, dtype=np.int64))}
            ctx = Context(self.cal, self.slot, 0, made)  # a generator may read an earlier one
            for col in tp.key_columns:
                spec = tp.specs.get(col)
                if spec is not None and spec.kind != "tenant":
                    made[col] = values(spec, rng, n, ctx).alias(col)
            frame = pl.DataFrame(list(made.values()))  # one polars call, not one per column
            for f in tp.fks:
                if f.late or f.role == "self":
                    deferred.append((tp, f))
                    continue
                frame = self.fill_fk(frame, tp, f, rng, parent_of)
            frame = self.fill_tenant(frame, tp)
            if DROP in frame.columns:  # rows a NOT NULL key found no parent for
                frame = frame.filter(~pl.col(DROP)).drop(DROP).with_columns(
                    pl.int_range(pl.len(), dtype=pl.Int64).alias("__row"))
            self.rows[name] = TableRows(frame, np.ones(frame.height, dtype=bool), parent_of)
            later = {c for t, f in deferred if t is tp for c in f.fk.columns}
            self.key_checks(tp, later)  # "exactly one parent" and the like, on keys alone
            self.make_unique(tp, skip=later)  # before any other table picks these keys
        for tp, f in deferred:
            rows = self.rows[tp.name]
            rows.keys = self.fill_fk(rows.keys, tp, f, self.rng(tp.name, f"late:{f.fk.name}"),
                                     None)
            if DROP in rows.keys.columns:
                rows.alive &= ~rows.keys[DROP].to_numpy()
                rows.keys = rows.keys.drop(DROP)
        for tp in {id(d[0]): d[0] for d in deferred}.values():
            self.make_unique(tp, skip=set())

    def fill_tenant(self, frame: pl.DataFrame, tp: TablePlan) -> pl.DataFrame:
        """The tenant column of a direct table: the tenant row's key."""
        cols = [c for c, s in tp.specs.items() if s.kind == "tenant"]
        if not cols:
            return frame
        tenant = self.rows[self.plan.tenant_table].keys  # type: ignore[index]
        value = tenant[self.plan.tenant_key[0]][0]
        return frame.with_columns([pl.lit(value).alias(c) for c in cols])

    def fill_fk(self, frame: pl.DataFrame, tp: TablePlan, f: FkPlan,
                rng: np.random.Generator, parent_of: np.ndarray | None) -> pl.DataFrame:
        """Set a foreign key's columns from parent rows (see FkPlan.role)."""
        n = frame.height
        cols, refs = list(f.fk.columns), list(f.fk.ref_columns)
        parents = None if f.role == "null" else (
            frame.select(refs) if f.role == "self" else self.parent_keys(f.fk.ref_table))
        if parents is None or parents.height == 0 or any(r not in parents.columns for r in refs):
            empty = pl.DataFrame({c: pl.Series([None] * n) for c in cols})
            return self._assign(frame, tp, f, empty, np.zeros(n, dtype=bool), "no parent row")
        parents = parents.select([pl.col(r).alias(c) for r, c in zip(refs, cols, strict=True)])
        if f.role == "anchor" and parent_of is not None:
            picked = parents[parent_of]
            return frame.with_columns([picked[c] for c in cols])
        shared = [c for c in cols if c in frame.columns and frame[c].null_count() < n]
        if shared and f.role != "self":
            return self._matching_pick(frame, tp, f, parents, shared, rng)
        if f.unique_alone and self.slot >= 0 and f.fk.ref_table in self.outside:
            # one-to-one with a global row (profiles.id -> auth.users.id): each tenant its own
            # slice of the global rows, as large as its share of the tenants' weight
            low, high = (round(x * parents.height) for x in self.share)
            parents = parents[low:high]
        if f.unique:
            order = rng.permutation(parents.height)[:n]
            idx = np.concatenate([order, np.full(n - len(order), -1)]) if len(order) < n else order
        else:
            idx = rng.integers(0, parents.height, size=n)
        share = f.null_share if f.nullable else 0.0
        if share:
            idx = np.where(rng.random(n) < share, -1, idx)
        return self._assign(frame, tp, f, parents[np.maximum(idx, 0)], idx >= 0,
                            "more rows than parents")

    def _assign(self, frame: pl.DataFrame, tp: TablePlan, f: FkPlan, picked: pl.DataFrame,
                valid: np.ndarray, why: str) -> pl.DataFrame:
        """Set the key's columns from ``picked`` where ``valid``; elsewhere the key is unset:
        its nullable columns NULL (MATCH SIMPLE), or the row dropped when none is nullable."""
        if valid.all():
            return frame.with_columns([picked[c] for c in f.fk.columns])
        columns = tp.table.columns
        out = []
        for c in f.fk.columns:
            if not columns[c].not_null:
                fallback: Any = None
            elif c in frame.columns:
                fallback = pl.col(c)
            else:
                fallback = None
            out.append(pl.when(pl.lit(pl.Series(valid))).then(pl.lit(picked[c]))
                       .otherwise(fallback).alias(c))
        if not f.nullable:
            self.costs[f"{f.fk.name} ({why}: rows dropped)"] += int((~valid).sum())
            frame = _drop_where(frame, ~valid)
        return frame.with_columns(out)

    def _matching_pick(self, frame: pl.DataFrame, tp: TablePlan, f: FkPlan, parents: pl.DataFrame,
                       shared: list[str], rng: np.random.Generator) -> pl.DataFrame:
        """A parent row agreeing with the columns another foreign key already set."""
        rest = [c for c in f.fk.columns if c not in shared]
        if not rest:
            return frame
        grouped = parents.group_by(shared, maintain_order=True).agg([pl.col(c) for c in rest])
        joined = frame.select(["__row", *shared]).join(grouped, on=shared, how="left",
                                                       maintain_order="left")
        draw = pl.Series(rng.random(frame.height))
        out = []
        for c in rest:
            lists = joined[c]
            idx = (draw * lists.list.len().fill_null(0)).floor().cast(pl.Int64)
            out.append(pl.select(lists.list.get(idx, null_on_oob=True)).to_series().alias(c))
        picked = pl.DataFrame(out)
        for c in shared:
            picked = picked.with_columns(frame[c])
        return self._assign(frame, tp, f, picked, picked[rest[0]].is_not_null().to_numpy(),
                            "no matching parent row")

    def key_checks(self, tp: TablePlan, later: set[str]) -> None:
        """Checks on key columns only, satisfied before unique keys and before other tables
        pick these rows (``(a IS NULL) <> (b IS NULL)`` over two foreign keys, say)."""
        rows = self.rows[tp.name]
        have = set(rows.keys.columns) - later
        checks: list[tuple[str, str, str | None]] = [
            (c.name, c.expression, c.value_column) for c in tp.checks if c.client
            and set(cons.columns_of(c.expression)) <= have and c.value_column is None]
        if not checks or rows.keys.height == 0:
            return
        types = {c.name: c.base for c in tp.table.columns.values()}
        nullable = {c.name for c in tp.table.columns.values() if not c.not_null}
        fixed = set(tp.referenced_columns) | {c for c, s in tp.specs.items() if s.kind == "tenant"}
        rows.keys, ok = satisfy(rows.keys, checks, types, nullable, fixed, self.costs)
        rows.alive &= ok

    def make_unique(self, tp: TablePlan, skip: set[str]) -> None:
        """Unique keys over all of this build's rows of ``tp`` (token, else drop and count).

        Keys using a column in ``skip`` (filled later: a cycle, a self-reference) wait for the
        second call; each key is made unique once.
        """
        rows = self.rows[tp.name]
        types = {c.name: c.base for c in tp.table.columns.values()}
        for u in tp.uniques:
            if (tp.name, u.key.name) in self.unique_done or set(u.key.columns) & skip:
                continue
            self.unique_done.add((tp.name, u.key.name))
            if _never_repeats(u):
                continue
            within, alone = None, False
            if u.predicate:
                # a partial key unique across tenants that nothing makes unique: the first
                # tenant alone keeps rows inside the predicate
                alone = u.scope == "global" and not u.built_in and u.token is None \
                    and self.slot > 0
                within = self._leave_predicate(tp, u.key.columns, u.predicate, types, alone)
            spec = tp.specs.get(u.token) if u.token else None
            max_len = spec.params.get("max_len") if spec else None
            frame, keep, changed = dedupe(rows.keys, u.key.columns, within, u.token, self.slot,
                                          rows.keys["__row"].to_numpy(), u.scope == "global",
                                          max_len)
            rows.keys = frame
            if within is not None and u.predicate and alone:
                keep &= ~within.fill_null(False).to_numpy()
            self._drop(rows, keep, u)
            self.unique_on[(tp.name, u.key.name)] = weakref.ref(rows.keys)
        self._drop_repeats(tp, types)

    def _drop(self, rows: TableRows, keep: np.ndarray, u: UniquePlan) -> None:
        """Rows alive but not kept by unique key ``u``: dropped and counted under its name."""
        lost = rows.alive & ~keep
        if lost.any():
            self.costs[f"{u.key.name} (duplicate keys: rows dropped)"] += int(lost.sum())
            rows.alive &= keep

    def _drop_repeats(self, tp: TablePlan, types: dict[str, str]) -> None:
        """A key made unique before another key of the table drew its predicate's columns
        again (two partial keys over one column, ``status = 'starting'`` and ``status =
        'ending'``) may repeat again: such rows are dropped and counted."""
        rows = self.rows[tp.name]
        for u in tp.uniques:
            done = (tp.name, u.key.name)
            made_on = self.unique_on.get(done)
            if done not in self.unique_done or _never_repeats(u) or \
                    (made_on is not None and made_on() is rows.keys):  # not drawn again since
                continue
            self._drop(rows, ~repeats(rows.keys, u.key.columns, u.predicate, types,
                                      rows.alive), u)
            self.unique_on[done] = weakref.ref(rows.keys)

    def _leave_predicate(self, tp: TablePlan, columns: tuple[str, ...], predicate: str,
                         types: dict[str, str], alone: bool = False) -> pl.Series | None:
        """Rows a partial unique index covers, after duplicates were drawn again to leave it
        (a second default payment method becomes a non-default one, not a dropped row)."""
        rows = self.rows[tp.name]
        expr = cons.to_polars(predicate, types)
        used = cons.columns_of(predicate)
        if expr is None or not all(c in rows.keys.columns for c in used):
            return None
        redraw = [c for c in used if c in tp.specs and c not in tp.referenced_columns
                  and tp.specs[c].kind not in ("server", "tenant")]
        key = [c for c in columns if c in rows.keys.columns]
        inside = expr.fill_null(False) & pl.lit(pl.Series(rows.alive))
        for attempt in range(RETRIES + 1):
            if not redraw or attempt == RETRIES or alone:
                within = rows.keys.select(expr.fill_null(False)).to_series()
                if not redraw or attempt == RETRIES:
                    break
                dup = within.to_numpy() & rows.alive
            else:  # the predicate and the repeats inside it in one polars call, not three
                repeat = ~pl.struct([inside.alias("__inside"), *key]).is_first_distinct()
                both = rows.keys.select(expr.fill_null(False).alias("__within"),
                                        (inside & repeat).alias("__dup"))
                within, dup = both["__within"], both["__dup"].to_numpy()
            if not dup.any():
                break
            bad = np.flatnonzero(dup)
            rng = self.rng(tp.name, f"partial:{predicate}:{attempt}")
            ctx = Context(self.cal, self.slot, 0)
            rows.keys = rows.keys.with_columns([
                rows.keys[c].scatter(bad, values(tp.specs[c], rng, len(bad), ctx)
                                     .cast(rows.keys[c].dtype)) for c in redraw])
        return within

    # ---------------------------------------------------------------- pass 2: rows

    def chunks(self, name: str) -> Iterator[tuple[pl.DataFrame, dict[str, int]]]:
        """The finished chunks of table ``name`` (rows that failed are left out and counted)."""
        tp = self.plan.tables[name]
        rows = self.rows[name]
        types = {c.name: c.base for c in tp.table.columns.values()}
        nullable = {c.name for c in tp.table.columns.values() if not c.not_null}
        client = [(c.name, c.expression, c.value_column) for c in tp.checks if c.client]
        fixed = set(tp.fixed_columns)
        watched = self._watched(tp, nullable)
        n = rows.keys.height
        for k, start in enumerate(range(0, max(n, 1), CHUNK_ROWS)):
            if n == 0:
                return
            stop = min(n, start + CHUNK_ROWS)
            keys = rows.keys if (start, stop) == (0, n) else rows.keys[start:stop]
            frame = self._rest(tp, keys, self.rng(name, f"rows:{k}"), start)
            keep = rows.alive[start:stop].copy()
            frame, keep = self._parents_alive(tp, frame, keep, nullable)
            first: Counter = Counter()
            frame, ok = satisfy(frame, client, types, nullable, fixed, first)
            self.costs.update({w: n for w, n in first.items() if w.endswith("(rows repaired)")})
            failed = int((keep & ~ok).sum())
            for attempt in range(RETRIES):  # draw a failing row's other columns again
                bad = np.flatnonzero(keep & ~ok)
                if not len(bad) or not tp.column_order:
                    break
                redo = self._rest(tp, frame[bad], self.rng(name, f"retry:{k}:{attempt}"), start)
                frame = frame.with_columns([frame[c].scatter(bad, redo[c].cast(frame[c].dtype))
                                            for c in tp.column_order if c in redo.columns])
                frame, ok = satisfy(frame, client, types, nullable, fixed, Counter())
            if failed and failed > int((keep & ~ok).sum()):
                self.costs[f"{name}: rows drawn again to pass checks"] += failed - int(
                    (keep & ~ok).sum())
            last: Counter = Counter()
            frame, ok = satisfy(frame, client, types, nullable, fixed, last)
            self.costs.update({w: n for w, n in last.items() if not w.endswith("repaired)")})
            keep &= ok
            keep = self._unique_across_chunks(tp, watched, frame, keep, types)
            rows.alive[start:stop] &= keep
            yield (frame if keep.all() else frame.filter(pl.Series(keep))), {}

    def _watched(self, tp: TablePlan, nullable: set[str]) -> list[UniquePlan]:
        """Partial keys whose predicate reads a foreign key pass 2 may set NULL (its parent
        row was dropped since): a row may enter the predicate after pass 1 made it unique."""
        may_null = {c for f in tp.fks if f.role not in ("null", "self") and not f.late
                    for c in f.fk.columns if c in nullable}
        return [u for u in tp.uniques
                if u.predicate and set(cons.columns_of(u.predicate)) & may_null]

    def _unique_across_chunks(self, tp: TablePlan, watched: list[UniquePlan],
                              frame: pl.DataFrame, keep: np.ndarray,
                              types: dict[str, str]) -> np.ndarray:
        """Drop (and count) rows of a chunk repeating a ``watched`` key of this chunk or of an
        earlier chunk of the build; the chunks of a build come in order, whatever the workers."""
        for u in watched:
            dup = repeats(frame, u.key.columns, u.predicate, types, keep,
                          self.seen.get((tp.name, u.key.name)))
            if dup.any():
                self.costs[f"{u.key.name} (duplicate keys: rows dropped)"] += int(dup.sum())
                keep = keep & ~dup
        for u in watched:
            new = covered_keys(frame, u.key.columns, u.predicate, types, keep)
            old = self.seen.get((tp.name, u.key.name))
            self.seen[(tp.name, u.key.name)] = new if old is None else pl.concat([old, new])
        return keep

    def _rest(self, tp: TablePlan, frame: pl.DataFrame, rng: np.random.Generator,
              row0: int) -> pl.DataFrame:
        """The non-key columns of ``frame``'s rows, added in one step (a polars call per
        column cost ~50 us each, 40 per table and tenant: a third of a small tenant's time)."""
        ctx = Context(self.cal, self.slot, row0)
        made = {c: frame[c] for c in frame.columns}
        ctx.frame = made  # the columns so far: a generator may read an earlier one
        new = []
        for col in tp.column_order:
            spec = tp.specs[col]
            if spec.kind in ("server", "tenant"):
                continue
            made[col] = values(spec, rng, frame.height, ctx).alias(col)
            new.append(made[col])
        return frame.with_columns(new) if new else frame

    def _parents_alive(self, tp: TablePlan, frame: pl.DataFrame, keep: np.ndarray,
                       nullable: set[str]) -> tuple[pl.DataFrame, np.ndarray]:
        """A key pointing at a parent row dropped since it was picked: NULL, else drop."""
        for f in tp.fks:
            if f.role in ("null", "self") or f.late or f.fk.ref_table not in self.rows:
                continue
            parent = self.rows[f.fk.ref_table]
            if parent.alive.all():
                continue
            cols = list(f.fk.columns)
            alive = parent.survivors().select(
                [pl.col(r).alias(c) for r, c in zip(f.fk.ref_columns, cols, strict=True)]
            ).unique().with_columns(pl.lit(True).alias("__ok"))
            hit = frame.select(cols).join(alive, on=cols, how="left", maintain_order="left")
            bad = (hit["__ok"].is_null() & frame.select(
                pl.all_horizontal([pl.col(c).is_not_null() for c in cols])).to_series()
            ).to_numpy()
            if not bad.any():
                continue
            if all(c in nullable for c in cols):
                frame = frame.with_columns([pl.when(pl.Series(bad)).then(None)
                                            .otherwise(pl.col(c)).alias(c) for c in cols])
                self.costs[f"{f.fk.name} (parent dropped: set NULL)"] += int(bad.sum())
            else:
                lost = keep & bad
                self.costs[f"{f.fk.name} (parent dropped: rows dropped)"] += int(lost.sum())
                keep = keep & ~bad
        return frame, keep

    def dangling(self) -> list[tuple[FkPlan, TablePlan, pl.DataFrame]]:
        """Late and self keys whose parent rows were dropped after they were picked."""
        out = []
        for name in self.tables():
            if name in self.plan.handed:
                continue
            tp = self.plan.tables[name]
            for f in tp.fks:
                if not (f.late or f.role == "self") or f.fk.ref_table not in self.rows:
                    continue
                parent = self.rows[f.fk.ref_table]
                if parent.alive.all():
                    continue
                gone = parent.keys.filter(~pl.Series(parent.alive)).select(
                    [pl.col(r).alias(c) for r, c in zip(f.fk.ref_columns, f.fk.columns,
                                                         strict=True)])
                out.append((f, tp, gone))
        return out


def _never_repeats(u: UniquePlan) -> bool:
    """A whole (not partial) key with a column whose generator never repeats a value (a
    uuid, a serial): no duplicates to look for. 167 of lago's 273 keys; looking cost ~6 polars
    calls each per tenant."""
    return u.built_in and not u.predicate


def _drop_where(frame: pl.DataFrame, where: np.ndarray) -> pl.DataFrame:
    """Mark rows to drop (a column removed once the table's keys are made)."""
    mark = pl.Series(DROP, where)
    if DROP in frame.columns:
        mark = frame[DROP] | mark
    return frame.with_columns(mark)


# ---------------------------------------------------------------- COPY


def copy_frame(cur: psycopg.Cursor, tp: TablePlan, frame: pl.DataFrame, *,
               use_binary: bool = True) -> tuple[int, np.ndarray | None]:
    """COPY ``frame`` into its table; returns (payload bytes, rows the server's checks refused).

    Checks the engine cannot read are evaluated by the server on a staging copy first.
    """
    names = [c for c in tp.copy_columns if c in frame.columns]
    frame = frame.select(names)
    server = _server_checks(tp)
    target = qualified(tp.name)
    if not server:
        with TableCopy(cur, target, _bases(tp), use_binary) as out:
            return out.write(frame, names), None
    cur.execute(sql.SQL("CREATE TEMP TABLE _wb_stage (LIKE {}) ON COMMIT DROP").format(target))
    cur.execute("ALTER TABLE _wb_stage ADD COLUMN _wb_row bigint")
    frame = frame.with_row_index("_wb_row").with_columns(pl.col("_wb_row").cast(pl.Int64))
    with TableCopy(cur, sql.Identifier("_wb_stage"), {**_bases(tp), "_wb_row": "int8"},
                   use_binary) as out:
        size = out.write(frame, [*names, "_wb_row"])
    cond = sql.SQL(" AND ").join(sql.SQL("({})").format(sql.SQL(c.expression))
                                 for c in server)  # type: ignore[arg-type]
    refused = np.array([r[0] for r in cur.execute(sql.SQL(
        "SELECT _wb_row FROM _wb_stage WHERE NOT ({})").format(cond))], dtype=np.int64)
    cols = sql.SQL(", ").join(map(sql.Identifier, names))
    cur.execute(sql.SQL("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM _wb_stage "
                        "WHERE NOT (_wb_row = ANY(%s))").format(target, cols, cols),
                (refused.tolist(),))
    cur.execute("DROP TABLE _wb_stage")
    return size, refused


def _server_checks(tp: TablePlan) -> list[CheckPlan]:
    """The table's checks only the server can evaluate (rows go through a staging table)."""
    return [c for c in tp.checks if not c.client and c.value_column is None]


def _bases(tp: TablePlan) -> dict[str, str]:
    return {c.name: ("array" if c.is_array else c.base) for c in tp.table.columns.values()}


class TableCopy:
    """One ``COPY ... FROM STDIN`` kept open while chunks arrive (of one build or several).

    Why: a COPY per chunk and tenant costs a round trip and the server's set-up each (lago:
    136 tables per tenant); one per table carries every chunk of every build written in the
    same transaction. Binary chunks share the header and the trailer, each chunk's rows
    encoded on their own; a chunk with other columns (or format) ends the COPY and opens the
    next. Leaving the block on an error aborts the COPY (the transaction fails with it).
    """

    def __init__(self, cur: psycopg.Cursor, target: sql.Composable, bases: dict[str, str],
                 use_binary: bool) -> None:
        self.cur, self.target, self.bases, self.use_binary = cur, target, bases, use_binary
        self.stack = ExitStack()
        self.copy: Any = None
        self.shape: tuple[tuple[str, ...], str] | None = None
        self.started = False  # the binary header is sent (the trailer is due at the end)

    def write(self, frame: pl.DataFrame, names: list[str]) -> int:
        """COPY ``names`` of ``frame``; returns the bytes sent."""
        kinds = [self.bases[c] for c in names]
        fmt = "binary" if self.use_binary and binary.encodable(kinds) else "csv"
        size = 0
        if self.shape != (tuple(names), fmt):
            self.close()
            stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT {})").format(
                self.target, sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(fmt))
            self.copy = self.stack.enter_context(self.cur.copy(stmt))
            self.shape = (tuple(names), fmt)
        if fmt == "binary":
            arrays = [binary.column_array(b, _scale(b), frame[c], frame.height)
                      for c, b in zip(names, kinds, strict=True)]
            parts = binary.encode_rows(names, kinds, arrays)
            if not self.started:
                parts.insert(0, binary.HEADER)
                self.started = True
        else:
            parts = [to_csv(frame.select(names))]
        for part in parts:
            self.copy.write(part)
            size += part.nbytes if isinstance(part, memoryview) else len(part)
        return size

    def close(self) -> None:
        """End the open COPY (the server has every row when this returns)."""
        if self.copy is not None:
            if self.started:
                self.copy.write(binary.TRAILER)
            self.stack.close()
        self.copy, self.shape, self.started = None, None, False

    def __enter__(self) -> TableCopy:
        return self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if kind is None:
            self.close()
            return
        # the COPY fails with the transaction; the caller's exception (an error, Ctrl-C in a
        # progress callback) is what leaves, not the server's "COPY from stdin failed"
        with suppress(psycopg.Error):
            self.stack.__exit__(kind, exc, tb)


def _scale(base: str) -> int | None:
    return 3 if base == "numeric" else None


def write_build(conn: psycopg.Connection, build: Build, report: Callable[[str, int], None] | None,
                *, use_binary: bool = True) -> dict[str, list[float]]:
    """Make and COPY every table of ``build`` (inside the caller's transaction)."""
    return write_builds(conn, [build], report, use_binary=use_binary)[0]


def write_builds(conn: psycopg.Connection, builds: list[Build],
                 report: Callable[[str, int], None] | None, *, use_binary: bool = True
                 ) -> list[dict[str, list[float]]]:
    """Make and COPY every table of ``builds`` (of one kind: tenants, or the global rows)
    inside the caller's transaction: one COPY per table for all of them. Each build's rows
    are its own (its random streams and state): only the number of statements changes."""
    stats: list[dict[str, list[float]]] = [{} for _ in builds]
    for build in builds:
        if not build.rows:
            build.make_keys()
    plan = builds[0].plan
    with conn.cursor() as cur:
        for name in builds[0].tables():
            if name in plan.handed:  # a profile's generator writes it, per build
                for build, st in zip(builds, stats, strict=True):
                    handover.write(cur, build, name, st, report, use_binary=use_binary)
                continue
            tp = plan.tables[name]
            server = bool(_server_checks(tp))
            with TableCopy(cur, qualified(name), _bases(tp), use_binary) as out:
                for build, entry in ((b, s.setdefault(name, [0, 0, 0.0]))
                                     for b, s in zip(builds, stats, strict=True)):
                    started = time.perf_counter()
                    for frame, _ in build.chunks(name):
                        if frame.height == 0:
                            continue
                        rows = frame.height
                        if server:
                            nbytes, refused = copy_frame(cur, tp, frame, use_binary=use_binary)
                            if refused is not None and len(refused):
                                build.costs[f"{name}: server-side checks (rows dropped)"] += \
                                    len(refused)
                                rows -= len(refused)
                                _mark_refused(build, name, frame, refused)
                        else:
                            nbytes = out.write(frame, [c for c in tp.copy_columns
                                                       if c in frame.columns])
                        entry[0] += rows
                        entry[1] += nbytes
                        if report:
                            report(name, rows)
                    entry[2] += time.perf_counter() - started
        for build in builds:
            for f, tp, gone in build.dangling():
                _fix_dangling(cur, f, tp, gone, build.costs)
    return stats


def _mark_refused(build: Build, name: str, frame: pl.DataFrame, refused: np.ndarray) -> None:
    rows = build.rows[name]
    numbers = frame["__row"].to_numpy()[refused] if "__row" in frame.columns else []
    rows.alive[numbers] = False


def _fix_dangling(cur: psycopg.Cursor, f: FkPlan, tp: TablePlan, gone: pl.DataFrame,
                  costs: Counter) -> None:
    """NULL (or delete) rows already written whose late/self parent row was dropped after."""
    cols = list(f.fk.columns)
    if gone.height == 0:
        return
    tuple_sql = sql.SQL("({})").format(sql.SQL(", ").join(
        sql.SQL("{}::text").format(sql.Identifier(c)) for c in cols))
    arrays = sql.SQL(", ").join(sql.SQL("%s::text[]") for _ in cols)
    where = sql.SQL("{} IN (SELECT * FROM unnest({}))").format(tuple_sql, arrays)
    params = [gone[c].cast(pl.String).to_list() for c in cols]
    if f.nullable:
        sets = sql.SQL(", ").join(sql.SQL("{} = NULL").format(sql.Identifier(c)) for c in cols)
        cur.execute(sql.SQL("UPDATE {} SET {} WHERE {}").format(qualified(tp.name), sets, where),
                    params)
        costs[f"{f.fk.name} (parent dropped: set NULL)"] += cur.rowcount
    else:
        cur.execute(sql.SQL("DELETE FROM {} WHERE {}").format(qualified(tp.name), where), params)
        costs[f"{f.fk.name} (parent dropped: rows dropped)"] += cur.rowcount


def read_outside(conn: psycopg.Connection, plan: Plan, *, tenant: bool) -> dict[str, pl.DataFrame]:
    """Key columns of the tables a build points at but does not make (global, reference)."""
    made = set(plan.generated(tenant=tenant))
    wanted: dict[str, set[str]] = {}
    for name in made:
        for f in plan.tables[name].fks:
            if f.fk.ref_table not in made and f.role in ("pick", "anchor"):
                wanted.setdefault(f.fk.ref_table, set()).update(f.fk.ref_columns)
    out = {}
    for table, cols in wanted.items():
        ordered = sorted(cols)
        q = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
            sql.SQL(", ").join(map(sql.Identifier, ordered)), qualified(table),
            sql.SQL(", ").join(map(sql.Identifier, ordered)))
        rows = [tuple(_plain(v) for v in r) for r in conn.execute(q).fetchall()]
        out[table] = pl.DataFrame(rows, schema=ordered, orient="row") if rows else \
            pl.DataFrame({c: pl.Series([], dtype=pl.String) for c in ordered})
    return out


def _plain(value: Any) -> Any:
    """A value read back from the server in the form the generators make it."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def plan_digest(plan: Plan) -> str:
    """A short digest of the plan's decisions (recorded with the run, for resume)."""
    text = plan.explain(0)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sequence_of(default: str | None) -> str | None:
    """The sequence a ``nextval('...')`` default draws from."""
    m = SEQUENCE.search(default or "")
    return m.group(1) if m else None


__all__ = ["Build", "copy_frame", "plan_digest", "qualified", "read_outside", "sequence_of",
           "write_build", "write_builds", "Spec", "TableCopy"]
