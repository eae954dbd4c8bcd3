"""What notebooks 02-04 call: each returns frames or a figure and saves what the report shows.

The notebooks read the variant databases the report already built and seeded (``ci`` profile
in CI), so these functions never seed; ``repeats`` and sizes come from the notebook's
parameters, with small defaults that keep the whole ``ci`` report within its budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from workbench import charts, db, explain
from workbench.experiments.whatif import WhatIf, run_whatif, summary
from workbench.queries import catalog, draw_parameters
from workbench.schema.units import units_of_kind
from workbench.settings import Settings


def explain_catalog(settings: Settings, variant: str, run_dir: str | Path, *,
                    repeats: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, list[Any]]:
    """EXPLAIN ANALYZE every catalog query on ``variant``; summary, findings, captures (saved)."""
    with db.connection(settings, settings.database_for(variant), autocommit=True,
                       prepare_threshold=None) as conn:
        sets = draw_parameters(conn)
        caps = explain.capture(conn, catalog().values(), sets, variant=variant, warmup=1,
                               repeats=repeats)
        findings = explain.judge(caps, explain.relation_rows(conn))
    explain.save_captures(caps, Path(run_dir) / "plans" / variant)
    return explain.summary_frame(caps), findings, caps


def explain_chart(summary_: pd.DataFrame, run_dir: str | Path, name: str) -> Figure:
    """Median EXPLAIN ANALYZE time per query and parameter set (instrumented timing)."""
    import matplotlib.pyplot as plt

    pivot = summary_.pivot_table(index="query", columns="params", values="explain_median_ms")
    fig, ax = plt.subplots(figsize=(9, max(3, 0.35 * len(pivot))))
    pivot.plot.barh(ax=ax, logx=True)
    ax.set_xlabel("ms, EXPLAIN ANALYZE execution time (instrumented: inflated vs plain runs)")
    ax.set_ylabel("")
    ax.set_title("Catalog queries: where time goes per tenant size and window")
    ax.invert_yaxis()
    charts.save(fig, run_dir, name)
    return fig


def index_units() -> list[str]:
    """The index mitigation units (``kind = "index"`` in their unit.toml), in order."""
    return [u.id for u in units_of_kind("index")]


def index_experiments(settings: Settings, run_dir: str | Path, *, repeats: int = 3,
                      cycles: int = 1, write_rows: int = 200,
                      units: list[str] | None = None) -> list[WhatIf]:
    """Run the what-if harness for every index unit on the baseline variant (reverted after)."""
    out = []
    with db.connection(settings, settings.database_for("baseline"), autocommit=True,
                       prepare_threshold=None) as conn:
        sets = draw_parameters(conn)
        for unit in units or index_units():
            result = run_whatif(conn, unit, param_sets=sets, repeats=repeats, cycles=cycles,
                                write_rows=write_rows)
            result.save(Path(run_dir) / "whatif")
            out.append(result)
    return out


def latency_chart(results: list[WhatIf], run_dir: str | Path) -> Figure:
    """Median latency before/after per unit and query (p95 as the whisker), plain executions."""
    import matplotlib.pyplot as plt

    frames = []
    for r in results:
        lat = r.latency()
        if not lat.empty:
            lat.insert(0, "unit", r.unit)
            frames.append(lat)
    lat = pd.concat(frames, ignore_index=True)
    lat["label"] = lat["unit"].str[:4] + " " + lat["query"] + " " + lat["params"]
    fig, ax = plt.subplots(figsize=(9, max(3, 0.28 * len(lat))))
    y = range(len(lat))
    for col, colour, dy in (("before", "#c62828", -0.2), ("after", "#2e7d32", 0.2)):
        med, p95 = lat[f"median_{col}"], lat[f"p95_{col}"]
        ax.errorbar(med, [i + dy for i in y], xerr=[[0] * len(lat), (p95 - med).clip(lower=0)],
                    fmt="o", color=colour, label=col, markersize=4)
    ax.set_yticks(list(y), lat["label"], fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("ms, plain execution (client clock): median, whisker to p95")
    ax.invert_yaxis()
    ax.legend()
    ax.set_title("Index units: latency before and after")
    charts.save(fig, run_dir, "03_index_latency")
    return fig


def index_gain_chart(results: list[WhatIf], run_dir: str | Path) -> Figure:
    """Index bytes vs median speedup, and insert slowdown, per unit."""
    import matplotlib.pyplot as plt

    s = summary(results)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.5))
    a.scatter(s["index_bytes"] / 1024, s["median_speedup"])
    for _, row in s.iterrows():
        a.annotate(row["unit"][:4], (row["index_bytes"] / 1024, row["median_speedup"]))
    a.axhline(1.0, color="grey", linewidth=0.8)
    a.set_xlabel("index size, KiB")
    a.set_ylabel("median speedup (before / after)")
    b.barh(s["unit"].str[:22], s["write_slowdown"].fillna(0))
    b.axvline(1.0, color="grey", linewidth=0.8)
    b.set_xlabel("insert slowdown (rows/s before / after)")
    fig.suptitle("Index size vs gain, and write cost")
    fig.tight_layout()
    charts.save(fig, run_dir, "03_index_gain_and_write_cost")
    return fig
