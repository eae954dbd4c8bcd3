"""What notebook 06 (tenant isolation) calls: the isolation harness on both variants, as frames.

The harness (:func:`workbench.audit.isolation.run_isolation`) tries, as tenant A, to read and
write tenant B's rows in every tenant table, with the tenant setting set and unset, and rolls
everything back. The notebook shows its outcomes; the loops and the chart live here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from workbench import charts
from workbench.audit.isolation import OUTCOMES, run_isolation
from workbench.settings import VARIANTS, Settings


def isolation_variants(settings: Settings | None = None) -> dict[str, pd.DataFrame]:
    """The harness's attempts on each variant: table, operation, context, outcome, detail."""
    s = settings or Settings.load()
    return {variant: run_isolation(s, s.database_for(variant)).frame() for variant in VARIANTS}


def outcome_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Attempts per variant and context, by outcome (leaked, error, blocked, not-testable)."""
    cells = pd.concat(frames, names=["variant"]).reset_index(level=0)
    return (cells.groupby(["variant", "context", "outcome"]).size().unstack(fill_value=0)
            .reindex(columns=[o for o in OUTCOMES if o in set(cells["outcome"])]))


def not_blocked(frames: dict[str, pd.DataFrame], variants: tuple[str, ...] = VARIANTS[1:]
                ) -> pd.DataFrame:
    """The attempts of ``variants`` (the mitigated ones by default) that were not blocked."""
    cells = pd.concat({v: frames[v] for v in variants}, names=["variant"]).reset_index(level=0)
    return cells[cells["outcome"] != "blocked"].reset_index(drop=True)


def matrix_chart(frames: dict[str, pd.DataFrame], run_dir: str | Path,
                 name: str = "06_isolation_matrix") -> Figure:
    """Table x (context, operation) grid per variant, coloured by outcome (saved as PNG)."""
    import matplotlib.pyplot as plt

    codes = {outcome: i for i, outcome in enumerate(OUTCOMES)}
    fig, axes = plt.subplots(1, len(frames), figsize=(6 * len(frames), 6), sharey=True,
                             squeeze=False)
    for ax, (variant, frame) in zip(axes[0], frames.items(), strict=True):
        grid = (frame.assign(col=frame["context"] + " " + frame["operation"],
                             code=frame["outcome"].map(codes))
                .pivot(index="table", columns="col", values="code"))
        ax.imshow(grid.values, cmap="RdYlGn", vmin=0, vmax=len(OUTCOMES) - 1, aspect="auto")
        ax.set_xticks(range(len(grid.columns)), grid.columns, rotation=60, ha="right")
        ax.set_yticks(range(len(grid.index)), grid.index)
        ax.set_title(f"{variant}: {(frame['outcome'] == 'leaked').sum()} leaks")
    fig.suptitle("red = leaked, orange = error, green = blocked")
    fig.tight_layout()
    charts.save(fig, run_dir, name)
    return fig
