"""The audit report as a terminal table, JSON or Markdown (one function per format)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from workbench.audit.model import severity_rank
from workbench.audit.runner import AuditReport

FORMATS = ("table", "json", "markdown")
_COLOURS = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
            "info": "dim"}


def _ordered(report: AuditReport) -> list:
    return sorted(report.results, key=lambda r: (-severity_rank(r.severity), -(r.count > 0), r.id))


def as_table(report: AuditReport, *, show_clean: bool = False) -> Group:
    """A rich renderable: one row per check with findings (all checks with ``show_clean``)."""
    table = Table(title=f"audit of {report.database}", caption=report.context.describe())
    for col in ("severity", "check", "risks", "count", "detail"):
        table.add_column(col, overflow="fold")
    for r in _ordered(report):
        if not (r.count or r.failed or show_clean):
            continue
        detail = f"[red]check failed:[/red] {r.error}" if r.failed else r.detail
        table.add_row(Text(r.severity, style=_COLOURS[r.severity]), r.id, ", ".join(r.risks),
                      str(r.count), detail)
    clean = sum(1 for r in report.results if not (r.count or r.failed))
    return Group(table, Text(f"{len(report.results)} checks, {clean} clean, "
                             f"{report.seconds:.1f}s", style="dim"))


def as_markdown(report: AuditReport) -> str:
    """A Markdown section: summary table, then samples of every check with findings."""
    lines = [f"# Audit of `{report.database}`", "", report.context.describe(), "",
             "| severity | check | risks | count | detail |", "|---|---|---|---|---|"]
    for r in _ordered(report):
        detail = f"check failed: {r.error}" if r.failed else r.detail
        lines.append(f"| {r.severity} | `{r.id}` | {', '.join(r.risks)} | {r.count} | "
                     f"{detail.replace('|', '/')} |")
    for r in _ordered(report):
        if not r.samples:
            continue
        lines += ["", f"## `{r.id}`: {r.title}", "", "| " + " | ".join(r.columns) + " |",
                  "|" + "---|" * len(r.columns)]
        for sample in r.samples:
            cells = (str(sample.get(c, "")).replace("|", "/") for c in r.columns)
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
