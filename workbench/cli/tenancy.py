"""``workbench tenancy``: the tenant model of a database, with its evidence; saved as TOML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from workbench import db as dbmod
from workbench.cli._common import (
    DatabaseOption,
    DsnOption,
    SchemaOption,
    TenantColumnOption,
    TenantTableOption,
    console,
    err_console,
    settings_from,
)
from workbench.errors import BadParameter
from workbench.tenancy import TenantModel, infer

group = typer.Typer(help="The tenant model: which table is the tenant, how every table reaches "
                         "it, and the evidence (read-only).", no_args_is_help=True)

VariantOption = Annotated[str | None, typer.Option(
    "--variant", help="Read the workbench's own baseline/remediated database.")]


def _infer(dsn: str | None, database: str | None, variant: str | None,
           tenant_table: str | None, tenant_column: str | None,
           schema: list[str] | None) -> TenantModel:
    settings = settings_from(dsn, database)
    name = settings.database_for(variant) if variant else None
    with dbmod.connection(settings, name, autocommit=True,
                          options="-c default_transaction_read_only=on") as conn:
        return infer(conn, schemas=tuple(schema or ()), tenant_table=tenant_table,
                     tenant_column=tenant_column)


def render(model: TenantModel) -> list[Table]:
    """The model as rich tables: every table's tenancy, then the evidence."""
    tables = Table(title=model.describe(), title_justify="left")
    for col in ("table", "kind", "tenant column / path"):
        tables.add_column(col, overflow="fold")
    order = {"tenant": 0, "direct": 1, "indirect": 2, "global": 3}
    for name, t in sorted(model.tables.items(), key=lambda kv: (order[kv[1].kind], kv[0])):
        how = t.column or " -> ".join(
            [f"{h.table}({', '.join(h.columns)})" for h in t.path]
            + ([t.path[-1].ref_table] if t.path else []))
        tables.add_row(name, t.kind, how)
    ctx = model.context
    how_learnt = "; ".join(part for part in (
        f"settings {', '.join(ctx.settings)}" if ctx.settings else "",
        "auth.uid()" if ctx.uses_auth_uid else "",
        f"helpers {', '.join(ctx.helper_functions)}" if ctx.helper_functions else "",
        (f"membership {ctx.membership_table} ({ctx.membership_user_column} -> "
         f"{ctx.membership_tenant_column})") if ctx.membership_table else "") if part)
    tables.caption = f"caller's tenant: {how_learnt or 'not read by any policy'}"
    evidence = Table(title=f"evidence (confidence {model.confidence:.2f})", title_justify="left")
    for col in ("kind", "weight", "detail"):
        evidence.add_column(col, overflow="fold")
    for e in model.evidence:
        evidence.add_row(e.kind, f"{e.weight:g}", e.detail)
    return [tables, evidence]


@group.command("show")
def show(
    dsn: DsnOption = None,
    database: DatabaseOption = None,
    variant: VariantOption = None,
    tenant_table: TenantTableOption = None,
    tenant_column: TenantColumnOption = None,
    schema: SchemaOption = None,
) -> None:
    """Infer the tenant model and print it with its evidence and confidence."""
    model = _infer(dsn, database, variant, tenant_table, tenant_column, schema)
    for table in render(model):
        console.print(table)
    if not model.found():
        err_console.print("no tenant model found: tenant checks will report 'not run'; pass "
                          "--tenant-table/--tenant-column, or --no-tenant if single-tenant")


@group.command("save")
def save(
    file: Annotated[Path, typer.Argument(help="Where to write the model (TOML).")],
    dsn: DsnOption = None,
    database: DatabaseOption = None,
    variant: VariantOption = None,
    tenant_table: TenantTableOption = None,
    tenant_column: TenantColumnOption = None,
    schema: SchemaOption = None,
) -> None:
    """Infer the tenant model and write it as TOML (edit it, pass it back with --tenancy)."""
    if file.is_dir():
        raise BadParameter(f"{file} is a directory: name a file, e.g. {file / 'tenancy.toml'}")
    model = _infer(dsn, database, variant, tenant_table, tenant_column, schema)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(model.to_toml())
    console.print(f"wrote {file}: {model.describe()}")


def register(app: typer.Typer) -> None:
    """Attach ``tenancy`` to the main app."""
    app.add_typer(group, name="tenancy")
