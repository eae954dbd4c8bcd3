"""Every audit check, both ways, on small schemas built in the test (cases in audit_cases.yaml).

Also the registry walk (every check has risks, docs and a case) and the shape test (every check
runs on an empty database and returns the common shape).
"""

from __future__ import annotations

import pytest

from tests._audit_helpers import CASES, fill, keys, new_rand, run_in_rollback
from workbench import db
from workbench.audit import registry, run_audit
from workbench.audit.model import KINDS, SEVERITIES
from workbench.risks import all_risks

pytestmark = pytest.mark.db
CASE_IDS = [c["check"] for c in CASES["cases"]]


@pytest.fixture(scope="module")
def audit_conn(settings):
    name = f"{settings.prefix}_auditcases"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    conn = db.connect(settings.conninfo(name))
    yield conn
    conn.close()
    db.drop_database(settings, name)


def test_registry_entries_are_complete():
    known = {r.id for r in all_risks()}
    reg = registry()
    assert len(reg) >= 20
    for cid, check in reg.items():
        info = check.info()
        assert info.id == cid and info.title and info.docs, cid
        assert info.severity in SEVERITIES and info.kind in KINDS, cid
        assert info.risks and set(info.risks) <= known, (cid, info.risks)
        if info.kind != "migrations":
            assert cid in CASE_IDS, f"{cid} has no both-ways case in audit_cases.yaml"


def test_every_check_runs_on_an_empty_database(audit_conn):
    report = run_audit(audit_conn)
    audit_conn.rollback()
    assert report.context.tenant_tables == ()
    for r in report.results:
        assert not r.failed, (r.id, r.error)
        assert set(r.to_dict()) >= {"id", "severity", "risks", "count", "findings", "detail",
                                    "status", "why"}
        if r.id != "roles_bypassing_rls":
            assert r.count == 0, (r.id, r.samples)


@pytest.mark.parametrize("case", CASES["cases"], ids=CASE_IDS)
def test_check_both_ways(audit_conn, case):
    rand = new_rand()
    good = run_in_rollback(audit_conn, fill(case["good"], rand), case["check"])
    bad = run_in_rollback(audit_conn, fill(case["bad"], rand), case["check"])
    expected = {fill(e, rand) for e in case["expect"]}
    if case.get("cluster_wide"):
        assert not expected & keys(good)
        assert keys(bad) - keys(good) == expected
    else:
        assert good.count == 0, good.samples
        assert keys(bad) == expected, bad.samples
    if "count" in case:
        assert bad.count == case["count"], bad.samples
