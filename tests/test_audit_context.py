"""Tenant column detection, both ways: foreign keys beat head counts; the override still wins."""

from __future__ import annotations

import pytest

from workbench.audit import AuditOptions, detect

pytestmark = pytest.mark.db

# account_id (a billing account, no keys) sits on three tables; tenant_id on two, both keyed to
# tenants. Counting tables picks account_id; the tenant column is tenant_id.
DECOY = """
CREATE TABLE tenants (id uuid PRIMARY KEY);
CREATE TABLE projects (id uuid PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants,
                       account_id uuid);
CREATE TABLE tasks (id uuid PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants,
                    account_id uuid);
CREATE TABLE invoices (id uuid PRIMARY KEY, account_id uuid);
"""
# the same shape without the keys: then the widespread column is all there is to go on
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


def test_without_keys_the_most_widespread_column_wins(conn):
    conn.execute(NO_KEYS)
    assert detect(conn).tenant_column == "account_id"


def test_override_wins_over_detection(conn):
    conn.execute(DECOY)
    ctx = detect(conn, AuditOptions(tenant_column="account_id"))
    assert ctx.tenant_column == "account_id"
    assert set(ctx.tenant_tables) == {"projects", "tasks", "invoices"}


def test_reviewed_schema_is_organization_id(connect, baseline_db):
    c = connect(baseline_db)
    ctx = detect(c)
    c.rollback()
    assert ctx.tenant_column == "organization_id"
    assert ctx.tenant_table == "organizations"
    assert len(ctx.tenant_tables) == 15  # fact 2: the 15 tenant tables
