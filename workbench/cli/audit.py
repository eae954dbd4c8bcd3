"""``workbench audit``: integrity and tenant-isolation checks on any PostgreSQL database.

Exit codes: 0 the gate passed (or no ``--fail-on``), 1 the gate failed, 2 bad usage or no
connection (one line on stderr).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench import db as dbmod
from workbench.audit import AuditOptions, gate, run_audit
from workbench.audit.migrations import MigrationsTarget
from workbench.audit.model import KINDS, SEVERITIES
from workbench.audit.registry import registry
from workbench.audit.render import FORMATS, as_markdown, as_sarif, as_table
from workbench.audit.runner import baseline_fingerprints
from workbench.cli._common import (
    DatabaseOption,
    DsnOption,
    NoTenantOption,
    SchemaOption,
    TenancyOption,
    TenantColumnOption,
    TenantTableOption,
    console,
    err_console,
    settings_from,
    tenancy_from,
)
from workbench.errors import BadParameter

group = typer.Typer(help="Integrity and tenant-isolation audit (read-only).",
                    invoke_without_command=True)


def _options(tenant_column: str | None, tenant_table: str | None,
             schema: list[str] | None, migrations: MigrationsTarget | None,
             tenancy: Path | None, no_tenant: bool) -> AuditOptions:
    if no_tenant and (tenancy is not None or tenant_column or tenant_table):
        raise BadParameter("--no-tenant says there is no tenant: drop it, or drop --tenancy/"
                           "--tenant-table/--tenant-column")
    if tenancy is not None and (tenant_column or tenant_table):
        raise BadParameter("--tenancy FILE already names the tenant: drop --tenant-table/"
                           "--tenant-column, or edit the file")
    return AuditOptions(tenant_column=tenant_column, tenant_table=tenant_table,
                        schemas=tuple(schema or ()), migrations=migrations,
                        tenancy=tenancy_from(tenancy), no_tenant=no_tenant)


@group.callback()
def audit(
    ctx: typer.Context,
    dsn: DsnOption = None,
    database: DatabaseOption = None,
    variant: Annotated[str | None, typer.Option(
        "--variant", help="Audit the workbench's own baseline/remediated database.")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="table, json (every row), markdown (a PR comment) or sarif.")] = "table",
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help="Exit 1 when a finding (or a check that could not run) has this "
        "severity or worse.")] = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="A previous --format json report: its findings are accepted, only "
        "new ones fail the gate.")] = None,
    no_tenant: NoTenantOption = False,
    check: Annotated[list[str] | None, typer.Option("--check", help="Run only this check.")] = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="structural and/or data (default both).")] = None,
    tenant_column: TenantColumnOption = None,
    tenant_table: TenantTableOption = None,
    tenancy: TenancyOption = None,
    schema: SchemaOption = None,
    migrations: Annotated[Path | None, typer.Option(
        "--migrations", help="Also check this migrations folder: duplicate prefixes, and a "
        "fresh apply in a scratch database the workbench creates and drops.")] = None,
    prelude: Annotated[list[Path] | None, typer.Option(
        "--migrations-prelude", help="SQL run before the migrations in the scratch database "
        "(e.g. platform stubs such as sql/baseline/000_supabase_stubs.sql).")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Also write here.")] = None,
    show_clean: Annotated[bool, typer.Option("--all", help="List clean checks too.")] = False,
) -> None:
    """Run every check against the database of --dsn (read-only) and report the findings."""
    if ctx.invoked_subcommand is not None:
        return
    if fmt not in FORMATS:
        raise BadParameter(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise BadParameter(f"--fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
    unknown = [k for k in kind or () if k not in KINDS]
    if unknown:
        raise BadParameter(f"--kind must be one of {', '.join(KINDS)}, not {unknown[0]!r}")
    if baseline is not None and not baseline.is_file():
        raise BadParameter(f"--baseline {baseline} is not a file: pass a previous "
                           "`workbench audit --format json --output FILE`")
    known = (baseline_fingerprints(baseline.read_text(), str(baseline))
             if baseline is not None else None)
    settings = settings_from(dsn, database)
    name = settings.database_for(variant) if variant else None
    if prelude and migrations is None:
        raise BadParameter("--migrations-prelude needs --migrations PATH")
    for script in prelude or []:
        if not script.is_file():
            raise BadParameter(f"--migrations-prelude {script} is not a file")
    target = (MigrationsTarget(migrations, settings, tuple(prelude or ()))
              if migrations is not None else None)
    options = _options(tenant_column, tenant_table, schema, target, tenancy, no_tenant)
    with dbmod.connection(settings, name, autocommit=True,
                          options="-c default_transaction_read_only=on") as conn:
        report = run_audit(conn, options, checks=check, kinds=kind)
    model = report.context.tenant_model
    if not model.found() and not model.single_tenant:
        err_console.print("no tenant model found: tenant checks did not run (see "
                          "`workbench tenancy show`; --tenant-table/--tenancy FILE, or "
                          "--no-tenant if the schema is single-tenant)")
    if known is not None:
        report.apply_baseline(known)
    if fmt in ("json", "sarif"):
        text = report.to_json() if fmt == "json" else as_sarif(report)
        print(text)
    elif fmt == "markdown":
        text = as_markdown(report)
        print(text, end="")
    else:
        text = as_markdown(report)
        console.print(as_table(report, show_clean=show_clean))
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
    failing = gate(report, fail_on)
    if failing:
        new = " new" if known is not None else ""
        err_console.print(f"{len(failing)} check(s) with{new} findings or not run, at or above "
                          f"{fail_on}: " + ", ".join(
                              r.id + (f" (not run: {r.why})" if r.status == "not-run" else "")
                              for r in failing))
        # SystemExit, not typer.Exit: the app runs with standalone_mode=False, where click turns
        # Exit into a return value that workbench.cli.main drops (the gate would exit 0).
        raise SystemExit(1)


@group.command("checks")
def list_checks() -> None:
    """List every check: id, severity, kind, risks and title."""
    from rich.table import Table

    table = Table(title="audit checks")
    for col in ("id", "severity", "kind", "risks", "title"):
        table.add_column(col, overflow="fold")
    for c in registry().values():
        info = c.info()
        table.add_row(info.id, info.severity, info.kind, ", ".join(info.risks), info.title)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Attach ``audit`` to the main app."""
    app.add_typer(group, name="audit")
