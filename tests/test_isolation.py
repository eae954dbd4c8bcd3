"""The tenant-isolation harness, both ways: leaks where RLS is missing, none where it holds."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from tests.test_units_0100plus import _ready_units
from workbench import db
from workbench.audit import AuditOptions
from workbench.audit.isolation import CONTEXTS, OPERATIONS, run_isolation
from workbench.errors import UnsafeOperation
from workbench.paths import sql_dir
from workbench.schema import units as unitmod
from workbench.schema.variants import baseline_scripts
from workbench.sqlfiles import run_script

pytestmark = pytest.mark.db

SMALL = """
CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
CREATE TABLE open_notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                         tenant_id uuid NOT NULL REFERENCES tenants, body text NOT NULL);
CREATE TABLE closed_notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                           tenant_id uuid NOT NULL REFERENCES tenants, body text NOT NULL);
ALTER TABLE closed_notes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY t ON closed_notes USING (tenant_id = current_setting('app.tenant_id', true)::uuid);
"""


def _build(settings, scratch_db, connect, *, remediated: bool) -> str:
    name = scratch_db("iso")
    conn = connect(name, autocommit=True)
    with conn.transaction():
        for script in baseline_scripts():
            run_script(conn, script)
    if remediated:
        for unit in _ready_units():
            unitmod.apply_unit(conn, unit)
    return name


def test_small_schema_both_ways(settings, scratch_db, connect):
    name = scratch_db("isosmall")
    connect(name, autocommit=True).execute(SMALL)
    matrix = run_isolation(settings, name, AuditOptions(), app_role="none-such")
    outcome = {(c.table, c.operation, c.context): c.outcome for c in matrix.cells}
    for op in ("select", "insert", "update", "delete"):
        assert outcome[("open_notes", op, "unset")] == "leaked"
    # the harness sets the setting the tenant model read from the policy (app.tenant_id): as
    # tenant A, B's row stays closed; unset, the missing_ok policy reads '' once the setting was
    # used in the session and fails its uuid cast (an error, still no leak)
    assert {outcome[("closed_notes", op, "tenant-a")]
            for op in ("select", "update", "delete")} == {"blocked"}
    assert {outcome[("closed_notes", op, "unset")]
            for op in ("select", "update", "delete")} <= {"blocked", "error"}
    assert len(matrix.cells) == 3 * 4 * 2  # the tenant table itself included
    assert {outcome[("tenants", op, ctx)] for op in OPERATIONS for ctx in CONTEXTS} == {"leaked"}
    # nothing was left behind: no rows, no role
    conn = connect(name, autocommit=True)
    assert conn.execute("SELECT count(*) FROM tenants").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                        (matrix.role,)).fetchone()[0] == 0


# The tenant table's own policy compares its key (a tenant sees its own tenant row only).
TENANT_ROW_POLICY = """
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON tenants USING (id = current_setting('app.tenant_id', true)::uuid);
"""


@pytest.mark.parametrize("closed", [True, False], ids=["policy", "open"])
def test_tenant_table_is_in_the_matrix_with_its_control(settings, scratch_db, connect,
                                                        closed: bool):
    matrix, got = _run(settings, scratch_db, connect, SMALL + (TENANT_ROW_POLICY if closed else ""))
    assert matrix.settings == ("app.tenant_id",)
    # the control: in A's context A's own tenant row shows, with the policy or without
    assert matrix.own_rows["tenants"] is True
    tenant_a = {got[("tenants", op, "tenant-a")] for op in OPERATIONS}
    assert tenant_a == ({"blocked"} if closed else {"leaked"}), got
    assert ("tenants" in {c.table for c in matrix.leaks()}) is not closed


def test_baseline_leaks_and_remediated_holds(settings, scratch_db, connect):
    base = run_isolation(settings, _build(settings, scratch_db, connect, remediated=False))
    leaked_tables = {c.table for c in base.leaks()}
    assert len(leaked_tables) >= 13
    assert not [c for c in base.cells if c.outcome == "not-testable"]
    assert "user_sessions" in {c.table for c in base.cells}  # indirect: reaches it via users
    assert "organizations" in leaked_tables  # the tenant table: no row level security
    rem = run_isolation(settings, _build(settings, scratch_db, connect, remediated=True))
    assert rem.own_rows and all(rem.own_rows.values())  # its context opens A's own rows
    assert "organizations" in rem.own_rows  # the tenant table too (its policy compares id)
    assert rem.leaks() == []
    assert {c.outcome for c in rem.cells} == {"blocked"}
    assert all(c.loud for c in rem.cells if c.context == "unset" and c.operation != "insert")


def test_refuses_a_database_it_does_not_own(settings, connect):
    name = f"{settings.prefix}_foreign"
    with db.connection(settings, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with pytest.raises(UnsafeOperation, match="did not create it"):
            run_isolation(settings, name)
    finally:
        with db.connection(settings, autocommit=True) as conn:
            try:
                conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            except psycopg.Error:
                pass


# ---------------------------------------------------------------- schemas the harness never saw

# A text tenant key, a tenant column named differently per table, an indirect table (no tenant
# column: it reaches the tenant through its parent), a table with one row per tenant (its
# tenant column is its key), and policies reading a setting of their own.
SETTING_SCHEMA = """
CREATE TABLE projects (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE traces (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                     project_ref text NOT NULL REFERENCES projects, name text NOT NULL);
CREATE TABLE spans (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                    trace_id bigint NOT NULL REFERENCES traces, label text NOT NULL);
CREATE TABLE project_settings (project text PRIMARY KEY REFERENCES projects, body jsonb);
ALTER TABLE traces ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON traces USING (project_ref = current_setting('app.current_project', true));
CREATE POLICY own ON project_settings
    USING (project = current_setting('app.current_project', true));
"""
SETTING_TIGHT = """
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON projects USING (id = current_setting('app.current_project', true));
ALTER TABLE spans ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON spans USING (EXISTS (SELECT 1 FROM traces t WHERE t.id = spans.trace_id
    AND t.project_ref = current_setting('app.current_project', true)));
"""

# Supabase style: auth.uid(), a membership table, a SECURITY DEFINER helper listing the
# caller's teams, a direct table and an indirect one.
AUTH_SCHEMA = """
CREATE TABLE teams (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
CREATE TABLE team_members (team_id uuid NOT NULL REFERENCES teams,
                           user_id uuid NOT NULL REFERENCES auth.users,
                           PRIMARY KEY (team_id, user_id));
CREATE SCHEMA private;
CREATE FUNCTION private.my_teams() RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = '' AS $$
    SELECT team_id FROM public.team_members WHERE user_id = auth.uid() $$;
CREATE TABLE docs (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                   team_id uuid NOT NULL REFERENCES teams, title text NOT NULL);
CREATE TABLE comments (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                       doc_id uuid NOT NULL REFERENCES docs, body text NOT NULL);
ALTER TABLE team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON team_members TO authenticated USING (user_id = auth.uid());
CREATE POLICY team ON docs TO authenticated USING (team_id IN (SELECT private.my_teams()));
CREATE POLICY read ON comments FOR SELECT TO authenticated USING (EXISTS (
    SELECT 1 FROM docs d WHERE d.id = comments.doc_id));
CREATE POLICY change ON comments FOR UPDATE TO authenticated USING (EXISTS (
    SELECT 1 FROM docs d WHERE d.id = comments.doc_id));
CREATE POLICY remove ON comments FOR DELETE TO authenticated USING (EXISTS (
    SELECT 1 FROM docs d WHERE d.id = comments.doc_id));
"""
AUTH_TIGHT = """
CREATE POLICY add ON comments FOR INSERT TO authenticated WITH CHECK (EXISTS (
    SELECT 1 FROM docs d WHERE d.id = comments.doc_id));
"""
AUTH_LEAKY = """
CREATE POLICY add ON comments FOR INSERT TO authenticated WITH CHECK (true);
"""


def _outcomes(matrix) -> dict[tuple[str, str, str], str]:
    return {(c.table, c.operation, c.context): c.outcome for c in matrix.cells}


def _run(settings, scratch_db, connect, ddl: str):
    """The matrix of a fresh database built by ``ddl``, and its outcomes by cell."""
    name = scratch_db("iso")
    connect(name, autocommit=True).execute(ddl)
    matrix = run_isolation(settings, name)
    return matrix, _outcomes(matrix)


@pytest.mark.parametrize("tight", [True, False], ids=["tight", "leaky"])
def test_setting_schema_with_text_keys_and_an_indirect_table(settings, scratch_db, connect,
                                                             tight: bool):
    matrix, got = _run(settings, scratch_db, connect,
                       SETTING_SCHEMA + (SETTING_TIGHT if tight else ""))
    assert {c.table for c in matrix.cells} == {"projects", "traces", "spans", "project_settings"}
    assert matrix.settings == ("app.current_project",)
    # the control: tenant A's context opens A's own rows, so "blocked" below means something
    assert matrix.own_rows == {"projects": True, "traces": True, "spans": True,
                               "project_settings": True}
    for table in ("traces", "project_settings"):  # a direct table; one row per tenant
        assert {got[(table, op, "tenant-a")] for op in OPERATIONS} == {"blocked"}
    for table in ("spans", "projects"):  # indirect; the tenant table (a policy on its key)
        got_all = {got[(table, op, ctx)] for op in OPERATIONS for ctx in CONTEXTS}
        assert got_all == ({"blocked"} if tight else {"leaked"}), table
    assert not [c for c in matrix.cells if c.outcome in ("error", "not-testable")]


@pytest.mark.parametrize("tight", [True, False], ids=["tight", "leaky"])
def test_auth_uid_membership_schema(settings, scratch_db, connect, tight: bool):
    name = scratch_db("isoauth")
    conn = connect(name, autocommit=True)
    run_script(conn, sql_dir() / "baseline" / "000_supabase_stubs.sql")
    conn.execute(AUTH_SCHEMA + (AUTH_TIGHT if tight else AUTH_LEAKY))
    matrix = run_isolation(settings, name)
    got = _outcomes(matrix)
    assert matrix.app_role == "authenticated" and matrix.jwt_sub is not None
    assert matrix.settings == ()
    # the membership row made for the test user is what lets A see its own docs and comments
    assert matrix.own_rows["docs"] and matrix.own_rows["comments"]
    for table in ("docs", "comments"):
        for op in ("select", "update", "delete"):
            assert got[(table, op, "tenant-a")] == "blocked", (table, op)
    assert got[("docs", "insert", "tenant-a")] == "blocked"
    assert got[("comments", "insert", "tenant-a")] == ("blocked" if tight else "leaked")
    assert not [c for c in matrix.cells if c.outcome == "not-testable"]


def test_cli_matrix_with_fail_on_leak_and_json(settings, scratch_db, connect, tmp_path):
    import json
    import subprocess
    import sys

    def run(target: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "workbench", "isolation", "--target", target,
                               "--dsn", settings.server_conninfo(), *extra],
                              capture_output=True, text=True, timeout=300)

    leaky, tight = scratch_db("isocli"), scratch_db("isocli")
    connect(leaky, autocommit=True).execute(SETTING_SCHEMA)
    connect(tight, autocommit=True).execute(SETTING_SCHEMA + SETTING_TIGHT)
    out = tmp_path / "matrix.json"
    r = run(leaky, "--fail-on-leak", "--output", str(out))
    assert r.returncode == 1, r.stderr
    assert "16 of 32 attempts leaked across 2 table(s)" in " ".join(r.stdout.split())
    saved = json.loads(out.read_text())
    assert saved["settings"] == ["app.current_project"] and len(saved["cells"]) == 32
    assert run(tight, "--fail-on-leak").returncode == 0


def test_fixture_rows_satisfy_checks_tying_optional_columns(settings, scratch_db, connect):
    # CHECKs on optional columns and "exactly one parent" (as in lago's plans and alerts), array
    # and bytea columns: every table still gets its rows (no RLS here, so every attempt leaks)
    name = scratch_db("isocheck")
    connect(name, autocommit=True).execute("""
        CREATE TYPE kind AS ENUM ('legacy', 'modern');
        CREATE TABLE orgs (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
        CREATE TABLE plans (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                            org_id uuid NOT NULL REFERENCES orgs, kind kind NOT NULL,
                            amount int, CHECK (kind <> 'legacy' OR amount IS NOT NULL));
        CREATE TABLE wallets (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                              org_id uuid NOT NULL REFERENCES orgs);
        CREATE TABLE alerts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                             org_id uuid NOT NULL REFERENCES orgs,
                             plan_id uuid REFERENCES plans, wallet_id uuid REFERENCES wallets,
                             CHECK (num_nonnulls(plan_id, wallet_id) = 1));
        CREATE TABLE blobs (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                            org_id uuid NOT NULL REFERENCES orgs,
                            data bytea NOT NULL, ids uuid[] NOT NULL);
    """)
    matrix = run_isolation(settings, name)
    assert {c.table for c in matrix.cells} == {"orgs", "plans", "wallets", "alerts", "blobs"}
    assert {c.outcome for c in matrix.cells} == {"leaked"}
