"""Load probes and experiments, each on a setup that shows the defect and one that does not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench import db
from workbench.load.experiments import (
    drift_after_write,
    pool_exhaustion,
    pool_verdict,
    pooler_tenant_leak,
    rls_cost,
)
from workbench.load.runner import prepare_database
from workbench.probes import registry
from workbench.probes.base import ProbeContext
from workbench.schema.units import apply_unit, get_unit, revert_unit
from workbench.schema.variants import apply_variant
from workbench.settings import VARIANTS, Settings

pytestmark = pytest.mark.db
needs_pgbouncer = pytest.mark.usefixtures("pgbouncer_path")  # under CI=true: fail, not skip


@pytest.fixture(scope="module")
def probe_settings(settings: Settings) -> Iterator[Settings]:
    """Both variants in databases of their own: the probes write (load runs), and the session's
    shared variants must not change. Remediated keeps derived values in the database (generated
    quantity_available, subtotal trigger): the setup without the drift defect."""
    s = Settings.load(settings.dsn, prefix=f"{settings.prefix}lp")
    for variant in VARIANTS:
        apply_variant(s, variant)
        prepare_database(s, variant)
    yield s


def _run_probe(s: Settings, probe_id: str, variant: str, tmp_path: Path):
    with db.connection(s, s.database_for(variant), autocommit=True) as conn:
        ctx = ProbeContext(s, variant, s.database_for(variant), conn, tmp_path / probe_id, "ci")
        return registry()[probe_id]().run(ctx)


def test_load_probes_are_registered_in_the_load_group() -> None:
    reg = registry()
    for pid, risks in {"load_pool_exhaustion": {"RISK-OPS-003"},
                       "load_pooler_prepared_statements": {"RISK-OPS-002"},
                       "load_concurrent_write_drift": {"RISK-INTEGRITY-002",
                                                       "RISK-INTEGRITY-007"}}.items():
        assert reg[pid].group == "load" and set(reg[pid].risks) == risks


def test_pool_probe_measures_each_variant_with_its_declared_pool(probe_settings: Settings,
                                                                 tmp_path) -> None:
    # baseline declares nothing: psycopg_pool's default size (4), against 10 and 25 users
    finding = _run_probe(probe_settings, "load_pool_exhaustion", "baseline", tmp_path)
    assert finding.verdict == "confirmed", finding.reason
    assert finding.evidence["settings"]["pool_size"] == {"value": 4, "source": "library default"}
    runs = {r["users"]: r for r in finding.evidence["runs"]}
    assert {r["pool_size"] for r in runs.values()} == {4}
    assert runs[25]["wait_share"] >= 0.25 and runs[25]["wait_mean_us"] > runs[10]["wait_mean_us"]
    # remediated's unit 0500 declares a pool of 25: the same ladder, no queue
    remediated = _run_probe(probe_settings, "load_pool_exhaustion", "remediated", tmp_path)
    assert remediated.verdict == "mitigated", remediated.reason
    assert remediated.evidence["settings"]["pool_size"]["value"] == 25
    assert all(r["pool_size"] == 25 and r["failures"] == 0 and r["wait_share"] < 0.25
               for r in remediated.evidence["runs"])


def test_pool_large_enough_shows_no_exhaustion(probe_settings: Settings, tmp_path) -> None:
    frame = pool_exhaustion(probe_settings, users=(10, 25), pool_size=30, duration="2s",
                            results_dir=tmp_path)
    exhausted, reason = pool_verdict(frame, 10)
    assert not exhausted, reason
    assert (frame["requests"] > 0).all() and (frame["failures"] == 0).all()


@needs_pgbouncer
def test_prepared_statements_fail_through_transaction_pooler(probe_settings: Settings,
                                                             tmp_path) -> None:
    base = _run_probe(probe_settings, "load_pooler_prepared_statements", "baseline", tmp_path)
    assert base.verdict == "confirmed", base.reason
    assert "prepared statement" in base.reason
    assert base.evidence["settings"]["prepared_statements"] == {
        "value": True, "source": "library default"}
    rem = _run_probe(probe_settings, "load_pooler_prepared_statements", "remediated", tmp_path)
    assert rem.verdict == "mitigated", rem.reason
    assert rem.evidence["settings"]["prepared_statements"]["value"] is False
    assert [r["failures"] for r in rem.evidence["runs"]] == [0]
    assert rem.evidence["runs"][0]["requests"] > 0


@needs_pgbouncer
def test_pooler_verdict_follows_the_settings_recorded_in_the_database(probe_settings: Settings,
                                                                       tmp_path) -> None:
    """The baseline database with only unit 0500 applied: same name, its settings decide."""
    unit = get_unit("0500")
    with db.connection(probe_settings, probe_settings.database_for("baseline"),
                       autocommit=True) as conn:
        apply_unit(conn, unit)
        try:
            finding = _run_probe(probe_settings, "load_pooler_prepared_statements", "baseline",
                                 tmp_path)
        finally:
            revert_unit(conn, unit)
    assert finding.verdict == "not-confirmed", finding.reason
    assert finding.evidence["settings"]["prepared_statements"] == {
        "value": False, "source": f"unit {unit.id}"}


@needs_pgbouncer
def test_session_tenant_leaks_through_pooler_and_local_does_not(probe_settings: Settings) -> None:
    session, local = pooler_tenant_leak(probe_settings)
    assert session.leaked and session.other_client_rows > 0
    assert not local.leaked and local.other_client_rows == 0
    assert any("false" in step for step in session.steps)


def test_write_drift_appears_without_guards_and_not_with_them(probe_settings: Settings,
                                                              tmp_path) -> None:
    base = _run_probe(probe_settings, "load_concurrent_write_drift", "baseline", tmp_path)
    assert base.verdict == "confirmed", base.reason
    guarded = _run_probe(probe_settings, "load_concurrent_write_drift", "remediated", tmp_path)
    assert guarded.verdict == "mitigated", guarded.reason


@pytest.mark.slow
def test_rls_cost_compares_roles_in_one_run(probe_settings: Settings, tmp_path) -> None:
    frame = rls_cost(probe_settings, duration="2s", results_dir=tmp_path)
    assert "team_list" in set(frame["query"]) and (frame["count_enforced"] > 0).all()


@pytest.mark.slow
def test_drift_experiment_reports_both_checks(probe_settings: Settings, tmp_path) -> None:
    frame = drift_after_write(probe_settings, variants=["baseline"], users=4, duration="1s",
                              results_dir=tmp_path)
    assert set(frame["check"]) == {"quantity_drift", "order_totals_drift"}
    # the writes happened, and nothing on the baseline takes drift away once it is there
    assert (frame["write_requests"] > 0).all() and (frame["write_failures"] == 0).all()
    assert (frame["after"] >= frame["before"]).all(), frame
