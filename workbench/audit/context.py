"""What the audit needs to know about a database it has never seen: its tenant model.

The audit assumes no table or column names. The tenant model (:mod:`workbench.tenancy`) is
inferred from the catalog, given with ``--tenancy FILE``, narrowed with ``--tenant-table`` /
``--tenant-column``, or declared absent with ``--no-tenant`` (a single-tenant schema). Checks
read it from transaction-local settings, so each SQL check stays a plain, standalone query:

* ``workbench.audit_schemas``: text[] of the audited schemas;
* ``workbench.tenant_table``: the tenant table (qualified) or '';
* ``workbench.direct_tables`` / ``workbench.indirect_tables`` / ``workbench.tenant_tables``:
  oid[] of the tables with their own tenant column, of those reaching it through NOT NULL foreign
  keys, and of both;
* ``workbench.tenant_columns``: JSON object, table oid -> that table's tenant column (names
  differ per table: read it as ``current_setting('workbench.tenant_columns')::jsonb ->>
  c.oid::text``);
* ``workbench.tenant_helpers``: text[] of the functions policies use to learn the caller's
  tenants; ``workbench.membership_table``: the table linking users to tenants, or '';
* ``workbench.tenant_setting``: the setting the application puts the tenant in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import psycopg

from workbench.audit.migrations import MigrationsTarget
from workbench.errors import BadParameter
from workbench.sqlfiles import read_sql
from workbench.tenancy import TenantModel, infer_catalog
from workbench.tenancy.catalog import Catalog, audited_schemas, read_catalog

__all__ = ["AuditContext", "AuditOptions", "detect"]
DEFAULT_TENANT_SETTING = "app.tenant_id"


@dataclass(frozen=True)
class AuditOptions:
    """What the user may override; everything left None is inferred."""

    tenant_column: str | None = None
    tenant_table: str | None = None
    schemas: tuple[str, ...] = ()
    tenant_setting: str | None = None
    jsonb_required: dict[str, tuple[str, ...]] = field(default_factory=dict)
    migrations: MigrationsTarget | None = None
    tenancy: TenantModel | None = None   # a saved model (--tenancy FILE) instead of inference
    no_tenant: bool = False              # --no-tenant: the schema is single-tenant


@dataclass(frozen=True)
class AuditContext:
    """The tenant model of one database, resolved to the oids the SQL checks compare."""

    schemas: tuple[str, ...]
    tenant_model: TenantModel
    oids: dict[str, int]     # model table name -> oid
    labels: dict[str, str]   # model table name -> regclass text (as findings print tables)
    tenant_setting: str
    jsonb_required: dict[str, tuple[str, ...]]
    migrations: MigrationsTarget | None = None
    catalog: Catalog | None = None  # what inference read: tables, keys, policies, functions

    def read_catalog(self, conn: psycopg.Connection) -> Catalog:
        """The catalog facts of the audited schemas (read once, by inference, when it ran)."""
        return self.catalog if self.catalog is not None else read_catalog(conn, self.schemas)

    @property
    def tenant_table(self) -> str | None:
        """The tenant table as regclass text, or None."""
        table = self.tenant_model.tenant_table if self.tenant_model.found() else None
        return self.labels.get(table, table) if table else None

    @property
    def tenant_tables(self) -> tuple[str, ...]:
        """Tables with a tenant column of their own (the model's direct tables), as regclass
        text like the checks' findings."""
        return tuple(self.labels[t] for t in self._direct())

    @property
    def tenant_oids(self) -> tuple[int, ...]:
        """The oids of :attr:`tenant_tables`."""
        return tuple(self.oids[t] for t in self._direct())

    def _direct(self) -> tuple[str, ...]:
        return self.tenant_model.direct() if self.tenant_model.found() else ()

    @property
    def tenant_column(self) -> str:
        """The most common tenant column (for callers that handle one name; prefer
        :meth:`tenant_column_of`, as names differ per table)."""
        names = [self.tenant_model.tenant_column(t) for t in self.tenant_tables]
        counted = sorted({n for n in names if n}, key=lambda n: (-names.count(n), n))
        return counted[0] if counted else ""

    def tenant_column_of(self, table: str) -> str | None:
        """``table``'s own tenant column (qualified or regclass text), or None."""
        return self.tenant_model.tenant_column(table)

    def settings(self) -> dict[str, str]:
        """Transaction-local settings the SQL checks read with ``current_setting``."""
        model, found = self.tenant_model, self.tenant_model.found()
        direct = [self.oids[t] for t in model.direct()] if found else []
        indirect = [self.oids[t] for t in model.indirect()] if found else []
        columns = {str(self.oids[t]): model.tenant_column(t) for t in model.direct()} \
            if found else {}
        ctx = model.context
        return {
            "workbench.audit_schemas": _array(self.schemas),
            "workbench.tenant_table": self.tenant_table or "",
            "workbench.direct_tables": _array(str(o) for o in direct),
            "workbench.indirect_tables": _array(str(o) for o in indirect),
            "workbench.tenant_tables": _array(str(o) for o in (*direct, *indirect)),
            "workbench.tenant_columns": json.dumps(columns),
            "workbench.tenant_helpers": _array(ctx.helper_functions if found else ()),
            "workbench.membership_table": (ctx.membership_table or "") if found else "",
            "workbench.tenant_setting": self.tenant_setting,
        }

    def describe(self) -> str:
        """One line for reports."""
        return f"schemas {', '.join(self.schemas) or 'none'}; {self.tenant_model.describe()}"


def _array(items: object) -> str:
    return "{" + ",".join(_quote(str(s)) for s in items) + "}"  # type: ignore[attr-defined]


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _resolve(conn: psycopg.Connection,
             model: TenantModel) -> tuple[dict[str, int], dict[str, str]]:
    """Oids and regclass texts of the model's tables (one query); a name that resolves to
    nothing is an error (a hand-edited --tenancy file naming a table this database lacks)."""
    names = sorted({*model.tables, *([model.tenant_table] if model.tenant_table else [])})
    rows = conn.execute(read_sql("tenancy/resolve_tables.sql"), {"names": names}).fetchall()
    found = {name: (int(oid), label) for name, oid, label in rows if oid is not None}
    missing = [n for n in names if n not in found]
    if missing:
        raise BadParameter(f"tenancy model names table {missing[0]!r}, which this database does "
                           "not have: fix the --tenancy file or infer again")
    return ({n: v[0] for n, v in found.items()}, {n: v[1] for n, v in found.items()})


def detect(conn: psycopg.Connection, options: AuditOptions | None = None) -> AuditContext:
    """The tenant model (given, else inferred; overrides narrow it) and the oids of its tables."""
    options = options or AuditOptions()
    schemas = audited_schemas(conn, options.schemas or
                              (options.tenancy.schemas if options.tenancy else ()))
    catalog = read_catalog(conn, schemas)
    if options.no_tenant:
        base = options.tenancy or infer_catalog(catalog)
        model = replace(base, single_tenant=True)
    elif options.tenancy is not None:
        model = options.tenancy
    else:
        model = infer_catalog(catalog, tenant_table=options.tenant_table,
                              tenant_column=options.tenant_column)
    setting = (options.tenant_setting or next(iter(model.context.settings), None)
               or DEFAULT_TENANT_SETTING)
    oids, labels = _resolve(conn, model)
    return AuditContext(schemas, model, oids, labels, setting,
                        dict(options.jsonb_required), options.migrations, catalog)
