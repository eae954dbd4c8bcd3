"""What the load notebook shows: frames and charts built from load runs and probe findings.

The notebook stays a report (parameters, a few calls, charts); the shaping and plotting live
here so they are tested like the rest of the library. Every chart is saved as
``<run_dir>/charts/<name>.png`` through :func:`workbench.charts.save` and returned for display.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from workbench import charts
from workbench.charts import VARIANT_COLORS
from workbench.load.runner import LoadRun


def per_query(runs: dict[str, LoadRun]) -> pd.DataFrame:
    """Per variant and request name: count and µs percentiles (the workbench's histogram)."""
    frames = []
    for variant, run in runs.items():
        lat = run.latency_us.copy()
        lat.insert(0, "variant", variant)
        lat["rps"] = lat["count"] / max(run.seconds, 1e-9)
        frames.append(lat)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def outages(runs: dict[str, LoadRun]) -> pd.DataFrame:
    """Per variant: each server outage the users met (how long, what it cost), and the query
    failures apart from it, so a restart is not read as failing queries."""
    rows = [{"variant": variant, "seconds": o["seconds"], "failed_requests": o["failed_requests"],
             "refused_connections": o["refused_connections"], "open_at_end": o["open_at_end"],
             "query_failures": run.query_failure_count(), "first_error": o["first_error"]}
            for variant, run in runs.items() for o in run.outages]
    return pd.DataFrame(rows, columns=["variant", "seconds", "failed_requests",
                                       "refused_connections", "open_at_end", "query_failures",
                                       "first_error"])


def timeline_chart(runs: dict[str, LoadRun], run_dir: str | Path, name: str = "load_timeline"
                   ) -> Figure:
    """Throughput and p95 over time, per variant (Locust's per-second history, all requests)."""
    import matplotlib.pyplot as plt

    fig, (ax_rps, ax_p95) = plt.subplots(1, 2, figsize=(12, 4))
    for variant, run in runs.items():
        hist = run.history
        if hist.empty:
            continue
        agg = hist[hist["Name"] == "Aggregated"].copy()
        agg["t"] = agg["Timestamp"] - agg["Timestamp"].min()
        color = VARIANT_COLORS.get(variant)
        ax_rps.plot(agg["t"], agg["Requests/s"], label=variant, color=color)
        ax_p95.plot(agg["t"], pd.to_numeric(agg["95%"], errors="coerce"), label=variant,
                    color=color)
    ax_rps.set(title="throughput (all requests)", xlabel="s", ylabel="requests/s")
    ax_p95.set(title="p95 latency (Locust, whole ms)", xlabel="s", ylabel="ms")
    ax_rps.legend()
    charts.save(fig, run_dir, name)
    return fig


def percentile_chart(table: pd.DataFrame, run_dir: str | Path, name: str = "load_percentiles"
                     ) -> Figure:
    """p50/p95/p99 per request name, baseline vs remediated (µs histogram)."""
    import matplotlib.pyplot as plt

    names = sorted(set(table["name"]))
    fig, axes = plt.subplots(1, 3, figsize=(15, max(3, 0.35 * len(names) + 1)), sharey=True)
    for ax, col in zip(axes, ("p50_us", "p95_us", "p99_us"), strict=True):
        pivot = table.pivot_table(index="name", columns="variant", values=col).reindex(names)
        (pivot / 1000).plot.barh(ax=ax, color=[VARIANT_COLORS.get(c) for c in pivot.columns])
        ax.set(title=col.replace("_us", ""), xlabel="ms")
    charts.save(fig, run_dir, name)
    return fig


def pool_chart(pool: pd.DataFrame, run_dir: str | Path, name: str = "pool_exhaustion") -> Figure:
    """Throughput, p95 latency and connection wait against users, one line per variant."""
    import matplotlib.pyplot as plt

    fig, (ax_rps, ax_lat) = plt.subplots(1, 2, figsize=(12, 4))
    ladders = pool.groupby("variant") if "variant" in pool else [("", pool)]
    for variant, ladder in ladders:
        color = VARIANT_COLORS.get(str(variant))
        label = f"{variant}, pool of {int(ladder['pool_size'].iloc[0])}".lstrip(", ")
        ax_rps.plot(ladder["users"], ladder["rps"], marker="o", color=color, label=label)
        ax_lat.plot(ladder["users"], ladder["p95_us"] / 1000, marker="o", color=color,
                    label=f"{label}: request p95")
        ax_lat.plot(ladder["users"], ladder["wait_p95_us"] / 1000, marker="x", linestyle="--",
                    color=color, label=f"{label}: wait for a connection p95")
    ax_rps.set(title="throughput", xlabel="users", ylabel="requests/s")
    ax_lat.set(title="latency", xlabel="users", ylabel="ms")
    ax_rps.legend()
    ax_lat.legend()
    charts.save(fig, run_dir, name)
    return fig


def drift_chart(drift: pd.DataFrame, run_dir: str | Path, name: str = "write_drift") -> Figure:
    """Rows drifted by the concurrent write run, per check and variant."""
    import matplotlib.pyplot as plt

    pivot = drift.pivot_table(index="check", columns="variant", values="new_drift")
    fig, ax = plt.subplots(figsize=(7, 3))
    pivot.plot.barh(ax=ax, color=[VARIANT_COLORS.get(c) for c in pivot.columns])
    ax.set(title="rows drifted by a concurrent write run", xlabel="rows")
    charts.save(fig, run_dir, name)
    return fig


def rls_chart(rls: pd.DataFrame, run_dir: str | Path, name: str = "rls_cost") -> Figure:
    """p50 added by the policies per query (enforced minus bypassed), per variant."""
    import matplotlib.pyplot as plt

    pivot = rls.pivot_table(index="query", columns="variant", values="p50_added_us")
    fig, ax = plt.subplots(figsize=(7, max(3, 0.35 * len(pivot) + 1)))
    pivot.plot.barh(ax=ax, color=[VARIANT_COLORS.get(c) for c in pivot.columns])
    ax.axvline(0, color="black", linewidth=0.5)
    ax.set(title="p50 added by RLS (enforced - bypassed)", xlabel="µs")
    charts.save(fig, run_dir, name)
    return fig


def _with_roles(table: pd.DataFrame) -> pd.DataFrame:
    t = table.copy()
    parts = t["name"].str.split(" @", n=1, expand=True)
    t["query"] = parts[0]
    t["role"] = parts[1] if parts.shape[1] > 1 else None
    return t


def by_role(table: pd.DataFrame, role: str = "workbench_load") -> pd.DataFrame:
    """The rows of one role (names without the ``@role`` suffix): what the application sees."""
    t = _with_roles(table)
    t = t[t["role"].isna() | (t["role"] == role)]
    return t.assign(name=t["query"]).drop(columns=["query", "role"])


def split_roles(table: pd.DataFrame) -> pd.DataFrame:
    """RLS cost per variant and query from a run whose names carry ``@role``.

    ``table`` has a ``variant`` column and latency rows named ``query @role`` (a run with
    ``role="workbench_load,service_role"``): enforced minus bypassed, per percentile.
    """
    t = _with_roles(table)
    rows = []
    for (variant, query), g in t.groupby(["variant", "query"]):
        roles = g.set_index("role")
        if {"workbench_load", "service_role"} <= set(roles.index):
            on, off = roles.loc["workbench_load"], roles.loc["service_role"]
            rows.append({"variant": variant, "query": query, "count_enforced": on["count"],
                         "p50_us_enforced": on["p50_us"], "p50_us_bypassed": off["p50_us"],
                         "p50_added_us": on["p50_us"] - off["p50_us"],
                         "p95_us_enforced": on["p95_us"], "p95_us_bypassed": off["p95_us"],
                         "p95_added_us": on["p95_us"] - off["p95_us"]})
    return pd.DataFrame(rows)
