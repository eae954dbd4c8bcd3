"""``workbench isolation``: the tenant-isolation matrix of a workbench-owned database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from workbench import db as dbmod
from workbench.audit import AuditOptions
from workbench.audit.isolation import CONTEXTS, OPERATIONS, IsolationMatrix, run_isolation
from workbench.cli._common import (
    DsnOption,
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

MARKS = {"leaked": "[red]LEAK[/]", "blocked": "[green]ok[/]", "error": "[yellow]err[/]",
         "not-testable": "[dim]n/t[/]"}


def _table(matrix: IsolationMatrix) -> Table:
    table = Table(title=f"tenant isolation in {matrix.database} (as a member of "
                        f"{matrix.app_role or 'no application role'})",
                  caption="A: as tenant A, on tenant B's row; none: no tenant set; "
                          "own: A sees its own row")
    # the table's name folds rather than being cut: 8 outcome columns leave it little room
    table.add_column("table", overflow="fold")
    table.add_column("A\nown")  # A sees its own row
    short = {"tenant-a": "A", "unset": "none"}
    for context in CONTEXTS:
        for op in OPERATIONS:
            table.add_column(f"{short.get(context, context)}\n{op[:3]}")
    cells = {(c.table, c.context, c.operation): c.outcome for c in matrix.cells}
    for name in dict.fromkeys(c.table for c in matrix.cells):
        own = matrix.own_rows.get(name)
        table.add_row(name, "" if own is None else ("yes" if own else "[yellow]no[/]"),
                      *(MARKS[cells[(name, ctx, op)]] for ctx in CONTEXTS for op in OPERATIONS))
    return table


def isolation(
    target: Annotated[str, typer.Option(
        "--target", help="Workbench-owned database to test (e.g. one made by workbench clone).",
        show_default=False)],
    dsn: DsnOption = None,
    tenant_column: TenantColumnOption = None,
    tenant_table: TenantTableOption = None,
    tenancy: TenancyOption = None,
    schema: SchemaOption = None,
    app_role: Annotated[str | None, typer.Option(
        "--app-role", help="Role the test user is a member of (default: authenticated, if "
        "it exists).", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the matrix as JSON.",
                                                show_default=False)] = None,
    fail_on_leak: Annotated[bool, typer.Option(
        "--fail-on-leak", help="Exit 1 when any attempt crossed tenants.")] = False,
) -> None:
    """As tenant A, try to read and change tenant B's rows (rolled back).

    Every tenant table and the tenant table itself (B's own row there),
    each with the control that tenant A's context shows A its own row.
    """
    settings = settings_from(dsn)
    if app_role is not None:  # the library takes a missing role as "none"; a user means one
        with dbmod.connection(settings, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (app_role,)).fetchone() \
                    is None:
                raise BadParameter(f"--app-role {app_role!r} is no role on this server: pass "
                                   "an existing one")
    options = AuditOptions(tenant_column=tenant_column, tenant_table=tenant_table,
                           schemas=tuple(schema or ()), tenancy=tenancy_from(tenancy))
    matrix = run_isolation(settings, target, options, app_role=app_role)
    if not matrix.cells:
        err_console.print("no tenant tables found: nothing to test (see `workbench tenancy "
                          "show`; --tenant-table or --tenancy FILE)")
    else:
        console.print(_table(matrix))
        leaks = matrix.leaks()
        context = ", ".join(matrix.settings) or "no setting"
        console.print(f"{len(leaks)} of {len(matrix.cells)} attempts leaked across "
                      f"{len({c.table for c in leaks})} table(s); tenant A's context: {context}"
                      + ("; JWT sub = a member of A" if matrix.jwt_sub else ""))
        if not matrix.context_understood():
            err_console.print("warning: in tenant A's context A saw none of its own rows; the "
                              "'ok' cells may only mean the context was not understood")
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(matrix.to_dict(), indent=2, default=str))
    if fail_on_leak and matrix.leaks():
        raise SystemExit(1)


def register(app: typer.Typer) -> None:
    """Attach ``isolation`` to the main app."""
    app.command("isolation")(isolation)
