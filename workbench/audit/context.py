"""What the audit needs to know about a database it has never seen: read from the catalog.

The audit assumes no table names. It finds the *tenant column* (given, else the usual name whose
foreign keys point at one common table from the most tables, else the most widespread), the
*tenant tables* (every table in the audited schemas that has that column) and the *tenant
table* those columns should reference (given, else the table most of their foreign keys point
at, else one named like ``organizations``/``tenants``). Checks read these from transaction-local
settings, so each SQL check stays a plain, standalone query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg

from workbench.audit.migrations import MigrationsTarget
from workbench.errors import BadParameter

TENANT_COLUMN_CANDIDATES = ("organization_id", "org_id", "tenant_id", "account_id", "workspace_id")
TENANT_TABLE_CANDIDATES = ("organizations", "organisations", "orgs", "tenants", "accounts",
                           "workspaces")
# Schemas that managed platforms own; auditing them would report the platform, not the app.
MANAGED_SCHEMAS = ("auth", "storage", "realtime", "extensions", "graphql", "graphql_public",
                   "vault", "pgsodium", "pgsodium_masks", "net", "cron", "supabase_functions",
                   "supabase_migrations", "pgbouncer", "_realtime", "_analytics", "pgtle",
                   "_workbench")


@dataclass(frozen=True)
class AuditOptions:
    """What the user may override; everything left None is detected."""

    tenant_column: str | None = None
    tenant_table: str | None = None
    schemas: tuple[str, ...] = ()
    tenant_setting: str = "app.organization_id"
    jsonb_required: dict[str, tuple[str, ...]] = field(default_factory=dict)
    migrations: MigrationsTarget | None = None


@dataclass(frozen=True)
class AuditContext:
    """The detected (or given) tenancy model of one database."""

    schemas: tuple[str, ...]
    tenant_column: str
    tenant_table: str | None
    tenant_tables: tuple[str, ...]
    tenant_oids: tuple[int, ...]
    tenant_setting: str
    jsonb_required: dict[str, tuple[str, ...]]
    migrations: MigrationsTarget | None = None

    def settings(self) -> dict[str, str]:
        """Transaction-local settings the SQL checks read with ``current_setting``."""
        return {
            "workbench.audit_schemas": "{" + ",".join(_quote(s) for s in self.schemas) + "}",
            "workbench.tenant_column": self.tenant_column,
            "workbench.tenant_table": self.tenant_table or "",
            "workbench.tenant_tables": "{" + ",".join(str(o) for o in self.tenant_oids) + "}",
            "workbench.tenant_setting": self.tenant_setting,
        }

    def describe(self) -> str:
        """One line for reports."""
        table = self.tenant_table or "none found"
        return (f"schemas {', '.join(self.schemas) or 'none'}; tenant column "
                f"{self.tenant_column} on {len(self.tenant_tables)} tables; tenant table {table}")


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _schemas(conn: psycopg.Connection, wanted: Sequence[str]) -> tuple[str, ...]:
    rows = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
        "AND nspname <> 'information_schema' ORDER BY nspname").fetchall()
    present = [r[0] for r in rows]
    if wanted:
        missing = [s for s in wanted if s not in present]
        if missing:
            raise BadParameter(f"schema {missing[0]!r} does not exist in this database")
        return tuple(wanted)
    return tuple(s for s in present if s not in MANAGED_SCHEMAS)


def _tables_with_column(
    conn: psycopg.Connection, schemas: Sequence[str], column: str
) -> list[tuple[str, int]]:
    rows = conn.execute(
        "SELECT c.oid::regclass::text, c.oid::int8 FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attname = %s "
        "AND NOT a.attisdropped AND n.nspname = ANY(%s) ORDER BY 1",
        (column, list(schemas))).fetchall()
    return [(r[0], int(r[1])) for r in rows]


def _detect_tenant_table(
    conn: psycopg.Connection, schemas: Sequence[str], column: str
) -> str | None:
    row = conn.execute(
        "SELECT con.confrelid::regclass::text, count(*) FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] "
        "WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND a.attname = %s "
        "AND n.nspname = ANY(%s) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
        (column, list(schemas))).fetchone()
    if row:
        return str(row[0])
    rows = conn.execute(
        "SELECT format('%%I.%%I', n.nspname, c.relname), c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
        "AND n.nspname = ANY(%s) AND c.relname = ANY(%s)",
        (list(schemas), list(TENANT_TABLE_CANDIDATES))).fetchall()
    by_name = {name: qname for qname, name in rows}
    return next((by_name[n] for n in TENANT_TABLE_CANDIDATES if n in by_name), None)


def _fk_support(conn: psycopg.Connection, schemas: Sequence[str], column: str) -> int:
    """How many tables reference ONE common table through ``column`` (the best such table)."""
    row = conn.execute(
        "SELECT count(DISTINCT con.conrelid) FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] "
        "WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND con.conparentid = 0 "
        "AND a.attname = %s AND n.nspname = ANY(%s) GROUP BY con.confrelid "
        "ORDER BY 1 DESC LIMIT 1", (column, list(schemas))).fetchone()
    return int(row[0]) if row else 0


def _detect_tenant_column(conn: psycopg.Connection, schemas: Sequence[str]) -> str:
    """The candidate backed by foreign keys to one common table, else the most widespread.

    Counting tables alone is fooled by a schema where, say, a billing ``account_id`` sits on more
    tables than the real ``tenant_id``: a tenant column is the one that points at a tenant
    table, so foreign keys to a common table rank first, the number of tables second, and the
    candidates' order (organization_id first) breaks ties. With no candidate present at all the
    first one is assumed (and checks then find no tenant tables).
    """
    scored = []
    for rank, name in enumerate(TENANT_COLUMN_CANDIDATES):
        tables = len(_tables_with_column(conn, schemas, name))
        if tables:
            scored.append((_fk_support(conn, schemas, name), tables, -rank, name))
    return max(scored)[3] if scored else TENANT_COLUMN_CANDIDATES[0]


def detect(conn: psycopg.Connection, options: AuditOptions | None = None) -> AuditContext:
    """Read the tenancy model from the catalog (options win over detection)."""
    options = options or AuditOptions()
    schemas = _schemas(conn, options.schemas)
    column = options.tenant_column or _detect_tenant_column(conn, schemas)
    table = options.tenant_table
    if table:
        row = conn.execute("SELECT to_regclass(%s)::text", (table,)).fetchone()
        if not row or row[0] is None:
            raise BadParameter(f"tenant table {table!r} does not exist in this database")
        table = str(row[0])
    else:
        table = _detect_tenant_table(conn, schemas, column)
    table_oid = None
    if table:
        row = conn.execute("SELECT %s::regclass::oid::int8", (table,)).fetchone()
        table_oid = int(row[0]) if row else None
    found = [(t, o) for t, o in _tables_with_column(conn, schemas, column) if o != table_oid]
    return AuditContext(schemas, column, table, tuple(t for t, _ in found),
                        tuple(o for _, o in found), options.tenant_setting,
                        dict(options.jsonb_required), options.migrations)
