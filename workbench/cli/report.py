"""``workbench report``: run the notebooks into a results bundle and score every risk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from workbench.cli._common import DatabaseOption, DsnOption, console, settings_from
from workbench.cli.explain import QueriesDirOption, QueriesFromOption
from workbench.errors import BadParameter
from workbench.load.runner import check_shape
from workbench.report import scorecard
from workbench.report.run import ReportResult, run_report
from workbench.report.subject import SubjectOptions, run_subject
from workbench.risks import SEVERITIES
from workbench.settings import VARIANTS, Settings, parse_dsn


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
    counts = scorecard.counts(result.rows)
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
        f"(prepare {result.timings.get('prepare', 0):.0f}s) — "
        f"report: {result.run_dir / 'index.html'}"
    )


def report(
    profile: Annotated[str, typer.Option(
        "--profile", help="Seeding profile (seeds/NAME.toml).")] = "ci",
    notebook: Annotated[list[str] | None, typer.Option(
        "--notebook", help="Run only this notebook (name or number prefix); repeatable.")] = None,
    parameter: Annotated[list[str] | None, typer.Option(
        "-p", "--parameter", help="Notebook parameter NAME=VALUE; repeatable.")] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help="Exit 1 when a risk at or above this severity (low, medium, high, "
        "critical) stands on the --gate-variant.")] = None,
    gate_variant: Annotated[str, typer.Option(
        "--gate-variant", help="Variant --fail-on judges: remediated (not mitigated) or "
        "baseline (confirmed).")] = "remediated",
    compare: Annotated[tuple[str, str] | None, typer.Option(
        "--compare", help="Compare two runs (ids, 'latest' or paths) instead of running: "
        "adds a section to RUN_B's page and writes compare_vs_<RUN_A>.json.",
        metavar="RUN_A RUN_B")] = None,
    probes: Annotated[bool, typer.Option(
        "--probes/--no-probes", help="Also run every registered probe no notebook ran, so "
        "the scorecard is complete.")] = True,
    schema: Annotated[str | None, typer.Option(
        "--schema", help="Report on YOUR schema instead: the database to clone (only read; "
        "password via PGPASSWORD or ~/.pgpass).", show_default=False)] = None,
    migrations: Annotated[Path | None, typer.Option(
        "--migrations", help="Report on the schema these migrations build (instead of "
        "--schema).", show_default=False)] = None,
    platform: Annotated[str | None, typer.Option(
        "--platform", help="With --migrations: what the platform provides first (supabase).",
        show_default=False)] = None,
    queries_from: QueriesFromOption = None,
    queries_dir: QueriesDirOption = None,
    users: Annotated[int, typer.Option("--users", help="Load: simulated users.")] = 4,
    duration: Annotated[str, typer.Option("--duration", help="Load: how long.")] = "8s",
    growth: Annotated[bool, typer.Option("--growth/--no-growth",
                                         help="Growth curves at the profile's scales.")] = True,
    keep: Annotated[bool, typer.Option(
        "--keep/--no-keep", help="With --schema/--migrations: keep the seeded clone for "
        "explain/load/isolation --target (drop it later with `workbench db drop NAME`); by "
        "default it is dropped at the end.")] = False,
    dsn: DsnOption = None,
    database: DatabaseOption = None,
) -> None:
    """Execute the notebooks with papermill into results/<run-id>/ and write the scorecard.

    With --schema or --migrations: the whole report for any schema (clone, seed, audit,
    isolation, plans, what-if, load, growth), one bundle and one page led by findings.
    """
    if schema is not None or migrations is not None:
        given = [opt for opt, on in (("--notebook", notebook), ("--parameter", parameter),
                                     ("--compare", compare),
                                     ("--gate-variant", gate_variant != "remediated"),
                                     ("--no-probes", not probes)) if on]
        if given:
            raise BadParameter(f"{', '.join(given)}: only for the reviewed schema's report, "
                               "not --schema/--migrations; drop them")
        _subject(settings_from(dsn, database), schema, migrations, SubjectOptions(
            profile=profile, queries_from=queries_from, queries_dir=queries_dir,
            platform=platform, users=users, duration=duration, growth=growth, keep=keep),
            fail_on)
        return
    if keep:
        raise BadParameter("--keep goes with --schema/--migrations (the reviewed report's "
                           "variants are always kept); drop it")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise BadParameter(f"--fail-on {fail_on!r}: choose one of {', '.join(SEVERITIES)}")
    if gate_variant not in VARIANTS:
        raise BadParameter(f"--gate-variant {gate_variant!r}: choose one of {', '.join(VARIANTS)}")
    if compare:
        _compare(compare, settings_from(None if dsn is None else dsn, database))
        return
    settings = settings_from(dsn, database)
    _check_profile(profile)
    params = _parse_parameters(parameter)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        result = run_report(
            settings, profile=profile, only=notebook, parameters=params,
            remaining_probes=probes, progress=lambda msg: bar.update(task, description=msg),
        )
    _summary(result)
    failing = scorecard.gate(result.rows, fail_on, gate_variant) if fail_on else []
    for row in failing:
        cell = row.variants[gate_variant]
        console.print(f"[red]gate[/red] {row.id} ({row.severity}) {cell.verdict} on "
                      f"{gate_variant}: {cell.reason}")
    if failing:
        console.print(f"{len(failing)} risk(s) at or above {fail_on} stand on {gate_variant}")
    if result.status != "ok" or failing:
        raise typer.Exit(1)


def _compare(runs: tuple[str, str], settings: Settings) -> None:
    from workbench.probes.runner import load_findings
    from workbench.report import html
    from workbench.report.compare import compare, resolve_run

    run_a, run_b = (resolve_run(settings.results_dir, r) for r in runs)
    comparison = compare(run_a, run_b)
    out = run_b / f"compare_vs_{run_a.name}.json"
    out.write_text(comparison.to_json())
    if (run_b / "manifest.json").is_file():  # a report run (an explain run has no page)
        manifest = json.loads((run_b / "manifest.json").read_text())
        html.render(run_b, scorecard.build(load_findings(run_b), run_b), manifest, comparison)
    for plan in comparison.plans:
        console.print(f"plan changed: {plan['query']} {plan['params']} "
                      f"{plan['shape_before']} -> {plan['shape_after']}")
    console.print(
        f"{len(comparison.verdicts)} verdict change(s), {len(comparison.plans)} plan change(s), "
        f"{len(comparison.latencies)} latency change(s); {comparison.regressions} regression(s)"
    )
    console.print(str(out))


def _subject(settings: Settings, schema: str | None, migrations: Path | None,
             options: SubjectOptions, fail_on: str | None) -> None:
    if schema is not None and migrations is not None:
        raise BadParameter("pass one of --schema DSN or --migrations DIR, not both")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise BadParameter(f"--fail-on {fail_on!r}: choose one of {', '.join(SEVERITIES)}")
    if options.platform is not None and migrations is None:
        raise BadParameter("--platform goes with --migrations, not --schema")
    check_shape(options.users, 1.0, 1, options.duration)
    if options.queries_dir is not None and not options.queries_dir.is_dir():
        raise BadParameter(f"--queries-dir {options.queries_dir} is not a folder of .sql files")
    if options.queries_from is not None:
        parse_dsn(options.queries_from, source="--queries-from")
    _check_profile(options.profile)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        run = run_subject(settings, source=schema, migrations=migrations, options=options,
                          progress=lambda msg: bar.update(task, description=msg))
    table = Table(title=f"{run.subject}: findings")
    for col in ("severity", "from", "finding"):
        table.add_column(col)
    ordered = run.ordered()
    for f in ordered[:30]:
        table.add_row(f.severity, f.source, f.title)
    counts = ", ".join(f"{n} {sev}" for sev, n in reversed(run.counts().items()) if n)
    table.caption = (f"{len(ordered)} findings ({counts})"
                     + ("; the first 30 shown, every one on the page" if len(ordered) > 30 else ""))
    console.print(table)
    phases = ", ".join(f"{k} {v:.0f}s" for k, v in run.timings.items())
    console.print(f"[bold]{run.status}[/bold]: {phases}\nreport: {run.run_dir / 'index.html'}")
    if clone := run.facts.get("clone", {}).get("database"):
        console.print(f"the seeded clone {clone} is kept for `workbench explain/load/isolation "
                      f"--target {clone}`; drop it with `workbench db drop {clone}` when done"
                      if options.keep else f"the seeded clone {clone} was dropped (--keep "
                      "keeps it for explain/load/isolation --target)")
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    gated = [f for f in run.findings if fail_on and f.severity in rank
             and rank[f.severity] >= rank[fail_on]]
    if run.status != "ok" or gated:
        raise typer.Exit(1)


def _check_profile(profile: str) -> None:
    """Fail fast on an unknown profile, before anything is built."""
    from workbench.seed import load_profile

    load_profile(profile)


def register(app: typer.Typer) -> None:
    """Attach ``report`` to the main app."""
    app.command("report")(report)
