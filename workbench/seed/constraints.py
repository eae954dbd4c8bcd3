# pglast types every AST field as optional; the parser fills the ones read here for these
# node kinds (an operator has a name, a cast a type), so those checks are off in this module.
# mypy: disable-error-code="union-attr, index, arg-type"
"""CHECK constraints read with PostgreSQL's own parser (pglast), for generating rows that pass.

Two uses of one parse:

* :func:`hints`: what a CHECK says about single columns (a range, a list of allowed values, a
  length, a regex, "must not be NULL"), so generators draw values that pass in the first place;
* :func:`to_polars`: the whole expression as a polars expression, so a generated chunk is
  checked row by row before it is sent (a check that passes on NULL passes here too), and the
  rows that fail can be repaired or dropped and counted (:mod:`workbench.seed.repair`).

An expression with a form this module does not translate gives ``None``: the engine then checks
those rows on the server (:mod:`workbench.seed.engine`), never skips the constraint.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl
from pglast import ast, parse_sql
from pglast.enums import A_Expr_Kind, BoolExprType, BoolTestType, NullTestType

RANGE_OPS = {"<", "<=", ">", ">="}
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>", "!=": "!="}
TIME_TYPES = {"date", "timestamp", "timestamptz"}
INT_CASTS = {"int2", "int4", "int8", "integer", "smallint", "bigint"}
FLOAT_CASTS = {"numeric", "float4", "float8", "real", "double precision", "decimal"}


class Untranslatable(Exception):
    """An expression form :func:`to_polars` does not know."""


@dataclass
class Hint:
    """What the checks say about one column's values."""

    lo: Any = None
    hi: Any = None
    lo_strict: bool = False
    hi_strict: bool = False
    choices: tuple[Any, ...] | None = None
    min_len: int | None = None
    max_len: int | None = None
    regex: list[tuple[str, bool]] = field(default_factory=list)  # (pattern, case-insensitive)
    required: bool = False  # a check tests it IS NOT NULL: generate no NULLs

    def describe(self) -> str:
        """A short account for --explain-plan."""
        parts = []
        if self.choices is not None:
            parts.append(f"one of {len(self.choices)} values")
        if self.lo is not None or self.hi is not None:
            parts.append(f"range {self.lo if self.lo is not None else ''}.."
                         f"{self.hi if self.hi is not None else ''}")
        if self.min_len is not None or self.max_len is not None:
            parts.append(f"length {self.min_len or 0}..{self.max_len or ''}")
        parts.extend(f"matches {p!r}" for p, _ in self.regex)
        if self.required:
            parts.append("not null")
        return ", ".join(parts)


@cache
def parse_expr(text: str) -> ast.Node:
    """The expression ``text`` as pglast's AST."""
    return parse_sql(f"SELECT {text}")[0].stmt.targetList[0].val  # type: ignore[union-attr]


def columns_of(text: str) -> tuple[str, ...]:
    """Names of the columns an expression uses, in order of appearance."""
    out: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, ast.ColumnRef):
            name = _colname(node)
            if name and name not in out:
                out.append(name)
        elif isinstance(node, ast.Node):
            for attr in node:
                visit(getattr(node, attr))
        elif isinstance(node, tuple | list):
            for item in node:
                visit(item)

    visit(parse_expr(text))
    return tuple(out)


def _colname(node: ast.ColumnRef) -> str | None:
    last = node.fields[-1]
    return last.sval if isinstance(last, ast.String) else None


def _strip_cast(node: Any) -> Any:
    while isinstance(node, ast.TypeCast):
        node = node.arg
    return node


def _const(node: Any, base: str | None = None) -> Any:
    """A constant's Python value (casts to date/timestamp honoured); raises Untranslatable."""
    cast_to = None
    while isinstance(node, ast.TypeCast):
        cast_to = cast_to or node.typeName.names[-1].sval
        node = node.arg
    if isinstance(node, ast.A_Const):
        if node.isnull:
            return None
        val = node.val
        if isinstance(val, ast.Integer):
            return val.ival
        if isinstance(val, ast.Float):
            return float(val.fval)
        if isinstance(val, ast.Boolean):
            return val.boolval
        if isinstance(val, ast.String):
            if cast_to in INT_CASTS:
                return int(val.sval)
            if cast_to in FLOAT_CASTS:
                return float(val.sval)
            if cast_to == "bool":
                return val.sval.lower() in ("t", "true", "yes", "on", "1")
            target = cast_to if cast_to in TIME_TYPES else base
            return _time_literal(val.sval, target) if target in TIME_TYPES else val.sval
    if isinstance(node, ast.A_Expr) and node.lexpr is None and _opname(node) == "-":
        return -_const(node.rexpr, base)
    raise Untranslatable(type(node).__name__)


def _time_literal(text: str, base: str | None) -> Any:
    if base == "date":
        return dt.date.fromisoformat(text[:10])
    value = dt.datetime.fromisoformat(text)
    if base == "timestamptz" and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _opname(node: ast.A_Expr) -> str:
    return node.name[-1].sval


def _conjuncts(node: Any) -> list[Any]:
    if isinstance(node, ast.BoolExpr) and node.boolop == BoolExprType.AND_EXPR:
        return [c for arg in node.args for c in _conjuncts(arg)]
    return [node]


def _array_items(node: Any) -> tuple[Any, ...]:
    node = _strip_cast(node)
    if isinstance(node, ast.A_ArrayExpr):
        return tuple(node.elements or ())
    if isinstance(node, tuple | list):
        return tuple(node)
    raise Untranslatable("array")


LENGTH_FUNCS = {"length", "char_length", "character_length", "octet_length"}


def _length_target(node: Any) -> str | None:
    """The column of ``length(col)`` / ``length(btrim(col))``, else None."""
    node = _strip_cast(node)
    if isinstance(node, ast.FuncCall) and node.funcname[-1].sval in LENGTH_FUNCS and node.args:
        inner = _strip_cast(node.args[0])
        if isinstance(inner, ast.FuncCall) and inner.funcname[-1].sval in ("btrim", "trim") \
                and inner.args:
            inner = _strip_cast(inner.args[0])
        if isinstance(inner, ast.ColumnRef):
            return _colname(inner)
    return None


def hints(expression: str, types: dict[str, str], value_column: str | None = None
          ) -> dict[str, Hint]:
    """Per column, what the CHECK ``expression`` asks of it (only the forms read here).

    ``types`` maps column names to base types (for date literals); ``value_column`` is the
    column a domain's ``VALUE`` stands for.
    """
    out: dict[str, Hint] = {}

    def col(node: Any) -> str | None:
        node = _strip_cast(node)
        if isinstance(node, ast.ColumnRef):
            name = _colname(node)
            return value_column if value_column and name == "value" else name
        return None

    def hint(name: str) -> Hint:
        return out.setdefault(name, Hint())

    def bound(name: str, op: str, value: Any) -> None:
        h = hint(name)
        if op in (">", ">=") and (h.lo is None or value >= h.lo):
            h.lo, h.lo_strict = value, op == ">"
        elif op in ("<", "<=") and (h.hi is None or value <= h.hi):
            h.hi, h.hi_strict = value, op == "<"

    def length(name: str, op: str, value: int) -> None:
        h = hint(name)
        if op in (">", ">="):
            h.min_len = max(h.min_len or 0, value + (op == ">"))
        elif op in ("<", "<="):
            limit = value - (op == "<")
            h.max_len = limit if h.max_len is None else min(h.max_len, limit)
        elif op == "=":
            h.min_len = h.max_len = value

    for node in _conjuncts(parse_expr(expression)):
        try:
            _read_conjunct(node, col, hint, bound, length, types)
        except (Untranslatable, ValueError, TypeError, AttributeError):
            continue
    _required(parse_expr(expression), col, hint)
    return out


def _read_conjunct(node: Any, col: Any, hint: Any, bound: Any, length: Any,
                   types: dict[str, str]) -> None:
    if isinstance(node, ast.A_Expr):
        left: Any = node.lexpr
        right: Any = node.rexpr
        if node.kind == A_Expr_Kind.AEXPR_OP:
            op = _opname(node)
            if col(right) and not col(left):
                left, right, op = right, left, FLIP.get(op, op)
            name = col(left)
            if name and op in RANGE_OPS:
                bound(name, op, _const(right, types.get(name)))
            elif name and op == "=":
                value = _const(right, types.get(name))
                hint(name).choices = (value,)
            elif name and op in ("~", "~*"):
                hint(name).regex.append((_const(right), op == "~*"))
            elif (target := _length_target(left)) and op in (*RANGE_OPS, "="):
                length(target, op, int(_const(right)))
        elif node.kind == A_Expr_Kind.AEXPR_BETWEEN and (name := col(left)):
            low, high = (_const(x, types.get(name)) for x in right)
            bound(name, ">=", low)
            bound(name, "<=", high)
        elif node.kind == A_Expr_Kind.AEXPR_BETWEEN and (target := _length_target(left)):
            low, high = (int(_const(x)) for x in right)
            length(target, ">=", low)
            length(target, "<=", high)
        elif node.kind in (A_Expr_Kind.AEXPR_IN, A_Expr_Kind.AEXPR_OP_ANY) \
                and _opname(node) == "=" and (name := col(left)):
            hint(name).choices = tuple(_const(x, types.get(name)) for x in _array_items(right))


def _required(node: Any, col: Any, hint: Any) -> None:
    """Every column a NullTest IS NOT NULL names anywhere in the check: generate no NULLs."""
    if isinstance(node, ast.NullTest) and node.nulltesttype == NullTestType.IS_NOT_NULL:
        name = col(node.arg)
        if name:
            hint(name).required = True
    elif isinstance(node, ast.FuncCall) and node.funcname[-1].sval == "num_nonnulls":
        for arg in node.args or ():
            if name := col(arg):
                hint(name).required = True
    elif isinstance(node, ast.Node):
        for attr in node:
            _required(getattr(node, attr), col, hint)
    elif isinstance(node, tuple | list):
        for item in node:
            _required(item, col, hint)


# ---------------------------------------------------------------- to polars

COMPARE = {"=": "eq", "<>": "ne", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
ARITH = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__", "%": "__mod__"}
NULL_BOOL = pl.lit(None, dtype=pl.Boolean)


def _regex_ok(pattern: str) -> bool:
    try:
        pl.select(pl.lit("x").str.contains(pattern))
    except Exception:  # noqa: BLE001 - polars raises its own compute errors
        return False
    return True


def like_to_regex(pattern: str) -> str:
    """A LIKE pattern as an anchored regex (``%`` any run, ``_`` one character)."""
    out = []
    escaped = False
    for ch in pattern:
        if escaped:
            out.append(re.escape(ch))
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return "(?s)^" + "".join(out) + "$"


def to_polars(expression: str, types: dict[str, str], value_column: str | None = None
              ) -> pl.Expr | None:
    """The CHECK ``expression`` as a polars boolean expression (NULL counts as passing).

    ``None`` when a form is not translated (the engine then checks on the server).
    """
    try:
        expr = _expr(parse_expr(expression), types, value_column)
    except (Untranslatable, ValueError, TypeError, AttributeError):
        return None
    return expr.fill_null(True)


def _expr(node: Any, types: dict[str, str], value_column: str | None) -> pl.Expr:  # noqa: C901
    def sub(n: Any) -> pl.Expr:
        return _expr(n, types, value_column)

    def lit_for(n: Any, other: Any) -> pl.Expr:
        base = None
        other = _strip_cast(other)
        if isinstance(other, ast.ColumnRef):
            name = _colname(other)
            base = types.get(value_column if name == "value" and value_column else name or "")
        return pl.lit(_const(n, base))

    def operand(n: Any, other: Any) -> pl.Expr:
        try:
            return lit_for(n, other)
        except Untranslatable:
            return sub(n)

    if isinstance(node, ast.TypeCast):
        try:
            return pl.lit(_const(node))
        except Untranslatable:
            return sub(node.arg)
    if isinstance(node, ast.ColumnRef):
        name = _colname(node)
        if name is None:
            raise Untranslatable("column")
        return pl.col(value_column if value_column and name == "value" else name)
    if isinstance(node, ast.A_Const):
        return pl.lit(_const(node))
    if isinstance(node, ast.BoolExpr):
        parts = [sub(a) for a in node.args]
        if node.boolop == BoolExprType.NOT_EXPR:
            return ~parts[0]
        combined = parts[0]
        for p in parts[1:]:
            combined = (combined & p) if node.boolop == BoolExprType.AND_EXPR else (combined | p)
        return combined
    if isinstance(node, ast.NullTest):
        inner = sub(node.arg)
        return inner.is_null() if node.nulltesttype == NullTestType.IS_NULL else inner.is_not_null()
    if isinstance(node, ast.BooleanTest):
        inner = sub(node.arg)
        kind = node.booltesttype
        table = {BoolTestType.IS_TRUE: inner.fill_null(False),
                 BoolTestType.IS_NOT_TRUE: ~inner.fill_null(False),
                 BoolTestType.IS_FALSE: ~inner.fill_null(True),
                 BoolTestType.IS_NOT_FALSE: inner.fill_null(True),
                 BoolTestType.IS_UNKNOWN: inner.is_null(),
                 BoolTestType.IS_NOT_UNKNOWN: inner.is_not_null()}
        return table[kind]
    if isinstance(node, ast.SQLValueFunction):
        return pl.lit(dt.datetime.now(dt.UTC))
    if isinstance(node, ast.CoalesceExpr):
        return pl.coalesce([sub(a) for a in node.args])
    if isinstance(node, ast.CaseExpr) and node.arg is None:
        chain: Any = None
        for when in node.args:
            cond, result = sub(when.expr), sub(when.result)
            chain = (pl.when(cond) if chain is None else chain.when(cond)).then(result)
        return chain.otherwise(sub(node.defresult) if node.defresult else pl.lit(None))
    if isinstance(node, ast.FuncCall):
        return _func(node, sub)
    if isinstance(node, ast.A_Expr):
        return _a_expr(node, sub, operand)
    raise Untranslatable(type(node).__name__)


def _func(node: ast.FuncCall, sub: Any) -> pl.Expr:
    name = node.funcname[-1].sval
    args = [sub(a) for a in (node.args or ())]
    if name in ("length", "char_length", "character_length"):
        return args[0].cast(pl.String).str.len_chars()
    if name == "octet_length":
        return args[0].cast(pl.String).str.len_bytes()
    if name == "lower":
        return args[0].str.to_lowercase()
    if name == "upper":
        return args[0].str.to_uppercase()
    if name in ("btrim", "trim"):
        return args[0].str.strip_chars()
    if name == "ltrim":
        return args[0].str.strip_chars_start()
    if name == "rtrim":
        return args[0].str.strip_chars_end()
    if name == "abs":
        return args[0].abs()
    if name in ("num_nonnulls", "num_nulls"):
        flags = [(a.is_not_null() if name == "num_nonnulls" else a.is_null()).cast(pl.Int32)
                 for a in args]
        return pl.sum_horizontal(flags)
    if name in ("now", "clock_timestamp", "statement_timestamp", "transaction_timestamp"):
        return pl.lit(dt.datetime.now(dt.UTC))
    if name in ("jsonb_typeof", "json_typeof"):
        first = args[0].cast(pl.String).str.strip_chars().str.slice(0, 1)
        return (pl.when(first == "{").then(pl.lit("object")).when(first == "[")
                .then(pl.lit("array")).when(first == '"').then(pl.lit("string"))
                .otherwise(pl.lit("number")))
    raise Untranslatable(name)


def _a_expr(node: ast.A_Expr, sub: Any, operand: Any) -> pl.Expr:
    kind = node.kind
    if kind == A_Expr_Kind.AEXPR_OP:
        op = _opname(node)
        if node.lexpr is None:
            if op == "-":
                return -sub(node.rexpr)
            raise Untranslatable(op)
        left = operand(node.lexpr, node.rexpr)
        right = operand(node.rexpr, node.lexpr)
        if op in COMPARE:
            return getattr(left, COMPARE[op])(right)
        if op in ARITH:
            return getattr(left, ARITH[op])(right)
        if op in ("~", "~*", "!~", "!~*"):
            pattern = _const(node.rexpr)
            if op.endswith("*"):
                pattern = "(?i)" + pattern
            if not _regex_ok(pattern):
                raise Untranslatable("regex")
            found = left.cast(pl.String).str.contains(pattern)
            return ~found if op.startswith("!") else found
        if op == "||":
            return pl.concat_str([left.cast(pl.String), right.cast(pl.String)])
        raise Untranslatable(op)
    if kind in (A_Expr_Kind.AEXPR_IN, A_Expr_Kind.AEXPR_OP_ANY, A_Expr_Kind.AEXPR_OP_ALL):
        op = _opname(node)
        left = sub(node.lexpr)
        values = [_const(x) for x in _array_items(node.rexpr)]
        if values and all(isinstance(v, dt.date) for v in values):
            raise Untranslatable("date list")
        negate = op in ("<>", "!=")
        if op not in ("=", "<>", "!=") or (kind == A_Expr_Kind.AEXPR_OP_ALL) != negate \
                and kind != A_Expr_Kind.AEXPR_IN:
            raise Untranslatable(op)
        found = left.is_in(values)
        found = pl.when(left.is_null()).then(NULL_BOOL).otherwise(found)
        return ~found if negate else found
    if kind in (A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN):
        value = sub(node.lexpr)
        low, high = (operand(x, node.lexpr) for x in node.rexpr)
        inside = (value >= low) & (value <= high)
        return inside if kind == A_Expr_Kind.AEXPR_BETWEEN else ~inside
    if kind in (A_Expr_Kind.AEXPR_LIKE, A_Expr_Kind.AEXPR_ILIKE):
        pattern = like_to_regex(_const(node.rexpr))
        if kind == A_Expr_Kind.AEXPR_ILIKE:
            pattern = "(?i)" + pattern
        found = sub(node.lexpr).cast(pl.String).str.contains(pattern)
        return ~found if _opname(node).startswith("!") else found
    if kind in (A_Expr_Kind.AEXPR_DISTINCT, A_Expr_Kind.AEXPR_NOT_DISTINCT):
        same = sub(node.lexpr).eq_missing(operand(node.rexpr, node.lexpr))
        return ~same if kind == A_Expr_Kind.AEXPR_DISTINCT else same
    raise Untranslatable(str(kind))
