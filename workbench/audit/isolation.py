"""Tenant isolation, exercised: as tenant A, try to read and change tenant B's rows.

The harness needs a database the workbench owns: inside ONE transaction that is always rolled
back it creates a throw-away role without BYPASSRLS (a member of the application role, e.g.
``authenticated``, when there is one), two fixture tenants with one row each in every tenant
table, and then, for every tenant table, runs SELECT, INSERT, UPDATE and DELETE against tenant
B's row as that role, once with the tenant setting naming A (the setting the tenant model read
from the policies, e.g. ``set_config('app.tenant_id', A, true)``, plus a JWT ``sub`` for
auth.uid()-style policies) and once with nothing set. Each attempt runs in a savepoint with
``session_replication_role = replica`` so only row level security (not a foreign key or a
trigger) decides it.

Outcomes: ``leaked`` (B's row was read, written or created as A), ``blocked`` (no row, or an
insufficient-privilege error; ``loud`` says whether an error told the caller why), ``error``
(anything else, with its SQLSTATE), ``not-testable`` (no fixture row could be built).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from workbench import db
from workbench.audit.context import AuditContext, AuditOptions, detect
from workbench.audit.targets import tenant_key
from workbench.errors import UnsafeOperation
from workbench.settings import Settings
from workbench.sqlfiles import read_sql

OPERATIONS = ("select", "insert", "update", "delete")
CONTEXTS = ("tenant-a", "unset")
OUTCOMES = ("leaked", "error", "blocked", "not-testable")


@dataclass
class Cell:
    """One attempt: table x operation x context -> outcome."""

    table: str
    operation: str
    context: str
    outcome: str
    loud: bool = False
    detail: str = ""


@dataclass
class IsolationMatrix:
    """Every attempt of one harness run."""

    database: str
    role: str
    app_role: str | None
    cells: list[Cell] = field(default_factory=list)

    def leaks(self) -> list[Cell]:
        """The attempts that crossed tenants."""
        return [c for c in self.cells if c.outcome == "leaked"]

    def frame(self) -> Any:
        """The cells as a pandas frame (for notebooks)."""
        import pandas as pd

        return pd.DataFrame([asdict(c) for c in self.cells],
                            columns=["table", "operation", "context", "outcome", "loud", "detail"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"database": self.database, "app_role": self.app_role,
                "cells": [asdict(c) for c in self.cells]}


@dataclass
class _Column:
    name: str
    typ: str
    category: str
    notnull: bool
    has_default: bool
    skip: bool
    enum_label: str | None
    unique: bool


def _columns(conn: psycopg.Connection, table: str) -> list[_Column]:
    rows = conn.execute(read_sql("catalog/isolation_columns.sql"),  # type: ignore[arg-type]
                        {"table": table}).fetchall()
    return [_Column(*r) for r in rows]


def _value(col: _Column) -> sql.Composable:
    """A plausible literal for a column no fixture rule covers."""
    token = secrets.token_hex(4)
    if col.enum_label is not None:
        return sql.Literal(col.enum_label)
    if col.typ == "uuid":
        return sql.SQL("gen_random_uuid()")
    if col.category == "S":
        text = f"wb{token}@example.com" if "mail" in col.name or "address" in col.name \
            else f"wb-{token}"
        return sql.Literal(text)
    if col.category == "N":
        return sql.Literal(1)
    if col.category == "B":
        return sql.Literal(False)
    if col.category == "D":
        return sql.SQL("now()")
    if col.typ in ("jsonb", "json"):
        # the column's own default first: it is the shape its CHECK (if any) accepts ('[]')
        return sql.SQL("DEFAULT") if col.has_default else sql.Literal("{}")
    return sql.SQL("DEFAULT")


def _pk(conn: psycopg.Connection, table: str) -> str | None:
    """The column that names one row: a single-column primary key, or a uuid leading column.

    Partitioned tables carry the partition key in their primary key ((id, created_at)); their
    leading uuid id still names one row, so the harness can address it.
    """
    row = conn.execute(read_sql("catalog/row_key.sql"),  # type: ignore[arg-type]
                       {"table": table}).fetchone()
    return str(row[0]) if row else None


def _references(conn: psycopg.Connection,
                ctx: AuditContext) -> dict[tuple[str, str], tuple[str, str]]:
    """(child table, column) -> (parent table, parent column), for every foreign key column but
    the tenant's; composite keys (a partitioned parent's (id, created_at)) give one entry per
    column, so the child copies each from the parent row."""
    rows = conn.execute(read_sql("catalog/foreign_key_columns.sql"),  # type: ignore[arg-type]
                        {"tenant_column": ctx.tenant_column}).fetchall()
    return {(child, column): (parent, pcol) for child, column, parent, pcol in rows}


class _Fixtures:
    """Two tenants and one row per tenant in every tenant table (inside the open transaction)."""

    def __init__(self, conn: psycopg.Connection, ctx: AuditContext) -> None:
        self.conn = conn
        self.ctx = ctx
        self.rows: dict[tuple[str, str], Any] = {}  # (table, tenant label) -> pk value
        self.tenants: dict[str, Any] = {}
        self.problems: dict[str, str] = {}
        self.parents = _references(conn, ctx)

    def _insert(self, table: str, label: str) -> None:
        pk = _pk(self.conn, table)
        if pk is None:
            raise ValueError("no single-column primary key")
        names: list[sql.Composable] = []
        values: list[sql.Composable] = []
        for col in _columns(self.conn, table):
            if col.skip:
                continue
            parent, pcol = self.parents.get((table, col.name), (None, None))
            if col.name == self.ctx.tenant_column and label in self.tenants:
                value: sql.Composable = sql.Literal(self.tenants[label])
            elif parent is not None and (parent, label) in self.rows:
                ppk = _pk(self.conn, parent)
                value = (sql.Literal(self.rows[(parent, label)]) if pcol == ppk else
                         sql.SQL("(SELECT {} FROM {} WHERE {} = {})").format(
                             sql.Identifier(str(pcol)), sql.SQL(parent), sql.Identifier(str(ppk)),
                             sql.Literal(self.rows[(parent, label)])))
            elif col.notnull and not col.has_default:
                value = _value(col)
            else:
                continue
            names.append(sql.Identifier(col.name))
            values.append(value)
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING {}").format(
            sql.SQL(table), sql.SQL(", ").join(names), sql.SQL(", ").join(values),
            sql.Identifier(pk))
        with self.conn.transaction():
            row = self.conn.execute(query).fetchone()
        self.rows[(table, label)] = row[0] if row else None

    def build(self) -> None:
        """Insert tenants, then tenant rows parents-first; what fails is noted, not fatal."""
        if self.ctx.tenant_table and tenant_key(self.conn, self.ctx):
            for label in ("A", "B"):
                self._insert(self.ctx.tenant_table, label)
                self.tenants[label] = self.rows[(self.ctx.tenant_table, label)]
        else:
            for label in ("A", "B"):
                self.tenants[label] = self.conn.execute("SELECT gen_random_uuid()").fetchone()[0]
        pending = list(self.ctx.tenant_tables)
        for _ in range(len(pending) + 1):
            progress = False
            for table in list(pending):
                try:
                    for label in ("A", "B"):
                        self._insert(table, label)
                except (psycopg.Error, ValueError) as exc:
                    self.problems[table] = " ".join(str(exc).split())[:400]
                    continue
                pending.remove(table)
                self.problems.pop(table, None)
                progress = True
            if not progress:
                break


def _classify(exc: psycopg.Error) -> tuple[str, bool, str]:
    state = exc.sqlstate or "?"
    message = (exc.diag.message_primary or str(exc)).strip()
    if state == "42501":
        return "blocked", True, message
    return "error", True, f"{state}: {message}"


def _attempt(conn: psycopg.Connection, fx: _Fixtures, table: str, operation: str,
             context: str, role: str, claims: str | None) -> Cell:
    ctx = fx.ctx
    pk = _pk(conn, table)
    target = fx.rows.get((table, "B"))
    if pk is None or target is None:
        return Cell(table, operation, context, "not-testable", False,
                    fx.problems.get(table, "no fixture row"))
    t, key, tcol = sql.SQL(table), sql.Identifier(pk), sql.Identifier(ctx.tenant_column)
    insert_cols: list[str] = []
    if operation == "insert":
        insert_cols = [c.name for c in _columns(conn, table) if not c.skip]
        source = conn.execute(sql.SQL("SELECT to_jsonb(x) FROM {} x WHERE {} = %s").format(t, key),
                              (fx.rows[(table, "A")],)).fetchone()[0]
        source[ctx.tenant_column] = str(fx.tenants["B"])
        for col in _columns(conn, table):
            if col.unique and col.name != ctx.tenant_column and not col.skip:
                source[col.name] = conn.execute(sql.SQL("SELECT {}::text").format(
                    _value(col))).fetchone()[0]
    try:
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
            if context == "tenant-a":
                conn.execute("SELECT set_config(%s, %s, true)",
                             (ctx.tenant_setting, str(fx.tenants["A"])))
                if claims:
                    conn.execute("SELECT set_config('request.jwt.claims', %s, true), "
                                 "set_config('request.jwt.claim.sub', %s, true)",
                                 (claims, json.loads(claims)["sub"]))
            if operation == "select":
                n = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(t, key),
                                 (target,)).fetchone()[0]
            elif operation == "update":
                n = conn.execute(sql.SQL("UPDATE {} SET {} = {} WHERE {} = %s").format(
                    t, tcol, tcol, key), (target,)).rowcount
            elif operation == "delete":
                n = conn.execute(sql.SQL("DELETE FROM {} WHERE {} = %s").format(t, key),
                                 (target,)).rowcount
            else:
                cols = sql.SQL(", ").join(map(sql.Identifier, insert_cols))
                n = conn.execute(sql.SQL(
                    "INSERT INTO {} ({}) SELECT {} FROM jsonb_populate_record(NULL::{}, %s)"
                ).format(t, cols, cols, t), (json.dumps(source, default=str),)).rowcount
            raise _Undo(n)
    except _Undo as undo:
        if undo.n:
            return Cell(table, operation, context, "leaked", False, f"{undo.n} row(s) of tenant B")
        return Cell(table, operation, context, "blocked", False, "0 rows (silently)")
    except psycopg.Error as exc:
        outcome, loud, detail = _classify(exc)
        return Cell(table, operation, context, outcome, loud, detail)


class _Undo(Exception):
    def __init__(self, n: int) -> None:
        super().__init__("undo")
        self.n = n


def _app_role(conn: psycopg.Connection, wanted: str | None) -> str | None:
    name = wanted or "authenticated"
    row = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    return name if row else None


def run_isolation(
    settings: Settings,
    database: str,
    options: AuditOptions | None = None,
    *,
    app_role: str | None = None,
) -> IsolationMatrix:
    """Build the matrix in ``database`` (which must be the workbench's); leaves nothing behind."""
    if not db.is_owned(settings, database):
        raise UnsafeOperation(
            f"the isolation harness creates a role and writes rows, so it runs only in a database "
            f"the workbench created; {database!r} is not one (read-only checks: workbench audit)")
    role = f"wb_iso_{secrets.token_hex(4)}"
    with db.connection(settings, database) as conn:
        try:
            ctx = detect(conn, options)
            member_of = _app_role(conn, app_role)
            matrix = IsolationMatrix(database, role, member_of)
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOSUPERUSER NOBYPASSRLS INHERIT").format(
                sql.Identifier(role)))
            if member_of:
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(member_of),
                                                              sql.Identifier(role)))
            for schema in ctx.schemas:
                conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                    sql.Identifier(schema), sql.Identifier(role)))
            for table in (*ctx.tenant_tables, *([ctx.tenant_table] if ctx.tenant_table else [])):
                conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(
                    sql.SQL(table), sql.Identifier(role)))
            fx = _Fixtures(conn, ctx)
            fx.build()
            claims = _claims(conn, fx)
            for table in ctx.tenant_tables:
                for context in CONTEXTS:
                    for operation in OPERATIONS:
                        matrix.cells.append(
                            _attempt(conn, fx, table, operation, context, role, claims))
        finally:
            conn.rollback()
    return matrix


def _claims(conn: psycopg.Connection, fx: _Fixtures) -> str | None:
    """A JWT claims JSON whose sub is tenant A's fixture user (for auth.uid() policies)."""
    for (table, label), pk in fx.rows.items():
        if label != "A" or table == fx.ctx.tenant_table:
            continue
        if any(c.name == "auth_id" for c in _columns(conn, table)):
            key = _pk(conn, table)
            row = conn.execute(sql.SQL("SELECT auth_id::text FROM {} WHERE {} = %s").format(
                sql.SQL(table), sql.Identifier(key or "id")), (pk,)).fetchone()
            if row and row[0]:
                return json.dumps({"sub": row[0], "role": "authenticated"})
    return None
