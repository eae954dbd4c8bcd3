"""Mitigation units: each applies, reverts to the identical catalog, and applies again."""

from __future__ import annotations

import re

import pytest

from workbench import db
from workbench.schema.fingerprint import fingerprint
from workbench.schema.roundtrip import round_trip_units
from workbench.schema.units import all_units, applied_units
from workbench.schema.variants import apply_variant

pytestmark = pytest.mark.db


def test_units_are_well_formed() -> None:
    from workbench.risks import all_risks

    ids = {r.id for r in all_risks()}
    units = all_units()
    assert len(units) >= 2
    for unit in units:
        assert unit.title and unit.why, unit.id
        assert unit.risks and set(unit.risks) <= ids, unit.id
        assert set(unit.needs) <= {u.id for u in units}, unit.id


def test_index_units_are_the_units_that_only_create_indexes() -> None:
    """``kind = "index"`` in unit.toml (what the index experiments measure) matches the SQL."""
    for unit in all_units():
        text = re.sub(r"--[^\n]*", "", unit.apply_path.read_text())
        statements = [s.strip() for s in text.split(";") if s.strip()]
        only_indexes = bool(statements) and all(
            re.match(r"(?i)CREATE\s+(UNIQUE\s+)?INDEX\b", s) for s in statements)
        assert (unit.kind == "index") == only_indexes, (unit.id, unit.kind)


def test_every_unit_round_trips_exactly(settings) -> None:
    trips = round_trip_units(settings)
    assert [t.unit for t in trips] == [u.id for u in all_units()]
    schema_units = {u.id for u in all_units() if u.changes_schema}
    for trip in trips:
        assert trip.changed == (trip.unit in schema_units), f"{trip.unit}: catalog changed?"
        assert trip.ok, f"{trip.unit} does not round-trip:\n" + "\n".join(trip.diff)


def test_remediated_is_baseline_plus_every_unit(settings, remediated_db) -> None:
    with db.connection(settings, remediated_db) as conn:
        assert applied_units(conn) == [u.id for u in all_units()]
        remediated = fingerprint(conn)
    name = f"{settings.prefix}_stacked"
    apply_variant(settings, "baseline", units=[u.id for u in all_units()], database=name)
    with db.connection(settings, name) as conn:
        assert fingerprint(conn).digest == remediated.digest
    db.drop_database(settings, name)


def test_single_unit_apply_and_revert_from_cli(settings, scratch_db) -> None:
    import subprocess
    import sys

    name = f"{settings.prefix}_oneunit"
    apply_variant(settings, "baseline", database=name)
    with db.connection(settings, name) as conn:
        before = fingerprint(conn).digest
    base = [sys.executable, "-m", "workbench", "schema"]
    common = ["--target", name, "--dsn", settings.server_conninfo()]
    r = subprocess.run(base + ["apply-unit", "0010", *common], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with db.connection(settings, name) as conn:
        assert applied_units(conn) == [all_units()[0].id]
        assert fingerprint(conn).digest != before
    r = subprocess.run(base + ["revert-unit", "0010", *common], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with db.connection(settings, name) as conn:
        assert fingerprint(conn).digest == before
    r = subprocess.run(base + ["revert-unit", "0010", *common], capture_output=True, text=True)
    assert r.returncode == 2 and "is not applied" in r.stderr
    db.drop_database(settings, name)


def test_fingerprint_is_stable_and_sensitive(settings, baseline_db, connect) -> None:
    conn = connect(baseline_db, autocommit=True)
    first, second = fingerprint(conn), fingerprint(conn)
    assert first.digest == second.digest and len(first.lines) > 200
    with conn.transaction(force_rollback=True):
        conn.execute("CREATE INDEX fp_probe ON customers (name)")
        assert fingerprint(conn).digest != first.digest
