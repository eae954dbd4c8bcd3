"""RISK-INT-004/005/006: unvalidated id columns, the Stripe id, token expiry; both ways.

Each probe sees the defect on the baseline; on a database without it (a schema whose id
columns all have foreign keys, a token column with a default expiry) it must say absent.
"""

from __future__ import annotations

import pytest

from workbench import db
from workbench.probes.base import ProbeContext
from workbench.probes.integration_external_refs import (
    IntegrationStripeCustomerId,
    IntegrationTokenExpiry,
    IntegrationUnvalidatedIds,
)
from workbench.schema.variants import apply_variant

pytestmark = pytest.mark.db


def _run(probe, settings, database: str, variant: str, tmp_path):
    with db.connection(settings, database, autocommit=True) as conn:
        return probe().run(ProbeContext(settings, variant, database, conn, tmp_path))


@pytest.mark.parametrize("variant", ["baseline", "remediated"])
def test_unvalidated_ids_on_variants(settings, request, variant, tmp_path) -> None:
    f = _run(IntegrationUnvalidatedIds, settings, request.getfixturevalue(f"{variant}_db"),
             variant, tmp_path)
    assert f.verdict == ("confirmed" if variant == "baseline" else "not-mitigated"), f.reason
    assert set(f.evidence["unvalidated"]) == {
        "activities.entity_id (polymorphic)", "email_history.campaign_id",
        "email_history.template_id", "inventory_movements.reference_id (polymorphic)"}


def test_unvalidated_ids_both_ways_on_a_small_schema(settings, scratch_db, connect,
                                                     tmp_path) -> None:
    name = scratch_db("ids")
    conn = connect(name, autocommit=True)
    conn.execute("CREATE TABLE parent (id int PRIMARY KEY);"
                 "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent)")
    assert _run(IntegrationUnvalidatedIds, settings, name, "remediated", tmp_path
                ).verdict == "mitigated"
    conn.execute("ALTER TABLE child ADD COLUMN subject_type text, ADD COLUMN subject_id int")
    f = _run(IntegrationUnvalidatedIds, settings, name, "baseline", tmp_path)
    assert f.verdict == "confirmed" and f.evidence["unvalidated"] == [
        "child.subject_id (polymorphic)"]


@pytest.mark.parametrize("variant", ["baseline", "remediated"])
def test_stripe_id_is_not_testable_but_described(settings, request, variant, tmp_path) -> None:
    f = _run(IntegrationStripeCustomerId, settings, request.getfixturevalue(f"{variant}_db"),
             variant, tmp_path)
    assert f.verdict == "not-testable"
    assert f.evidence["column"]["type"] == "text" and "Stripe" in f.reason


def test_token_expiry_both_ways(settings, baseline_db, scratch_db, connect, tmp_path) -> None:
    f = _run(IntegrationTokenExpiry, settings, baseline_db, "baseline", tmp_path)
    assert f.verdict == "confirmed", f.reason
    assert f.evidence["inserted_token_expires_at"] is None
    name = scratch_db("tokens")
    apply_variant(settings, "baseline", database=name)
    connect(name, autocommit=True).execute(
        "ALTER TABLE api_tokens ALTER COLUMN expires_at SET DEFAULT now() + interval '90 days'")
    f = _run(IntegrationTokenExpiry, settings, name, "remediated", tmp_path)
    assert f.verdict == "mitigated", f.reason
    with db.connection(settings, name) as conn:  # the probe's token was rolled back
        assert conn.execute("SELECT count(*) FROM api_tokens").fetchone() == (0,)


def test_token_expiry_mitigated_on_remediated(settings, remediated_db, tmp_path) -> None:
    f = _run(IntegrationTokenExpiry, settings, remediated_db, "remediated", tmp_path)
    assert f.verdict == "mitigated", f.reason
    assert "90 days" in f.evidence["default"]
