"""The run's ``index.html``: one self-contained page (charts embedded) with the scorecard."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from workbench.report.scorecard import Row, counts
from workbench.settings import VARIANTS


def _embedded_charts(run_dir: Path) -> list[dict[str, str]]:
    charts = []
    for png in sorted((run_dir / "charts").glob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode()
        charts.append({"name": png.stem, "file": f"charts/{png.name}",
                       "src": f"data:image/png;base64,{data}"})
    return charts


def render(run_dir: Path, rows: list[Row], manifest: dict[str, Any],
           comparison: Any | None = None) -> Path:
    """Write ``index.html`` into the run folder (with a comparison section when given)."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    page = env.get_template("index.html.j2").render(
        rows=rows, counts=counts(rows), manifest=manifest, charts=_embedded_charts(run_dir),
        comparison=comparison, variants=VARIANTS,
    )
    out = run_dir / "index.html"
    out.write_text(page)
    return out
