"""Tenant scoping in SQL: how a query on any table keeps to one tenant, from the tenant model.

A direct table compares its own tenant column; an indirect one joins along its foreign-key path
(the model's hops) to the table that has one; the tenant table compares its key. Every inferred
query, and every per-tenant draw of parameter values, scopes itself this way, so a schema keyed
by ``team_id``, a text ``project_id`` or a chain of foreign keys is handled alike. The tenant's
id is always the named parameter ``tenant``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from psycopg import sql

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel

TENANT_PARAM = "tenant"


def ident(name: str) -> str:
    """A column name, quoted. Tables are used as the catalog prints them (``format('%I.%I')``,
    as the tenant model keeps them): already valid SQL, so never quoted again."""
    return sql.Identifier(name).as_string(None)


@dataclass(frozen=True)
class Scope:
    """The joins and the predicate that keep ``alias`` (a table's rows) to one tenant."""

    joins: str
    predicate: str


def tenant_scope(model: TenantModel, table: str, alias: str = "t") -> Scope | None:
    """How rows of ``table`` (qualified) are kept to the tenant ``%(tenant)s``; None: global.

    ``model`` is a :class:`workbench.tenancy.TenantModel`.
    """
    tt = model.tables.get(table)
    if tt is None or tt.kind == "global":
        return None
    if tt.kind == "tenant":
        return Scope("", f"{alias}.{ident(model.tenant_key[0])} = %({TENANT_PARAM})s")
    if tt.kind == "direct":
        column = model.tenant_column(table)
        assert column is not None  # a direct table names its column (TenantModel.from_dict)
        return Scope("", f"{alias}.{ident(column)} = %({TENANT_PARAM})s")
    joins: list[str] = []
    prev = alias
    for i, hop in enumerate(tt.path, start=1):
        here = f"s{i}"
        on = " AND ".join(f"{here}.{ident(rc)} = {prev}.{ident(c)}"
                          for c, rc in zip(hop.columns, hop.ref_columns, strict=True))
        joins.append(f"JOIN {hop.ref_table} {here} ON {on}")
        prev = here
    last = tt.path[-1].ref_table if tt.path else table
    if last == model.tenant_table:
        column = model.tenant_key[0]
    else:
        column = model.tenant_column(last)
    if column is None:
        return None
    return Scope("\n".join(joins), f"{prev}.{ident(column)} = %({TENANT_PARAM})s")


def is_tenant_column(model: TenantModel, table: str | None, column: str | None) -> bool:
    """Whether ``table.column`` holds the tenant's id (a direct column or the tenant key)."""
    if not table or not column:
        return False
    if table == model.tenant_table and column in model.tenant_key:
        return True
    tt = model.tables.get(table)
    return bool(tt and tt.kind == "direct" and model.tenant_column(table) == column)
