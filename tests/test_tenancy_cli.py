"""``workbench tenancy show|save`` and ``workbench audit --tenancy FILE | --no-tenant``, run as a
user would (a subprocess), on a fixture schema of tests/fixtures/tenancy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli_errors import assert_one_line_error, workbench
from workbench.paths import sql_dir
from workbench.sqlfiles import run_script
from workbench.tenancy import TenantModel

pytestmark = pytest.mark.db
FIXTURES = Path(__file__).parent / "fixtures" / "tenancy"


@pytest.fixture
def dsn(settings, scratch_db, connect):
    """A database holding the team_id fixture; its DSN."""
    name = scratch_db("tenancycli")
    conn = connect(name, autocommit=True)
    run_script(conn, sql_dir() / "baseline" / "000_supabase_stubs.sql")
    run_script(conn, FIXTURES / "team_uuid.sql")
    return settings.conninfo(name)


def test_show_prints_the_model_with_evidence(dsn):
    r = workbench("tenancy", "show", "--dsn", dsn)
    assert r.returncode == 0, r.stderr
    for needle in ("public.teams", "owner_team", "indirect", "public.comments", "evidence",
                   "membership", "private.my_team_ids"):
        assert needle in r.stdout, needle


def test_save_then_audit_with_the_edited_file(dsn, tmp_path):
    path = tmp_path / "tenancy.toml"
    r = workbench("tenancy", "save", str(path), "--dsn", dsn)
    assert r.returncode == 0, r.stderr
    model = TenantModel.from_toml(path.read_text())
    assert model.tenant_table == "public.teams"
    # the user declares currencies tenant data of its own (global -> direct, keyed by code)
    path.write_text(path.read_text().replace(
        '[tables."public.currencies"]\nkind = "global"',
        '[tables."public.currencies"]\nkind = "direct"\ncolumn = "code"'))
    r = workbench("audit", "--dsn", dsn, "--tenancy", str(path), "--format", "json",
                  "--check", "rls_disabled_on_tenant_table")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["context"]["tenant_model"]["tables"]["public.currencies"]["column"] == "code"
    [result] = report["results"]
    assert [s["table_name"] for s in result["samples"]] == ["currencies"]


def test_no_tenant_runs_no_tenant_checks(dsn):
    r = workbench("audit", "--dsn", dsn, "--no-tenant", "--format", "json",
                  "--check", "policy_not_tenant_scoped")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["context"]["tenant_model"]["single_tenant"] is True
    assert report["results"][0]["count"] == 0


def test_bad_input_is_one_line(dsn, tmp_path):
    assert_one_line_error(workbench("tenancy", "show", "--dsn", dsn, "--tenant-table", "nope"),
                          "tenant table 'nope'")
    assert_one_line_error(workbench("audit", "--dsn", dsn, "--tenancy", str(tmp_path / "x.toml")),
                          "--tenancy", "is not a file")
    bad = tmp_path / "bad.toml"
    bad.write_text('[tables."public.ghost"]\nkind = "global"\n')
    assert_one_line_error(workbench("audit", "--dsn", dsn, "--tenancy", str(bad)),
                          "public.ghost")
    assert_one_line_error(workbench("tenancy", "show", "--dsn", dsn, "--schema", "nowhere"),
                          "schema 'nowhere'")
