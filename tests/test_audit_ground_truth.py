"""Ground truth: the seeder plants known defects, the audit's data checks count exactly those.

Both variants are seeded with the ci profile twice: clean, and with every anomaly kind. Each data
check must report zero on the clean seed and, with anomalies, exactly the number the seeder says
it planted (zero where the remediated schema rejected the anomaly, or repaired it: unit 0170
carries the planted customer soft delete to its orders).
"""

from __future__ import annotations

import pytest

from workbench import db
from workbench.audit import run_audit
from workbench.schema.variants import apply_variant
from workbench.seed import seed_database
from workbench.settings import VARIANTS

pytestmark = [pytest.mark.db, pytest.mark.slow]

# anomaly kind -> the data check that must count it
CHECK_FOR = {
    "cross_tenant_references": "cross_tenant_references",
    "invalid_emails": "invalid_emails",
    "malformed_jsonb": "jsonb_items_missing_fields",
    "orphan_tenant_rows": "orphan_tenant_ids",
    "quantity_drift": "quantity_drift",
    "soft_deleted_parents": "live_children_of_deleted_parents",
    "totals_drift": "order_totals_drift",
}
ANOMALIES = {"cross_tenant_references": 3, "invalid_emails": 5, "malformed_jsonb": 4,
             "orphan_tenant_rows": 6, "quantity_drift": 7, "soft_deleted_parents": 2,
             "totals_drift": 4}
DATA_CHECKS = [*CHECK_FOR.values(), "negative_amounts"]
# anomalies the remediated schema accepts but undoes: the check must then count nothing new
REPAIRED_ON_REMEDIATED = {"soft_deleted_parents": "0170 soft-deletes the customer's orders too"}
def _counts(settings, variant: str, anomalies: dict[str, int] | None):
    name = f"{settings.prefix}_gt_{variant}_{'anom' if anomalies else 'clean'}"
    apply_variant(settings, variant, database=name)
    report = seed_database(settings, name, "ci", workers=1, anomalies=anomalies)
    with db.connection(settings, name) as conn:
        audit = run_audit(conn, kinds=["data"])
    db.drop_database(settings, name)
    failed = [r.id for r in audit.results if r.failed]
    assert not failed, failed
    planted = {k: v["planted"] for k, v in (report.anomalies or {}).items()}
    return {r.id: r.count for r in audit.results}, planted


@pytest.fixture(scope="module", params=list(VARIANTS))
def seeded(request, settings):
    clean, _ = _counts(settings, request.param, None)
    anomalous, planted = _counts(settings, request.param, ANOMALIES)
    return request.param, clean, anomalous, planted


def test_every_anomaly_was_planted_or_rejected(seeded):
    variant, _, _, planted = seeded
    assert set(planted) == set(ANOMALIES)
    if variant == "baseline":
        assert planted == ANOMALIES  # the reviewed schema stops none of them


@pytest.mark.parametrize("check", DATA_CHECKS)
def test_clean_seed_reports_zero(seeded, check):
    _, clean, _, _ = seeded
    assert clean[check] == 0


@pytest.mark.parametrize("check", DATA_CHECKS)
def test_anomalies_are_counted_exactly(seeded, check):
    variant, clean, anomalous, planted = seeded
    expected = sum(n for kind, n in planted.items() if CHECK_FOR[kind] == check
                   and not (variant == "remediated" and kind in REPAIRED_ON_REMEDIATED))
    assert anomalous[check] == expected, (check, anomalous, clean, planted)
