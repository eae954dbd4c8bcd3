"""The baseline reproduces the schema as reviewed, defects included (schema-foundation.md)."""

from __future__ import annotations

import pytest

from workbench.probes.flag_types import replay_rejected

pytestmark = pytest.mark.db

TENANT_TABLES_WITHOUT_FK = {
    "activities", "contacts", "customers", "email_history", "inventory", "inventory_movements",
    "locations", "notifications", "opportunities", "order_line_items", "orders", "products",
    "quotes",
}


@pytest.fixture(scope="module")
def conn(settings, baseline_db):
    from workbench import db

    with db.connection(settings, baseline_db, autocommit=True) as c:
        yield c


def test_seventeen_tables_and_auth_stub(conn) -> None:
    tables = conn.execute(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    assert tables == 17
    assert conn.execute("SELECT to_regclass('auth.users')").fetchone()[0] is not None
    enums = conn.execute(
        "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE t.typtype = 'e' AND n.nspname = 'public'").fetchone()[0]
    assert enums == 25


def test_contacts_flags_are_uuid_without_default(conn) -> None:
    rows = conn.execute(
        "SELECT column_name, data_type, column_default FROM information_schema.columns "
        "WHERE table_name = 'contacts' AND column_name IN ('is_primary', 'is_decision_maker')"
    ).fetchall()
    assert sorted(rows) == [("is_decision_maker", "uuid", None), ("is_primary", "uuid", None)]


def test_rls_only_on_users_and_api_tokens(conn) -> None:
    rls = {r[0] for r in conn.execute(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relrowsecurity").fetchall()}
    assert rls == {"users", "api_tokens"}
    policies = dict(conn.execute(
        "SELECT tablename, count(*) FROM pg_policies WHERE schemaname = 'public' GROUP BY 1"
    ).fetchall())
    assert policies == {"users": 4, "api_tokens": 2}
    missing_ok = conn.execute(
        "SELECT count(*) FROM pg_policies WHERE tablename = 'users' "
        "AND coalesce(qual, with_check) "
        "LIKE '%current_setting(''app.organization_id''::text, true)%'"
    ).fetchone()[0]
    assert missing_ok == 4


def test_thirteen_tenant_tables_lack_the_organizations_fk(conn) -> None:
    rows = conn.execute("""
        SELECT c.relname, EXISTS (
            SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f'
              AND k.confrelid = 'organizations'::regclass AND k.conkey = ARRAY[a.attnum])
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id'
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
    """).fetchall()
    assert {t for t, has_fk in rows if not has_fk} == TENANT_TABLES_WITHOUT_FK
    assert {t for t, has_fk in rows if has_fk} == {"users", "api_tokens"}


def test_fact5_foreign_keys_without_supporting_index(conn) -> None:
    rows = conn.execute("""
        SELECT c.conrelid::regclass::text || '.' || a.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
                          AND i.indkey[0] = c.conkey[1])
    """).fetchall()
    assert {r[0] for r in rows} == {
        "api_tokens.revoked_by", "inventory_movements.inventory_id",
        "inventory_movements.location_id", "inventory_movements.product_id",
        "quotes.customer_id", "quotes.opportunity_id",
    }


def test_odd_types_kept(conn) -> None:
    types = dict(conn.execute("""
        SELECT table_name || '.' || column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND (table_name, column_name) IN
          (('order_line_items', 'line_number'), ('inventory', 'expiry_date'), ('quotes', 'status'))
    """).fetchall())
    assert types == {"order_line_items.line_number": "text", "inventory.expiry_date": "text",
                     "quotes.status": "text"}


def test_auth_trigger_function_has_no_search_path(conn) -> None:
    secdef, config = conn.execute(
        "SELECT prosecdef, proconfig FROM pg_proc WHERE proname = 'handle_new_auth_user'"
    ).fetchone()
    assert secdef is True and config is None


def test_rejected_statements_fail_as_postgresql_says(conn) -> None:
    results = {r["statement"]: r for r in replay_rejected(conn)}
    default = results["contacts_flags_uuid_default_false.sql"]
    assert default["accepted"] == "no" and default["sqlstate"] == "42804"
    assert "is of type uuid but default expression is of type boolean" in default["error"]
    cast = results["contacts_flags_set_type_boolean.sql"]
    assert cast["accepted"] == "no"
    assert "cannot be cast automatically to type boolean" in cast["error"]
    # and nothing was left behind
    assert conn.execute("SELECT to_regnamespace('_wb_rejected_scratch')").fetchone()[0] is None
