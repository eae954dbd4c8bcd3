"""What a policy expression (or a function body) says about the caller's tenant.

Expressions and bodies are parsed with pglast (PostgreSQL's own parser) and their parse trees
walked: which of the policy table's columns they name (bare, or qualified by the table: inside a
sub-query ``pg_get_expr`` qualifies every column), which relations they read, which functions
they call, which settings (``current_setting('app.tenant_id')``) and whether they ask who the
caller is (``auth.uid()``, the JWT claims, ``current_user``). Called functions are followed (two
levels; PL/pgSQL bodies through pglast's PL/pgSQL parser), so a SECURITY DEFINER helper's
membership table counts as read by the policy that calls it. Text that does not parse reads
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pglast import parser

from workbench.tenancy.catalog import Catalog, Function

CALLER_FUNCTIONS = {"auth.uid", "auth.jwt", "auth.email"}
CALLER_VALUES = {"SVFOP_CURRENT_USER", "SVFOP_SESSION_USER", "SVFOP_USER"}
_WANTED = {"ColumnRef", "RangeVar", "FuncCall", "A_Expr", "SQLValueFunction", "PLpgSQL_expr"}


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [i["String"]["sval"] for i in items if "String" in i]


def _nodes(tree: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every node of a JSON parse tree whose type we read, as (type, fields)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _WANTED and isinstance(value, dict):
                    yield key, value
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


def _parse(text: str) -> Any:
    """A statement's parse tree; a bare expression is read as ``SELECT <expr>``."""
    for candidate in (text, f"SELECT {text}"):
        try:
            return json.loads(parser.parse_sql_json(candidate))
        except parser.ParseError:
            continue
    return None


def _plpgsql(function: Function) -> Any:
    """The SQL inside a PL/pgSQL body (each embedded query parsed), or None.

    The PL/pgSQL parser checks RETURN against the declared result, so the function is declared
    as it is (``RETURNS [SETOF] type``), falling back to ``void``.
    """
    returns = f"SETOF {function.returns}" if function.returns_set else function.returns
    for declared in (returns, "void"):
        try:
            tree = json.loads(parser.parse_plpgsql_json(
                f"CREATE FUNCTION f() RETURNS {declared} LANGUAGE plpgsql "
                f"AS $wb_body${function.body}$wb_body$"))
        except parser.ParseError:
            continue
        return [_parse(node["query"]) for kind, node in _nodes(tree)
                if kind == "PLpgSQL_expr" and "query" in node]
    return None


def _const(node: dict[str, Any]) -> str | None:
    """The string constant of a node (through casts)."""
    while "TypeCast" in node:
        node = node["TypeCast"]["arg"]
    value = node.get("A_Const", {}).get("sval")
    return value.get("sval") if isinstance(value, dict) else None


def _call_name(node: dict[str, Any]) -> str:
    return ".".join(_names(node.get("funcname", [])))


def _is_caller(node: dict[str, Any]) -> bool:
    """``auth.uid()``, possibly cast or wrapped as ``(SELECT auth.uid())``."""
    while True:
        if "TypeCast" in node:
            node = node["TypeCast"]["arg"]
        elif "SubLink" in node and node["SubLink"].get("subLinkType") == "EXPR_SUBLINK":
            targets = node["SubLink"]["subselect"].get("SelectStmt", {}).get("targetList", [])
            if len(targets) != 1:
                return False
            node = targets[0]["ResTarget"]["val"]
        else:
            return "FuncCall" in node and _call_name(node["FuncCall"]) in CALLER_FUNCTIONS


def is_always_true(expr: str | None) -> bool:
    """The expression is the constant true (``USING (true)``)."""
    if expr is None:
        return False
    tree = _parse(f"SELECT {expr}")
    try:
        target = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
    except (KeyError, IndexError, TypeError):
        return False
    return target.get("A_Const", {}).get("boolval", {}).get("boolval") is True


@dataclass(frozen=True)
class Reading:
    """What one expression (with the functions it calls, followed) reads."""

    columns: frozenset[str]           # the policy table's own columns it names
    relations: frozenset[str]         # tables read (qualified keys of the catalog)
    settings: frozenset[str]          # current_setting() names
    caller: bool                      # asks who the caller is (auth.uid(), JWT, current_user)
    functions: tuple[Function, ...]   # user functions called (followed)
    caller_columns: frozenset[tuple[str, str]]  # (table or "", column) compared with auth.uid()

    @property
    def has_context(self) -> bool:
        """It can learn the caller's tenant at all (a setting, the caller's identity)."""
        return bool(self.settings) or self.caller


class Reader:
    """Reads expressions against one catalog (functions indexed once, bodies read once)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._bodies: dict[tuple[str, str, int], Reading] = {}
        self.functions: dict[str, list[Function]] = {}
        for f in catalog.functions:
            self.functions.setdefault(f.name.replace('"', ""), []).append(f)
            self.functions.setdefault(f.short_name, []).append(f)

    def body(self, function: Function, depth: int = 1) -> Reading:
        """What a function body reads (cached: one helper serves hundreds of policies)."""
        key = (function.name, function.body, depth)
        if key not in self._bodies:
            tree = (_plpgsql(function) if function.language == "plpgsql"
                    else _parse(function.body))
            self._bodies[key] = self._read_tree(tree, None, depth)
        return self._bodies[key]

    def read(self, text: str, table: str | None = None, depth: int = 2) -> Reading:
        """What the expression ``text`` reads; ``table`` is the policy's table."""
        return self._read_tree(_parse(f"SELECT {text}"), table, depth)

    def _read_tree(self, tree: Any, table: str | None, depth: int) -> Reading:
        own = self.catalog.tables.get(table) if table else None
        columns: set[str] = set()
        relations: set[str] = set()
        settings: set[str] = set()
        caller = False
        caller_refs: list[list[str]] = []
        aliases: dict[str, str] = {}
        called: list[Function] = []
        for kind, node in _nodes(tree):
            if kind == "ColumnRef" and own is not None:
                names = _names(node.get("fields", []))
                if (len(names) == 1 or (len(names) == 2 and names[0] == own.short)) \
                        and names[-1] in own.columns:
                    columns.add(names[-1])
            elif kind == "RangeVar":
                name = ".".join(n for n in (node.get("schemaname"), node.get("relname")) if n)
                if resolved := self.catalog.resolve(name):
                    relations.add(resolved)
                    aliases[node.get("alias", {}).get("aliasname") or node["relname"]] = resolved
            elif kind == "FuncCall":
                name = _call_name(node)
                if name.rsplit(".", 1)[-1] == "current_setting" and node.get("args"):
                    if setting := _const(node["args"][0]):
                        settings.add(setting)
                caller = caller or name in CALLER_FUNCTIONS
                for f in self.functions.get(name, []):
                    if f not in called:
                        called.append(f)
            elif kind == "SQLValueFunction":
                caller = caller or node.get("op") in CALLER_VALUES
            elif kind == "A_Expr" and _names(node.get("name", [])) == ["="]:
                for mine, other in (("lexpr", "rexpr"), ("rexpr", "lexpr")):
                    ref = node.get(mine, {}).get("ColumnRef")
                    if ref and _is_caller(node.get(other, {})):
                        caller_refs.append(_names(ref.get("fields", [])))
        # qualifiers name a table or its alias: report the table
        caller_cols = {(aliases.get(q[-2], ".".join(q[:-1])) if len(q) > 1 else "", q[-1])
                       for q in caller_refs if q}
        caller = caller or any(s.startswith("request.jwt") for s in settings)
        functions = list(called)
        if depth > 0:
            for f in called:
                inner = self.body(f, depth - 1)
                relations |= inner.relations
                settings |= inner.settings
                caller = caller or inner.caller
                caller_cols |= inner.caller_columns
                functions.extend(g for g in inner.functions if g not in functions)
        return Reading(frozenset(columns), frozenset(relations), frozenset(settings), caller,
                       tuple(functions), frozenset(caller_cols))
