"""``workbench explain``: EXPLAIN ANALYZE the query catalog, or any schema's queries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from workbench import db as dbmod
from workbench import explain as explainmod
from workbench.cli._common import DatabaseOption, DsnOption, console, settings_from
from workbench.errors import BadParameter
from workbench.queries import draw_parameters, select_queries
from workbench.querysets import plans

QueriesFromOption = Annotated[str | None, typer.Option(
    "--queries-from", help="Server whose pg_stat_statements gives the queries (only read).",
    show_default=False)]
QueriesDirOption = Annotated[Path | None, typer.Option(
    "--queries-dir", help="Folder of .sql files, one named query each.", show_default=False)]
TargetOption = Annotated[str | None, typer.Option(
    "--target", help="A workbench-owned database holding any schema (e.g. a clone); its "
    "queries come from --queries-from, --queries-dir, or are inferred.", show_default=False)]
TenancyOption = Annotated[Path | None, typer.Option(
    "--tenancy", help="Tenant model TOML (workbench tenancy save) instead of inference.",
    show_default=False)]


def _print(title: str, summary: pd.DataFrame, findings: pd.DataFrame) -> None:
    table = Table(title=title)
    for col in ("query", "params", "ms", "shape", "shapes", "findings"):
        table.add_column(col, overflow="fold")  # a query's name is what the reader looks for
    counts = findings.groupby(["query", "params"])["kind"].apply(
        lambda s: ", ".join(sorted(set(s)))
    ) if not findings.empty else pd.Series(dtype=str)
    for _, row in summary.iterrows():
        table.add_row(row["query"], row["params"], f"{row['explain_median_ms']:.2f}", row["shape"],
                      str(row["shapes_seen"]), counts.get((row["query"], row["params"]), ""))
    console.print(table)


def explain_cmd(
    queries: Annotated[
        list[str] | None, typer.Argument(help="Query names (default all).")
    ] = None,
    variant: Annotated[str, typer.Option("--variant", help="baseline or remediated.")] = "baseline",
    repeats: Annotated[int, typer.Option("--repeats", help="EXPLAIN ANALYZE runs kept.")] = 3,
    warmup: Annotated[int, typer.Option("--warmup", help="Discarded runs first.")] = 1,
    tree: Annotated[bool, typer.Option("--tree", help="Print each plan as a tree.")] = False,
    target: TargetOption = None,
    queries_from: QueriesFromOption = None,
    queries_dir: QueriesDirOption = None,
    tenancy_file: TenancyOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Run folder for a --target run.",
                                             show_default=False)] = None,
    dsn: DsnOption = None,
    database: DatabaseOption = None,
) -> None:
    """EXPLAIN (ANALYZE, BUFFERS, SETTINGS) queries; save plans; list findings."""
    if repeats < 1 or warmup < 0:
        raise BadParameter(f"--repeats must be 1 or more and --warmup 0 or more, got "
                           f"{repeats} and {warmup}")
    if target and variant != "baseline":
        raise BadParameter("--variant names the workbench's own databases; --target names "
                           "the database: pass one")
    if not (target or queries_from or queries_dir) and (tenancy_file or out):
        raise BadParameter("--tenancy and --out go with --target DB (or --queries-from/-dir)")
    settings = settings_from(dsn, database)
    if target or queries_from or queries_dir:
        name = target or settings.database_for(variant)
        run = plans.explain_target(settings, name, names=tuple(queries or ()),
                               queries_from=queries_from, queries_dir=queries_dir,
                               tenancy_file=tenancy_file, repeats=repeats, warmup=warmup, out=out)
        caps, findings = run.captures, run.findings
        for s in run.skipped:
            console.print(f"skipped {s.name}: {s.reason}")
        title = f"{name}: {len(run.queries.queries)} queries ({run.queries.source})"
        saved = run.folder
    else:
        name = settings.database_for(variant)
        chosen = select_queries(tuple(queries or ()))
        with dbmod.connection(settings, name, autocommit=True, prepare_threshold=None) as conn:
            sets = draw_parameters(conn)
            caps = explainmod.capture(conn, chosen, sets, variant=variant, warmup=warmup,
                                      repeats=repeats)
            findings = explainmod.judge(caps, explainmod.relation_rows(conn))
        saved = settings.results_dir / "explain" / variant
        explainmod.save_captures(caps, saved)
        title = f"{name}: EXPLAIN ANALYZE (instrumented timings, median of {repeats})"
    _print(title, explainmod.summary_frame(caps), findings)
    if tree:
        for cap in caps:
            console.print(f"[bold]{cap.query} {cap.params}[/bold]")
            print(explainmod.render_tree(cap.plan))
    console.print(f"{len(findings)} findings over {len(caps)} plans; saved in {saved}")


def register(app: typer.Typer) -> None:
    """Attach ``explain`` to the main app."""
    app.command("explain")(explain_cmd)
