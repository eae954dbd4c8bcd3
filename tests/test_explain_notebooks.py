"""Notebooks 02-04 run in the report at the ci profile and leave charts and findings."""

from __future__ import annotations

import pytest

from workbench.report.run import run_report
from workbench.settings import Settings

pytestmark = [pytest.mark.db, pytest.mark.slow]
CHARTS = ("02_explain_catalog_baseline", "03_index_latency", "03_index_gain_and_write_cost",
          "04_archival_detach_vs_delete", "04_growth_loglog")


def test_explain_index_and_partition_notebooks_run_in_the_report(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = Settings(dsn=settings.server_conninfo(), prefix=settings.prefix, results_dir=tmp_path)
    run = run_report(s, profile="ci", only=["02", "03", "04"], remaining_probes=False)
    assert run.status == "ok", [(n.name, n.failed_cell, n.error) for n in run.notebooks]
    assert [n.status for n in run.notebooks] == ["ok", "ok", "ok"]
    for chart in CHARTS:
        assert (run.run_dir / "charts" / f"{chart}.png").stat().st_size > 1000, chart
    findings = {p.name for p in (run.run_dir / "findings").glob("scale_*__*.json")}
    assert "scale_email_history_growth__remediated.json" in findings
    assert len(findings) == 22  # 11 scale probes x 2 variants, run by notebook 02
    assert any((run.run_dir / "whatif").glob("whatif__0200_*.json"))
    assert any((run.run_dir / "plans" / "baseline").iterdir())
