"""Probe verdicts both ways: on a small schema with the defect, then the same schema without it.

The fixture schema is keyed by ``account_id`` (not the reviewed schema's names); each test makes
the one change that adds or removes its defect and asserts the verdict and the counts it knows.
The variant-based tests run on the unseeded baseline and remediated databases, where every count
is known from the DDL alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from workbench.probes import registry
from workbench.probes.base import Observation, ProbeContext
from workbench.schema import units as unitmod
from workbench.schema.variants import baseline_scripts
from workbench.sqlfiles import run_script

pytestmark = pytest.mark.db

SCHEMA = """
CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL,
                       deleted_at timestamptz);
CREATE TABLE clients (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                      account_id uuid NOT NULL REFERENCES accounts, email text NOT NULL,
                      status text NOT NULL DEFAULT 'active', deleted_at timestamptz);
CREATE TABLE invoices (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                       account_id uuid NOT NULL REFERENCES accounts,
                       client_id uuid NOT NULL REFERENCES clients, amount numeric(12, 2) NOT NULL,
                       status text NOT NULL DEFAULT 'open', deleted_at timestamptz);
CREATE INDEX ON clients (account_id);
CREATE INDEX ON invoices (account_id);
CREATE INDEX ON invoices (client_id);
"""


@pytest.fixture
def small(scratch_db, connect) -> psycopg.Connection:
    """The fixture schema with one account, one client and two invoices."""
    conn = connect(scratch_db("verdicts"), autocommit=True)
    conn.execute(SCHEMA)  # type: ignore[arg-type]
    conn.execute("INSERT INTO accounts (id, name) VALUES ('00000000-0000-0000-0000-0000000000a1',"
                 " 'a')")
    conn.execute("INSERT INTO clients (id, account_id, email) VALUES "
                 "('00000000-0000-0000-0000-0000000000c1', "
                 "'00000000-0000-0000-0000-0000000000a1', 'x@example.org')")
    conn.execute("INSERT INTO invoices (account_id, client_id, amount) "
                 "SELECT '00000000-0000-0000-0000-0000000000a1', "
                 "'00000000-0000-0000-0000-0000000000c1', 10 FROM generate_series(1, 2)")
    return conn


@pytest.fixture
def observe(settings, tmp_path) -> Callable[[str, psycopg.Connection], Observation]:
    """Run a registered probe's ``observe`` on a connection (variant name is irrelevant)."""

    def run(probe_id: str, conn: psycopg.Connection) -> Observation:
        ctx = ProbeContext(settings, "baseline", conn.info.dbname, conn,
                           Path(tmp_path) / probe_id)
        return registry()[probe_id]().observe(ctx)

    return run


def test_money_in_float_and_negative_amounts(small, observe) -> None:
    assert observe("integrity_money", small).present is False
    small.execute("ALTER TABLE invoices ALTER amount TYPE double precision")
    obs = observe("integrity_money", small)
    assert obs.present is True and obs.evidence["money_in_float_column"]["count"] == 1
    small.execute("ALTER TABLE invoices ALTER amount TYPE numeric(12, 2)")
    small.execute("UPDATE invoices SET amount = -5 WHERE ctid = (SELECT min(ctid) FROM invoices)")
    obs = observe("integrity_money", small)
    assert obs.present is True and obs.evidence["negative_amounts"]["count"] == 1
    assert obs.evidence["money_in_float_column"]["count"] == 0


def test_email_validation_and_stored_addresses(small, observe) -> None:
    obs = observe("integrity_email", small)
    assert obs.present is True
    assert obs.evidence["email_column_unvalidated"]["count"] == 1
    assert obs.evidence["invalid_emails"]["count"] == 0
    small.execute("ALTER TABLE clients ADD CONSTRAINT clients_email_shape "
                  "CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$')")
    assert observe("integrity_email", small).present is False
    small.execute("ALTER TABLE clients DROP CONSTRAINT clients_email_shape")
    small.execute("UPDATE clients SET email = 'nobody'")
    small.execute("ALTER TABLE clients ADD CONSTRAINT clients_email_shape "
                  "CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$') NOT VALID")
    obs = observe("integrity_email", small)
    assert obs.present is True and obs.evidence["invalid_emails"]["count"] == 1
    assert obs.evidence["email_column_unvalidated"]["count"] == 0


def test_global_unique_on_a_tenant_table(small, observe) -> None:
    assert observe("isolation_global_uniques", small).present is False
    small.execute("CREATE UNIQUE INDEX clients_email_key ON clients (email)")
    obs = observe("isolation_global_uniques", small)
    assert obs.present is True
    assert [s["index_name"] for s in obs.evidence["unique_without_tenant_column"]["samples"]] \
        == ["clients_email_key"]
    small.execute("DROP INDEX clients_email_key")
    small.execute("CREATE UNIQUE INDEX clients_account_email_key ON clients (account_id, email)")
    assert observe("isolation_global_uniques", small).present is False


def test_fk_without_index(small, observe) -> None:
    assert observe("integrity_fk_indexes", small).present is False
    small.execute("DROP INDEX invoices_client_id_idx")
    obs = observe("integrity_fk_indexes", small)
    assert obs.present is True and obs.evidence["fk_without_index"]["count"] == 1


def test_cross_tenant_keys_and_rows(small, observe) -> None:
    obs = observe("isolation_cross_tenant_refs", small)
    assert obs.present is True  # invoices.client_id -> clients without account_id
    assert obs.evidence["cross_tenant_fk_not_composite"]["count"] == 1
    assert obs.evidence["cross_tenant_references"]["count"] == 0
    small.execute("ALTER TABLE clients ADD UNIQUE (account_id, id)")
    small.execute("ALTER TABLE invoices DROP CONSTRAINT invoices_client_id_fkey, "
                  "ADD FOREIGN KEY (account_id, client_id) REFERENCES clients (account_id, id)")
    assert observe("isolation_cross_tenant_refs", small).present is False


def test_missing_constraints_by_share_of_tables(small, observe) -> None:
    obs = observe("integrity_missing_constraints", small)
    assert obs.present is True
    assert (obs.evidence["tables_with_value_columns"], obs.evidence["tables_fully_constrained"]) \
        == (2, 0)
    assert sorted(obs.evidence["unconstrained"]) == [
        "clients.status (status)", "invoices.amount (money)", "invoices.status (status)"]
    small.execute("ALTER TABLE invoices ADD CHECK (amount >= 0), "
                  "ADD CHECK (status IN ('open', 'paid'))")
    half = observe("integrity_missing_constraints", small)
    assert half.present is True and half.evidence["share"] == 0.5
    small.execute("CREATE TYPE client_status AS ENUM ('active', 'closed')")
    small.execute("ALTER TABLE clients ALTER status DROP DEFAULT, "
                  "ALTER status TYPE client_status USING status::client_status")
    done = observe("integrity_missing_constraints", small)
    assert done.present is False and done.evidence["share"] == 1.0


def test_missing_constraints_without_value_columns(scratch_db, connect, observe) -> None:
    conn = connect(scratch_db("novalues"), autocommit=True)
    conn.execute("CREATE TABLE teams (id int PRIMARY KEY); CREATE TABLE notes (id int, "
                 "team_id int NOT NULL REFERENCES teams, body text)")
    assert observe("integrity_missing_constraints", conn).present is None


def test_feature_flags_from_the_catalog(small, observe) -> None:
    small.execute("CREATE TABLE warehouses (id uuid PRIMARY KEY, account_id uuid NOT NULL "
                  "REFERENCES accounts, code text NOT NULL, name text, address text, "
                  "is_active boolean, UNIQUE (account_id, code))")
    obs = observe("isolation_feature_flags", small)
    assert obs.present is True and obs.evidence["switch_tables"] == []
    small.execute("CREATE TABLE account_switches (account_id uuid NOT NULL REFERENCES accounts,"
                  " name text NOT NULL, enabled boolean NOT NULL DEFAULT false, updated_at "
                  "timestamptz, PRIMARY KEY (account_id, name))")
    obs = observe("isolation_feature_flags", small)
    assert obs.present is False
    assert [(t["table_name"], t["key_column"], t["switches"])
            for t in obs.evidence["switch_tables"]] == [("account_switches", "name", ["enabled"])]


def test_feature_flags_one_row_per_tenant(small, observe) -> None:
    small.execute("CREATE TABLE account_options (account_id uuid PRIMARY KEY REFERENCES accounts,"
                  " exports boolean NOT NULL, sso boolean NOT NULL)")
    obs = observe("isolation_feature_flags", small)
    assert obs.present is False
    assert obs.evidence["switch_tables"][0]["shape"] == "one row per tenant"


def test_required_columns(small, observe) -> None:
    obs = observe("integrity_not_null", small)
    assert obs.present is False and obs.evidence["counted"] == {}
    small.execute("ALTER TABLE invoices ALTER status DROP NOT NULL, ADD COLUMN owner_id uuid, "
                  "ADD COLUMN due_date date")
    obs = observe("integrity_not_null", small)
    assert obs.present is True
    assert obs.evidence["counted"] == {"public.invoices.status": "status"}
    assert obs.evidence["to_review"] == {"public.invoices.due_date": "workflow date",
                                         "public.invoices.owner_id":
                                             "reference-like, no foreign key"}
    small.execute("ALTER TABLE invoices ALTER status SET NOT NULL, "
                  "ADD FOREIGN KEY (owner_id) REFERENCES clients")
    obs = observe("integrity_not_null", small)
    assert obs.present is False and list(obs.evidence["to_review"]) == ["public.invoices.due_date"]


def test_soft_delete_measured_on_the_data(small, observe) -> None:
    obs = observe("integrity_soft_delete", small)
    assert obs.present is True
    (trial,) = obs.evidence["trials"]  # accounts is the tenant table: its keys are not measured
    assert (trial["parent"], trial["children_before"], trial["live_after"]) == ("clients", 2, 2)
    assert small.execute("SELECT count(*) FROM clients WHERE deleted_at IS NULL").fetchone()[0] \
        == 1  # rolled back
    small.execute("""
        CREATE FUNCTION clients_soft_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE invoices SET deleted_at = NEW.deleted_at
             WHERE client_id = NEW.id AND deleted_at IS NULL;
            RETURN NULL;
        END $$;
        CREATE TRIGGER clients_soft_delete AFTER UPDATE OF deleted_at ON clients
            FOR EACH ROW WHEN (NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION clients_soft_delete();
    """)
    obs = observe("integrity_soft_delete", small)
    assert obs.present is False
    assert [(t["children_before"], t["live_after"]) for t in obs.evidence["trials"]] == [(2, 0)]


def test_soft_delete_without_rows_is_not_measured(small, observe) -> None:
    small.execute("DELETE FROM invoices")
    assert observe("integrity_soft_delete", small).present is None


def test_soft_delete_set_null_keys_are_not_ownership(small, observe) -> None:
    small.execute("ALTER TABLE invoices DROP CONSTRAINT invoices_client_id_fkey, "
                  "ALTER client_id DROP NOT NULL, "
                  "ADD FOREIGN KEY (client_id) REFERENCES clients ON DELETE SET NULL")
    obs = observe("integrity_soft_delete", small)
    assert obs.present is None and obs.evidence["keys_set_null_on_delete"] == [
        "invoices(client_id) -> clients"]


@pytest.fixture
def reviewed(scratch_db, connect) -> psycopg.Connection:
    """The baseline DDL in a scratch database, with one customer, three orders, one deal."""
    conn = connect(scratch_db("reviewed"), autocommit=True)
    with conn.transaction():
        for script in baseline_scripts():
            run_script(conn, script)
    org = conn.execute("INSERT INTO organizations (name, slug) VALUES ('o', 'o') RETURNING id"
                       ).fetchone()[0]
    cust = conn.execute("INSERT INTO customers (organization_id, name) VALUES (%s, 'c') "
                        "RETURNING id", (org,)).fetchone()[0]
    for i in range(3):
        conn.execute("INSERT INTO orders (organization_id, order_number, customer_id) "
                     "VALUES (%s, %s, %s)", (org, f"n{i}", cust))
    conn.execute("INSERT INTO opportunities (organization_id, customer_id, name) "
                 "VALUES (%s, %s, 'deal')", (org, cust))
    return conn


def _unit(name: str) -> unitmod.Unit:
    return unitmod.get_unit(name)


def test_soft_delete_tenant_keys_do_not_count(reviewed, observe) -> None:
    """Unit 0020's tenant keys are not soft-delete gaps; 0170's trigger is what propagates."""
    obs = observe("integrity_soft_delete", reviewed)
    assert obs.present is True
    assert [(t["parent"], t["children_before"], t["live_after"]) for t in obs.evidence["trials"]
            ] == [("customers", 4, 4)]
    unitmod.ensure_meta(reviewed)
    unitmod.apply_unit(reviewed, _unit("0020_tenant_fk_organizations"))
    assert observe("integrity_soft_delete", reviewed).present is True
    unitmod.apply_unit(reviewed, _unit("0170_soft_delete_propagation"))
    obs = observe("integrity_soft_delete", reviewed)
    assert obs.present is False
    assert [(t["children_before"], t["live_after"]) for t in obs.evidence["trials"]] == [(4, 0)]


def test_required_columns_the_review_names(reviewed, observe) -> None:
    obs = observe("integrity_not_null", reviewed)
    assert obs.present is True
    assert obs.evidence["counted"] == {
        "public.opportunities.assigned_to": "named by the review, no foreign key",
        "public.orders.due_date": "named by the review"}
    unitmod.ensure_meta(reviewed)
    unitmod.apply_unit(reviewed, _unit("0100_cross_tenant_composite_fks"))
    unitmod.apply_unit(reviewed, _unit("0190_required_due_date_assignee_key"))
    obs = observe("integrity_not_null", reviewed)
    assert obs.present is False and obs.evidence["counted"] == {}
    assert reviewed.execute("SELECT count(*) FROM orders WHERE due_date IS NULL"
                            ).fetchone()[0] == 0


VARIANT_PROBES = {
    "integrity_derived_values": ("derived_column_unguarded", "quantity_drift"),
    "integrity_email": ("email_column_unvalidated", "invalid_emails"),
    "integrity_fk_indexes": ("fk_without_index",),
    "integrity_order_totals": ("stored_totals_beside_lines", "order_totals_drift"),
    "isolation_cross_tenant_refs": ("cross_tenant_fk_not_composite", "cross_tenant_references"),
    "isolation_rls_coverage": ("rls_disabled_on_tenant_table", "rls_not_forced"),
    "isolation_unset_setting": ("policy_setting_missing_ok",),
}


@pytest.mark.parametrize("probe_id", sorted(VARIANT_PROBES))
def test_audit_probes_on_the_variants(probe_id, settings, baseline_db, remediated_db, connect,
                                      tmp_path) -> None:
    """Baseline carries each structural defect; remediated (no rows) has none: every count 0."""
    findings = {}
    for variant, database in (("baseline", baseline_db), ("remediated", remediated_db)):
        ctx = ProbeContext(settings, variant, database, connect(database, autocommit=True),
                           tmp_path / variant)
        findings[variant] = registry()[probe_id]().run(ctx)
    base, rem = findings["baseline"], findings["remediated"]
    assert base.verdict == "confirmed", base.reason
    assert base.evidence[VARIANT_PROBES[probe_id][0]]["count"] > 0
    assert rem.verdict == "mitigated", rem.reason
    assert {c: rem.evidence[c]["count"] for c in VARIANT_PROBES[probe_id]} \
        == dict.fromkeys(VARIANT_PROBES[probe_id], 0)


def test_fulltext_verdict_follows_the_figures() -> None:
    from workbench.probes.scale_fulltext import fulltext_verdict

    assert fulltext_verdict({"a": 0.02, "b": 0.5}, 0.10)[0] is True
    present, reason = fulltext_verdict({"a": 0.02, "b": 0.05}, 0.10)
    assert present is False and "2% to a, 5% to b" in reason


def test_fulltext_write_cost_measures_every_index(small, observe) -> None:
    small.execute("ALTER TABLE invoices ADD COLUMN note text")
    small.execute("UPDATE invoices SET note = repeat('solar panel inverter battery ', 20)")
    small.execute("ALTER TABLE clients ADD COLUMN search tsvector "
                  "GENERATED ALWAYS AS (to_tsvector('simple', email)) STORED")
    small.execute("CREATE INDEX invoices_note_fts ON invoices USING gin "
                  "(to_tsvector('english', note))")
    small.execute("CREATE INDEX clients_search ON clients USING gin (search)")
    small.execute("CREATE INDEX clients_email_trgm ON clients USING gin ((ARRAY[email]))")
    obs = observe("scale_full_text_write_cost", small)
    tables = obs.evidence["tables"]
    assert {t: m["indexes"] for t, m in tables.items()} == {
        "clients": ["clients_search"], "invoices": ["invoices_note_fts"]}
    assert all(m["measured"] and m["rows"] in (1, 2) for m in tables.values())
    worst = max(m["overhead"] for m in tables.values())
    assert obs.present is (worst > obs.evidence["threshold"])
    small.execute("DROP INDEX invoices_note_fts, clients_search")
    gone = observe("scale_full_text_write_cost", small)
    assert gone.present is False and gone.evidence["tables"] == {}


def test_soft_delete_uniques_read_the_tenant_column(small, observe) -> None:
    small.execute("CREATE UNIQUE INDEX clients_email_global ON clients (email)")
    assert observe("isolation_soft_delete_uniques", small).present is False  # not per tenant
    small.execute("CREATE UNIQUE INDEX clients_account_email ON clients (account_id, email)")
    obs = observe("isolation_soft_delete_uniques", small)
    assert obs.present is True
    assert [s["index_name"] for s in obs.evidence["soft_delete_unique_without_filter"]["samples"]
            ] == ["clients_account_email"]
    small.execute("DROP INDEX clients_account_email")
    small.execute("CREATE UNIQUE INDEX clients_account_email ON clients (account_id, email) "
                  "WHERE deleted_at IS NULL")
    assert observe("isolation_soft_delete_uniques", small).present is False


def test_single_org_users(small, observe) -> None:
    small.execute("CREATE TABLE members (id uuid PRIMARY KEY, account_id uuid NOT NULL "
                  "REFERENCES accounts, auth_id uuid NOT NULL)")
    small.execute("CREATE UNIQUE INDEX members_auth ON members (auth_id)")
    obs = observe("isolation_single_org_users", small)
    assert obs.present is True
    assert obs.evidence["unique_without_tenant_column"]["count"] == 1
    small.execute("DROP INDEX members_auth")
    small.execute("CREATE UNIQUE INDEX members_auth ON members (account_id, auth_id)")
    assert observe("isolation_single_org_users", small).present is False


def test_schema_without_tenants(scratch_db, connect, observe) -> None:
    conn = connect(scratch_db("notenant"), autocommit=True)
    conn.execute("CREATE TABLE tickets (id int PRIMARY KEY, status text, closed boolean)")
    assert observe("isolation_feature_flags", conn).present is None
    obs = observe("integrity_not_null", conn)
    assert obs.present is True and obs.evidence["counted"] == {"public.tickets.status": "status"}
    conn.execute("ALTER TABLE tickets ALTER status SET NOT NULL")
    assert observe("integrity_not_null", conn).present is False


def test_missing_constraints_reach_indirect_tenant_tables(scratch_db, connect, observe) -> None:
    """Keyed by team_id, with lines that belong to a team only through their invoice."""
    conn = connect(scratch_db("indirect"), autocommit=True)
    conn.execute("""
        CREATE TABLE teams (id bigint PRIMARY KEY, name text NOT NULL);
        CREATE TABLE bills (id bigint PRIMARY KEY, team_id bigint NOT NULL REFERENCES teams,
                            total numeric(12, 2) NOT NULL CHECK (total >= 0));
        CREATE TABLE members (id bigint PRIMARY KEY, team_id bigint NOT NULL REFERENCES teams);
        CREATE TABLE bill_lines (id bigint PRIMARY KEY,
                                 bill_id bigint NOT NULL REFERENCES bills,
                                 quantity numeric(10, 3) NOT NULL);
        ALTER TABLE bills ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own_team ON bills USING (team_id = current_setting('app.team_id')::bigint);
    """)
    obs = observe("integrity_missing_constraints", conn)
    assert obs.present is True
    assert obs.evidence["unconstrained"] == ["bill_lines.quantity (quantity)"]
    conn.execute("ALTER TABLE bill_lines ADD CHECK (quantity > 0)")
    assert observe("integrity_missing_constraints", conn).present is False


def test_unvalidated_ids_leave_each_tables_tenant_column_out(small, observe) -> None:
    """The fixture's account_id has keys; a table whose tenant column has none (RISK-MT-001's
    business) is not reported here, while a loose reference beside it is."""
    small.execute("CREATE TABLE notes (id int PRIMARY KEY, account_id uuid NOT NULL, "
                  "campaign_id uuid)")
    small.execute("ALTER TABLE notes ENABLE ROW LEVEL SECURITY")
    small.execute("CREATE POLICY own ON notes USING "
                  "(account_id = current_setting('app.account_id')::uuid)")
    obs = observe("integration_unvalidated_ids", small)
    assert obs.present is True and obs.evidence["unvalidated"] == ["notes.campaign_id"]
    small.execute("ALTER TABLE notes ADD FOREIGN KEY (campaign_id) REFERENCES clients")
    assert observe("integration_unvalidated_ids", small).present is False
