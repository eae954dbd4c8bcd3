"""The catalog facts tenant inference reads: four queries, whatever the number of tables.

Tables (with columns and unique keys), foreign keys, policies and the functions policies may
call are read once each (``sql/tenancy/*.sql``) and everything else is worked out in Python, so
a 1,000-table schema costs the same four round trips as a 10-table one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg
from psycopg.rows import dict_row

from workbench.errors import BadParameter
from workbench.sqlfiles import read_sql

# Schemas that managed platforms own; auditing them would report the platform, not the app.
MANAGED_SCHEMAS = ("auth", "storage", "realtime", "extensions", "graphql", "graphql_public",
                   "vault", "pgsodium", "pgsodium_masks", "net", "cron", "supabase_functions",
                   "supabase_migrations", "pgbouncer", "_realtime", "_analytics", "pgtle",
                   "_workbench")


@dataclass(frozen=True)
class Column:
    """One column: its type as format_type prints it, and whether it is NOT NULL."""

    name: str
    type: str
    not_null: bool


@dataclass(frozen=True)
class Table:
    """One ordinary or partitioned table of the audited schemas."""

    oid: int
    name: str
    rls: bool
    forced: bool
    columns: dict[str, Column]
    unique_keys: tuple[tuple[str, ...], ...] = ()

    @property
    def short(self) -> str:
        """The table name without its schema (as an unqualified reference prints it)."""
        return self.name.rsplit(".", 1)[-1].strip('"')


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key (child in the audited schemas; parent anywhere)."""

    name: str
    child: str
    parent: str
    columns: tuple[str, ...]
    ref_columns: tuple[str, ...]
    not_null: bool
    types: tuple[str, ...]
    cascades: bool = False


@dataclass(frozen=True)
class Policy:
    """One RLS policy with its deparsed USING and WITH CHECK expressions."""

    table: str
    name: str
    command: str
    permissive: bool
    roles: tuple[str, ...]
    using_expr: str | None
    check_expr: str | None

    @property
    def text(self) -> str:
        """Both expressions as one select list (``a, b``), so the parser reads them together;
        joined by a space, a policy with USING and WITH CHECK did not parse and read as empty."""
        return ", ".join(e for e in (self.using_expr, self.check_expr) if e)


@dataclass(frozen=True)
class Function:
    """A SQL or PL/pgSQL function outside the system schemas."""

    name: str
    short_name: str
    security_definer: bool
    language: str
    body: str
    returns: str
    returns_set: bool
    config: tuple[str, ...]
    signature: str = ""                 # name(argument types), as regprocedure prints it
    executors: tuple[str, ...] = ()     # roles granted EXECUTE ('PUBLIC' for everyone)

    @property
    def fixed_search_path(self) -> bool:
        """The function sets its own search_path (``SET search_path = ...``)."""
        return any(c.startswith("search_path=") for c in self.config)


@dataclass(frozen=True)
class Catalog:
    """Everything inference reads, keyed for lookup."""

    schemas: tuple[str, ...]
    tables: dict[str, Table]
    foreign_keys: tuple[ForeignKey, ...]
    policies: tuple[Policy, ...]
    functions: tuple[Function, ...] = ()
    by_short: dict[str, str] = field(default_factory=dict)   # unqualified name -> key
    by_plain: dict[str, str] = field(default_factory=dict)   # unquoted schema.table -> key

    def resolve(self, name: str) -> str | None:
        """A table name as an expression or function body prints it, to our qualified key."""
        name = name.strip()
        if name in self.tables:
            return name
        plain = _plain(name)
        return self.by_plain.get(plain) or (self.by_short.get(plain) if "." not in plain
                                            else None)


def _plain(name: str) -> str:
    return ".".join(part.strip('"') for part in name.split("."))


def user_schemas(conn: psycopg.Connection) -> list[str]:
    """Every schema that is not PostgreSQL's own, managed platforms' included (``auth``...):
    what the audit chooses from, and what the isolation harness's role is granted."""
    return [r[0] for r in conn.execute(read_sql("tenancy/schemas.sql")).fetchall()]


def audited_schemas(conn: psycopg.Connection, wanted: Sequence[str] = ()) -> tuple[str, ...]:
    """The schemas asked for (each must exist), else every non-system, non-platform schema."""
    present = user_schemas(conn)
    if wanted:
        missing = [s for s in wanted if s not in present]
        if missing:
            raise BadParameter(f"schema {missing[0]!r} does not exist in this database: "
                               "pass an existing --schema")
        return tuple(wanted)
    return tuple(s for s in present if s not in MANAGED_SCHEMAS)


def read_catalog(conn: psycopg.Connection, schemas: Sequence[str]) -> Catalog:
    """Read tables, foreign keys, policies and functions (four queries)."""
    params = {"schemas": list(schemas)}
    with conn.cursor(row_factory=dict_row) as cur:
        tables = {}
        for r in cur.execute(read_sql("tenancy/tables.sql"), params).fetchall():
            cols = {c["name"]: Column(c["name"], c["type"], c["not_null"]) for c in r["columns"]}
            tables[r["name"]] = Table(int(r["oid"]), r["name"], r["rls"], r["forced"], cols,
                                      tuple(tuple(k) for k in r["unique_keys"]))
        fks = tuple(ForeignKey(r["name"], r["child"], r["parent"], tuple(r["columns"]),
                               tuple(r["ref_columns"]), bool(r["not_null"]), tuple(r["types"]),
                               bool(r["cascades"]))
                    for r in cur.execute(read_sql("tenancy/foreign_keys.sql"), params))
        policies = tuple(Policy(r["table_name"], r["name"], r["command"], r["permissive"],
                                tuple(r["roles"]), r["using_expr"], r["check_expr"])
                         for r in cur.execute(read_sql("tenancy/policies.sql"), params))
        functions = tuple(Function(r["name"], r["short_name"], r["security_definer"],
                                   r["language"], r["body"] or "", r["returns"],
                                   r["returns_set"], tuple(r["config"]), r["signature"],
                                   tuple(r["executors"]))
                          for r in cur.execute(read_sql("tenancy/functions.sql"), params))
    shorts: dict[str, list[str]] = {}
    for t in tables.values():
        shorts.setdefault(t.short, []).append(t.name)
    by_short = {s: names[0] if len(names) == 1 else
                next((n for n in names if n.startswith("public.")), names[0])
                for s, names in shorts.items()}
    by_plain = {_plain(n): n for n in tables}
    return Catalog(tuple(schemas), tables, fks, policies, functions, by_short, by_plain)
