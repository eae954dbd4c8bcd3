"""Options and helpers shared by every command group."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from workbench.settings import Settings

if TYPE_CHECKING:
    from workbench.tenancy import TenantModel

console = Console(soft_wrap=True)  # lines (paths, summaries) are never broken; tables fit the width
err_console = Console(stderr=True, soft_wrap=True)  # one line per message, for logs and CI

DsnOption = Annotated[
    str | None,
    typer.Option(
        "--dsn",
        help="PostgreSQL server to use (else WORKBENCH_DSN, else the embedded server).",
        show_default=False,
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Prefix of the workbench's own databases (<prefix>_baseline, <prefix>_remediated).",
        show_default=False,
    ),
]
AllowDestroyOption = Annotated[
    bool,
    typer.Option(
        "--allow-destroy",
        help="Allow dropping or rewriting a database the workbench did not create.",
    ),
]


def settings_from(dsn: str | None, database: str | None = None) -> Settings:
    """Build the settings object from the common options."""
    return Settings.load(dsn, prefix=database)
TenancyOption = Annotated[
    Path | None,
    typer.Option(
        "--tenancy",
        help="Tenant model to use instead of inferring one (written by `workbench tenancy save`).",
        show_default=False,
    ),
]
NoTenantOption = Annotated[
    bool,
    typer.Option(
        "--no-tenant",
        help="The schema is single-tenant: tenant checks do not apply (without it, tenant "
        "checks that find no tenant model fail --fail-on).",
    ),
]
TenantTableOption = Annotated[
    str | None,
    typer.Option("--tenant-table",
                 help="The tenant table (default: inferred from the catalog).",
                 show_default=False),
]
TenantColumnOption = Annotated[
    str | None,
    typer.Option("--tenant-column",
                 help="The tenant column tables carry (default: inferred, per table).",
                 show_default=False),
]
SchemaOption = Annotated[
    list[str] | None,
    typer.Option("--schema", help="Schema to read (default: every non-system schema).",
                 show_default=False),
]


def tenancy_from(path: Path | None) -> TenantModel | None:
    """The saved tenant model of ``--tenancy FILE`` (None without the option)."""
    if path is None:
        return None
    from workbench.tenancy import load

    return load(path)
