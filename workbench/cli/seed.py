"""``workbench seed``: fill a variant's database with a profile's synthetic tenants."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from workbench import db
from workbench.cli._common import (
    AllowDestroyOption,
    DatabaseOption,
    DsnOption,
    SchemaOption,
    TenancyOption,
    console,
    settings_from,
    tenancy_from,
)
from workbench.errors import BadParameter
from workbench.seed import SeedReport, load_profile, seed_database
from workbench.seed.safety import restore_keys, terminate_as_interrupt
from workbench.settings import VARIANTS, Settings


def _summary(report: SeedReport) -> Table:
    table = Table(title=f"seeded {report.database} ({report.profile}, scale {report.scale:g}, "
                        f"seed {report.seed}) in {report.wall_seconds:.1f}s")
    for col in ("table", "rows", "MB", "load s", "rows/s"):
        table.add_column(col, justify="left" if col == "table" else "right")
    for name, s in sorted(report.tables.items()):
        rate = f"{s.rows / s.seconds:,.0f}" if s.seconds else ""
        table.add_row(name, f"{s.rows:,}", f"{s.size_bytes / 1e6:.1f}", f"{s.seconds:.2f}", rate)
    phases = ", ".join(f"{k} {v:.1f}s" for k, v in report.phases.items())
    table.caption = f"{report.rows:,} rows; {phases}; peak RSS {report.peak_rss_mb:.0f} MB"
    return table


def _schemas_of(settings: Settings, target: str | None) -> tuple[str, ...]:
    """Without --schema, a --target's every non-system schema (as `workbench tenancy show` reads
    it, and `report --schema` seeds it); the reviewed schema's variants live in public."""
    if not target:
        return ("public",)
    from workbench.tenancy.catalog import audited_schemas

    with db.connection(settings, target, autocommit=True) as conn:
        return audited_schemas(conn) or ("public",)


def _explain(settings: Settings, database: str, profile: str, scale: float,
             schemas: tuple[str, ...], model: Any = None) -> str:
    """The plan listing of one database (tables a profile's generators make say so)."""
    from workbench.seed.catalog_runner import explain_plan

    prof = load_profile(profile, scale)
    head = f"{database}: would be seeded from its catalog with profile {prof.name!r}\n"
    return head + explain_plan(settings, database, prof, schemas=schemas, model=model)


def _bar_progress(bar: Progress) -> Callable[[str, int, int], None]:
    """A progress callback drawing one bar per table with its rows/s."""
    tasks: dict[str, TaskID] = {}
    started = time.perf_counter()

    def progress(table: str, rows: int, planned: int) -> None:
        if table not in tasks:
            tasks[table] = bar.add_task(table, total=planned or None, rate="")
        task = tasks[table]
        bar.advance(task, rows)
        rate = bar.tasks[task].completed / max(time.perf_counter() - started, 1e-3)
        bar.update(task, rate=f"{rate:,.0f} rows/s")

    return progress


def _opt(flag: str, text: str, **kw: Any) -> Any:
    return typer.Option(flag, help=text, **kw)


def seed(
    profile: Annotated[str, _opt("--profile", "Profile in seeds/ (or a .toml path).")] = "ci",
    scale: Annotated[float, _opt("--scale", "Multiply every volume of the profile.")] = 1.0,
    seed_value: Annotated[int, _opt("--seed", "Random seed; same seed, same rows.")] = 0,
    workers: Annotated[int, _opt("--workers", "Loader processes.")] = 2,
    variant: Annotated[str, _opt("--variant", "baseline, remediated or both.")] = "both",
    target: Annotated[str | None, _opt("--target", "Seed this database instead.",
                                       show_default=False)] = None,
    replace: Annotated[bool, _opt("--replace", "Empty a seeded database first.")] = False,
    resume: Annotated[bool, _opt("--resume", "Finish an interrupted run.")] = False,
    restore: Annotated[bool, _opt("--restore", "Only put back the keys and indexes a killed "
                                  "run left dropped (then --resume or --replace).")] = False,
    anomalies: Annotated[Path | None, _opt("--anomalies", "TOML file: defect kind = count.",
                                           show_default=False)] = None,
    copy_format: Annotated[str, _opt("--copy-format", "binary (where column types allow) or "
                                     "csv.")] = "binary",
    manifest: Annotated[Path | None, _opt("--manifest", "Where to save the report (default "
                                          "results/seed/<database>.json).",
                                          show_default=False)] = None,
    explain: Annotated[bool, _opt("--explain-plan", "Print what would be generated for each "
                                  "table and column, and why; change nothing.")] = False,
    schema: SchemaOption = None,
    tenancy: TenancyOption = None,
    dsn: DsnOption = None,
    database: DatabaseOption = None,
    allow_destroy: AllowDestroyOption = False,
) -> None:
    """Seed the variant databases, or any database (--target, or --database naming one).

    Every table comes from the database's catalog, except those the profile hands to its own
    generators (the shipped profiles: the reviewed schema's, when the database has its tables).
    """
    if sum((replace, resume, restore)) > 1:
        raise BadParameter("--replace, --resume and --restore exclude each other; pass one")
    if variant not in (*VARIANTS, "both"):
        raise BadParameter(f"--variant must be baseline, remediated or both, got {variant!r}")
    if not restore:
        load_profile(profile, scale)  # a bad profile or scale is named before any server is asked
    settings = settings_from(dsn, database)
    if database and not target and db.database_exists(settings, database):
        target = database  # --database names a database (e.g. one `workbench clone` made)
    names = [target] if target else [
        settings.database_for(v) for v in (VARIANTS if variant == "both" else (variant,))]
    if restore:
        for name in names:
            waiting, seconds = restore_keys(settings, name, workers=workers,
                                            allow_destroy=allow_destroy)
            steps = ", ".join(f"{k} {v:.1f}s" for k, v in seconds.items())
            console.print(f"{name}: restored {waiting} keys, indexes and foreign keys ({steps})"
                          if waiting else f"{name}: nothing to restore")
        return
    mode = "replace" if replace else "resume" if resume else "refuse"
    schemas = tuple(schema or ()) or _schemas_of(settings, target)
    if explain:
        for name in names:
            typer.echo(_explain(settings, name, profile, scale, schemas, tenancy_from(tenancy)))
        return
    for name in names:
        with Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            with terminate_as_interrupt():  # SIGTERM/SIGHUP restore the keys like Ctrl-C
                report = seed_database(settings, name, profile, scale=scale, seed=seed_value,
                                       workers=workers, mode=mode, anomalies=anomalies,  # type: ignore[arg-type]
                                       allow_destroy=allow_destroy, progress=_bar_progress(bar),
                                       copy_format=copy_format,  # type: ignore[arg-type]
                                       schemas=schemas, tenancy=tenancy_from(tenancy))
        console.print(_summary(report))
        for what, rows in getattr(report, "costs", {}).items():
            console.print(f"[yellow]constraint cost:[/] {what}: {rows:,} rows")
        stray = {t: n for t, n in report.default_partition_rows.items() if n}
        if stray:
            console.print("[yellow]warning:[/] rows outside the monthly partitions (DEFAULT): "
                          + ", ".join(f"{t} {n:,}" for t, n in stray.items())
                          + "; move the profile's end date into the partitioned range")
        path = report.save(manifest if manifest and len(names) == 1 else
                           settings.results_dir / "seed" / f"{name}.json")
        console.print(f"report saved to {path}")


def register(app: typer.Typer) -> None:
    """Attach ``seed`` to the main app."""
    app.command("seed")(seed)
