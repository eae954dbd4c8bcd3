"""The audit's output for people and CI: complete JSON, fingerprints, statuses, baseline, SARIF,
Markdown, and exact exit codes (0 gate passed, 1 gate failed, 2 usage or connection error)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from workbench.audit import AuditOptions, run_audit
from workbench.audit.model import NO_TENANT_MODEL, SAMPLE_LIMIT, SINGLE_TENANT
from workbench.audit.render import as_markdown, as_sarif
from workbench.audit.runner import baseline_fingerprints, gate

pytestmark = pytest.mark.db
MANY = SAMPLE_LIMIT + 12
TENANT_SCHEMA = """
CREATE TABLE workspaces (id bigint PRIMARY KEY);
CREATE TABLE notes (id bigint PRIMARY KEY, workspace_id bigint NOT NULL REFERENCES workspaces);
CREATE INDEX ON notes (workspace_id);
CREATE TABLE files (id bigint PRIMARY KEY, workspace_id bigint NOT NULL REFERENCES workspaces);
CREATE INDEX ON files (workspace_id);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE files ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON notes USING (workspace_id = (SELECT current_setting('app.ws')::bigint));
CREATE POLICY p ON files USING (workspace_id = (SELECT current_setting('app.ws')::bigint));
"""


def workbench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbench", "audit", *args],
                          capture_output=True, text=True, timeout=180)


@pytest.fixture
def many_tables(scratch_db, connect):
    name = scratch_db("many")
    conn = connect(name, autocommit=True)
    conn.execute("".join(f"CREATE TABLE heap_{i:03d} (v int);" for i in range(MANY)))
    return name, conn


def test_json_carries_every_row_with_stable_fingerprints(many_tables):
    _, conn = many_tables
    first = run_audit(conn, checks=["table_without_primary_key"]).to_dict()
    again = run_audit(conn, checks=["table_without_primary_key"]).to_dict()
    findings = first["results"][0]["findings"]
    assert len(findings) == MANY and first["results"][0]["count"] == MANY
    assert {f["row"]["table_name"] for f in findings} == {f"heap_{i:03d}" for i in range(MANY)}
    assert len({f["fingerprint"] for f in findings}) == MANY
    assert [f["fingerprint"] for f in findings] == [
        f["fingerprint"] for f in again["results"][0]["findings"]]
    assert first["results"][0]["status"] == "found"
    assert "single_tenant" in first["tenant_model"] and first["summary"]["found"] == 1
    # the fingerprint names the object, not its measurements
    assert first["results"][0]["identity"] == ["table_name"]


def test_markdown_abbreviates_and_says_where_the_rest_is(many_tables):
    _, conn = many_tables
    text = as_markdown(run_audit(conn, checks=["table_without_primary_key"]))
    assert "heap_000" in text and f"heap_{MANY - 1:03d}" not in text
    assert f"and {MANY - SAMPLE_LIMIT} more rows" in text and "<details>" in text


def test_tenant_checks_do_not_run_without_a_tenant_model(many_tables):
    _, conn = many_tables
    report = run_audit(conn, checks=["rls_disabled_on_tenant_table", "table_without_primary_key"])
    tenant = report.by_id()["rls_disabled_on_tenant_table"]
    assert (tenant.status, tenant.why, tenant.count) == ("not-run", NO_TENANT_MODEL, 0)
    assert tenant in gate(report, "high")  # a check that could not look is not clean
    single = run_audit(conn, AuditOptions(no_tenant=True), checks=["rls_disabled_on_tenant_table"])
    assert single.results[0].why == SINGLE_TENANT and gate(single, "high") == []


def test_condition_check_is_one_finding_that_names_the_owner(scratch_db, connect):
    conn = connect(scratch_db("forced"), autocommit=True)
    conn.execute(TENANT_SCHEMA)
    owner = conn.execute("SELECT current_user").fetchone()[0]
    r = run_audit(conn, checks=["rls_not_forced"]).results[0]
    assert r.status == "found" and r.grouped and r.count == 2
    assert r.detail == (f"2 tables; matters only if the application connects as the owner "
                        f"role ({owner})")
    sarif = json.loads(as_sarif(run_audit(conn, checks=["rls_not_forced"])))
    results = sarif["runs"][0]["results"]
    assert len(results) == 1 and len(results[0]["locations"]) == 2
    conn.execute("ALTER TABLE notes FORCE ROW LEVEL SECURITY; "
                 "ALTER TABLE files FORCE ROW LEVEL SECURITY")
    assert run_audit(conn, checks=["rls_not_forced"]).results[0].status == "clean"


def test_baseline_accepts_known_findings_and_fails_on_new(many_tables, tmp_path):
    _, conn = many_tables
    before = run_audit(conn, checks=["table_without_primary_key"])
    known = baseline_fingerprints(before.to_json(), "before.json")
    conn.execute("CREATE TABLE heap_new (v int)")
    after = run_audit(conn, checks=["table_without_primary_key"])
    assert gate(after, "low")
    after.apply_baseline(known)
    r = after.results[0]
    assert r.new_count == 1 and [row["table_name"] for row, new in zip(r.rows, r.new, strict=True)
                                 if new] == ["heap_new"]
    assert gate(after, "low")  # the new table fails
    conn.execute("DROP TABLE heap_new")
    again = run_audit(conn, checks=["table_without_primary_key"])
    again.apply_baseline(known)
    assert gate(again, "low") == []  # only known findings: the gate passes


def test_sarif_has_the_required_structure(many_tables):
    _, conn = many_tables
    report = run_audit(conn, checks=["table_without_primary_key", "rls_not_forced"])
    doc = json.loads(as_sarif(report))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] and {r["id"] for r in driver["rules"]} == {
        "table_without_primary_key", "rls_not_forced"}
    assert len(run["results"]) == MANY
    for res in run["results"]:
        assert res["ruleId"] == driver["rules"][res["ruleIndex"]]["id"]
        assert res["message"]["text"] and res["level"] in ("none", "note", "warning", "error")
        assert res["partialFingerprints"]["workbench/v1"]
        assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "rls_not_forced"
    assert NO_TENANT_MODEL in note["message"]["text"]


def test_exit_codes(settings, scratch_db, connect, tmp_path):
    name = scratch_db("exit")
    dsn = settings.conninfo(name)
    assert workbench("--dsn", dsn, "--fail-on", "high", "--no-tenant").returncode == 0
    failed = workbench("--dsn", dsn, "--fail-on", "high")  # tenant checks could not run
    assert failed.returncode == 1 and "not run: no tenant model" in failed.stderr
    connect(name, autocommit=True).execute("CREATE TABLE loose (v int)")
    out = tmp_path / "base.json"
    assert workbench("--dsn", dsn, "--fail-on", "low", "--no-tenant", "--format", "json",
                     "--output", str(out)).returncode == 1
    assert workbench("--dsn", dsn, "--fail-on", "low", "--no-tenant", "--format", "sarif",
                     "--baseline", str(out)).returncode == 0
    assert workbench("--dsn", dsn, "--format", "yaml").returncode == 2
    assert workbench("--dsn", dsn, "--baseline", str(tmp_path / "none.json")).returncode == 2
    (tmp_path / "bad.json").write_text("{}")
    bad = workbench("--dsn", dsn, "--baseline", str(tmp_path / "bad.json"))
    assert bad.returncode == 2 and "not a workbench audit JSON report" in bad.stderr
    assert workbench("--dsn", "postgresql://nobody@127.0.0.1:1/x").returncode == 2


def test_unused_index_says_whether_statistics_count(scratch_db, connect):
    name = scratch_db("stats")
    conn = connect(name, autocommit=True)
    conn.execute("CREATE TABLE t (id int PRIMARY KEY, a int, b int); "
                 "CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b); "
                 "INSERT INTO t SELECT g, g, g FROM generate_series(1, 2000) g; ANALYZE t")
    empty = run_audit(conn, checks=["unused_index"]).results[0]
    assert empty.grouped and {r["index_name"] for r in empty.rows} == {"t_a", "t_b"}
    assert "2 indexes; statistics are empty" in empty.detail
    reader = connect(name, autocommit=True)
    reader.execute("SET enable_seqscan = off")
    reader.execute("SELECT * FROM t WHERE a = 7").fetchall()
    reader.close()  # a backend flushes its statistics when it exits
    for _ in range(50):
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute("SELECT idx_scan FROM pg_stat_user_indexes "
                           "WHERE indexrelname = 't_a'").fetchone()
        if row and row[0]:
            break
        time.sleep(0.1)
    counted = run_audit(conn, checks=["unused_index"]).results[0]
    assert [r["index_name"] for r in counted.rows] == ["t_b"]
    assert "1 index; never scanned since" in counted.detail
