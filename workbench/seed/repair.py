# pglast types every AST field as optional; the parser fills the ones read here for these
# node kinds (an operator has a name, a cast a type), so those checks are off in this module.
# mypy: disable-error-code="union-attr, index, arg-type"
"""Making a generated chunk pass its checks and unique keys, and counting what that cost.

Generators draw values inside what the checks' hints allow, but a check across columns
(``starts_at < ends_at``, ``num_nonnulls(a, b) = 1``) or a unique key can still fail on some
rows. Per failing conjunct of a check: first an adjustment (the later column moved past the
earlier one), then NULL where a nullable column makes the check pass (a CHECK passes on NULL);
rows that still fail are dropped and counted under the constraint's name, never silently.
Unique keys: a token of (tenant, row) makes a text column unique; other duplicates are
dropped and counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import polars as pl
from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType
from pglast.stream import RawStream

from workbench.seed import constraints as cons

Costs = Counter  # constraint -> rows dropped (or "<constraint> (repaired)" -> rows changed)


@dataclass(frozen=True)
class Conjunct:
    """One AND-part of a check, translated, with the columns an adjustment may change."""

    expr: pl.Expr
    columns: tuple[str, ...]
    compare: tuple[str, str, str] | None  # (left column, op, right column) of a plain a op b


@cache
def conjuncts(expression: str, types_key: tuple[tuple[str, str], ...],
              value_column: str | None) -> tuple[pl.Expr | None, tuple[Conjunct, ...]]:
    """The whole check and its conjuncts as polars expressions (cached per expression)."""
    types = dict(types_key)
    whole = cons.to_polars(expression, types, value_column)
    node = cons.parse_expr(expression)
    parts = node.args if isinstance(node, ast.BoolExpr) and \
        node.boolop == BoolExprType.AND_EXPR else (node,)
    out = []
    for part in parts:
        text = RawStream()(part)
        expr = cons.to_polars(text, types, value_column)
        if expr is None:
            continue
        cols = tuple(value_column if c == "value" and value_column else c
                     for c in cons.columns_of(text))
        out.append(Conjunct(expr, cols, _compare(part)))
    return whole, tuple(out)


def _compare(part: Any) -> tuple[str, str, str] | None:
    """``(a, op, b)`` of a plain ``a op b``, also as one branch of an OR (``b IS NULL OR
    a <= b``): moving one side past the other satisfies the conjunct."""
    if isinstance(part, ast.BoolExpr) and part.boolop == BoolExprType.OR_EXPR:
        return next((c for c in map(_compare, part.args) if c), None)
    if isinstance(part, ast.A_Expr) and part.kind == A_Expr_Kind.AEXPR_OP:
        left, right = cons._strip_cast(part.lexpr), cons._strip_cast(part.rexpr)
        if isinstance(left, ast.ColumnRef) and isinstance(right, ast.ColumnRef) \
                and part.name[-1].sval in cons.RANGE_OPS:
            return (cons._colname(left), part.name[-1].sval, cons._colname(right))  # type: ignore[return-value]
    return None


def _step(dtype: pl.DataType) -> Any:
    if dtype.is_integer():
        return 1
    if dtype.is_float():
        return 0.01
    if dtype == pl.Date:
        return pl.duration(days=1)
    return pl.duration(seconds=1)


def _adjust(frame: pl.DataFrame, fail: pl.Series, compare: tuple[str, str, str],
            fixed: set[str]) -> pl.DataFrame:
    """Move one side of ``a op b`` past the other on failing rows."""
    left, op, right = compare
    if left not in frame.columns or right not in frame.columns:
        return frame
    # the side to change: the right one unless it is fixed
    target, other = (right, left) if right not in fixed else (left, right)
    if target in fixed:
        return frame
    if target == left:
        op = cons.FLIP[op]
    dtype = frame[target].dtype
    if frame[other].dtype != dtype:
        return frame
    step = _step(dtype)
    # now the condition reads: other op target  ->  target must be (>, >=) or (<, <=) other
    if op in ("<", "<="):
        value = pl.col(other) + (step if op == "<" else 0 * step)
    else:
        value = pl.col(other) - (step if op == ">" else 0 * step)
    return frame.with_columns(
        pl.when(pl.lit(fail)).then(value).otherwise(pl.col(target)).alias(target))


def satisfy(frame: pl.DataFrame, checks: list[tuple[str, str, str | None]],
            types: dict[str, str], nullable: set[str], fixed: set[str], costs: Costs
            ) -> tuple[pl.DataFrame, np.ndarray]:
    """(frame, rows kept): repaired where possible, the rest marked for dropping and counted.

    ``checks``: (name, expression, value column); ``fixed``: columns other rows depend on
    (keys), never changed here.
    """
    keep = np.ones(frame.height, dtype=bool)
    types_key = tuple(sorted(types.items()))
    for name, expression, value_column in checks:
        whole, parts = conjuncts(expression, types_key, value_column)
        if whole is None:
            continue
        for part in parts:
            if any(c not in frame.columns for c in part.columns):
                continue
            fail = ~frame.select(part.expr).to_series()
            if not fail.any():
                continue
            before = int(fail.sum())
            if part.compare:
                frame = _adjust(frame, fail, part.compare, fixed)
                fail = ~frame.select(part.expr).to_series()
            for col in part.columns:
                if not fail.any():
                    break
                if col in nullable and col not in fixed:
                    trial = frame.with_columns(pl.when(pl.lit(fail)).then(None)
                                               .otherwise(pl.col(col)).alias(col))
                    now_ok = trial.select(part.expr).to_series() & fail
                    frame = frame.with_columns(pl.when(pl.lit(now_ok)).then(None)
                                               .otherwise(pl.col(col)).alias(col))
                    fail = fail & ~now_ok
            repaired = before - int(fail.sum())
            if repaired:
                costs[f"{name} (rows repaired)"] += repaired
        ok = frame.select(whole).to_series().to_numpy()
        dropped = keep & ~ok
        if dropped.any():
            costs[name] += int(dropped.sum())
            keep &= ok
    return frame, keep


def token(series: pl.Series, slot: int, rows: np.ndarray, max_len: int | None) -> pl.Series:
    """Values made unique by a (tenant slot, row) token: before the @ of an email, else a
    ``-slot-row`` suffix; cut to ``max_len``."""
    tok = pl.Series(rows).cast(pl.String)
    tok = f"{slot + 1}-" + tok
    text = series.cast(pl.String).fill_null("x")
    parts = text.str.split_exact("@", 1)
    local, domain = parts.struct.field("field_0"), parts.struct.field("field_1")
    room = (max_len or 10_000) - tok.str.len_chars() - 1
    email = local.str.slice(0, pl.select(room - domain.fill_null("").str.len_chars() - 1)
                            .to_series().clip(1)) + "." + tok + "@" + domain
    plain = text.str.slice(0, room.clip(1)) + "-" + tok
    return pl.select(pl.when(domain.is_not_null()).then(email).otherwise(plain)).to_series()


def _duplicates(frame: pl.DataFrame, cols: list[str], active: np.ndarray) -> np.ndarray:
    """Rows whose key repeats an earlier active row's (only active rows take part)."""
    dup = np.zeros(frame.height, dtype=bool)
    idx = np.flatnonzero(active)
    if len(idx):
        first = frame[idx].select(pl.struct(cols).is_first_distinct()).to_series().to_numpy()
        dup[idx[~first]] = True
    return dup


def dedupe(frame: pl.DataFrame, columns: tuple[str, ...], within: pl.Series | None,
           token_column: str | None, slot: int, rows: np.ndarray, all_rows: bool,
           max_len: int | None) -> tuple[pl.DataFrame, np.ndarray, int]:
    """Make ``columns`` unique over the rows ``within`` says (a partial key's predicate).

    ``rows``: each row's number within this tenant's rows of the table (the token);
    ``all_rows``: token every row (a key unique across tenants), not only the duplicates.
    Returns (frame, rows kept, rows tokenised). Rows with a NULL in the key never conflict.
    """
    cols = [c for c in columns if c in frame.columns]
    if not cols or frame.height == 0:
        return frame, np.ones(frame.height, dtype=bool), 0
    active = frame.select(pl.all_horizontal([pl.col(c).is_not_null() for c in cols])
                          ).to_series().to_numpy()
    if within is not None:
        active &= within.fill_null(False).to_numpy()
    changed = 0
    if token_column is not None:
        redo = active if all_rows else _duplicates(frame, cols, active)
        if redo.any():
            idx = np.flatnonzero(redo)
            new = token(frame[token_column].gather(idx), slot, rows[idx], max_len)
            values = frame[token_column].cast(pl.String).scatter(idx, new)
            frame = frame.with_columns(values.alias(token_column))
            changed = len(idx)
    return frame, ~_duplicates(frame, cols, active), changed



def _covered(frame: pl.DataFrame, cols: list[str], predicate: str | None,
             types: dict[str, str], active: np.ndarray) -> np.ndarray:
    """Active rows a (partial) unique key covers: no NULL in the key, inside the predicate
    (one the engine cannot read covers every row, as :func:`dedupe` takes it)."""
    on = active & frame.select(pl.all_horizontal([pl.col(c).is_not_null() for c in cols])
                               ).to_series().to_numpy()
    expr = cons.to_polars(predicate, types) if predicate else None
    if expr is not None and set(cons.columns_of(predicate)) <= set(frame.columns):  # type: ignore[arg-type]
        on &= frame.select(expr.fill_null(False)).to_series().to_numpy()
    return on


def repeats(frame: pl.DataFrame, columns: tuple[str, ...], predicate: str | None,
            types: dict[str, str], active: np.ndarray,
            seen: pl.DataFrame | None = None) -> np.ndarray:
    """Active rows whose key (as :func:`_covered` takes it) repeats an earlier active row's
    or one in ``seen`` (the keys earlier chunks of the tenant wrote)."""
    cols = [c for c in columns if c in frame.columns]
    if not cols or frame.height == 0:
        return np.zeros(frame.height, dtype=bool)
    on = _covered(frame, cols, predicate, types, active)
    dup = _duplicates(frame, cols, on)
    if seen is not None and seen.height:
        hit = frame.select(cols).join(seen.unique().with_columns(pl.lit(True).alias("__seen")),
                                      on=cols, how="left", maintain_order="left")
        dup |= on & hit["__seen"].fill_null(False).to_numpy()
    return dup


def covered_keys(frame: pl.DataFrame, columns: tuple[str, ...], predicate: str | None,
                 types: dict[str, str], kept: np.ndarray) -> pl.DataFrame:
    """The keys of the ``kept`` rows a (partial) unique key covers: what later chunks of the
    tenant must not repeat."""
    cols = [c for c in columns if c in frame.columns]
    return frame.select(cols).filter(pl.Series(_covered(frame, cols, predicate, types, kept)))
