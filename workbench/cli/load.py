"""``workbench load``: run a Locust workload against a variant, headless and bounded in time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._common import DatabaseOption, DsnOption, console, settings_from
from workbench.cli.explain import QueriesDirOption, QueriesFromOption, TargetOption
from workbench.errors import BadParameter, NotFound
from workbench.load.queryset_load import load_target
from workbench.load.runner import LoadSpec, check_shape, run_load
from workbench.load.workload import list_workloads
from workbench.load.writes import WRITE_SHARE

Workload = Annotated[str | None, typer.Option(
    "--workload", help="Profile in loadtests/workloads/ (the reviewed schema's catalog).",
    show_default=False)]
Users = Annotated[int, typer.Option("--users", "-u", help="Simulated users.")]
SpawnRate = Annotated[float, typer.Option("--spawn-rate", "-r", help="Users started per second.")]
Duration = Annotated[str, typer.Option("--duration", "-t", help="How long: 10s, 2m, 1h.")]
Processes = Annotated[int, typer.Option("--processes", help="Locust processes on this machine.")]
Variants = Annotated[
    list[str] | None, typer.Option("--variant", help="baseline and/or remediated (repeatable).")
]
PoolSize = Annotated[
    int, typer.Option("--pool-size", help="psycopg pool per process (0: a connection per user).")
]
Prepare = Annotated[bool, typer.Option("--prepare/--no-prepare", help="Prepared statements.")]
BypassRls = Annotated[bool, typer.Option("--bypass-rls", help="Run as service_role.")]
Ui = Annotated[bool, typer.Option("--ui", help="Locust's web UI on 127.0.0.1:8089.")]
Results = Annotated[Path | None, typer.Option("--results", help="Results folder.")]
WriteShare = Annotated[float | None, typer.Option(
    "--write-share", help="With --target: the share of requests that are writes inferred from "
    "the catalog, rolled back (0: reads only).", show_default="0.2")]


def load(
    workload: Workload = None,
    users: Users = 10,
    spawn_rate: SpawnRate = 10.0,
    duration: Duration = "10s",
    processes: Processes = 1,
    variant: Variants = None,
    pool_size: PoolSize = 0,
    prepare: Prepare = False,
    bypass_rls: BypassRls = False,
    ui: Ui = False,
    results: Results = None,
    target: TargetOption = None,
    queries_from: QueriesFromOption = None,
    queries_dir: QueriesDirOption = None,
    write_share: WriteShare = None,
    dsn: DsnOption = None,
    database: DatabaseOption = None,
) -> None:
    """Run a workload with tenant-aware users; CSV, HTML and µs histograms go to results/<run>/.

    With --target DB (a workbench-owned clone of any schema): its queries instead, from
    --queries-from (pg_stat_statements, weighted by calls), --queries-dir, or inferred.
    """
    check_shape(users, spawn_rate, processes, duration)
    if pool_size < 0:
        raise BadParameter(f"--pool-size must be 0 (a connection per user) or more, "
                           f"got {pool_size}")
    if target:
        given = [opt for opt, on in (("--workload", workload), ("--variant", variant),
                                     ("--pool-size", pool_size), ("--prepare", prepare),
                                     ("--bypass-rls", bypass_rls), ("--ui", ui)) if on]
        if given:
            raise BadParameter(f"{', '.join(given)}: only for --workload runs (the reviewed "
                               "schema's catalog), not --target; drop them")
    elif queries_from or queries_dir or write_share is not None:
        raise BadParameter("--queries-from/--queries-dir/--write-share go with --target DB")
    if write_share is not None and not 0 <= write_share < 1:
        raise BadParameter(f"--write-share must be at least 0 and below 1, got {write_share:g}")
    settings = settings_from(dsn, database)
    if target:
        run = load_target(settings, target, queries_from=queries_from, queries_dir=queries_dir,
                          users=users, spawn_rate=spawn_rate, duration=duration,
                          processes=processes, results_dir=results,
                          write_share=WRITE_SHARE if write_share is None else write_share)
        console.print(f"[bold]{target}[/]: {run.total_rps():.0f} req/s, "
                      f"{run.failure_count()} failures -> {run.folder}")
        console.print(run.latency_us.to_string(index=False))
        return
    if workload is None:
        raise BadParameter("pass --workload NAME (the catalog's) or --target DB (any schema)")
    if workload not in list_workloads():
        raise NotFound(f"no workload {workload!r} (known: {', '.join(list_workloads())})")
    for name in variant or ["baseline"]:
        spec = LoadSpec(workload=workload, variant=name, users=users, spawn_rate=spawn_rate,
                        duration=duration, processes=processes, pool_size=pool_size,
                        prepare=prepare, role="service_role" if bypass_rls else "workbench_load")
        with console.status(f"{workload} on {name}: {users} users for {duration}…"):
            run = run_load(settings, spec, ui=ui, results_dir=results)
        outage = run.outage_summary()
        failures = (f"{run.query_failure_count()} query failures; {outage}" if outage
                    else f"{run.failure_count()} failures")
        console.print(f"[bold]{name}[/]: {run.total_rps():.0f} req/s, {failures} "
                      f"-> {run.folder}")
        console.print(run.latency_us.to_string(index=False))


def register(app: typer.Typer) -> None:
    """Attach ``load`` to the main app."""
    app.command("load")(load)
