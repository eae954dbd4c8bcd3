"""The report: papermill bundle, scorecard of 37 risks, a page that renders, no secrets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from psycopg.conninfo import make_conninfo

from tests.conftest import require_tool
from workbench.report.run import run_report
from workbench.settings import VARIANTS, Settings

pytestmark = [pytest.mark.db, pytest.mark.slow]
SECRET = "pw-must-not-leak-7731"
SCHEMA_RISKS = ("RISK-INTEGRITY-001", "RISK-MT-001", "RISK-OPS-001")


@pytest.fixture(scope="module")
def run(settings, tmp_path_factory):
    """One report run of the schema notebook, through a DSN that carries a password."""
    results = tmp_path_factory.mktemp("results")
    dsn = make_conninfo(settings.server_conninfo(), password=SECRET)
    with_password = Settings(dsn=dsn,
                             prefix=settings.prefix, results_dir=results)
    return run_report(with_password, profile="ci", only=["00"])


def test_bundle_layout(run) -> None:
    d = run.run_dir
    assert run.status == "ok", [n.error for n in run.notebooks]
    for rel in ("index.html", "scorecard.json", "manifest.json",
                "notebooks/00_schema_overview.ipynb", "notebooks/00_schema_overview.html",
                "charts/00_protections_per_table.png"):
        assert (d / rel).is_file(), rel
    assert (d.parent / "latest").resolve() == d.resolve()
    manifest = json.loads((d / "manifest.json").read_text())
    assert manifest["notebooks"][0]["status"] == "ok"
    assert manifest["versions"]["postgresql"]
    assert set(manifest["prepared"]) == set(VARIANTS)


def test_scorecard_has_all_risks_and_schema_verdicts(run) -> None:
    card = json.loads((run.run_dir / "scorecard.json").read_text())
    risks = {r["id"]: r for r in card["risks"]}
    assert len(risks) == 37
    for rid in SCHEMA_RISKS:
        assert risks[rid]["baseline"]["verdict"] == "confirmed", risks[rid]
        assert risks[rid]["remediated"]["verdict"] == "mitigated", risks[rid]
        assert risks[rid]["baseline"]["evidence"], rid
    allowed = {"confirmed", "not-confirmed", "mitigated", "not-mitigated", "not-testable",
               "no-probe"}
    for r in risks.values():
        assert r["baseline"]["verdict"] in allowed and r["remediated"]["verdict"] in allowed
        for variant in VARIANTS:  # every verdict's evidence opens
            if r[variant]["verdict"] != "no-probe":
                assert r[variant]["evidence"], (r["id"], variant)
                for rel in r[variant]["evidence"]:
                    assert (run.run_dir / rel).is_file(), (r["id"], rel)


def test_no_password_anywhere_in_the_bundle(run) -> None:
    for path in run.run_dir.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    manifest = json.loads((run.run_dir / "manifest.json").read_text())
    assert "***" in manifest["server"]


def test_executed_notebook_has_outputs_and_parameters(run) -> None:
    nb = nbformat.read(run.run_dir / "notebooks/00_schema_overview.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "run_dir" in injected[0].source and SECRET not in injected[0].source
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the chart is not shown inline"


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's chromium (skipped without it; a failure under CI=true), before the report runs."""
    return require_tool("chromium")


@pytest.mark.browser
def test_page_renders_in_headless_chromium(chromium, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path}", "--virtual-time-budget=5000",
         "--dump-dom", (run.run_dir / "index.html").as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout
    body = re.search(r"<body[^>]*>", out)
    assert body, out[:500]
    attrs = dict(re.findall(r'(data-[a-z-]+)="(\d+)"', body.group(0)))
    assert attrs["data-risks"] == "37"
    assert int(attrs["data-charts-total"]) >= 1
    assert attrs["data-charts-rendered"] == attrs["data-charts-total"]


def test_failed_notebook_fails_the_run_and_names_the_cell(settings, tmp_path) -> None:
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell('run_dir = "x"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("raise ValueError('chart data missing')")]
    nbformat.write(nb, nbdir / "90_broken.ipynb")
    env = dict(os.environ, WORKBENCH_NOTEBOOKS=str(nbdir), WORKBENCH_RESULTS=str(tmp_path / "r"))
    r = subprocess.run(
        [sys.executable, "-m", "workbench", "report", "--profile", "ci", "--no-probes",
         "--dsn", settings.server_conninfo(), "--database", settings.prefix],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    manifest = json.loads(next(Path(tmp_path / "r").glob("*/manifest.json")).read_text())
    assert manifest["status"] == "failed"
    broken = manifest["notebooks"][0]
    assert broken["status"] == "failed" and "chart data missing" in broken["error"]
    assert broken["failed_cell"] is not None
    assert "failed" in r.stdout and "chart data missing" in r.stdout


def test_unknown_notebook_parameter_is_refused(settings) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "workbench", "report", "-p", "colour=blue", "--notebook", "00",
         "--dsn", settings.server_conninfo(), "--database", settings.prefix],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 2 and "parameter 'colour' is not declared" in r.stderr
