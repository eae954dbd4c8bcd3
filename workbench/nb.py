"""The calls report notebooks make: each returns a frame or a figure, nothing else.

Notebooks stay reports (a parameters cell, a few of these calls, a chart); the logic lives
here and in the modules these call, so it is tested like any other code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from workbench import catalog, charts, db
from workbench.probes.runner import findings_frame, run_probes, select
from workbench.settings import VARIANTS, Settings


def settings() -> Settings:
    """The settings the report runner (or your shell) put in the environment."""
    return Settings.load()


def table_overview(s: Settings | None = None) -> pd.DataFrame:
    """Tables of both variants with rows, size and protection counts, one row per variant."""
    s = s or settings()
    frames = []
    for variant in VARIANTS:
        with db.connection(s, s.database_for(variant)) as conn:
            f = catalog.table_overview(conn)
        f.insert(0, "variant", variant)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def run_group(group: str, run_dir: str | Path, profile: str = "ci",
              s: Settings | None = None) -> pd.DataFrame:
    """Run a probe group on both variants, store the findings in the run, return them."""
    s = s or settings()
    findings = []
    for variant in VARIANTS:
        findings += run_probes(s, variant, Path(run_dir), select(group=group), profile=profile)
    return findings_frame(findings)


def verdict_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Risk x variant verdicts, for display."""
    if findings.empty:
        return findings
    return findings.pivot_table(index=["risk", "probe"], columns="variant", values="verdict",
                                aggfunc="first").reset_index()


def protection_chart(overview: pd.DataFrame, run_dir: str | Path) -> Figure:
    """Constraints, policies and triggers per table, baseline vs remediated (saved as PNG)."""
    import matplotlib.pyplot as plt

    o = overview.copy()
    o["protections"] = o["foreign_keys"] + o["checks_and_uniques"] + o["policies"] + o["triggers"]
    pivot = o.pivot_table(index="table_name", columns="variant", values="protections",
                          aggfunc="sum").fillna(0)
    fig, ax = plt.subplots(figsize=(10, max(3, 0.32 * len(pivot))))
    pivot.plot.barh(ax=ax, color=charts.VARIANT_COLORS)
    ax.set_xlabel("foreign keys + checks/uniques + RLS policies + triggers (from the catalog)")
    ax.set_ylabel("")
    ax.set_title("What the catalog enforces per table: baseline vs remediated")
    ax.invert_yaxis()
    charts.save(fig, run_dir, "00_protections_per_table")
    return fig
