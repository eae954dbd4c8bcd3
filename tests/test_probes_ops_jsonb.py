"""RISK-OPS-006: the JSONB shape probe, both ways, and the lock evidence it records.

The baseline accepts a renamed-key address and a non-array payload (present); a copy of the
baseline with a CHECK pinning the address shape rejects both (absent). The lock evidence must
show the typed changes taking ACCESS EXCLUSIVE and blocking a reader, and the JSONB UPDATE not.
"""

from __future__ import annotations

import pytest

from workbench import db
from workbench.probes.base import ProbeContext
from workbench.probes.ops_jsonb_migration import OpsJsonbMigration
from workbench.schema.variants import apply_variant

pytestmark = pytest.mark.db
SHAPE_CHECK = ("ALTER TABLE public.customers ADD CONSTRAINT customers_addresses_shape CHECK ("
               "jsonb_typeof(addresses) = 'array' AND "
               "NOT jsonb_path_exists(addresses, '$[*] ? (!exists(@.street))'))")


def _run(settings, database: str, variant: str, tmp_path):
    with db.connection(settings, database, autocommit=True) as conn:
        return OpsJsonbMigration().run(ProbeContext(settings, variant, database, conn, tmp_path))


def test_baseline_accepts_any_shape(settings, baseline_db, tmp_path) -> None:
    f = _run(settings, baseline_db, "baseline", tmp_path)
    assert f.verdict == "confirmed", f.reason
    assert f.evidence["bad_shapes"] == {"renamed_key": True, "not_an_array": True}
    m = f.evidence["migrations"]
    assert m["jsonb_key_rename_update"]["locks"] == ["RowExclusiveLock"]
    assert not m["jsonb_key_rename_update"]["reader_blocked"]
    assert "AccessExclusiveLock" in m["typed_column_rename"]["locks"]
    assert m["typed_column_rename"]["reader_blocked"]
    assert not m["typed_column_rename"]["table_rewritten"]
    assert m["typed_column_type_rewrite"]["table_rewritten"]
    with db.connection(settings, baseline_db) as conn:  # all rolled back
        cols = {r[0] for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'public.customers'::regclass")}
        assert "website" in cols and "website_url" not in cols


def test_remediated_still_has_no_shape_contract(settings, remediated_db, tmp_path) -> None:
    f = _run(settings, remediated_db, "remediated", tmp_path)
    assert f.verdict == "not-mitigated", f.reason


def test_shape_check_makes_it_absent(settings, scratch_db, connect, tmp_path) -> None:
    name = scratch_db("jsonb")
    apply_variant(settings, "baseline", database=name)
    connect(name, autocommit=True).execute(SHAPE_CHECK)
    f = _run(settings, name, "remediated", tmp_path)
    assert f.verdict == "mitigated", f.reason
    assert all(str(v).startswith("rejected") for v in f.evidence["bad_shapes"].values())
