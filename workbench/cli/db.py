"""``workbench db``: the embedded server and the connection in use."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from workbench import db as dbmod
from workbench.cli._common import DsnOption, console, settings_from
from workbench.errors import BadParameter
from workbench.server import EmbeddedServer
from workbench.settings import redact

group = typer.Typer(help="Start, stop and inspect the database server; drop what the workbench "
                    "made.", no_args_is_help=True)


@group.command()
def start(dsn: DsnOption = None) -> None:
    """Start the embedded server (initialising it on first use); a DSN is only checked."""
    settings = settings_from(dsn)
    with console.status("starting PostgreSQL…"):
        with dbmod.connection(settings, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()
    console.print(f"PostgreSQL {version[0] if version else '?'} ready: {settings.describe()}")


@group.command()
def stop() -> None:
    """Stop the embedded server (a server given by DSN is never stopped)."""
    settings = settings_from(None)
    stopped = EmbeddedServer(settings.home).stop()
    console.print("stopped" if stopped else "not running")


@group.command()
def status(dsn: DsnOption = None) -> None:
    """Show whether the server answers, and its version."""
    settings = settings_from(dsn)
    if settings.embedded:
        st = EmbeddedServer(settings.home).status()
        if not st.running:
            console.print(f"embedded server stopped ({st.pgdata})")
            raise typer.Exit(3)
        console.print(f"embedded server running: pid {st.pid}, socket {st.socket_dir}")
    with dbmod.connection(settings, autocommit=True) as conn:
        row = conn.execute("SELECT version()").fetchone()
    console.print(row[0] if row else "?")


@group.command()
def drop(
    name: Annotated[str, typer.Argument(help="A database the workbench created (a clone, a "
                                        "variant, a report's kept clone).", show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Drop without asking.")] = False,
    dsn: DsnOption = None,
) -> None:
    """Drop a database the workbench created; any other is refused."""
    settings = settings_from(dsn)
    dbmod.require_droppable(settings, name)  # a database not ours is refused before any question
    if not yes:
        if not sys.stdin.isatty():
            raise BadParameter(f"db drop {name}: pass --yes to drop it (no terminal to ask on)")
        typer.confirm(f"drop database {name} on {dbmod.describe_target(settings.conninfo(None))}?",
                      abort=True)
    dbmod.drop_owned(settings, name)
    console.print(f"dropped {name}")


@group.command()
def url(dsn: DsnOption = None) -> None:
    """Print the conninfo of the server, password redacted."""
    settings = settings_from(dsn)
    print(redact(settings.server_conninfo()))


def register(app: typer.Typer) -> None:
    """Attach ``db`` to the main app."""
    app.add_typer(group, name="db")
