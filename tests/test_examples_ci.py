"""examples/ci: the shell recipe runs the report from a DSN and gates on it (PostgreSQL 15).

The script is run for real against the machine's PostgreSQL 15, with one notebook to keep it
short, gating on the baseline at ``critical``: the baseline's critical risks are confirmed, so
the script must exit 1, say which risks stood, and still leave the run bundle in ARTIFACT_DIR.
A DSN that does not answer must fail fast with exit 2. The GitHub workflow is checked for the
pieces the recipe promises (service container, the script, the artifact upload).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import yaml

from tests.conftest import require
from workbench import db
from workbench.paths import project_root
from workbench.settings import VARIANTS, Settings

pytestmark = pytest.mark.db
PG15 = os.environ.get("WORKBENCH_CI_EXAMPLE_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
SCRIPT = project_root() / "examples" / "ci" / "workbench-ci.sh"


def _pg15_answers() -> bool:
    try:
        with psycopg.connect(PG15, connect_timeout=3) as conn:
            return conn.info.server_version // 10000 == 15
    except psycopg.Error:
        return False


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH")}
    env.update(WORKBENCH=f"{sys.executable} -m workbench",
               WORKBENCH_RESULTS=str(tmp_path / "results"),
               ARTIFACT_DIR=str(tmp_path / "artifact"), PATH=os.environ["PATH"], **extra)
    return env


@pytest.mark.slow
def test_script_gates_and_keeps_the_bundle_on_pg15(tmp_path: Path) -> None:
    require(_pg15_answers(), f"PostgreSQL 15 does not answer at {PG15}")
    prefix = f"wbci{secrets.token_hex(3)}"
    env = _env(tmp_path, WORKBENCH_DSN=PG15, WORKBENCH_DATABASE=prefix, FAIL_ON="critical",
               GATE_VARIANT="baseline")
    try:
        run = subprocess.run([str(SCRIPT), "--notebook", "00", "--no-probes"], env=env,
                             capture_output=True, text=True, timeout=600, cwd=tmp_path)
    finally:
        settings = Settings.load(PG15, prefix=prefix)
        for variant in VARIANTS:
            db.drop_database(settings, settings.database_for(variant))
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "RISK-INTEGRITY-001" in out and "stand on baseline" in out
    card = json.loads((tmp_path / "artifact" / "scorecard.json").read_text())
    text = json.dumps(card)
    assert "RISK-INTEGRITY-001" in text
    assert (tmp_path / "artifact" / "index.html").is_file()
    assert "report exited 1" in out


def test_script_fails_fast_when_the_server_does_not_answer(tmp_path: Path) -> None:
    env = _env(tmp_path, WORKBENCH_DSN="postgresql://postgres@127.0.0.1:1/postgres")
    run = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr  # documented: fail fast with exit 2
    assert "PostgreSQL does not answer" in run.stderr


def test_script_needs_a_dsn(tmp_path: Path) -> None:
    run = subprocess.run([str(SCRIPT)], env=_env(tmp_path), capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    assert run.returncode == 2 and "set WORKBENCH_DSN" in run.stderr, run.stderr


def test_github_workflow_runs_the_script_with_a_service_and_keeps_results() -> None:
    flow = yaml.safe_load((SCRIPT.parent / "github-actions.yml").read_text())
    job = flow["jobs"]["report"]
    assert job["services"]["postgres"]["image"].startswith("postgres:")
    assert "WORKBENCH_DSN" in job["env"] and job["env"]["FAIL_ON"] == "high"
    steps = " ".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in job["steps"])
    assert "examples/ci/workbench-ci.sh" in steps and "actions/upload-artifact" in steps
    upload = next(s for s in job["steps"] if "upload-artifact" in str(s.get("uses")))
    assert upload["if"] == "always()"
