"""Growth: the same queries at several data sizes that follow the profile, plan flips marked.

A growth curve measured over a few thousand rows shows noise, not growth. The sizes here come
from the profile: its full volume is the top point, and the curve reaches down as many decades
as the volume allows while the smallest point still holds :data:`MIN_ROWS` rows, up to
:data:`MAX_DECADES` (so ``premortem``'s ~25M rows span 25k..25M, three decades; ``ci``'s ~40k
span one). Below three decades each decade gets a midpoint, so a short curve still has three
points.

:func:`growth_of` runs on any workbench-owned database with a query set: it reseeds the
database at each scale (smallest first, so it ends at the profile's full volume, as seeded
before), captures each query's plan (EXPLAIN ANALYZE, parameters drawn per tenant at that
scale) and marks a plan flip where a query's plan fingerprint differs from the previous scale's.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure

from workbench import db, explain
from workbench.querysets import draw, plans
from workbench.querysets.model import QuerySet
from workbench.seed import load_profile, seed_database
from workbench.seed.profile import Profile
from workbench.settings import Settings

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel

MIN_ROWS = 3_000
MAX_DECADES = 3
REVIEWED_SYNTHETIC_ROWS = 120_000  # the profile's synthetic_data at scale 1


def profile_rows(profile: Profile) -> float:
    """The profile's planned rows at its own scale: per-tenant rows and per-day rows.

    A catalog-engine profile keeps the same keys, so the estimate holds for any schema; per
    parent rows (children) are left out, which only makes the estimate conservative.
    """
    per_tenant = sum(profile.per_tenant.values())
    per_day = sum(profile.per_day.values()) * profile.days
    return float(profile.tenants) * (per_tenant + per_day)


def scales_for(profile: Profile | str, *, min_rows: float = MIN_ROWS,
               max_decades: int = MAX_DECADES) -> list[float]:
    """Scale factors for the growth curve, smallest first, ending at 1.0 (the full volume)."""
    prof = load_profile(profile) if isinstance(profile, str) else profile
    total = max(profile_rows(prof), 1.0)
    decades = max(1, min(max_decades, int(math.floor(math.log10(max(total / min_rows, 1.0))))))
    step = 1.0 if decades >= MAX_DECADES else 0.5
    points = int(round(decades / step))
    return [round(10 ** (-k * step), 6) for k in range(points, -1, -1)]


def mark_flips(frame: pd.DataFrame, keys: tuple[str, ...] = ("query", "params")) -> pd.DataFrame:
    """Add ``flipped``: the plan fingerprint differs from the same query's at the scale before.

    ``keys`` say what "the same query" is (add ``layout`` when layouts are compared).
    """
    if frame.empty:
        return frame.assign(flipped=pd.Series(dtype=bool))
    frame = frame.sort_values([*keys, "scale"]).copy()
    previous = frame.groupby(list(keys))["shape"].shift()
    frame["flipped"] = previous.notna() & (previous != frame["shape"])
    return frame.reset_index(drop=True)


def growth_of(
    settings: Settings,
    target: str,
    model: TenantModel,
    queries: QuerySet,
    profile: Profile | str,
    *,
    scales: list[float] | None = None,
    repeats: int = 1,
    seed: int = 0,
    workers: int = 2,
) -> pd.DataFrame:
    """Per scale, query and tenant: rows seeded, plan fingerprint, EXPLAIN ANALYZE median ms.

    ``target`` must be workbench-owned; it is reseeded at every scale and left at the last one.
    """
    if not db.is_owned(settings, target):
        from workbench.errors import UnsafeOperation

        raise UnsafeOperation(f"refusing to reseed {target!r} for growth: the workbench did not "
                              "create it")
    prof = load_profile(profile) if isinstance(profile, str) else profile
    rows: list[dict[str, Any]] = []
    schemas = tuple(model.schemas) or ("public",)
    for scale in scales or scales_for(prof):
        report = seed_database(settings, target, prof, scale=scale, seed=seed, workers=workers,
                               mode="replace", schemas=schemas)
        seeded = report.rows
        with db.connection(settings, target, autocommit=True, prepare_threshold=None) as conn:
            conn.execute("ANALYZE")
            drawer = draw.Drawer(conn, model)
            sets, _ = drawer.param_sets(queries.queries, draw.pick(draw.tenants(conn, model)))
            run = plans.capture_set(conn, queries, sets, variant=f"x{scale:g}", warmup=1,
                                    repeats=repeats)
        for row in explain.summary_frame(run.captures).to_dict(orient="records"):
            rows.append({"scale": scale, "rows_seeded": seeded, "query": row["query"],
                         "params": row["params"], "shape": row["shape"],
                         "median_ms": row["explain_median_ms"], "top_node": row["top_node"],
                         "timing": "EXPLAIN ANALYZE median (instrumented)"})
    return mark_flips(pd.DataFrame(rows))


def flips(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the plan flips: query, tenant, the scale it flipped at, and the shapes."""
    if frame.empty:
        return frame
    out = frame.copy()
    out["shape_before"] = out.groupby(["query", "params"])["shape"].shift()
    return out[out["flipped"]][["query", "params", "scale", "rows_seeded", "shape_before",
                                "shape", "median_ms"]]


def growth_chart(frame: pd.DataFrame, *, top: int = 12) -> Figure:
    """Median ms vs rows seeded (log-log) for the slowest queries; a ring where a plan flipped."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.5))
    if frame.empty:
        ax.set_title("Growth: no measurements")
        return fig
    large = frame[frame["params"].str.startswith("large")]
    slowest = large.groupby("query")["median_ms"].max().nlargest(top).index
    for query in slowest:
        g = large[large["query"] == query].sort_values("rows_seeded")
        ax.plot(g["rows_seeded"], g["median_ms"], marker="o", label=query)
        f = g[g["flipped"]]
        ax.scatter(f["rows_seeded"], f["median_ms"], s=160, facecolors="none",
                   edgecolors="black")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rows seeded (profile volume x scale)")
    ax.set_ylabel("ms, EXPLAIN ANALYZE median (largest tenant)")
    ax.set_title("Growth at the profile's scales; rings mark plan flips")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    return fig
