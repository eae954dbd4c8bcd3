"""The schema group's probes, both ways: on a schema with the defect and on one without."""

from __future__ import annotations

import pytest

from workbench.probes.base import ProbeContext
from workbench.probes.flag_types import FlagColumnsNotBoolean
from workbench.probes.migration_rollback import MigrationRollback
from workbench.probes.tenant_fk import TenantColumnWithoutFk

pytestmark = pytest.mark.db


def ctx(settings, variant, database, conn, tmp_path) -> ProbeContext:
    return ProbeContext(settings, variant, database, conn, tmp_path)


@pytest.mark.parametrize("probe", [FlagColumnsNotBoolean, TenantColumnWithoutFk, MigrationRollback])
def test_confirmed_on_baseline_mitigated_on_remediated(
    probe, settings, baseline_db, remediated_db, connect, tmp_path
) -> None:
    base = probe().run(ctx(settings, "baseline", baseline_db,
                           connect(baseline_db, autocommit=True), tmp_path / "b"))
    assert base.verdict == "confirmed", base.reason
    rem = probe().run(ctx(settings, "remediated", remediated_db,
                          connect(remediated_db, autocommit=True), tmp_path / "r"))
    assert rem.verdict == "mitigated", rem.reason


def test_tenant_fk_on_a_schema_we_never_saw(settings, scratch_db, connect, tmp_path) -> None:
    name = scratch_db("foreign_schema")
    conn = connect(name, autocommit=True)
    # the tenant is told by evidence, not names: invoice numbers are unique per organization
    conn.execute("""
        CREATE TABLE organizations (id uuid PRIMARY KEY);
        CREATE TABLE invoices (id int PRIMARY KEY,
            organization_id uuid NOT NULL REFERENCES organizations (id),
            number text NOT NULL, UNIQUE (organization_id, number));
        CREATE TABLE widgets (id int PRIMARY KEY, organization_id uuid NOT NULL);
    """)
    found = TenantColumnWithoutFk().observe(ctx(settings, "baseline", name, conn, tmp_path))
    assert found.present is True
    samples = found.evidence["tenant_column_without_fk"]["samples"]
    assert [s["table_name"] for s in samples] == ["widgets"]
    conn.execute("ALTER TABLE widgets ADD FOREIGN KEY (organization_id) REFERENCES organizations")
    fixed = TenantColumnWithoutFk().observe(ctx(settings, "baseline", name, conn, tmp_path))
    assert fixed.present is False


def test_tenant_fk_absent_without_tenant_columns(settings, scratch_db, connect, tmp_path):
    name = scratch_db("no_tenants")
    conn = connect(name, autocommit=True)
    conn.execute("CREATE TABLE things (id int PRIMARY KEY)")
    assert TenantColumnWithoutFk().run(ctx(settings, "baseline", name, conn, tmp_path)).verdict \
        == "not-confirmed"


def test_flag_probe_both_ways_on_a_small_schema(settings, scratch_db, connect, tmp_path) -> None:
    name = scratch_db("flags")
    conn = connect(name, autocommit=True)
    conn.execute("CREATE TABLE t (id int, is_done boolean, has_x boolean, feature_enabled boolean)")
    clean = FlagColumnsNotBoolean().observe(ctx(settings, "baseline", name, conn, tmp_path))
    assert clean.present is False
    conn.execute("ALTER TABLE t ADD COLUMN is_primary uuid")
    obs = FlagColumnsNotBoolean().observe(ctx(settings, "baseline", name, conn, tmp_path))
    samples = obs.evidence["flag_column_not_boolean"]["samples"]
    assert obs.present is True and [s["column_name"] for s in samples] == ["is_primary"]


def test_a_probe_that_breaks_is_an_error_not_a_pass(settings, baseline_db, connect, tmp_path):
    class Broken(MigrationRollback):
        """Deliberately broken."""

        def observe(self, ctx):
            ctx.conn.execute("SELECT * FROM no_such_table")

    from workbench.probes.base import Probe

    Probe.registry.pop("broken", None)
    finding = Broken().run(ctx(settings, "baseline", baseline_db,
                               connect(baseline_db, autocommit=True), tmp_path))
    Probe.registry.pop("broken", None)
    assert finding.verdict == "error" and "no_such_table" in finding.reason
