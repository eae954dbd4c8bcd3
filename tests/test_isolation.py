"""The tenant-isolation harness, both ways: leaks where RLS is missing, none where it holds."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from tests.test_units_0100plus import _ready_units
from workbench import db
from workbench.audit import AuditOptions
from workbench.audit.isolation import run_isolation
from workbench.errors import UnsafeOperation
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
    assert len(matrix.cells) == 2 * 4 * 2
    # nothing was left behind: no rows, no role
    conn = connect(name, autocommit=True)
    assert conn.execute("SELECT count(*) FROM tenants").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                        (matrix.role,)).fetchone()[0] == 0


def test_baseline_leaks_and_remediated_holds(settings, scratch_db, connect):
    base = run_isolation(settings, _build(settings, scratch_db, connect, remediated=False))
    leaked_tables = {c.table for c in base.leaks()}
    assert len(leaked_tables) >= 13
    assert not [c for c in base.cells if c.outcome == "not-testable"]
    rem = run_isolation(settings, _build(settings, scratch_db, connect, remediated=True))
    assert rem.leaks() == []
    assert {c.outcome for c in rem.cells} == {"blocked"}
    assert all(c.loud for c in rem.cells if c.context == "unset" and c.operation != "insert")


def test_refuses_a_database_it_does_not_own(settings, connect):
    name = f"{settings.prefix}_foreign"
    with db.connection(settings, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with pytest.raises(UnsafeOperation, match="workbench created"):
            run_isolation(settings, name)
    finally:
        with db.connection(settings, autocommit=True) as conn:
            try:
                conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            except psycopg.Error:
                pass
