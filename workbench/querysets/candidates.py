# pglast types every AST field as optional; the parser fills the ones read here for these
# node kinds (a RangeVar has a relname, a ParamRef a number), so those checks are off in this
# module, as in workbench/seed/constraints.py.
# mypy: disable-error-code="union-attr, return-value, attr-defined"
"""Candidate indexes, read from the plans a query set produced and from the catalog.

Where an index could help shows in the plans: a sequential scan that filters (its equality
columns first, then one range column, or the sort keys the rows are then ordered by), an index
scan that throws most of its rows away (its index condition plus the filter's equality
columns), a hash or merge join fed by a sequential scan (the scanned side's join key), and, from
the catalog, a foreign key no index leads with on a table the queries read. A candidate an
existing index already leads with is dropped, and so is one on a table too small to matter.
Expressions are read with pglast (plans print their conditions as SQL); a condition it cannot
read adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pglast
import psycopg
from pglast import ast
from pglast.enums import A_Expr_Kind, SortByDir

from workbench import catalog
from workbench.explain import PlanCapture, walk
from workbench.querysets.binding import Columns
from workbench.querysets.scoping import ident
from workbench.sqlfiles import read_sql

MIN_ROWS = 1_000  # a table this small reads faster whole than through an index
RANGE_OPS = ("<", "<=", ">", ">=")
SEQ_SCANS = ("Seq Scan", "Parallel Seq Scan")
INDEX_SCANS = ("Index Scan", "Index Only Scan", "Bitmap Heap Scan")
FILTER_RATIO = 10.0


@dataclass
class Candidate:
    """An index to consider: table, key columns, why, and which queries suggested it."""

    table: str
    columns: tuple[str, ...]
    reasons: set[str] = field(default_factory=set)
    queries: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        """Identity: the table and the columns in order."""
        return self.table, self.columns

    @property
    def name(self) -> str:
        """A short, stable index name (``wbx_<table>_<cols>_<hash>``, within 63 bytes)."""
        digest = hashlib.sha1(repr(self.key).encode()).hexdigest()[:6]
        base = "_".join([self.table.rpartition(".")[2].strip('"'), *self.columns])
        return f"wbx_{base[:48]}_{digest}".lower()

    def ddl(self, name: str | None = None) -> str:
        """``CREATE INDEX name ON table (cols)`` (``name`` None: let hypopg name it)."""
        cols = ", ".join(ident(c) for c in self.columns)
        label = f" {ident(name)}" if name else ""
        return f"CREATE INDEX{label} ON {self.table} ({cols})"

    @property
    def label(self) -> str:
        """``table (a, b)`` for tables and charts."""
        return f"{self.table} ({', '.join(self.columns)})"


def _expr_nodes(text: str, clause: str) -> tuple[ast.Node, ...]:
    """pglast's tree of a plan's condition (``clause`` 'WHERE' or 'ORDER BY'); () if unreadable."""
    try:
        stmt = pglast.parse_sql(f"SELECT 1 {clause} {text}")[0].stmt
    except pglast.parser.ParseError:
        return ()
    return (stmt,)


def _col(node: object, alias: str | None) -> str | None:
    """The column a (cast) column reference names, if it belongs to ``alias`` (or none given)."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if not isinstance(node, ast.ColumnRef):
        return None
    names = [f.sval for f in node.fields if isinstance(f, ast.String)]
    if not names:
        return None
    if len(names) > 1 and alias and names[-2] != alias:
        return None
    return names[-1]


def _walk(root: object) -> Iterator[ast.Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Node):
            yield node
            stack.extend(getattr(node, s) for s in node.__slots__)
        elif isinstance(node, tuple | list):
            stack.extend(node)


def condition_columns(text: str, alias: str | None) -> tuple[list[str], list[str]]:
    """(equality columns, range columns) of ``alias`` compared with anything but its own columns."""
    eq: list[str] = []
    rng: list[str] = []
    for node in (n for root in _expr_nodes(text, "WHERE") for n in _walk(root)):
        if not isinstance(node, ast.A_Expr):
            continue
        op = node.name[-1].sval if node.name else ""
        sides = [node.lexpr, node.rexpr]
        for mine, other in (sides, sides[::-1]):
            col = _col(mine, alias)
            if col is None or _col(other, alias) is not None:
                continue
            if node.kind in (A_Expr_Kind.AEXPR_IN, A_Expr_Kind.AEXPR_OP_ANY) or op == "=":
                eq.append(col)
            elif op in RANGE_OPS or node.kind == A_Expr_Kind.AEXPR_BETWEEN:
                rng.append(col)
    return list(dict.fromkeys(eq)), list(dict.fromkeys(c for c in rng if c not in eq))


def sort_columns(keys: Iterable[str], alias: str | None) -> list[str] | None:
    """The columns of ``alias`` a Sort node orders by; None when a key is anything else."""
    out = []
    for key in keys:
        nodes = _expr_nodes(key, "ORDER BY")
        if not nodes:
            return None
        sort_by = nodes[0].sortClause[0]  # type: ignore[attr-defined]
        col = _col(sort_by.node, alias)
        if col is None or sort_by.sortby_dir not in (SortByDir.SORTBY_DEFAULT,
                                                     SortByDir.SORTBY_ASC, SortByDir.SORTBY_DESC):
            return None
        out.append(col)
    return out


def join_columns(text: str) -> list[tuple[str, str]]:
    """(alias, column) on both sides of every ``a.x = b.y`` in a join condition."""
    out = []
    for node in (n for root in _expr_nodes(text, "WHERE") for n in _walk(root)):
        if isinstance(node, ast.A_Expr) and node.name and node.name[-1].sval == "=":
            for side in (node.lexpr, node.rexpr):
                while isinstance(side, ast.TypeCast):
                    side = side.arg
                if isinstance(side, ast.ColumnRef):
                    names = [f.sval for f in side.fields if isinstance(f, ast.String)]
                    if len(names) >= 2:
                        out.append((names[-2], names[-1]))
    return out


@dataclass
class CatalogFacts:
    """What candidate filtering needs from the catalog, read once."""

    columns: Columns
    rows: dict[str, float]
    indexes: dict[str, list[tuple[str | None, ...]]]
    unindexed_fks: list[tuple[str, str, tuple[str, ...]]]

    @classmethod
    def read(cls, conn: psycopg.Connection) -> CatalogFacts:
        """Columns, row estimates, index key columns and unindexed foreign keys."""
        rows = {t: n for t, _relname, n in catalog.table_rows(conn)}
        indexes: dict[str, list[tuple[str | None, ...]]] = {}
        for table, _name, cols in conn.execute(read_sql("querysets/index_columns.sql")):  # type: ignore[arg-type]
            indexes.setdefault(table, []).append(tuple(cols))
        fks = [(t, n, tuple(c)) for t, n, c in
               conn.execute(read_sql("querysets/unindexed_foreign_keys.sql"))]  # type: ignore[arg-type]
        return cls(Columns.read(conn), rows, indexes, fks)

    def covered(self, table: str, columns: tuple[str, ...]) -> bool:
        """Whether an existing index leads with exactly these columns in this order."""
        return any(idx[:len(columns)] == columns for idx in self.indexes.get(table, []))


class _Collector:
    def __init__(self, facts: CatalogFacts, min_rows: float) -> None:
        self.facts = facts
        self.min_rows = min_rows
        self.found: dict[tuple[str, tuple[str, ...]], Candidate] = {}

    def add(self, table: str | None, columns: list[str], reason: str, query: str) -> None:
        if not table or not columns:
            return
        known = self.facts.columns.tables.get(table, set())
        cols = tuple(dict.fromkeys(c for c in columns if c in known))
        if not cols or self.facts.rows.get(table, 0.0) < self.min_rows:
            return
        if self.facts.covered(table, cols):
            return
        cand = self.found.setdefault((table, cols), Candidate(table, cols))
        cand.reasons.add(reason)
        cand.queries.add(query)

    def capture(self, cap: PlanCapture) -> None:
        nodes = list(walk(cap.plan))
        by_id = {nid: (parent, node) for nid, parent, _depth, node in nodes}
        aliases = {n.get("Alias"): self.facts.columns.resolve(None, n["Relation Name"])
                   for _, _, _, n in nodes if n.get("Relation Name")}
        for _nid, parent, _depth, node in nodes:
            kind = node.get("Node Type", "")
            rel = node.get("Relation Name")
            alias = node.get("Alias")
            table = self.facts.columns.resolve(None, rel) if rel else None
            if kind in SEQ_SCANS and node.get("Filter"):
                eq, rng = condition_columns(node["Filter"], alias)
                self.add(table, eq + rng[:1], "sequential scan filter", cap.query)
                sort = self._sort_above(parent, by_id, alias)
                if sort:
                    self.add(table, eq + sort, "sequential scan, then sort", cap.query)
            elif kind in INDEX_SCANS and node.get("Filter"):
                removed = float(node.get("Rows Removed by Filter", 0.0))
                kept = float(node.get("Actual Rows", 0.0)) or 1.0
                if removed >= FILTER_RATIO * kept:
                    cond = node.get("Index Cond") or node.get("Recheck Cond") or ""
                    lead, lead_rng = condition_columns(cond, alias)
                    eq, _ = condition_columns(node["Filter"], alias)
                    self.add(table, lead + eq + lead_rng[:1], "index scan discarding rows",
                             cap.query)
            for cond_key in ("Hash Cond", "Merge Cond"):
                if node.get(cond_key):
                    scanned = {n.get("Alias") for _, _, _, n in nodes
                               if n.get("Node Type") in SEQ_SCANS}
                    for side_alias, col in join_columns(node[cond_key]):
                        if side_alias in scanned:
                            self.add(aliases.get(side_alias), [col], "join key of a scanned table",
                                     cap.query)

    def _sort_above(self, parent: int | None, by_id: dict[int, tuple[int | None, dict[str, Any]]],
                    alias: str | None) -> list[str] | None:
        while parent is not None:
            grand, node = by_id[parent]
            if node.get("Node Type") in ("Sort", "Incremental Sort"):
                return sort_columns(node.get("Sort Key", []), alias)
            if node.get("Node Type") not in ("Limit", "Gather", "Gather Merge", "Result",
                                             "Nested Loop", "Hash Join", "Merge Join"):
                return None
            parent = grand
        return None


def from_plans(
    facts: CatalogFacts, captures: Iterable[PlanCapture], *, min_rows: float = MIN_ROWS
) -> list[Candidate]:
    """Candidates suggested by the plans, plus unindexed foreign keys of the tables they read."""
    collector = _Collector(facts, min_rows)
    read: dict[str, set[str]] = {}
    for cap in captures:
        collector.capture(cap)
        for _, _, _, node in walk(cap.plan):
            if node.get("Relation Name"):
                table = facts.columns.resolve(None, node["Relation Name"])
                if table:
                    read.setdefault(table, set()).add(cap.query)
    for table, constraint, cols in facts.unindexed_fks:
        for query in sorted(read.get(table, ())):
            collector.add(table, list(cols), f"unindexed foreign key {constraint}", query)
    return sorted(collector.found.values(), key=lambda c: c.key)
