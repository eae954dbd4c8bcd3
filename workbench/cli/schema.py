"""``workbench schema``: apply variants, list units, fingerprint a database."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from workbench import db as dbmod
from workbench.cli._common import (
    AllowDestroyOption,
    DatabaseOption,
    DsnOption,
    console,
    settings_from,
)
from workbench.schema import units as unitmod
from workbench.schema.fingerprint import fingerprint as take_fingerprint
from workbench.schema.variants import apply_variant

group = typer.Typer(help="The schema as reviewed and its mitigations.", no_args_is_help=True)

VariantOption = Annotated[
    str, typer.Option("--variant", help="baseline (as reviewed) or remediated (every unit).")
]
TargetOption = Annotated[
    str | None,
    typer.Option("--target", help="Database to act on (default: the variant's own database).",
                 show_default=False),
]


@group.command()
def apply(
    variant: VariantOption = "baseline",
    unit: Annotated[list[str] | None, typer.Option("--unit", help="Also apply this unit.")] = None,
    dsn: DsnOption = None,
    database: DatabaseOption = None,
    target: TargetOption = None,
    allow_destroy: AllowDestroyOption = False,
) -> None:
    """(Re)create the variant's database with the baseline DDL and the variant's units."""
    settings = settings_from(dsn, database)
    with console.status("applying…") as status:
        result = apply_variant(
            settings, variant, units=unit or (), database=target,
            allow_destroy=allow_destroy, progress=lambda s: status.update(f"applying {s}"),
        )
    units = ", ".join(result.units) or "none"
    console.print(
        f"{result.variant} applied to database {result.database} in {result.seconds:.1f}s "
        f"(units: {units})"
    )


@group.command("units")
def list_units(dsn: DsnOption = None, database: DatabaseOption = None,
               variant: VariantOption = "remediated") -> None:
    """List the mitigation units, the risks each addresses, and whether it is applied."""
    settings = settings_from(dsn, database)
    applied: list[str] = []
    name = settings.database_for(variant)
    if dbmod.database_exists(settings, name):
        with dbmod.connection(settings, name) as conn:
            applied = unitmod.applied_units(conn)
    table = Table(title=f"mitigation units (applied in {name})")
    for col in ("unit", "risks", "title", "applied"):
        table.add_column(col)
    for u in unitmod.all_units():
        table.add_row(u.id, ", ".join(u.risks), u.title, "yes" if u.id in applied else "")
    console.print(table)


def _unit_action(unit_id: str, dsn: str | None, database: str | None, target: str | None,
                 variant: str, allow_destroy: bool, revert: bool) -> None:
    settings = settings_from(dsn, database)
    name = target or settings.database_for(variant)
    dbmod.require_destroyable(settings, name, allow_destroy=allow_destroy,
                              action="revert a unit in" if revert else "apply a unit to")
    unit = unitmod.get_unit(unit_id)
    with dbmod.connection(settings, name, autocommit=True) as conn:
        (unitmod.revert_unit if revert else unitmod.apply_unit)(conn, unit)
    console.print(f"{'reverted' if revert else 'applied'} {unit.id} in {name}")


@group.command("apply-unit")
def apply_unit_cmd(
    unit: Annotated[str, typer.Argument(help="Unit id (folder name or its number).")],
    dsn: DsnOption = None, database: DatabaseOption = None, target: TargetOption = None,
    variant: VariantOption = "baseline", allow_destroy: AllowDestroyOption = False,
) -> None:
    """Apply one unit to an existing database."""
    _unit_action(unit, dsn, database, target, variant, allow_destroy, revert=False)


@group.command("revert-unit")
def revert_unit_cmd(
    unit: Annotated[str, typer.Argument(help="Unit id (folder name or its number).")],
    dsn: DsnOption = None, database: DatabaseOption = None, target: TargetOption = None,
    variant: VariantOption = "baseline", allow_destroy: AllowDestroyOption = False,
) -> None:
    """Revert one unit in an existing database."""
    _unit_action(unit, dsn, database, target, variant, allow_destroy, revert=True)


@group.command()
def fingerprint(
    dsn: DsnOption = None, database: DatabaseOption = None, target: TargetOption = None,
    variant: VariantOption = "baseline",
    listing: Annotated[bool, typer.Option("--listing", help="Print every catalog line.")] = False,
) -> None:
    """A stable hash of the catalog (tables, columns, constraints, indexes, policies...)."""
    settings = settings_from(dsn, database)
    name = target or settings.database_for(variant)
    with dbmod.connection(settings, name) as conn:
        fp = take_fingerprint(conn)
    if listing:
        for line in fp.lines:
            print(line)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(fp.counts().items()))
    console.print(f"{name}: {fp.digest}  ({counts})")


def register(app: typer.Typer) -> None:
    """Attach ``schema`` to the main app."""
    app.add_typer(group, name="schema")
