"""What a policy expression (or a function body) says about the caller's tenant.

Policy expressions come deparsed by ``pg_get_expr``, a canonical form: the policy's own columns
print bare (or qualified by its table inside sub-queries), relations follow FROM/JOIN, calls
print as ``schema.name(``. Function bodies are the user's text, read the same way. From that we
collect which of the table's columns a policy uses, which relations and functions it reads,
which settings, and whether it asks who the caller is (``auth.uid()``, the JWT claims); called
functions are followed (two levels), so a SECURITY DEFINER helper's membership table counts as
read by the policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.tenancy.catalog import Catalog, Function

_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
SETTING = re.compile(r"current_setting\(\s*'((?:[^']|'')+)'", re.I)
CALLER = re.compile(r"\bauth\s*\.\s*(?:uid|jwt|email)\s*\(|request\.jwt\.claim|\bcurrent_user\b"
                    r"|\bsession_user\b", re.I)
CALL = re.compile(rf"((?:{_NAME}\s*\.\s*)?{_NAME})\s*\(")
RELATION = re.compile(rf"\b(?:FROM|JOIN)\s+((?:{_NAME}\.)?{_NAME})", re.I)
QUALIFIED = re.compile(rf"({_NAME})\.({_NAME})(?![\w\"(.])")
BARE = re.compile(rf"(?<![\w.\"$])({_NAME})(?![\w\"$.(])")
TRUE_ONLY = re.compile(r"^\(*\s*true\s*\)*$", re.I)
# A user column compared with the caller: "user_id = auth.uid()" or "auth.uid() = user_id".
CALLER_COLUMN = re.compile(
    rf"(?:({_NAME})\.)?({_NAME})\s*=\s*\(*\s*(?:SELECT\s+)?auth\.uid\(\)"
    rf"|auth\.uid\(\)\s*\)*\s*=\s*(?:({_NAME})\.)?({_NAME})", re.I)


def unquote(name: str) -> str:
    """``"My Table"`` -> ``My Table``; bare names fold to lower case as PostgreSQL does."""
    name = name.strip()
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


def is_always_true(expr: str | None) -> bool:
    """The expression is the constant true (``USING (true)``)."""
    return expr is not None and bool(TRUE_ONLY.match(expr.strip()))


@dataclass(frozen=True)
class Reading:
    """What one expression (with the functions it calls, followed) reads."""

    columns: frozenset[str]           # the policy table's own columns it names
    relations: frozenset[str]         # tables read (qualified keys of the catalog)
    settings: frozenset[str]          # current_setting() names
    caller: bool                      # asks who the caller is (auth.uid(), JWT, current_user)
    functions: tuple[Function, ...]   # user functions called (followed)
    caller_columns: frozenset[tuple[str, str]]  # (table, column) compared with auth.uid()

    @property
    def has_context(self) -> bool:
        """It can learn the caller's tenant at all (a setting, the caller's identity)."""
        return bool(self.settings) or self.caller


class Reader:
    """Reads expressions against one catalog (functions indexed once)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._bodies: dict[tuple[str, int], Reading] = {}
        self.functions: dict[str, list[Function]] = {}
        for f in catalog.functions:
            self.functions.setdefault(f.name.replace('"', ""), []).append(f)
            self.functions.setdefault(f.short_name, []).append(f)

    def _called(self, text: str) -> list[Function]:
        out: list[Function] = []
        for m in CALL.finditer(text):
            name = ".".join(unquote(p) for p in re.split(r"\s*\.\s*", m.group(1)))
            for f in self.functions.get(name, []):
                if f not in out:
                    out.append(f)
        return out

    def body(self, text: str, depth: int = 1) -> Reading:
        """What a function body reads (cached: one helper serves hundreds of policies)."""
        key = (text, depth)
        if key not in self._bodies:
            self._bodies[key] = self.read(text, None, depth)
        return self._bodies[key]

    def read(self, text: str, table: str | None = None, depth: int = 2) -> Reading:
        """What ``text`` reads; ``table`` is the policy's table (its own columns are collected)."""
        own = self.catalog.tables.get(table) if table else None
        columns: set[str] = set()
        if own:
            short = own.short
            for m in QUALIFIED.finditer(text):
                if unquote(m.group(1)) == short and unquote(m.group(2)) in own.columns:
                    columns.add(unquote(m.group(2)))
            for m in BARE.finditer(text):
                if unquote(m.group(1)) in own.columns:
                    columns.add(unquote(m.group(1)))
        relations = {r for m in RELATION.finditer(text) if (r := self.catalog.resolve(m.group(1)))}
        settings = {m.group(1) for m in SETTING.finditer(text)}
        caller = bool(CALLER.search(text)) or any(s.startswith("request.jwt") for s in settings)
        caller_cols = set()
        for m in CALLER_COLUMN.finditer(text):
            qual, col = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
            caller_cols.add((unquote(qual) if qual else "", unquote(col)))
        called = self._called(text)
        functions = list(called)
        if depth > 0:
            for f in called:
                inner = self.body(f.body, depth - 1)
                relations |= inner.relations
                settings |= inner.settings
                caller = caller or inner.caller
                caller_cols |= inner.caller_columns
                functions.extend(g for g in inner.functions if g not in functions)
        return Reading(frozenset(columns), frozenset(relations), frozenset(settings), caller,
                       tuple(functions), frozenset(caller_cols))
