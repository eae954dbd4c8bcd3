"""Units 0160-0199, by behaviour: each defect shows on the baseline and is gone with the unit.

The exact catalog round trip of every 01xx unit is tested in test_units_0100plus.py (it scans
the folder); here the rows: what the baseline accepts that the unit rejects (or the reverse),
that data survives a revert, and the probe verdicts both ways.
"""

from __future__ import annotations

import json

import psycopg
import pytest

from workbench.audit import run_audit
from workbench.paths import sql_dir
from workbench.probes.base import ProbeContext
from workbench.probes.integrity_quote_items_jsonb import IntegrityQuoteItemsJsonb
from workbench.probes.isolation_single_org_users import IsolationSingleOrgUsers
from workbench.probes.isolation_soft_delete_uniques import IsolationSoftDeleteUniques
from workbench.schema import units as unitmod
from workbench.schema.variants import baseline_scripts
from workbench.sqlfiles import run_script

pytestmark = pytest.mark.db


def _unit(name: str) -> unitmod.Unit:
    return unitmod._load(sql_dir() / "mitigations" / name)


@pytest.fixture
def base(scratch_db, connect) -> psycopg.Connection:
    conn = connect(scratch_db("units016x"), autocommit=True)
    with conn.transaction():
        for script in baseline_scripts():
            run_script(conn, script)
    return conn


def _org(conn: psycopg.Connection) -> str:
    org = str(conn.execute("SELECT gen_random_uuid()").fetchone()[0])
    conn.execute("INSERT INTO organizations (id, name, slug) VALUES (%s, 'o', %s)", (org, org))
    return org


def _user(conn: psycopg.Connection, org: str, email: str) -> str:
    row = conn.execute("INSERT INTO users (organization_id, auth_id, email, name)"
                       " VALUES (%s, gen_random_uuid(), %s, 'n') RETURNING id", (org, email))
    return str(row.fetchone()[0])


def test_0160_reinvite_after_soft_delete(base):
    conn = base
    org = _org(conn)
    first = _user(conn, org, "sam@example.com")
    conn.execute("UPDATE users SET deleted_at = now() WHERE id = %s", (first,))
    with pytest.raises(psycopg.errors.UniqueViolation):
        _user(conn, org, "sam@example.com")  # the baseline defect: the deleted row blocks it
    unitmod.apply_unit(conn, _unit("0160_users_email_unique_live"))
    _user(conn, org, "sam@example.com")
    with pytest.raises(psycopg.errors.UniqueViolation):
        _user(conn, org, "sam@example.com")  # still unique among live rows
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 2
    # revert refuses (rolls back) while the data would violate the total unique
    with pytest.raises(Exception, match="could not create unique index"):
        unitmod.revert_unit(conn, _unit("0160_users_email_unique_live"))
    conn.execute("DELETE FROM users WHERE id = %s", (first,))
    unitmod.revert_unit(conn, _unit("0160_users_email_unique_live"))
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def _customer_with_children(conn: psycopg.Connection, org: str) -> tuple[str, list[str]]:
    cust = str(conn.execute("INSERT INTO customers (organization_id, name) VALUES (%s, 'c')"
                            " RETURNING id", (org,)).fetchone()[0])
    orders = [str(conn.execute(
        "INSERT INTO orders (organization_id, order_number, customer_id) VALUES (%s, %s, %s)"
        " RETURNING id", (org, f"n{i}-{cust}", cust)).fetchone()[0]) for i in range(3)]
    conn.execute("INSERT INTO opportunities (organization_id, customer_id, name)"
                 " VALUES (%s, %s, 't')", (org, cust))
    return cust, orders


def _live_children_count(conn: psycopg.Connection) -> int:
    return run_audit(conn, checks=["live_children_of_deleted_parents"]).results[0].count


def test_0170_soft_delete_propagates_and_restores(base):
    conn = base
    org = _org(conn)
    cust, orders = _customer_with_children(conn, org)
    conn.execute("UPDATE customers SET deleted_at = now() WHERE id = %s", (cust,))
    assert _live_children_count(conn) == 1  # the baseline: the delete did not propagate
    conn.execute("UPDATE customers SET deleted_at = NULL WHERE id = %s", (cust,))
    unitmod.apply_unit(conn, _unit("0170_soft_delete_propagation"))
    conn.execute("UPDATE orders SET deleted_at = now() - interval '1 day' WHERE id = %s",
                 (orders[0],))  # deleted on its own, earlier
    conn.execute("UPDATE customers SET deleted_at = now() WHERE id = %s", (cust,))
    assert _live_children_count(conn) == 0
    assert conn.execute("SELECT count(*) FROM orders WHERE deleted_at IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM opportunities WHERE deleted_at IS NULL"
                        ).fetchone()[0] == 0
    conn.execute("UPDATE customers SET deleted_at = NULL WHERE id = %s", (cust,))
    live = {str(r[0]) for r in conn.execute("SELECT id FROM orders WHERE deleted_at IS NULL")}
    assert live == set(orders[1:])  # restored what the delete took, not the earlier delete
    unitmod.revert_unit(conn, _unit("0170_soft_delete_propagation"))
    assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 3


GOOD_ITEMS = [{"productId": "p1", "sku": "S", "description": "d", "quantity": 2,
               "unitPrice": 1.5, "lineTotal": 3.0}]
BAD_ITEMS = ['"see notes"', '[{"productId": "p1", "description": "d", "quantity": 2}]',
             '[{"productId": "p1", "description": "d", "quantity": "two", "unitPrice": 1,'
             ' "lineTotal": 2}]', '[{"productId": "p1", "description": "d", "quantity": 0,'
             ' "unitPrice": 1, "lineTotal": 0}]', '["junk"]', '{"items": []}']


def _quote(conn: psycopg.Connection, org: str, cust: str, items: str | None) -> None:
    conn.execute("INSERT INTO quotes (organization_id, quote_number, customer_id, line_items)"
                 " VALUES (%s, gen_random_uuid()::text, %s, %s::jsonb)", (org, cust, items))


def test_0180_quote_line_items_shape(base):
    conn = base
    org = _org(conn)
    cust, _ = _customer_with_children(conn, org)
    for items in BAD_ITEMS:  # the baseline stores every one of them
        _quote(conn, org, cust, items)
    conn.execute("DELETE FROM quotes")
    _quote(conn, org, cust, json.dumps(GOOD_ITEMS))
    unitmod.apply_unit(conn, _unit("0180_quote_line_items_shape"))
    for items in BAD_ITEMS:
        with pytest.raises(psycopg.errors.CheckViolation):
            _quote(conn, org, cust, items)
    _quote(conn, org, cust, json.dumps(GOOD_ITEMS * 2))
    _quote(conn, org, cust, "[]")
    _quote(conn, org, cust, None)
    unitmod.revert_unit(conn, _unit("0180_quote_line_items_shape"))
    assert conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == 4


@pytest.mark.parametrize(("probe", "remediated_present"), [
    (IsolationSoftDeleteUniques, False),    # RISK-MT-005: mitigated by 0160
    (IntegrityQuoteItemsJsonb, False),      # RISK-INTEGRITY-003: mitigated by 0180
    (IsolationSingleOrgUsers, True),        # RISK-MT-004: no unit (see 0160-0199 notes)
])
def test_probe_verdicts_both_ways(settings, baseline_db, remediated_db, connect, tmp_path,
                                  probe, remediated_present):
    for variant, database, present in (("baseline", baseline_db, True),
                                       ("remediated", remediated_db, remediated_present)):
        conn = connect(database)
        obs = probe().observe(ProbeContext(settings, variant, database, conn, tmp_path))
        conn.rollback()
        assert obs.present is present, (variant, obs.reason)
