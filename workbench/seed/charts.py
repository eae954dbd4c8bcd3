"""The seeding notebook's charts, saved where the report embeds them.

Each takes a frame from :mod:`workbench.seed.stats` and returns the figure after saving it as
``<run_dir>/charts/01_seed_<name>.png``. The reviewed profile's distribution charts are in
:mod:`workbench.seed.profiles.reviewed.distribution_charts`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import polars as pl
from matplotlib.figure import Figure

from workbench import charts


def table_sizes(sizes: pl.DataFrame, run_dir: str | Path) -> Figure:
    """Rows per table (log) and MB split into table and indexes."""
    fig, ax = plt.subplots(1, 2, figsize=(12, 4.5))
    s = sizes.sort("row_count")
    ax[0].barh(s["table_name"], s["row_count"])
    ax[0].set_xscale("log")
    ax[0].set_title("rows (log)")
    ax[1].barh(s["table_name"], s["table_mb"], label="table")
    ax[1].barh(s["table_name"], s["index_mb"], left=s["table_mb"], label="indexes")
    ax[1].set_title("MB")
    ax[1].legend()
    fig.tight_layout()
    charts.save(fig, run_dir, "01_seed_table_sizes")
    return fig
