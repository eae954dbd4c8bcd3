"""Options and helpers shared by every command group."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from workbench.settings import Settings

console = Console()
err_console = Console(stderr=True)

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
