"""``workbench report``: run the notebooks into a results bundle and score every risk."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from workbench.cli._common import DatabaseOption, DsnOption, console, settings_from
from workbench.errors import BadParameter
from workbench.report.run import ReportResult, run_report


def _parse_parameters(raw: list[str] | None) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in raw or []:
        if "=" not in item:
            raise BadParameter(f"parameter {item!r} must look like NAME=VALUE")
        key, value = item.split("=", 1)
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def _summary(result: ReportResult) -> None:
    counts: dict[str, dict[str, int]] = {}
    for row in result.rows:
        for variant, cell in row.variants.items():
            counts.setdefault(variant, {}).setdefault(cell.verdict, 0)
            counts[variant][cell.verdict] += 1
    verdicts = sorted({v for c in counts.values() for v in c})
    table = Table(title=f"{len(result.rows)} risks")
    table.add_column("variant")
    for v in verdicts:
        table.add_column(v, justify="right")
    for variant, c in counts.items():
        table.add_row(variant, *(str(c.get(v, 0)) for v in verdicts))
    console.print(table)
    nbt = Table(title="notebooks")
    for col in ("notebook", "status", "seconds", "detail"):
        nbt.add_column(col)
    for run in result.notebooks:
        detail = "" if run.status == "ok" else f"cell {run.failed_cell}: {run.error}"
        style = "" if run.status == "ok" else "red"
        nbt.add_row(run.name, run.status, f"{run.seconds:.1f}", detail, style=style)
    console.print(nbt)
    console.print(
        f"[bold]{result.status}[/bold] in {result.timings.get('total', 0):.0f}s "
        f"(prepare {result.timings.get('prepare', 0):.0f}s) — report: {result.run_dir / 'index.html'}"
    )


def report(
    profile: Annotated[str, typer.Option("--profile", help="Seeding profile (seeds/NAME.toml).")] = "ci",
    notebook: Annotated[list[str] | None, typer.Option(
        "--notebook", help="Run only this notebook (name or number prefix); repeatable.")] = None,
    parameter: Annotated[list[str] | None, typer.Option(
        "-p", "--parameter", help="Notebook parameter NAME=VALUE; repeatable.")] = None,
    dsn: DsnOption = None,
    database: DatabaseOption = None,
) -> None:
    """Execute the notebooks with papermill into results/<run-id>/ and write the scorecard."""
    settings = settings_from(dsn, database)
    _check_profile(profile)
    params = _parse_parameters(parameter)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        result = run_report(settings, profile=profile, only=notebook, parameters=params,
                            progress=lambda msg: bar.update(task, description=msg))
    _summary(result)
    if result.status != "ok":
        raise typer.Exit(1)


def _check_profile(profile: str) -> None:
    """Fail fast on an unknown profile, before anything is built."""
    try:
        from workbench.seed import load_profile
    except ImportError:
        return
    load_profile(profile)


def register(app: typer.Typer) -> None:
    """Attach ``report`` to the main app."""
    app.command("report")(report)
