"""``workbench clone``: a schema-only copy of a user's database the workbench may write to."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._common import AllowDestroyOption, DsnOption, console, settings_from
from workbench.clone import PLATFORMS, Clone, clone_from, clone_migrations
from workbench.db import describe_target
from workbench.errors import BadParameter


def _print(clone: Clone, source: str) -> None:
    same = {True: "; catalog fingerprint equal to the source's", None: "",
            False: "; catalog fingerprint DIFFERS from the source's"}[clone.same_as_source]
    roles = f"; roles created (NOLOGIN): {', '.join(clone.roles_created)}" \
        if clone.roles_created else ""
    console.print(f"cloned {source} into {clone.database}: {clone.tables} tables in "
                  f"{clone.seconds:.1f}s{roles}{same}")
    console.print(f"seed it with: workbench seed --target {clone.database}")


def clone(
    source: Annotated[str | None, typer.Option(
        "--from", help="DSN of the database to copy (schema only; password via PGPASSWORD "
        "or ~/.pgpass).", show_default=False)] = None,
    migrations: Annotated[Path | None, typer.Option(
        "--migrations", help="Build from this migrations folder instead (plain .sql files, "
        "<name>/migration.sql folders, or Drizzle with meta/_journal.json).",
        show_default=False)] = None,
    schema: Annotated[list[str] | None, typer.Option(
        "--schema", help="With --from: copy only this schema (repeatable).",
        show_default=False)] = None,
    platform: Annotated[str | None, typer.Option(
        "--platform", help=f"With --migrations: what the platform provides first "
        f"({', '.join(sorted(PLATFORMS))}).", show_default=False)] = None,
    prelude: Annotated[list[Path] | None, typer.Option(
        "--prelude", help="With --migrations: SQL run before the migrations (repeatable).",
        show_default=False)] = None,
    database: Annotated[str | None, typer.Option(
        "--database", help="Name of the database to create (default <prefix>_<source name>).",
        show_default=False)] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Rebuild the clone if it exists (a workbench-owned one).")] = False,
    dsn: DsnOption = None,
    allow_destroy: AllowDestroyOption = False,
) -> None:
    """Copy a schema into a new workbench-owned database (on --dsn's server) to seed and test."""
    if (source is None) == (migrations is None):
        raise BadParameter("pass exactly one of --from DSN or --migrations DIR")
    if source is not None and (platform or prelude):
        raise BadParameter("--platform and --prelude go with --migrations, not --from")
    if migrations is not None and schema:
        raise BadParameter("--schema goes with --from, not --migrations")
    settings = settings_from(dsn)
    if source is not None:
        made = clone_from(settings, source, schemas=tuple(schema or ()), database=database,
                          replace=replace, allow_destroy=allow_destroy)
    else:
        assert migrations is not None
        made = clone_migrations(settings, migrations, database=database,
                                prelude=tuple(prelude or ()), platform=platform,
                                replace=replace, allow_destroy=allow_destroy)
    _print(made, describe_target(source) if source is not None else str(migrations))


def register(app: typer.Typer) -> None:
    """Attach ``clone`` to the main app."""
    app.command("clone")(clone)
