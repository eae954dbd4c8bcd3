"""RISK-INT-001: the invite -> signup flow, on both variants, and unit 0400's behaviour.

The baseline refuses the invite (auth_id NOT NULL) and never links; the remediated variant
links the mixed-case invitation to the lower-case signup. Unit 0400 must round-trip exactly,
keep auth_id required outside invitations, and not fail a signup invited by two tenants.
"""

from __future__ import annotations

import psycopg
import pytest

from workbench import db
from workbench.errors import SchemaError
from workbench.paths import sql_dir
from workbench.probes.auth_user_sync import AuthUserSync
from workbench.probes.base import ProbeContext
from workbench.schema import units as unitmod
from workbench.schema.fingerprint import fingerprint
from workbench.schema.variants import baseline_scripts
from workbench.sqlfiles import run_script

pytestmark = pytest.mark.db
UNIT = "0400_auth_invite_flow"


def _finding(settings, database: str, variant: str, tmp_path):
    with db.connection(settings, database, autocommit=True) as conn:
        return AuthUserSync().run(ProbeContext(settings, variant, database, conn, tmp_path))


def test_baseline_cannot_invite_or_link(settings, baseline_db, tmp_path) -> None:
    f = _finding(settings, baseline_db, "baseline", tmp_path)
    assert f.verdict == "confirmed", f.reason
    assert f.evidence["invite"]["sqlstate"] == "23502"
    assert f.evidence["invite_with_placeholder_auth_id"]["ok"]
    assert f.evidence["signup"]["ok"] and not f.evidence["linked"]
    assert not f.evidence["function"]["fixed_search_path"]
    with db.connection(settings, baseline_db) as conn:  # everything was rolled back
        assert conn.execute("SELECT count(*) FROM public.organizations "
                            "WHERE slug LIKE 'probe-%'").fetchone() == (0,)


def test_remediated_links_the_invitation(settings, remediated_db, tmp_path) -> None:
    f = _finding(settings, remediated_db, "remediated", tmp_path)
    assert f.verdict == "mitigated", f.reason
    assert f.evidence["invite"]["ok"] and f.evidence["linked"]
    assert f.evidence["users_after_signup"][0]["status"] == "active"


@pytest.fixture
def with_unit(scratch_db, connect) -> psycopg.Connection:
    conn = connect(scratch_db("auth"), autocommit=True)
    with conn.transaction():
        for script in baseline_scripts():
            run_script(conn, script)
    return conn


def test_unit_round_trips_exactly(with_unit) -> None:
    conn = with_unit
    unit = unitmod._load(sql_dir() / "mitigations" / UNIT)
    before = fingerprint(conn)
    unitmod.apply_unit(conn, unit)
    applied = fingerprint(conn)
    assert applied.digest != before.digest
    unitmod.revert_unit(conn, unit)
    assert fingerprint(conn).diff(before) == []
    unitmod.apply_unit(conn, unit)
    assert fingerprint(conn).diff(applied) == []


def test_unit_keeps_auth_id_required_and_survives_two_invitations(with_unit) -> None:
    conn = with_unit
    unitmod.apply_unit(conn, unitmod._load(sql_dir() / "mitigations" / UNIT))
    orgs = [conn.execute("INSERT INTO organizations (name, slug) VALUES (%s, %s) RETURNING id",
                         (s, s)).fetchone()[0] for s in ("org-a", "org-b")]
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("INSERT INTO users (organization_id, email, status) "
                     "VALUES (%s, 'x@example.com', 'active')", (orgs[0],))
    for org in orgs:
        conn.execute("INSERT INTO users (organization_id, email, status) "
                     "VALUES (%s, 'Twice@Example.com', 'invited')", (org,))
    auth_id = conn.execute("INSERT INTO auth.users (email) VALUES ('twice@example.com') "
                           "RETURNING id").fetchone()[0]
    rows = conn.execute("SELECT organization_id, auth_id, status::text FROM users "
                        "ORDER BY created_at, id").fetchall()
    assert [r[2] for r in rows].count("active") == 1
    assert [r for r in rows if r[2] == "active"][0][1] == auth_id
    with pytest.raises(SchemaError, match="contains null values"):  # keeps the invitations
        unitmod.revert_unit(conn, unitmod._load(sql_dir() / "mitigations" / UNIT))
