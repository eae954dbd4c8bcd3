"""The audit report as a terminal table, Markdown (a pull-request comment) or SARIF 2.1.0.

JSON is :meth:`AuditReport.to_json` (every row). The terminal table and the Markdown comment
abbreviate to ``SAMPLE_LIMIT`` rows per check; SARIF carries every finding, one result per row
(or one per grouped check, with every object as a location), fingerprinted for code scanning.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from workbench.audit.model import CheckResult, fingerprint, severity_rank
from workbench.audit.runner import AuditReport

FORMATS = ("table", "json", "markdown", "sarif")
_COLOURS = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
            "info": "dim"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note",
                "info": "note"}


def _ordered(report: AuditReport) -> list[CheckResult]:
    return sorted(report.results, key=lambda r: (-severity_rank(r.severity),
                                                 r.status != "found", r.id))


def _count(r: CheckResult) -> str:
    """What the count column says: rows, one grouped finding, new rows against a baseline."""
    if r.status == "not-run":
        return "-"
    text = f"1 ({r.count})" if r.grouped and r.count else str(r.count)
    return f"{text}, {r.new_count} new" if r.new is not None and r.count else text


def _summary(report: AuditReport) -> str:
    by = {s: sum(r.status == s for r in report.results) for s in ("found", "clean", "not-run")}
    return (f"{len(report.results)} checks: {by['found']} found, {by['clean']} clean, "
            f"{by['not-run']} not run; {report.seconds:.1f}s")


def as_table(report: AuditReport, *, show_clean: bool = False) -> Group:
    """A rich renderable: one row per check that found something or did not run."""
    table = Table(title=f"audit of {report.database}", caption=report.context.describe())
    for col in ("severity", "check", "status", "count", "detail"):
        table.add_column(col, overflow="fold")
    for r in _ordered(report):
        if r.status == "clean" and not show_clean:
            continue
        table.add_row(Text(r.severity, style=_COLOURS[r.severity]), r.id, r.status, _count(r),
                      r.detail)
    return Group(table, Text(_summary(report), style="dim"))


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def as_markdown(report: AuditReport) -> str:
    """A pull-request comment: summary, a table of checks, the rows of each in a <details>."""
    shown = [r for r in _ordered(report) if r.status != "clean"]
    new = sum(r.new_count for r in shown if r.status == "found")
    head = f"### Audit of `{report.database}`: " + (
        f"{new} new finding rows" if any(r.new is not None for r in shown)
        else f"{sum(r.status == 'found' for r in shown)} checks with findings")
    lines = [head, "", f"_{report.context.describe()}; {_summary(report)}_", ""]
    if shown:
        lines += ["| severity | check | status | count | detail |", "|---|---|---|---|---|"]
        lines += [f"| {r.severity} | `{r.id}` | {r.status} | {_count(r)} | {_cell(r.detail)} |"
                  for r in shown]
    for r in shown:
        if not r.rows:
            continue
        lines += ["", f"<details><summary><code>{r.id}</code>: {_cell(r.title)}</summary>", "",
                  "| " + " | ".join(["", *r.columns]) + " |",
                  "|" + "---|" * (len(r.columns) + 1)]
        for i, row in enumerate(r.samples):
            mark = "new" if r.new and r.new[i] else ""
            cells = [mark, *(_cell(row.get(c, "")) for c in r.columns)]
            lines.append("| " + " | ".join(cells) + " |")
        if len(r.rows) > len(r.samples):
            lines.append(f"\n... and {len(r.rows) - len(r.samples)} more rows (all in "
                         "`--format json`)")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _location(r: CheckResult, row: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(str(row.get(c)) for c in r.identity)
    kind = r.identity[0].removesuffix("_name") if r.identity else "object"
    return {"logicalLocations": [{"fullyQualifiedName": name, "kind": kind}]}


def _state(r: CheckResult, new: bool) -> dict[str, str]:
    """SARIF's baselineState, when the report was compared with a baseline."""
    return {} if r.new is None else {"baselineState": "new" if new else "unchanged"}


def _sarif_results(r: CheckResult, index: int) -> list[dict[str, Any]]:
    """One result per row; a grouped check is one result with every object as a location."""
    base = {"ruleId": r.id, "ruleIndex": index, "level": SARIF_LEVELS[r.severity]}
    if r.grouped:
        return [{**base, "message": {"text": f"{r.title} {r.detail}"},
                 "locations": [_location(r, row) for row in r.rows],
                 "partialFingerprints": {"workbench/v1": fingerprint(r.id, sorted(r.fingerprints))},
                 **_state(r, any(r.new or []))}]
    out = []
    for i, (fp, row) in enumerate(zip(r.fingerprints, r.rows, strict=True)):
        what = ", ".join(f"{k}={v}" for k, v in row.items())
        out.append({**base, "message": {"text": f"{r.title} {what}"},
                    "locations": [_location(r, row)],
                    "partialFingerprints": {"workbench/v1": fp},
                    **_state(r, bool(r.new and r.new[i]))})
    return out


def as_sarif(report: AuditReport) -> str:
    """SARIF 2.1.0: one rule per check, one result per finding, not-run checks as notifications."""
    rules, results, notes = [], [], []
    for index, r in enumerate(report.results):
        rules.append({
            "id": r.id, "name": r.id,
            "shortDescription": {"text": r.title},
            "defaultConfiguration": {"level": SARIF_LEVELS[r.severity]},
            "properties": {"severity": r.severity, "risks": r.risks, "kind": r.kind},
        })
        if r.status == "found":
            results.extend(_sarif_results(r, index))
        elif r.status == "not-run":
            notes.append({"descriptor": {"id": r.id, "index": index}, "level": "warning",
                          "message": {"text": f"{r.id} not run: {r.why}"}})
    run = {
        "tool": {"driver": {"name": "workbench audit", "rules": rules}},
        "invocations": [{"executionSuccessful": not any(r.failed for r in report.results),
                         "toolExecutionNotifications": notes}],
        "results": results,
        "properties": {"database": report.database, "tenantModel": report.context.describe()},
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2,
                      default=str)
