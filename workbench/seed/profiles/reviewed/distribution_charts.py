"""The reviewed profile's distribution charts, saved where the report embeds them.

Each takes a frame from :mod:`workbench.seed.profiles.reviewed.distributions` and returns the
figure after saving it as ``<run_dir>/charts/01_seed_<name>.png``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import polars as pl
from matplotlib.figure import Figure

from workbench import charts
from workbench.seed.profile import Profile


def tenant_sizes(tenants: pl.DataFrame, profile: Profile, run_dir: str | Path) -> Figure:
    """Rows per tenant by rank, log-log: the heavy tail the profile's skew asks for."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for col in ("activities", "email_history", "customers", "orders"):
        ax.plot(range(1, tenants.height + 1), tenants[col], marker="o", label=col)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("tenant rank")
    ax.set_ylabel("rows")
    ax.set_title(f"rows per tenant, profile {profile.name} (skew {profile.skew})")
    ax.legend()
    fig.tight_layout()
    charts.save(fig, run_dir, "01_seed_tenant_sizes")
    return fig


def volume_over_time(daily: pl.DataFrame, hours: pl.DataFrame, run_dir: str | Path) -> Figure:
    """Rows per local day (growth, weekdays) and the business-hour shape."""
    fig, ax = plt.subplots(1, 2, figsize=(13, 4))
    ax[0].plot(daily["day"], daily["activities"], label="activities")
    ax[0].plot(daily["day"], daily["email_history"], label="email_history")
    ax[0].set_title("rows per local day")
    ax[0].legend()
    ax[0].tick_params(axis="x", rotation=30)
    ax[1].bar(hours["local_hour"], hours["share"])
    ax[1].set_title("activities by local hour")
    fig.tight_layout()
    charts.save(fig, run_dir, "01_seed_volume_over_time")
    return fig
