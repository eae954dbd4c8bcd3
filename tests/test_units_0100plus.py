"""The audit's mitigation units (0100 upward): exact round trips, and what they fix.

Each unit is applied to the baseline, reverted (fingerprint equal to the baseline's), applied
again (fingerprint equal to the first apply). Then the remediated set must leave no
high-severity structural finding.
"""

from __future__ import annotations

import pytest

from workbench.audit import run_audit
from workbench.paths import sql_dir
from workbench.schema import units as unitmod
from workbench.schema.fingerprint import fingerprint
from workbench.schema.variants import baseline_scripts
from workbench.sqlfiles import run_script

pytestmark = pytest.mark.db
AUDIT_UNITS = sorted(p.name for p in (sql_dir() / "mitigations").iterdir()
                     if p.name[:4].isdigit() and 100 <= int(p.name[:4]) < 200)


def _unit(name: str) -> unitmod.Unit:
    return unitmod._load(sql_dir() / "mitigations" / name)


def _ready_units() -> list[unitmod.Unit]:
    """Every unit whose scripts exist (others may be mid-flight in a parallel branch)."""
    folders = sorted(p for p in (sql_dir() / "mitigations").iterdir()
                     if (p / "apply.sql").is_file() and (p / "revert.sql").is_file())
    return [unitmod._load(p) for p in folders]


@pytest.fixture
def fresh_baseline(settings, scratch_db, connect):
    name = scratch_db("units")
    conn = connect(name, autocommit=True)
    with conn.transaction():
        for script in baseline_scripts():
            run_script(conn, script)
    return conn


@pytest.mark.parametrize("unit_id", AUDIT_UNITS)
def test_unit_round_trip_is_exact(fresh_baseline, unit_id):
    conn = fresh_baseline
    unit = _unit(unit_id)
    assert unit.risks and unit.why and unit.title
    before = fingerprint(conn)
    unitmod.apply_unit(conn, unit)
    applied = fingerprint(conn)
    assert applied.digest != before.digest
    unitmod.revert_unit(conn, unit)
    assert fingerprint(conn).diff(before) == []
    unitmod.apply_unit(conn, unit)
    assert fingerprint(conn).diff(applied) == []


def test_remediated_has_no_high_structural_findings(fresh_baseline):
    conn = fresh_baseline
    before = run_audit(conn, kinds=["structural"])
    assert {r.id for r in before.findings("high")} >= {
        "cross_tenant_fk_not_composite", "rls_disabled_on_tenant_table",
        "policy_setting_missing_ok", "derived_column_unguarded", "flag_column_not_boolean"}
    ready = _ready_units()
    for unit in ready:
        unitmod.apply_unit(conn, unit)
    after = run_audit(conn, kinds=["structural"])
    high = {r.id: r.samples for r in after.findings("high")}
    if "0020_tenant_fk_organizations" not in {u.id for u in ready}:
        high.pop("tenant_column_without_fk", None)  # 0020 is another unit, still in flight
    # Found by the checks splinter also runs, and addressed by no mitigation unit yet: the tenant
    # table and the sessions table are readable by anon/authenticated with RLS off.
    exposed = {r["table_name"] for r in high.pop("rls_disabled_in_exposed_schema", [])}
    assert exposed <= {"organizations", "user_sessions"}
    assert {r["column_name"] for r in high.pop("sensitive_column_exposed", [])} <= {"session_token"}
    assert high == {}


def test_generated_and_trigger_units_behave(fresh_baseline):
    conn = fresh_baseline
    for name in ("0110_derived_columns_generated", "0120_order_totals_trigger"):
        unitmod.apply_unit(conn, _unit(name))
    org, cust, prod, loc, order = (conn.execute("SELECT gen_random_uuid()").fetchone()[0]
                                   for _ in range(5))
    conn.execute("INSERT INTO organizations (id, name, slug) VALUES (%s, 'o', %s)", (org, str(org)))
    conn.execute("INSERT INTO customers (id, organization_id, name) VALUES (%s, %s, 'c')",
                 (cust, org))
    conn.execute("INSERT INTO products (id, organization_id, sku, name) VALUES (%s, %s, 's', 'p')",
                 (prod, org))
    conn.execute("INSERT INTO locations (id, organization_id, code, name)"
                 " VALUES (%s, %s, 'l', 'l')", (loc, org))
    conn.execute("INSERT INTO inventory (organization_id, product_id, location_id,"
                 " quantity_on_hand, quantity_allocated, unit_cost)"
                 " VALUES (%s, %s, %s, 10, 3, 2.5)", (org, prod, loc))
    row = conn.execute("SELECT quantity_available, total_value FROM inventory").fetchone()
    assert (float(row[0]), float(row[1])) == (7.0, 25.0)
    conn.execute("INSERT INTO orders (id, organization_id, order_number, customer_id, total,"
                 " paid_amount) VALUES (%s, %s, 'n1', %s, 100, 40)", (order, org, cust))
    conn.execute("INSERT INTO order_line_items (organization_id, order_id, line_number,"
                 " description, line_total) VALUES (%s, %s, '1', 'a', 10), (%s, %s, '2', 'b', 15)",
                 (org, order, org, order))
    assert conn.execute("SELECT subtotal, balance_due FROM orders").fetchone() == (25, 60)
    conn.execute("DELETE FROM order_line_items WHERE line_number = '1'")
    assert conn.execute("SELECT subtotal FROM orders").fetchone()[0] == 15
    # total = subtotal - discount + tax + shipping: bring the stored total in line before auditing
    conn.execute("UPDATE orders SET total = subtotal, paid_amount = 0")
    report = run_audit(conn, kinds=["data"])
    assert {r.id: r.count for r in report.results if r.count} == {}
