"""The report for a schema that is not the reviewed one: one command, one bundle, one page."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests._team_tracker import FIXTURE
from workbench import db
from workbench.errors import WorkbenchError
from workbench.paths import project_root
from workbench.report.notebooks import execute
from workbench.report.subject import SEVERITIES, SubjectOptions, run_subject
from workbench.settings import Settings

pytestmark = [pytest.mark.db, pytest.mark.slow]


def _migrations(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir(parents=True)
    (folder / "0001_init.sql").write_text(text)
    return folder


def test_schema_report_from_migrations_leads_with_findings(
    settings: Settings, tmp_path: Path
) -> None:
    schema_only = FIXTURE.read_text().split("INSERT INTO countries")[0]
    local = Settings.load(settings.dsn, prefix=f"{settings.prefix}subj",
                          results_dir=tmp_path / "results")
    name = f"{settings.prefix}_subject"
    run = run_subject(local, migrations=_migrations(tmp_path, schema_only), options=SubjectOptions(
        profile="ci", database=name, users=2, duration="5s", growth=False, top_indexes=1,
        whatif_repeats=1))
    try:
        bundle = run.run_dir
        assert run.facts["seed"]["rows"] > 0 and not run.facts["seed"]["unseeded"]
        assert run.facts["queries"]["explained"] >= 20
        plans = json.loads((bundle / "plans.json").read_text())
        assert len({p["query"] for p in plans["plans"]}) >= 20
        assert (bundle / "tenancy.toml").is_file() and (bundle / "audit.json").is_file()
        cells = json.loads((bundle / "isolation.json").read_text())["cells"]
        assert any(c["table"].endswith("projects") for c in cells)
        assert {c["outcome"] for c in cells} <= {"leaked", "error", "blocked", "not-testable"}
        latency = pd.read_csv(bundle / "load_latency_us.csv")
        assert len(latency) >= 1 and (latency["p95_us"] > 0).all()  # per query, µs
        assert json.loads((bundle / "index_advice.json").read_text())["ranking"]
        saved = json.loads((bundle / "subject_findings.json").read_text())
        ranks = [SEVERITIES.index(f["severity"]) for f in saved]
        assert ranks == sorted(ranks) and saved
        page = (bundle / "index.html").read_text()
        assert page.index("Findings by severity") < page.index("Tenant isolation matrix") \
            < page.index("<h2>Plans</h2>")
        assert "37" not in page.split("Findings by severity")[0]  # no premortem scorecard
        assert set(run.timings) >= {"clone", "seed", "audit", "isolation", "plans", "whatif",
                                    "load"}
        # no --keep: the seeded clone is gone, and the page says so
        assert run.facts["clone"]["kept"] is False and not db.database_exists(local, name)
        assert "dropped at the end" in page
        # the thin notebook reads the same bundle back
        nb = execute(project_root() / "notebooks" / "schema" / "schema_report.ipynb",
                     tmp_path / "nb", {"subject": str(bundle), "run_dir": str(tmp_path)})
        assert nb.status == "ok", nb.error
    finally:
        db.drop_database(local, name)


def test_a_schema_that_cannot_be_seeded_leaves_nothing_behind(
    settings: Settings, tmp_path: Path
) -> None:
    schema_only = FIXTURE.read_text().split("INSERT INTO countries")[0]
    name = f"{settings.prefix}_noseed"
    with pytest.raises(WorkbenchError, match="nope"):
        run_subject(settings, migrations=_migrations(tmp_path, schema_only),
                    options=SubjectOptions(profile="nope", database=name))
    assert not db.database_exists(settings, name)
    with pytest.raises(WorkbenchError):
        run_subject(settings, migrations=_migrations(tmp_path / "x", "CREATE TABLE ("),
                    options=SubjectOptions(database=f"{settings.prefix}_broken"))
    assert not db.database_exists(settings, f"{settings.prefix}_broken")
