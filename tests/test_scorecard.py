"""Scorecard combination, CI gating and run comparison, on findings written by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from workbench.probes.base import Finding
from workbench.report import scorecard
from workbench.report.compare import compare


def finding(probe: str, risk: str, variant: str, verdict: str, **evidence) -> Finding:
    return Finding(probe, [risk], variant, verdict, f"{probe} says {verdict}", evidence, [], 0.1)


def write_run(folder: Path, findings: list[Finding]) -> Path:
    (folder / "findings").mkdir(parents=True)
    for f in findings:
        (folder / "findings" / f"{f.probe}__{f.variant}.json").write_text(f.to_json())
    (folder / "scorecard.json").write_text(scorecard.to_json(scorecard.build(findings)))
    (folder / "manifest.json").write_text(json.dumps({"run_id": folder.name, "status": "ok",
                                                      "parameters": {"profile": "ci"},
                                                      "server": "x", "notebooks": []}))
    return folder


def rows_by_id(findings: list[Finding]) -> dict[str, scorecard.Row]:
    return {r.id: r for r in scorecard.build(findings)}


def test_every_risk_listed_and_unprobed_ones_say_so() -> None:
    rows = rows_by_id([finding("p", "RISK-MT-001", "baseline", "confirmed")])
    assert len(rows) == 37
    assert rows["RISK-MT-001"].variants["baseline"].verdict == "confirmed"
    assert rows["RISK-MT-001"].variants["remediated"].verdict == "no-probe"
    assert rows["RISK-OPS-007"].variants["baseline"].reason == "no probe yet"


def test_one_confirming_probe_confirms_and_one_standing_probe_blocks_mitigated() -> None:
    rows = rows_by_id([
        finding("a", "RISK-SCALE-001", "baseline", "not-confirmed"),
        finding("b", "RISK-SCALE-001", "baseline", "confirmed"),
        finding("a", "RISK-SCALE-001", "remediated", "mitigated"),
        finding("b", "RISK-SCALE-001", "remediated", "not-mitigated"),
    ])
    cells = rows["RISK-SCALE-001"].variants
    assert cells["baseline"].verdict == "confirmed"
    assert cells["remediated"].verdict == "not-mitigated"


def test_a_probe_error_is_never_a_pass() -> None:
    rows = rows_by_id([finding("a", "RISK-OPS-002", "remediated", "mitigated"),
                       finding("b", "RISK-OPS-002", "remediated", "error")])
    assert rows["RISK-OPS-002"].variants["remediated"].verdict == "error"


def test_absent_on_both_variants_is_not_called_mitigated() -> None:
    rows = rows_by_id([finding("a", "RISK-SCALE-010", "baseline", "not-confirmed"),
                       finding("a", "RISK-SCALE-010", "remediated", "mitigated")])
    assert rows["RISK-SCALE-010"].variants["remediated"].verdict == "not-confirmed"


def test_gate_by_severity_and_variant() -> None:
    rows = scorecard.build([
        finding("a", "RISK-MT-001", "baseline", "confirmed"),         # critical
        finding("a", "RISK-MT-001", "remediated", "mitigated"),
        finding("b", "RISK-SCALE-002", "baseline", "confirmed"),      # high
        finding("b", "RISK-SCALE-002", "remediated", "not-mitigated"),
        finding("c", "RISK-SCALE-009", "remediated", "not-mitigated"),  # low
    ])
    assert [r.id for r in scorecard.gate(rows, "high", "remediated")] == ["RISK-SCALE-002"]
    assert [r.id for r in scorecard.gate(rows, "critical", "remediated")] == []
    assert {r.id for r in scorecard.gate(rows, "low", "remediated")} == {
        "RISK-SCALE-002", "RISK-SCALE-009"}
    assert {r.id for r in scorecard.gate(rows, "high", "baseline")} == {
        "RISK-MT-001", "RISK-SCALE-002"}


def test_compare_reports_verdict_plan_and_latency_changes(tmp_path) -> None:
    plan = {"query": "customer_list", "params": "large/recent"}
    a = write_run(tmp_path / "run-a", [
        finding("s", "RISK-SCALE-004", "remediated", "mitigated",
                plans=[{**plan, "shape": "aaa", "explain_median_ms": 2.0},
                       {**plan, "params": "small/recent", "shape": "k", "explain_median_ms": 0.2}]),
    ])
    b = write_run(tmp_path / "run-b", [
        finding("s", "RISK-SCALE-004", "remediated", "not-mitigated",
                plans=[{**plan, "shape": "bbb", "explain_median_ms": 9.0},
                       {**plan, "params": "small/recent", "shape": "k", "explain_median_ms": 0.5}]),
    ])
    c = compare(a, b)
    assert c.verdicts == [{"risk": "RISK-SCALE-004", "variant": "remediated",
                           "before": "mitigated", "after": "not-mitigated", "direction": "worse"}]
    assert [p["params"] for p in c.plans] == ["large/recent"]
    # 0.2 -> 0.5 ms is 2.5x but under the 1 ms floor: noise, not a regression
    assert [(lat["params"], lat["ratio"]) for lat in c.latencies] == [("large/recent", 4.5)]
    assert c.regressions == 2
    same = compare(a, a)
    assert not (same.verdicts or same.plans or same.latencies)


def test_compare_from_the_cli_adds_a_section_to_the_page(tmp_path) -> None:
    a = write_run(tmp_path / "run-a", [finding("s", "RISK-MT-001", "baseline", "confirmed")])
    b = write_run(tmp_path / "run-b", [finding("s", "RISK-MT-001", "baseline", "not-confirmed")])
    r = subprocess.run([sys.executable, "-m", "workbench", "report", "--compare", str(a), str(b)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads((b / "compare_vs_run-a.json").read_text())
    assert data["verdicts"][0]["direction"] == "better"
    page = (b / "index.html").read_text()
    assert 'id="compare"' in page and "Changes since run run-a" in page


def test_bad_gate_arguments_are_one_line_errors() -> None:
    r = subprocess.run([sys.executable, "-m", "workbench", "report", "--fail-on", "severe"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--fail-on 'severe'" in r.stderr
    r = subprocess.run([sys.executable, "-m", "workbench", "report", "--compare", "nope1", "nope2"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "no report run 'nope1'" in r.stderr


def test_verdict_wording_follows_the_variant_role_not_its_name(monkeypatch) -> None:
    """Renaming the variants keeps the wording: the role in VARIANT_ROLES decides it."""
    import pytest

    from workbench import settings
    from workbench.errors import BadParameter
    from workbench.probes.base import Verdict, verdict_for

    monkeypatch.setattr(settings, "VARIANT_ROLES", {"as_found": "reviewed", "fixed": "mitigated"})
    assert verdict_for("as_found", True) == Verdict.CONFIRMED
    assert verdict_for("fixed", True) == Verdict.NOT_MITIGATED
    assert verdict_for("fixed", False) == Verdict.MITIGATED
    assert settings.variant_with_role("mitigated") == "fixed"
    with pytest.raises(BadParameter, match="unknown variant 'baseline'"):
        verdict_for("baseline", True)
