"""Saving charts where the report finds them (``<run_dir>/charts/*.png``)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from workbench.settings import VARIANTS

# One colour per variant on every chart: the schema as reviewed red, with mitigations green.
VARIANT_COLORS = dict(zip(VARIANTS, ("#c62828", "#2e7d32"), strict=True))

# No backend is forced here: in a notebook kernel the inline backend shows every figure, and
# without a display (CLI, CI) matplotlib falls back to Agg by itself.


def save(fig: Figure, run_dir: str | Path, name: str) -> Path:
    """Write ``fig`` as ``<run_dir>/charts/<name>.png`` and return the path."""
    out = Path(run_dir) / "charts"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path
