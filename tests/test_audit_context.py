"""The audit's context comes from the tenant model: evidence beats head counts, overrides win,
a saved model is used as given, --no-tenant turns tenant checks off, and the settings the SQL
checks read carry each table's own tenant column."""

from __future__ import annotations

import json

import pytest

from workbench.audit import AuditOptions, detect
from workbench.tenancy import TenantModel

pytestmark = pytest.mark.db

# account_id (a billing account, no keys) sits on three tables; tenant_id on two, both keyed to
# tenants. Counting tables picks account_id; the tenant column is tenant_id.
DECOY = """
CREATE TABLE tenants (id uuid PRIMARY KEY);
CREATE TABLE projects (id uuid PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants,
                       account_id uuid, UNIQUE (tenant_id, id));
CREATE TABLE tasks (id uuid PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants,
                    account_id uuid, project_id uuid NOT NULL REFERENCES projects);
CREATE TABLE invoices (id uuid PRIMARY KEY, account_id uuid);
"""
# the same shape without any key: nothing says which column scopes rows
NO_KEYS = """
CREATE TABLE tenants (id uuid PRIMARY KEY);
CREATE TABLE projects (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, account_id uuid);
CREATE TABLE tasks (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, account_id uuid);
CREATE TABLE invoices (id uuid PRIMARY KEY, account_id uuid);
"""


@pytest.fixture
def conn(scratch_db, connect):
    c = connect(scratch_db("ctx"))
    yield c
    c.rollback()


def test_foreign_keys_beat_head_count(conn):
    conn.execute(DECOY)
    ctx = detect(conn)
    assert ctx.tenant_column == "tenant_id"
    assert ctx.tenant_table == "tenants"
    assert set(ctx.tenant_tables) == {"projects", "tasks"}
    assert ctx.tenant_model.found()


def test_without_keys_no_model_is_found_and_nothing_is_assumed(conn):
    conn.execute(NO_KEYS)
    ctx = detect(conn)
    assert not ctx.tenant_model.found()
    assert ctx.tenant_tables == () and ctx.tenant_table is None
    assert ctx.settings()["workbench.tenant_tables"] == "{}"


def test_override_wins_over_inference(conn):
    conn.execute(NO_KEYS)
    ctx = detect(conn, AuditOptions(tenant_column="account_id"))
    assert ctx.tenant_column == "account_id"
    assert set(ctx.tenant_tables) == {"projects", "tasks", "invoices"}


def test_settings_carry_each_tables_column(conn):
    conn.execute(DECOY)
    ctx = detect(conn)
    settings = ctx.settings()
    columns = json.loads(settings["workbench.tenant_columns"])
    oids = {t: ctx.oids[t] for t in ctx.tenant_model.direct()}
    assert columns == {str(o): "tenant_id" for o in oids.values()}
    assert settings["workbench.tenant_table"] == "tenants"


def test_saved_model_is_used_as_given(conn):
    conn.execute(DECOY)
    saved = detect(conn).tenant_model.to_toml().replace(
        '[tables."public.invoices"]\nkind = "global"',
        '[tables."public.invoices"]\nkind = "direct"\ncolumn = "account_id"')
    ctx = detect(conn, AuditOptions(tenancy=TenantModel.from_toml(saved)))
    assert ctx.tenant_column_of("invoices") == "account_id"
    assert set(ctx.tenant_tables) == {"projects", "tasks", "invoices"}


def test_no_tenant_turns_the_model_off(conn):
    conn.execute(DECOY)
    ctx = detect(conn, AuditOptions(no_tenant=True))
    assert not ctx.tenant_model.found() and ctx.tenant_model.single_tenant
    assert ctx.tenant_tables == ()


def test_reviewed_schema_is_organizations_from_evidence(connect, baseline_db):
    c = connect(baseline_db)
    ctx = detect(c)
    c.rollback()
    model = ctx.tenant_model
    assert ctx.tenant_column == "organization_id"
    assert model.tenant_table == "public.organizations"
    assert len(ctx.tenant_tables) == 15  # fact 2: the 15 tenant tables
    kinds = {e.kind for e in model.evidence}
    assert {"fk", "policy", "membership"} <= kinds
    assert model.context.settings == ("app.organization_id",)
