# pglast types every AST field as optional; the parser fills the ones read here for these
# node kinds (a RangeVar has a relname, a ParamRef a number), so those checks are off in this
# module, as in workbench/seed/constraints.py.
# mypy: disable-error-code="union-attr, index, arg-type, return-value, misc"
# mypy: disable-error-code="dict-item, call-arg, attr-defined"
"""Which column each parameter of a statement is compared with, read by PostgreSQL's own parser.

A captured statement (``... WHERE t.team_id = $1 AND (created_at, id) < ($2, $3) LIMIT $4``)
or a catalog file (``%(name)s`` placeholders) says nothing about what its parameters mean; the
values have to come from the rows the parameter is compared with, so that "this project's
tasks" asks about a project that has tasks. pglast gives the parse tree; this module walks it
with the statement's scopes (FROM items, aliases, joins, sub-selects) and the database's columns
and returns, per parameter, the table and column it meets and how (``=``, ``<``, ``in``,
``like``, ``limit``...). A parameter compared with nothing (a function argument, a computed
value) stays unbound, and the caller says so.

Statements are handled in both placeholder styles: :func:`named` turns ``$n`` into
``%(pn)s`` (what psycopg runs) and :func:`positional` the reverse (what pglast parses).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pglast
import psycopg
from pglast import ast
from pglast.enums import A_Expr_Kind

from workbench.errors import BadParameter
from workbench.sqlfiles import read_sql

NAMED = re.compile(r"%\((\w+)\)s|%%")
FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "<>": "<>", "!=": "!="}
KIND_OPS = {
    A_Expr_Kind.AEXPR_IN: "in",
    A_Expr_Kind.AEXPR_OP_ANY: "any",
    A_Expr_Kind.AEXPR_OP_ALL: "any",
    A_Expr_Kind.AEXPR_LIKE: "like",
    A_Expr_Kind.AEXPR_ILIKE: "like",
}
DATA_STATEMENTS = (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)


@dataclass(frozen=True)
class Binding:
    """One parameter and the column it is compared with (``table`` None: unbound)."""

    param: str
    table: str | None
    column: str | None
    op: str

    @property
    def bound(self) -> bool:
        """Whether a value can be drawn for it (a column, or a LIMIT/OFFSET)."""
        return self.table is not None or self.op in ("limit", "offset")


@dataclass
class Columns:
    """The database's tables and their columns, qualified as ``schema.table``."""

    tables: dict[str, set[str]]
    search_path: tuple[str, ...] = ("public",)
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (schema, table) -> key
    _short: dict[str, str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if not self.names:  # unquoted names only (tests build them by hand)
            self.names = {tuple(t.split(".", 1)): t for t in self.tables}  # type: ignore[misc]
        for schema in reversed(self.search_path):
            for (nsp, name), qualified in self.names.items():
                if nsp == schema:
                    self._short[name] = qualified

    @classmethod
    def read(cls, conn: psycopg.Connection) -> Columns:
        """Every user table's columns, and the session's search path."""
        tables: dict[str, set[str]] = {}
        names: dict[tuple[str, str], str] = {}
        for table, schema, name, column in conn.execute(
                read_sql("querysets/columns.sql")).fetchall():
            tables.setdefault(table, set()).add(column)
            names[(schema, name)] = table
        path = conn.execute("SELECT current_schemas(false)").fetchone()
        return cls(tables, tuple(path[0]) if path else ("public",), names)

    def resolve(self, schema: str | None, name: str) -> str | None:
        """The qualified table a (schema, name) reference means, None for a CTE or unknown."""
        if schema:
            return self.names.get((schema, name))
        return self._short.get(name)


def positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``%(name)s`` placeholders as ``$n`` (one number per name) and the names in order."""
    names: dict[str, int] = {}

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        return f"${names.setdefault(m.group(1), len(names) + 1)}"

    return NAMED.sub(sub, sql), tuple(names)


def param_name(number: int) -> str:
    """The name a ``$n`` parameter gets in the named form."""
    return f"p{number}"


def named(sql: str) -> tuple[str, tuple[str, ...]]:
    """``$n`` as ``%(pn)s`` (a literal ``%`` doubled, as psycopg wants) and the names in order.

    Parameter positions come from the parse tree, so a ``$1`` inside a string literal or a
    dollar-quoted body is left alone.
    """
    stmts = parse(sql)
    spots = sorted({(ref.location, ref.number) for ref in _nodes(stmts, ast.ParamRef)})
    out: list[str] = []
    pos = 0
    for location, number in spots:  # pglast reports character offsets
        out.append(sql[pos:location].replace("%", "%%"))
        token = f"${number}"
        if sql[location:location + len(token)] != token:
            raise BadParameter(f"parameter ${number} not found where the parser put it: {sql!r}")
        out.append(f"%({param_name(number)})s")
        pos = location + len(token)
    out.append(sql[pos:].replace("%", "%%"))
    numbers = sorted({n for _, n in spots})
    return "".join(out), tuple(param_name(n) for n in numbers)


def parse(sql: str) -> tuple[ast.RawStmt, ...]:
    """The parse tree of ``sql`` ($n placeholders), or a one-line error naming the statement."""
    try:
        return pglast.parse_sql(sql)
    except pglast.parser.ParseError as exc:
        head = " ".join(sql.split())[:80]
        raise BadParameter(f"cannot parse statement {head!r}: {exc}") from None


def is_data_statement(sql: str) -> bool:
    """True for one SELECT/INSERT/UPDATE/DELETE (with or without WITH), False for utility."""
    try:
        stmts = pglast.parse_sql(sql)
    except pglast.parser.ParseError:
        return False
    return len(stmts) == 1 and isinstance(stmts[0].stmt, DATA_STATEMENTS)


def writes(sql: str) -> bool:
    """Whether the statement (``$n`` or ``%(name)s`` placeholders) changes data."""
    text, _ = positional(sql)
    stmts = parse(text)
    return any(isinstance(n, ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt)
               for n in _nodes(stmts, ast.Node))


def tables_read(sql: str, columns: Columns) -> tuple[list[str], list[str]]:
    """(user tables the statement names, other relations it names), in order of appearance."""
    text, _ = positional(sql)
    stmts = parse(text)
    known: dict[str, None] = {}
    other: dict[str, None] = {}
    ctes = {c.ctename for c in _nodes(stmts, ast.CommonTableExpr)}
    refs = sorted(_nodes(stmts, ast.RangeVar), key=lambda rv: rv.location)
    for rv in refs:
        if not rv.schemaname and rv.relname in ctes:
            continue
        table = columns.resolve(rv.schemaname, rv.relname)
        if table:
            known[table] = None
        else:
            other[f"{rv.schemaname or ''}.{rv.relname}".lstrip(".")] = None
    return list(known), list(other)


def _children(node: object) -> Iterator[object]:
    if isinstance(node, tuple | list):
        yield from node
    elif isinstance(node, ast.Node):
        for slot in node.__slots__:
            yield getattr(node, slot)


def _nodes(root: object, kind: type, *, stop: tuple[type, ...] = ()) -> Iterator:
    """Every node of ``kind`` under ``root`` (not descending into ``stop`` nodes)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            yield node
        if stop and isinstance(node, stop) and node is not root:
            continue
        stack.extend(c for c in _children(node) if isinstance(c, ast.Node | tuple | list))


# ---------------------------------------------------------------------------------------------
# Scopes
# ---------------------------------------------------------------------------------------------
Scope = dict[str, str | None]  # visible name (alias or table name) -> qualified table (None: CTE)


def _single_table(node: object, columns: Columns, ctes: dict[str, str | None]) -> str | None:
    """The one table a sub-select or CTE reads (its columns are that table's), else None."""
    if not isinstance(node, ast.SelectStmt) or node.larg is not None:
        return None
    items = node.fromClause or ()
    if len(items) != 1 or not isinstance(items[0], ast.RangeVar):
        return None
    rv = items[0]
    if not rv.schemaname and rv.relname in ctes:
        return ctes[rv.relname]
    return columns.resolve(rv.schemaname, rv.relname)


def _range_items(item: object, columns: Columns, ctes: dict[str, str | None],
                 scope: Scope) -> None:
    if isinstance(item, ast.RangeVar):
        if not item.schemaname and item.relname in ctes:
            table = ctes[item.relname]
        else:
            table = columns.resolve(item.schemaname, item.relname)
        visible = item.alias.aliasname if item.alias else item.relname
        scope[visible] = table
    elif isinstance(item, ast.JoinExpr):
        _range_items(item.larg, columns, ctes, scope)
        _range_items(item.rarg, columns, ctes, scope)
    elif isinstance(item, ast.RangeSubselect) and item.alias:
        scope[item.alias.aliasname] = _single_table(item.subquery, columns, ctes)
    elif isinstance(item, ast.RangeFunction) and item.alias:
        scope[item.alias.aliasname] = None


class _Binder:
    """Walks one statement, keeping the FROM scopes, and records each parameter's column."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.found: dict[int, Binding] = {}
        self.ctes: dict[str, str | None] = {}

    def add(self, number: int, table: str | None, column: str | None, op: str) -> None:
        old = self.found.get(number)
        if old is None or (not old.bound and (table or op in ("limit", "offset"))):
            self.found[number] = Binding(param_name(number), table, column, op)

    def column_of(self, ref: ast.ColumnRef, scopes: list[Scope]) -> tuple[str, str] | None:
        names = [f.sval for f in ref.fields if isinstance(f, ast.String)]
        if not names or len(names) != len(ref.fields):
            return None  # a star
        column = names[-1]
        if len(names) >= 2:
            qualifier = names[-2]
            for scope in reversed(scopes):
                if qualifier in scope:
                    table = scope[qualifier]
                    known = table and column in self.columns.tables.get(table, ())
                    return (table, column) if known else None
            table = self.columns.resolve(names[-3] if len(names) > 2 else None, qualifier)
            return (table, column) if table else None
        for scope in reversed(scopes):
            owners = [t for t in scope.values() if t and column in self.columns.tables.get(t, ())]
            if len(owners) == 1:
                return owners[0], column
            if owners:
                return None  # ambiguous: PostgreSQL would refuse it too
        return None

    # -- statements -------------------------------------------------------------------------
    def statement(self, node: object, scopes: list[Scope]) -> None:
        if isinstance(node, ast.SelectStmt):
            self.select(node, scopes)
        elif isinstance(node, ast.InsertStmt):
            self.insert(node, scopes)
        elif isinstance(node, ast.UpdateStmt | ast.DeleteStmt):
            self.modify(node, scopes)
        else:
            self.expression(node, scopes)

    def with_clause(self, clause: ast.WithClause | None, scopes: list[Scope]) -> None:
        if clause is None:
            return
        for cte in clause.ctes or ():
            self.ctes[cte.ctename] = _single_table(cte.ctequery, self.columns, self.ctes)
            self.statement(cte.ctequery, scopes)

    def select(self, node: ast.SelectStmt, scopes: list[Scope]) -> None:
        self.with_clause(node.withClause, scopes)
        if node.larg is not None or node.rarg is not None:  # UNION and friends
            self.statement(node.larg, scopes)
            self.statement(node.rarg, scopes)
        scope: Scope = {}
        for item in node.fromClause or ():
            _range_items(item, self.columns, self.ctes, scope)
        inner = [*scopes, scope]
        for item in node.fromClause or ():
            self.expression(item, inner)
        for values in node.valuesLists or ():
            self.expression(values, inner)
        for part in (node.targetList, node.whereClause, node.havingClause, node.groupClause,
                     node.sortClause):
            self.expression(part, inner)
        for part, op in ((node.limitCount, "limit"), (node.limitOffset, "offset")):
            ref = _param(part)
            if ref is not None:
                self.add(ref.number, None, None, op)
            else:
                self.expression(part, inner)

    def insert(self, node: ast.InsertStmt, scopes: list[Scope]) -> None:
        self.with_clause(node.withClause, scopes)
        table = self.columns.resolve(node.relation.schemaname, node.relation.relname)
        targets = [c.name for c in node.cols or ()]
        select = node.selectStmt
        if isinstance(select, ast.SelectStmt) and select.valuesLists and table:
            for row in select.valuesLists:
                for column, value in zip(targets, row, strict=False):
                    ref = _param(value)
                    if ref is not None:
                        self.add(ref.number, table, column, "value")
        if select is not None:
            self.statement(select, scopes)
        scope: Scope = {node.relation.relname: table}
        self.expression(node.onConflictClause, [*scopes, scope])
        self.expression(node.returningClause, [*scopes, scope])

    def modify(self, node: ast.UpdateStmt | ast.DeleteStmt, scopes: list[Scope]) -> None:
        self.with_clause(node.withClause, scopes)
        rel = node.relation
        table = self.columns.resolve(rel.schemaname, rel.relname)
        scope: Scope = {(rel.alias.aliasname if rel.alias else rel.relname): table}
        extra = node.fromClause if isinstance(node, ast.UpdateStmt) else node.usingClause
        for item in extra or ():
            _range_items(item, self.columns, self.ctes, scope)
        inner = [*scopes, scope]
        if isinstance(node, ast.UpdateStmt):
            for target in node.targetList or ():
                ref = _param(target.val)
                if ref is not None and table:
                    self.add(ref.number, table, target.name, "set")
                else:
                    self.expression(target.val, inner)
        for item in extra or ():
            self.expression(item, inner)
        self.expression(node.whereClause, inner)
        self.expression(node.returningClause, inner)

    # -- expressions ------------------------------------------------------------------------
    def expression(self, node: object, scopes: list[Scope]) -> None:
        """Bind comparisons anywhere under ``node``; sub-selects get their own scope."""
        if node is None:
            return
        if isinstance(node, DATA_STATEMENTS):
            self.statement(node, scopes)
            return
        if isinstance(node, ast.A_Expr):
            self.comparison(node, scopes)
        elif isinstance(node, ast.NullTest | ast.BooleanTest):
            pass
        for child in _children(node):
            if isinstance(child, ast.Node | tuple | list):
                self.expression(child, scopes)

    def comparison(self, node: ast.A_Expr, scopes: list[Scope]) -> None:
        op = KIND_OPS.get(node.kind)
        if op is None:
            if node.kind in (A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN):
                low, high = node.rexpr
                self.pair(node.lexpr, low, ">=", scopes)
                self.pair(node.lexpr, high, "<=", scopes)
                return
            if node.kind != A_Expr_Kind.AEXPR_OP:
                return
            op = node.name[-1].sval if node.name else "="
        left, right = node.lexpr, node.rexpr
        if isinstance(left, ast.RowExpr) and isinstance(right, ast.RowExpr):
            for a, b in zip(left.args, right.args, strict=False):
                self.pair(a, b, op, scopes)
            return
        if isinstance(right, tuple | list):  # IN (...)
            for item in right:
                self.pair(left, item, op, scopes)
            return
        self.pair(left, right, op, scopes)

    def pair(self, left: object, right: object, op: str, scopes: list[Scope]) -> None:
        """Bind a parameter on one side to the column on the other.

        Only like with like: a column against a parameter (either cast), or the same one-argument
        function of each (``lower(email) = lower($1)``). A parameter in arithmetic or in another
        function (``length(title) > $1``) is not a value of the column, and stays unbound.
        """
        left, right = _strip(left), _strip(right)
        if (isinstance(left, ast.FuncCall) and isinstance(right, ast.FuncCall)
                and _fname(left) == _fname(right) and len(left.args or ()) == 1
                and len(right.args or ()) == 1):
            left, right = _strip(left.args[0]), _strip(right.args[0])
        for a, b, o in ((left, right, op), (right, left, FLIP.get(op, op))):
            if isinstance(a, ast.ColumnRef) and isinstance(b, ast.ParamRef):
                target = self.column_of(a, scopes)
                self.add(b.number, *(target or (None, None)), o)
                return


def _strip(node: object) -> object:
    while isinstance(node, ast.TypeCast):
        node = node.arg
    return node


def _fname(node: ast.FuncCall) -> str:
    return ".".join(n.sval for n in node.funcname if isinstance(n, ast.String))


def _param(node: object) -> ast.ParamRef | None:
    """The parameter ``node`` is, through casts (``$1::int``), else None."""
    node = _strip(node)
    return node if isinstance(node, ast.ParamRef) else None


def bind(sql: str, columns: Columns) -> dict[str, Binding]:
    """Each parameter of ``sql`` (``$n`` or ``%(name)s``) with the column it is compared with.

    Keys are the parameter names as the statement uses them (``pn`` for ``$n``). A parameter
    met in several places keeps its first bound meeting.
    """
    text, names = positional(sql)
    stmts = parse(text)
    numbers = sorted({ref.number for ref in _nodes(stmts, ast.ParamRef)})
    binder = _Binder(columns)
    for raw in stmts:
        binder.statement(raw.stmt, [])
    out: dict[str, Binding] = {}
    for number in numbers:
        b = binder.found.get(number) or Binding(param_name(number), None, None, "")
        name = names[number - 1] if names else param_name(number)
        out[name] = Binding(name, b.table, b.column, b.op)
    return out


def unbound(bindings: Mapping[str, Binding]) -> list[str]:
    """Names of the parameters no value can be drawn for."""
    return [name for name, b in bindings.items() if not b.bound]
