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

from workbench.cli._common import (
    AllowDestroyOption,
    DatabaseOption,
    DsnOption,
    console,
    settings_from,
)
from workbench.errors import BadParameter
from workbench.seed import SeedReport, seed_database
from workbench.seed.safety import restore_keys, terminate_as_interrupt
from workbench.settings import VARIANTS


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
    dsn: DsnOption = None,
    database: DatabaseOption = None,
    allow_destroy: AllowDestroyOption = False,
) -> None:
    """Seed the variant databases (apply them first with `workbench schema apply`)."""
    if sum((replace, resume, restore)) > 1:
        raise BadParameter("--replace, --resume and --restore exclude each other; pass one")
    if variant not in (*VARIANTS, "both"):
        raise BadParameter(f"--variant must be baseline, remediated or both, got {variant!r}")
    settings = settings_from(dsn, database)
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
    for name in names:
        with Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            with terminate_as_interrupt():  # SIGTERM/SIGHUP restore the keys like Ctrl-C
                report = seed_database(settings, name, profile, scale=scale, seed=seed_value,
                                       workers=workers, mode=mode, anomalies=anomalies,  # type: ignore[arg-type]
                                       allow_destroy=allow_destroy, progress=_bar_progress(bar),
                                       copy_format=copy_format)  # type: ignore[arg-type]
        console.print(_summary(report))
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
