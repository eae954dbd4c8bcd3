"""The library calls notebooks 05-07 make, on real databases and real probe evidence files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from workbench.audit import integrity_notebook as integrity
from workbench.audit import isolation_notebook as isolation
from workbench.load import notebook as load_nb
from workbench.load import report
from workbench.paths import project_root
from workbench.settings import VARIANTS, Settings


@pytest.mark.db
def test_integrity_frames_chart_and_samples(settings: Settings, baseline_db: str,
                                            remediated_db: str, tmp_path: Path) -> None:
    reports = integrity.audit_variants(settings)
    assert list(reports) == list(VARIANTS)
    findings = integrity.findings_frame(reports)
    per_variant = findings.groupby("variant").size().to_dict()
    assert per_variant == {v: len(reports[v].results) for v in VARIANTS}
    assert not findings["failed"].any(), findings[findings["failed"]]
    table = integrity.counts_table(findings)
    assert table.index.get_level_values("severity")[0] in ("critical", "high")
    # the baseline carries the reviewed defects, the remediated variant's units remove them
    baseline, remediated = VARIANTS
    assert table.loc[("high", "cross_tenant_fk_not_composite"), baseline] > 0
    assert table.loc[("high", "cross_tenant_fk_not_composite"), remediated] == 0
    integrity.severity_chart(findings, tmp_path)
    assert (tmp_path / "charts" / "05_findings_by_severity.png").stat().st_size > 1000
    samples = integrity.samples_frame(reports)
    shown = {r.id for r in reports[VARIANTS[0]].findings("low")}
    assert set(samples["check"]) == shown and samples["sample"].str.len().gt(0).all()


@pytest.mark.db
def test_isolation_frames_and_matrix(settings: Settings, baseline_db: str, remediated_db: str,
                                     tmp_path: Path) -> None:
    frames = isolation.isolation_variants(settings)
    baseline, remediated = VARIANTS
    table = isolation.outcome_table(frames)
    assert table.loc[baseline]["leaked"].sum() > 0  # RLS on users only: the rest leaks
    assert "leaked" not in table.loc[remediated] or table.loc[remediated]["leaked"].sum() == 0
    left = isolation.not_blocked(frames)
    assert set(left["variant"]) <= {remediated}
    assert len(left) == int((frames[remediated]["outcome"] != "blocked").sum())
    isolation.matrix_chart(frames, tmp_path)
    assert (tmp_path / "charts" / "06_isolation_matrix.png").stat().st_size > 1000


def test_probe_evidence_reads_every_variant_file(tmp_path: Path) -> None:
    folder = tmp_path / "evidence" / "load_pool_exhaustion"
    folder.mkdir(parents=True)
    rows = {"users": [10, 25], "pool_size": [10, 10], "rps": [900.0, 880.0],
            "p95_us": [1500, 9000], "wait_p95_us": [10, 7000], "run": ["r1", "r2"]}
    for variant in VARIANTS:
        pd.DataFrame(rows).to_csv(folder / f"pool_exhaustion__{variant}.csv", index=False)
    (folder / "notes.json").write_text(json.dumps({"ignored": True}))
    pool = load_nb.probe_evidence(tmp_path, "load_pool_exhaustion")
    assert pool["variant"].tolist() == [v for v in VARIANTS for _ in range(2)]
    assert "run" not in pool and pool["users"].tolist() == [10, 25] * len(VARIANTS)
    report.pool_chart(pool, tmp_path)
    assert (tmp_path / "charts" / "pool_exhaustion.png").stat().st_size > 1000
    assert load_nb.probe_evidence(tmp_path, "no_such_probe").empty


def test_notebooks_05_to_07_are_reports_without_outputs() -> None:
    """A parameters cell and a few calls: no loops, no chart code, no globbing, no variant
    names in code, nothing executed."""
    for number in ("05", "06", "07"):
        path = next((project_root() / "notebooks").glob(f"{number}_*.ipynb"))
        cells = json.loads(path.read_text())["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert "parameters" in code[0]["metadata"].get("tags", []), path.name
        for cell in code:
            text = "".join(cell["source"])
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name
            for banned in ("for ", "while ", "plt.", ".glob(", "savefig", '"baseline"',
                           '"remediated"'):
                assert banned not in text, (path.name, banned, text)
