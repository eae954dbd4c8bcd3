"""The run's ``index.html``: one self-contained page (charts embedded) with the scorecard."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from workbench.report.scorecard import Row, counts
from workbench.settings import VARIANTS


def _embedded_charts(run_dir: Path) -> list[dict[str, str]]:
    charts = []
    for png in sorted((run_dir / "charts").glob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode()
        charts.append({"name": png.stem, "file": f"charts/{png.name}",
                       "src": f"data:image/png;base64,{data}"})
    return charts


def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def render(run_dir: Path, rows: list[Row], manifest: dict[str, Any],
           comparison: Any | None = None) -> Path:
    """Write ``index.html`` into the run folder (with a comparison section when given)."""
    page = _env().get_template("index.html.j2").render(
        rows=rows, counts=counts(rows), manifest=manifest, charts=_embedded_charts(run_dir),
        comparison=comparison, variants=VARIANTS,
    )
    out = run_dir / "index.html"
    out.write_text(page)
    return out


def _table(frame: Any, limit: int = 40) -> Markup:
    """A frame as an HTML table (pandas escapes the cells), at most ``limit`` rows."""
    if frame is None or getattr(frame, "empty", True):
        return Markup("<p><em>nothing to show</em></p>")
    return Markup(frame.head(limit).to_html(index=False, border=0, float_format="{:,.3f}".format))


def subject_sections(run_dir: Path, state: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's sections after the findings: each a title, a note and tables."""
    import json

    import pandas as pd

    out: list[dict[str, Any]] = []
    iso = run_dir / "isolation.json"
    if iso.is_file():
        cells = pd.DataFrame(json.loads(iso.read_text())["cells"])
        if not cells.empty:
            pivot = cells.pivot_table(index="table", columns=["context", "operation"],
                                      values="outcome", aggfunc="first").reset_index()
            pivot.columns = [" ".join(c).strip() if isinstance(c, tuple) else c
                             for c in pivot.columns]
            out.append({"title": "Tenant isolation matrix", "note": "As tenant A (and with no "
                        "tenant set), each operation on tenant B's row: leaked, blocked, error.",
                        "tables": [_table(pivot, 200)]})
    if "plans" in state:
        summary = state["plans"].summary()
        cols = ["query", "params", "explain_median_ms", "rows", "shape", "top_node", "findings",
                "weight"]
        slow = summary.sort_values("explain_median_ms", ascending=False)[cols]
        out.append({"title": "Plans", "note": f"{summary['query'].nunique()} queries explained "
                    "(EXPLAIN ANALYZE, instrumented timings), slowest first; plans in plans/.",
                    "tables": [_table(slow, 30)]})
    if "advice" in state:
        advice = state["advice"]
        lat = advice.latency()
        keep = ["index", "query", "params", "median_before", "median_after", "p95_before",
                "p95_after", "speedup"]
        out.append({"title": "Indexes: ranked by planner cost, the best measured",
                    "note": f"Ranking: {advice.hypopg}. Measured: plain executions, before and "
                    "after interleaved; inserts per second into the table with and without.",
                    "tables": [_table(advice.ranking(), 15),
                               _table(lat[keep] if not lat.empty else lat, 60),
                               _table(advice.write_cost())]})
    if "load" in state:
        run = state["load"]
        out.append({"title": "Load", "note": f"{run.request_count()} requests, "
                    f"{run.failure_count()} failed, {run.total_rps():.0f} req/s; per query, "
                    "microsecond histograms.", "tables": [_table(run.latency_us, 60)]})
    if "growth" in state:
        from workbench.experiments.growth import flips

        out.append({"title": "Growth", "note": "The heaviest queries at the profile's scales; "
                    "plan flips listed.", "tables": [_table(flips(state["growth"]), 40)]})
    return out


def render_subject(run_dir: Path, run: Any, state: dict[str, Any]) -> Path:
    """Write a schema report's ``index.html``: findings by severity first, then each section."""
    page = _env().get_template("subject.html.j2").render(
        run=run, findings=run.ordered(), counts=run.counts(),
        sections=subject_sections(run_dir, state), charts=_embedded_charts(run_dir))
    out = run_dir / "index.html"
    out.write_text(page)
    return out
