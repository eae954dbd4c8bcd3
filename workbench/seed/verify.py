"""What a seeded database shows: constraint violations and cross-tenant references, per key.

Both read the catalog the seeder planned from and ask the server, one query per foreign key or
check, so a seed is judged by its rows, not by what the generator meant to do. Foreign keys are
counted even where the load left them in place (with ``session_replication_role = replica``
the server did not check them on the way in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from workbench.seed.catalog_model import SchemaCatalog
from workbench.seed.engine import qualified
from workbench.sqlfiles import read_sql

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel


def _cols(alias: str, cols: tuple[str, ...]) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(alias, c) for c in cols)


def violations(conn: psycopg.Connection, catalog: SchemaCatalog) -> dict[str, int]:
    """Rows breaking each foreign key (no parent) and each CHECK, by constraint name."""
    out: dict[str, int] = {}
    for name, table in sorted(catalog.tables.items()):
        for fk in table.foreign_keys:
            present = sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(
                sql.Identifier("c", c)) for c in fk.columns)
            q = sql.SQL(read_sql("seed/fk_orphans.sql")).format(  # type: ignore[arg-type]
                child=qualified(name), present=present, parent=qualified(fk.ref_table),
                parent_columns=_cols("p", fk.ref_columns), child_columns=_cols("c", fk.columns))
            out[f"{name} {fk.name}"] = int(conn.execute(q).fetchone()[0])  # type: ignore[index]
        for check in table.checks:
            q = sql.SQL("SELECT count(*) FROM {} WHERE NOT ({})").format(
                qualified(name), sql.SQL(check.expression))  # type: ignore[arg-type]
            out[f"{name} {check.name}"] = int(conn.execute(q).fetchone()[0])  # type: ignore[index]
    return out


def tenant_expr(model: TenantModel, table: str, alias: str, depth: int = 0
                ) -> sql.Composable | None:
    """SQL for the tenant of row ``alias`` of ``table`` (None: the table has no tenant)."""
    if table == model.tenant_table:
        return sql.SQL("{}::text").format(sql.Identifier(alias, model.tenant_key[0]))
    entry = model.tables.get(table)
    if entry is None or entry.kind == "global":
        return None
    column = model.tenant_column(table)
    if column is not None:  # a direct table
        return sql.SQL("{}::text").format(sql.Identifier(alias, column))
    hop = entry.path[0]
    inner = f"h{depth}"
    parent = tenant_expr(model, hop.ref_table, inner, depth + 1)
    if parent is None:
        return None
    return sql.SQL("(SELECT {} FROM {} {} WHERE ({}) = ({}))").format(
        parent, qualified(hop.ref_table), sql.Identifier(inner), _cols(inner, hop.ref_columns),
        _cols(alias, hop.columns))


def cross_tenant_references(conn: psycopg.Connection, catalog: SchemaCatalog, model: TenantModel
                            ) -> dict[str, int]:
    """Per foreign key between two tenant tables: rows whose parent belongs to another tenant."""
    out: dict[str, int] = {}
    for name, table in sorted(catalog.tables.items()):
        for fk in table.foreign_keys:
            child = tenant_expr(model, name, "c", 100)
            parent = tenant_expr(model, fk.ref_table, "p", 200)
            if child is None or parent is None:
                continue
            q = sql.SQL(read_sql("seed/cross_tenant_references.sql")).format(  # type: ignore[arg-type]
                child=qualified(name), parent=qualified(fk.ref_table),
                child_columns=_cols("c", fk.columns), parent_columns=_cols("p", fk.ref_columns),
                child_tenant=child, parent_tenant=parent)
            out[f"{name} {fk.name}"] = int(conn.execute(q).fetchone()[0])  # type: ignore[index]
    return out


def checksums(conn: psycopg.Connection, catalog: SchemaCatalog) -> dict[str, tuple[int, str]]:
    """(rows, order-independent content checksum) per table (``sql/seed/checksums.sql``)."""
    out = {}
    for name in sorted(catalog.tables):
        q = sql.SQL(read_sql("seed/checksums.sql")).format(table=qualified(name))  # type: ignore[arg-type]
        count, digest = conn.execute(q).fetchone()  # type: ignore[misc]
        out[name] = (int(count), str(digest))
    return out


__all__ = ["checksums", "cross_tenant_references", "tenant_expr", "violations"]
