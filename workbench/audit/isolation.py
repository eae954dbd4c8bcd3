"""Tenant isolation, exercised: as tenant A, try to read and change tenant B's rows.

The harness needs a database the workbench owns (a variant, or a clone of any schema made with
``workbench clone``): inside ONE transaction that is always rolled back it creates a throw-away
role without BYPASSRLS (a member of the application role, e.g. ``authenticated``, when there is
one) holding every table privilege, so that row level security alone decides. It then makes
two fixture tenants A and B with one row each in every tenant table, and for the tenant table
itself and every tenant table runs SELECT, INSERT, UPDATE and DELETE against tenant B's row as
that role, once in tenant A's context and once with nothing set; the control beside them is
whether tenant A's context shows A its own row (on the tenant table: A's own tenant row). Each
attempt runs in a savepoint with ``session_replication_role = replica`` so only RLS (not a
foreign key or a trigger) decides it (an INSERT first removes B's fixture row, so a key unique
per tenant cannot refuse the copy).

Everything comes from the tenant model (:mod:`workbench.tenancy`), never from table names:

* the tables: the tenant table (its key plays the tenant column: its policies compare the key),
  the model's direct tables (their own tenant column, named per table) and indirect ones
  (reaching the tenant through NOT NULL foreign keys);
* fixture rows: the tenant row, then each table's row with its tenant column set and every
  foreign key pointing at the same tenant's parent row (parents made first, also outside the
  model, e.g. ``auth.users``); other NOT NULL columns get a plausible value of their type;
* tenant A's context: every ``current_setting`` name the policies compare with the tenant
  (``set_config(name, A, true)``), and, when policies call ``auth.uid()`` or helper functions,
  a JWT whose ``sub`` is the user of tenant A's membership row (``request.jwt.claims`` and
  ``request.jwt.claim.sub``).

Outcomes: ``leaked`` (B's row was read, written or created as A), ``blocked`` (no row, or an
insufficient-privilege error; ``loud`` says whether an error told the caller why), ``error``
(anything else, with its SQLSTATE), ``not-testable`` (no fixture row could be built: the
detail says why).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

import psycopg
from psycopg import sql

from workbench import db
from workbench.audit.context import AuditContext, AuditOptions, detect
from workbench.errors import one_line
from workbench.settings import Settings
from workbench.sqlfiles import read_sql
from workbench.tenancy.catalog import user_schemas

OPERATIONS = ("select", "insert", "update", "delete")
CONTEXTS = ("tenant-a", "unset")
OUTCOMES = ("leaked", "error", "blocked", "not-testable")
LABELS = ("A", "B")


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
    """Every attempt of one harness run, and the tenant context it used."""

    database: str
    role: str
    app_role: str | None
    cells: list[Cell] = field(default_factory=list)
    settings: tuple[str, ...] = ()   # set to tenant A's key in the tenant-a context
    jwt_sub: str | None = None       # tenant A's member, for auth.uid()
    own_rows: dict[str, bool] = field(default_factory=dict)  # table -> A sees its own row

    def context_understood(self) -> bool:
        """Tenant A's context opened A's own row somewhere: its "blocked" cells mean something
        (when A sees nothing, not even its own rows, blocked only says the context was wrong)."""
        return any(self.own_rows.values())

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
                "settings": list(self.settings), "jwt_sub": self.jwt_sub,
                "own_rows": self.own_rows, "cells": [asdict(c) for c in self.cells]}


# ---------------------------------------------------------------- the catalog, per table


@dataclass(frozen=True)
class _Column:
    name: str
    typ: str
    category: str
    notnull: bool
    has_default: bool
    skip: bool              # left to the server: generated, or identity ALWAYS
    enum_label: str | None
    unique: bool


@dataclass(frozen=True)
class _ForeignKey:
    name: str
    columns: tuple[str, ...]
    parent: int
    ref_columns: tuple[str, ...]
    nullable: bool


@dataclass(frozen=True)
class _Table:
    oid: int
    label: str              # regclass text, as findings print tables
    columns: tuple[_Column, ...]
    key: tuple[str, ...]    # primary key columns (empty: addressed by the whole row)
    foreign_keys: tuple[_ForeignKey, ...]

    def column(self, name: str) -> _Column | None:
        return next((c for c in self.columns if c.name == name), None)


class _Catalog:
    """Tables read on demand (fixtures reach parents outside the model, e.g. auth.users)."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self.tables: dict[int, _Table] = {}

    def __getitem__(self, oid: int) -> _Table:
        if oid not in self.tables:
            params = {"table": oid}
            label = self.conn.execute("SELECT %s::regclass::text", (oid,)).fetchone()
            cols = tuple(_Column(*r) for r in self.conn.execute(
                _sql("columns"), params))  # type: ignore[arg-type]
            key = tuple(r[0] for r in self.conn.execute(_sql("primary_key"), params))  # type: ignore[arg-type]
            fks = tuple(_ForeignKey(name, tuple(c), int(p), tuple(rc), bool(n))
                        for name, c, p, rc, n in self.conn.execute(
                            _sql("foreign_keys"), params))  # type: ignore[arg-type]
            self.tables[oid] = _Table(oid, str(label[0]) if label else str(oid), cols, key, fks)
        return self.tables[oid]


@cache
def _sql(name: str) -> str:
    return read_sql(f"isolation/{name}.sql")


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
    if col.category == "A":
        return sql.SQL("'{}'")  # an empty array of the column's element type
    if col.typ == "bytea":
        return sql.Literal(token.encode())
    if col.typ in ("jsonb", "json"):
        # the column's own default first: it is the shape its CHECK (if any) accepts ('[]')
        return sql.SQL("DEFAULT") if col.has_default else sql.Literal("{}")
    return sql.SQL("DEFAULT")


def _typed(value: Any, col: _Column) -> sql.Composable:
    """A value read back as JSON, as a literal of the column's type."""
    if value is None:
        return sql.SQL("NULL")
    text = value if isinstance(value, str) else json.dumps(value)
    return sql.SQL("{}::{}").format(sql.Literal(text), sql.SQL(col.typ))


def _where(table: _Table, row: dict[str, Any]) -> sql.Composable:
    """The condition naming exactly ``row``: its primary key, else the whole row."""
    if table.key:
        parts: list[sql.Composable] = [
            sql.SQL("{} = {}").format(sql.Identifier(k), _typed(row[k], table.column(k)))  # type: ignore[arg-type]
            for k in table.key]
        return sql.SQL(" AND ").join(parts)
    return sql.SQL("to_jsonb({}) = {}::jsonb").format(
        sql.Identifier("t"), sql.Literal(json.dumps(row)))


# ---------------------------------------------------------------- fixtures


class _Fixtures:
    """Two tenants and one row per tenant in every tenant table (inside the open transaction)."""

    def __init__(self, conn: psycopg.Connection, ctx: AuditContext) -> None:
        self.conn = conn
        self.ctx = ctx
        self.model = ctx.tenant_model
        self.catalog = _Catalog(conn)
        self.rows: dict[tuple[int, str], dict[str, Any]] = {}
        self.tenants: dict[str, Any] = {}
        self.problems: dict[int, str] = {}
        self.names = {oid: name for name, oid in ctx.oids.items()}  # oid -> model name

    def tenant_column(self, oid: int) -> str | None:
        """The column naming a row's tenant: a direct table's tenant column, or the tenant
        table's own key (its policies compare the key, as the others compare their column)."""
        name = self.names.get(oid)
        if name is not None and name == self.model.tenant_table and len(self.model.tenant_key) == 1:
            return self.model.tenant_key[0]
        return self.model.tenant_column(name) if name else None

    def build(self) -> None:
        """The tenant rows, then every tenant table's rows (parents first, on demand)."""
        tenant = self.ctx.tenant_table
        if tenant and self.model.tenant_key:
            oid = self.ctx.oids[self.model.tenant_table]  # type: ignore[index]
            for label in LABELS:
                if self.ensure(oid, label):
                    self.tenants[label] = self.rows[(oid, label)][self.model.tenant_key[0]]
        if not self.tenants:  # no tenant table (or its row failed): values of the column's type
            for label in LABELS:
                self.tenants[label] = self._free_tenant_value(label)
        for name in self.model.tenant_tables():
            for label in LABELS:
                self.ensure(self.ctx.oids[name], label)

    def _free_tenant_value(self, label: str) -> Any:
        for name in self.model.direct():
            oid = self.ctx.oids[name]
            col = self.catalog[oid].column(self.tenant_column(oid) or "")
            if col is not None:
                row = self.conn.execute(sql.SQL("SELECT ({})::text").format(_value(col)))
                return row.fetchone()[0]  # type: ignore[index]
        return f"tenant-{label.lower()}"

    def ensure(self, oid: int, label: str, stack: tuple[int, ...] = ()) -> bool:
        """Make ``label``'s row of the table (and its parents') unless there; True if it is."""
        if (oid, label) in self.rows:
            return True
        if oid in self.problems:
            return False
        try:
            self.rows[(oid, label)] = self._insert(oid, label, stack)
            return True
        except (psycopg.Error, ValueError) as exc:
            self.problems[oid] = one_line(exc, 400)
            return False

    # Ways to fill a row, tried in order while a CHECK constraint refuses it: the NOT NULL
    # columns only; every column (CHECKs tying optional columns together); one optional
    # foreign key only ("exactly one parent" CHECKs); both.
    VARIANTS = ((False, False), (True, False), (False, True), (True, True))

    def _insert(self, oid: int, label: str, stack: tuple[int, ...]) -> dict[str, Any]:
        table = self.catalog[oid]
        for i, (fill, one_optional_fk) in enumerate(self.VARIANTS):
            values = self._values(table, label, stack, fill=fill, one_optional_fk=one_optional_fk)
            target = sql.SQL(table.label)
            if values:
                query = sql.SQL("INSERT INTO {} AS t ({}) VALUES ({}) RETURNING to_jsonb(t)"
                                ).format(target, sql.SQL(", ").join(map(sql.Identifier, values)),
                                         sql.SQL(", ").join(values.values()))
            else:
                query = sql.SQL("INSERT INTO {} AS t DEFAULT VALUES RETURNING to_jsonb(t)"
                                ).format(target)
            try:
                with self.conn.transaction():
                    # the fixture is what we say it is: no trigger adds to it or refuses it
                    self.conn.execute("SET LOCAL session_replication_role = replica")
                    row = self.conn.execute(query).fetchone()
                return dict(row[0]) if row else {}
            except psycopg.errors.CheckViolation:
                if i == len(self.VARIANTS) - 1:
                    raise
        raise AssertionError("unreachable")

    def _values(self, table: _Table, label: str, stack: tuple[int, ...], *, fill: bool,
                one_optional_fk: bool) -> dict[str, sql.Composable]:
        """Column -> value of ``label``'s row: tenant column, parents' keys, then the rest."""
        values: dict[str, sql.Composable] = {}
        tenant_col = self.tenant_column(table.oid)
        if tenant_col and label in self.tenants and table.column(tenant_col):
            values[tenant_col] = _typed(self.tenants[label], table.column(tenant_col))  # type: ignore[arg-type]
        optional_used = False
        for fk in table.foreign_keys:
            if all(c in values for c in fk.columns):
                continue
            if fk.nullable and one_optional_fk and optional_used:
                continue
            parent_ok = (fk.parent != table.oid and fk.parent not in stack
                         and self.ensure(fk.parent, label, (*stack, table.oid)))
            if not parent_ok:
                if fk.nullable:
                    continue
                why = self.problems.get(fk.parent, "a cycle of NOT NULL foreign keys")
                raise ValueError(f"parent {self.catalog[fk.parent].label} of {fk.name}: {why}")
            optional_used = optional_used or fk.nullable
            parent_row = self.rows[(fk.parent, label)]
            for name, ref in zip(fk.columns, fk.ref_columns, strict=True):
                values.setdefault(name, _typed(parent_row[ref], table.column(name)))  # type: ignore[arg-type]
        fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
        for col in table.columns:
            if col.skip or col.name in values or col.has_default:
                continue
            if col.notnull or (fill and col.name not in fk_columns):
                values[col.name] = _value(col)
        return values

    def member_of_a(self) -> str | None:
        """The user of tenant A's membership row (what auth.uid() must return), if any."""
        context = self.model.context
        if not (context.membership_table and context.membership_user_column):
            return None
        oid = self.ctx.oids.get(context.membership_table)
        row = self.rows.get((oid, "A")) if oid is not None else None
        user = row.get(context.membership_user_column) if row else None
        return str(user) if user is not None else None


# ---------------------------------------------------------------- attempts


def _classify(exc: psycopg.Error) -> tuple[str, bool, str]:
    state = exc.sqlstate or "?"
    message = (exc.diag.message_primary or str(exc)).strip()
    if state == "42501":
        return "blocked", True, message
    return "error", True, f"{state}: {message}"


@dataclass(frozen=True)
class _Context:
    """How tenant A's requests look: settings holding its key, and a JWT naming its member."""

    settings: tuple[str, ...]
    tenant: str
    claims: str | None
    sub: str | None

    def apply(self, conn: psycopg.Connection) -> None:
        for name in self.settings:
            conn.execute("SELECT set_config(%s, %s, true)", (name, self.tenant))
        if self.claims:
            conn.execute("SELECT set_config('request.jwt.claims', %s, true), "
                         "set_config('request.jwt.claim.sub', %s, true)", (self.claims, self.sub))


def _tenant_context(ctx: AuditContext, fx: _Fixtures, app_role: str | None) -> _Context:
    model = ctx.tenant_model
    sub = fx.member_of_a()
    # the settings the policies read; with none (and no JWT), the application's (the audit's
    # --tenant-setting, or its default) in case the isolation lives in views or functions
    names = model.context.settings or (() if sub else (ctx.tenant_setting,))
    claims = json.dumps({"sub": sub, "role": app_role or "authenticated"}) if sub else None
    return _Context(names, str(fx.tenants["A"]), claims, sub)


def _insert_source(fx: _Fixtures, table: _Table, name: str) -> dict[str, Any]:
    """Tenant A's row made tenant B's: its tenant column, or the first hop of its path."""
    source = dict(fx.rows[(table.oid, "A")])
    keep: set[str] = set()
    tenant_col = fx.tenant_column(table.oid)
    if tenant_col:
        source[tenant_col] = fx.tenants["B"]
        keep.add(tenant_col)
    entry = fx.model.table(name)
    if entry is not None and entry.path:
        hop = entry.path[0]
        parent = fx.ctx.oids.get(hop.ref_table)
        parent_row = fx.rows.get((parent, "B")) if parent is not None else None
        if parent_row is not None:
            for hop_col, ref in zip(hop.columns, hop.ref_columns, strict=True):
                source[hop_col] = parent_row[ref]
                keep.add(hop_col)
    for col in table.columns:  # unique values afresh (an empty one stays empty)
        fresh = col.name not in keep and source.get(col.name) is not None
        if col.unique and not col.skip and fresh:
            source[col.name] = fx.conn.execute(sql.SQL("SELECT ({})::text").format(
                _value(col))).fetchone()[0]  # type: ignore[index]
    return source


def _attempt(conn: psycopg.Connection, fx: _Fixtures, name: str, operation: str,
             context: str, role: str, tenant_a: _Context) -> Cell:
    oid = fx.ctx.oids[name]
    label = fx.ctx.labels.get(name, name)
    target = fx.rows.get((oid, "B"))
    if target is None or (oid, "A") not in fx.rows:
        return Cell(label, operation, context, "not-testable", False,
                    fx.problems.get(oid, "no fixture row"))
    table = fx.catalog[oid]
    t, where = sql.SQL("{} AS t").format(sql.SQL(table.label)), _where(table, target)
    touched = fx.tenant_column(oid) or (table.key or tuple(
        c.name for c in table.columns if not c.skip))[0]
    source = _insert_source(fx, table, name) if operation == "insert" else {}
    try:
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            if operation == "insert":  # B's row out of the way: a key unique per tenant (one
                # row per tenant) must not refuse the copy before row level security decides
                conn.execute(sql.SQL("DELETE FROM {} WHERE {}").format(t, where))
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
            if context == "tenant-a":
                tenant_a.apply(conn)
            if operation == "select":
                n = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE {}").format(t, where)
                                 ).fetchone()[0]  # type: ignore[index]
            elif operation == "update":
                col = sql.Identifier(touched)
                n = conn.execute(sql.SQL("UPDATE {} SET {} = t.{} WHERE {}").format(
                    t, col, col, where)).rowcount
            elif operation == "delete":
                n = conn.execute(sql.SQL("DELETE FROM {} WHERE {}").format(t, where)).rowcount
            else:
                cols = sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns
                                          if not c.skip)
                n = conn.execute(sql.SQL(
                    "INSERT INTO {} ({}) SELECT {} FROM jsonb_populate_record(NULL::{}, %s)"
                ).format(sql.SQL(table.label), cols, cols, sql.SQL(table.label)),
                    (json.dumps(source, default=str),)).rowcount
            raise _Undo(n)
    except _Undo as undo:
        if undo.n:
            return Cell(label, operation, context, "leaked", False, f"{undo.n} row(s) of tenant B")
        return Cell(label, operation, context, "blocked", False, "0 rows (silently)")
    except psycopg.Error as exc:
        outcome, loud, detail = _classify(exc)
        return Cell(label, operation, context, outcome, loud, detail)


def _sees_own_row(conn: psycopg.Connection, fx: _Fixtures, name: str, role: str,
                  tenant_a: _Context) -> bool | None:
    """The control: in tenant A's context, is A's own row visible? (None: no fixture row)."""
    oid = fx.ctx.oids[name]
    own = fx.rows.get((oid, "A"))
    if own is None:
        return None
    table = fx.catalog[oid]
    try:
        with conn.transaction():
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
            tenant_a.apply(conn)
            row = conn.execute(sql.SQL("SELECT count(*) FROM {} AS t WHERE {}").format(
                sql.SQL(table.label), _where(table, own))).fetchone()
            raise _Undo(int(row[0]) if row else 0)
    except _Undo as undo:
        return bool(undo.n)
    except psycopg.Error:
        return False


class _Undo(Exception):
    def __init__(self, n: int) -> None:
        super().__init__("undo")
        self.n = n


# ---------------------------------------------------------------- the run


def _app_role(conn: psycopg.Connection, wanted: str | None) -> str | None:
    name = wanted or "authenticated"
    row = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    return name if row else None


def _create_role(conn: psycopg.Connection, role: str, member_of: str | None) -> None:
    """The throw-away role: no superuser, no BYPASSRLS, every table privilege."""
    ident = sql.Identifier(role)
    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOSUPERUSER NOBYPASSRLS INHERIT").format(ident))
    if member_of:
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(member_of), ident))
    for schema in user_schemas(conn):  # row level security alone decides, in every schema
        s = sql.Identifier(schema)
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, ident))
        conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} "
                             "TO {}").format(s, ident))
        conn.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
            s, ident))


def _tables(ctx: AuditContext) -> tuple[str, ...]:
    """The tables the matrix covers: the tenant table itself (a tenant sees its own tenant row
    only), then every direct and indirect tenant table."""
    model = ctx.tenant_model
    if not model.found():
        return ()
    own = (model.tenant_table,) if model.tenant_table in ctx.oids and model.tenant_key else ()
    return (*own, *model.tenant_tables())  # type: ignore[return-value]


def run_isolation(
    settings: Settings,
    database: str,
    options: AuditOptions | None = None,
    *,
    app_role: str | None = None,
) -> IsolationMatrix:
    """Build the matrix in ``database`` (which must be the workbench's); leaves nothing behind."""
    db.require_owned(settings, database, action="run the isolation harness (it creates a role "
                     "and writes rows, rolled back) in")
    role = f"wb_iso_{secrets.token_hex(4)}"
    with db.connection(settings, database) as conn:
        try:
            ctx = detect(conn, options)
            member_of = _app_role(conn, app_role)
            matrix = IsolationMatrix(database, role, member_of)
            _create_role(conn, role, member_of)
            fx = _Fixtures(conn, ctx)
            fx.build()
            tenant_a = _tenant_context(ctx, fx, member_of)
            matrix.settings, matrix.jwt_sub = tenant_a.settings, tenant_a.sub
            tables = _tables(ctx)
            for name in tables:
                seen = _sees_own_row(conn, fx, name, role, tenant_a)
                if seen is not None:
                    matrix.own_rows[ctx.labels.get(name, name)] = seen
                for context in CONTEXTS:
                    for operation in OPERATIONS:
                        matrix.cells.append(
                            _attempt(conn, fx, name, operation, context, role, tenant_a))
        finally:
            conn.rollback()
    return matrix
