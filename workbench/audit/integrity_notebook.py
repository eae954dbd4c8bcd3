"""What notebook 05 (integrity checks) calls: every audit check on both variants, as frames.

The notebook stays a report (a parameters cell and a few of these calls); looping over the
variants, shaping the findings and drawing the chart live here, tested like the rest of the
library. The chart is saved through :func:`workbench.charts.save`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from workbench import charts, db
from workbench.audit.model import SEVERITIES
from workbench.audit.runner import AuditReport, run_audit
from workbench.settings import VARIANTS, Settings

SAMPLE_ROWS = 5


def audit_variants(settings: Settings | None = None) -> dict[str, AuditReport]:
    """Run every catalog and data check on each variant's database (read-only)."""
    s = settings or Settings.load()
    reports = {}
    for variant in VARIANTS:
        with db.connection(s, s.database_for(variant), autocommit=True) as conn:
            reports[variant] = run_audit(conn)
    return reports


def findings_frame(reports: dict[str, AuditReport]) -> pd.DataFrame:
    """One row per variant and check: severity, risks, the count of offending rows."""
    return pd.DataFrame(
        [{"variant": variant, "check": r.id, "kind": r.kind, "severity": r.severity,
          "risks": ", ".join(r.risks), "count": r.count, "failed": r.failed}
         for variant, report in reports.items() for r in report.results],
        columns=["variant", "check", "kind", "severity", "risks", "count", "failed"])


def counts_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Offending rows per check (grouped by severity, most severe first) and variant."""
    table = findings.pivot_table(index=["severity", "check"], columns="variant", values="count",
                                 aggfunc="sum")
    order = {sev: -i for i, sev in enumerate(SEVERITIES)}
    return table.sort_index(level=0, key=lambda level: level.map(order), sort_remaining=False)


def severity_chart(findings: pd.DataFrame, run_dir: str | Path,
                   name: str = "05_findings_by_severity") -> Figure:
    """Checks with at least one finding, by severity and variant (saved as PNG)."""
    import matplotlib.pyplot as plt

    by_sev = (findings[findings["count"] > 0].groupby(["severity", "variant"]).size()
              .unstack(fill_value=0)
              .reindex(index=list(reversed(SEVERITIES)), columns=list(VARIANTS), fill_value=0))
    fig, ax = plt.subplots(figsize=(7, 4))
    by_sev.plot.bar(ax=ax, title="checks with findings, by severity",
                    color=[charts.VARIANT_COLORS[c] for c in by_sev.columns])
    ax.set_ylabel("checks")
    fig.tight_layout()
    charts.save(fig, run_dir, name)
    return fig


def samples_frame(reports: dict[str, AuditReport], variant: str = VARIANTS[0],
                  min_severity: str = "low", rows: int = SAMPLE_ROWS) -> pd.DataFrame:
    """What the audit shows a reviewer: up to ``rows`` sample rows of every finding at or
    above ``min_severity`` on ``variant`` (the schema as reviewed by default), one line each
    (the sample's columns as ``name=value``)."""
    return pd.DataFrame(
        [{"severity": r.severity, "check": r.id, "detail": r.detail,
          "sample": ", ".join(f"{k}={v}" for k, v in sample.items())}
         for r in reports[variant].findings(min_severity)
         for sample in (r.samples[:rows] or [{}])],
        columns=["severity", "check", "detail", "sample"])
