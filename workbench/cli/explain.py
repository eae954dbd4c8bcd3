"""``workbench explain``: EXPLAIN ANALYZE the query catalog on a variant's database."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from workbench import db as dbmod
from workbench import explain as explainmod
from workbench.cli._common import DatabaseOption, DsnOption, console, settings_from
from workbench.queries import draw_parameters, select_queries


def explain_cmd(
    queries: Annotated[
        list[str] | None, typer.Argument(help="Catalog query names (default all).")
    ] = None,
    variant: Annotated[str, typer.Option("--variant", help="baseline or remediated.")] = "baseline",
    repeats: Annotated[int, typer.Option("--repeats", help="EXPLAIN ANALYZE runs kept.")] = 3,
    warmup: Annotated[int, typer.Option("--warmup", help="Discarded runs first.")] = 1,
    tree: Annotated[bool, typer.Option("--tree", help="Print each plan as a tree.")] = False,
    dsn: DsnOption = None,
    database: DatabaseOption = None,
) -> None:
    """EXPLAIN (ANALYZE, BUFFERS, SETTINGS) catalog queries; save plans; list findings."""
    settings = settings_from(dsn, database)
    name = settings.database_for(variant)
    chosen = select_queries(tuple(queries or ()))
    with dbmod.connection(settings, name, autocommit=True, prepare_threshold=None) as conn:
        sets = draw_parameters(conn)
        caps = explainmod.capture(conn, chosen, sets, variant=variant, warmup=warmup,
                                  repeats=repeats)
        findings = explainmod.judge(caps, explainmod.relation_rows(conn))
    folder = settings.results_dir / "explain" / variant
    explainmod.save_captures(caps, folder)
    table = Table(title=f"{name}: EXPLAIN ANALYZE (instrumented timings, median of {repeats})")
    for col in ("query", "params", "ms", "shape", "shapes", "findings"):
        table.add_column(col)
    counts = findings.groupby(["query", "params"])["kind"].apply(
        lambda s: ", ".join(sorted(set(s)))
    )
    for _, row in explainmod.summary_frame(caps).iterrows():
        table.add_row(row["query"], row["params"], f"{row['explain_median_ms']:.2f}", row["shape"],
                      str(row["shapes_seen"]), counts.get((row["query"], row["params"]), ""))
    console.print(table)
    if tree:
        for cap in caps:
            console.print(f"[bold]{cap.query} {cap.params}[/bold]")
            print(explainmod.render_tree(cap.plan))
    console.print(f"{len(findings)} findings; plans saved in {folder}")


def register(app: typer.Typer) -> None:
    """Attach ``explain`` to the main app."""
    app.command("explain")(explain_cmd)
