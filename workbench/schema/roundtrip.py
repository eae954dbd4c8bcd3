"""The rollback evidence: every mitigation unit applied, reverted and applied again.

Run in a scratch database the workbench creates and drops: the baseline, then each unit in
order on top of the ones before it. After each revert the fingerprint must equal the one before
the apply, and after the second apply the one after the first (RISK-OPS-001).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from workbench import db
from workbench.schema.fingerprint import fingerprint
from workbench.schema.units import Unit, all_units, apply_unit, ensure_meta, revert_unit
from workbench.schema.variants import baseline_scripts
from workbench.settings import Settings
from workbench.sqlfiles import run_script


@dataclass(frozen=True)
class RoundTrip:
    """One unit's round trip."""

    unit: str
    before: str
    applied: str
    reverted: str
    reapplied: str
    diff: tuple[str, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        """Revert restored the catalog exactly and re-applying reproduced it."""
        return self.before == self.reverted and self.applied == self.reapplied

    @property
    def changed(self) -> bool:
        """The unit changed the catalog at all (a unit that changes nothing proves nothing)."""
        return self.before != self.applied


def round_trip_units(
    settings: Settings, units: list[Unit] | None = None, *, database: str | None = None
) -> list[RoundTrip]:
    """Round-trip ``units`` (default: all) in a fresh scratch database, dropped afterwards."""
    name = database or f"{settings.prefix}_roundtrip"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    results: list[RoundTrip] = []
    try:
        with db.connection(settings, name, autocommit=True) as conn:
            with conn.transaction():
                for script in baseline_scripts():
                    run_script(conn, script)
                ensure_meta(conn)
            for unit in units if units is not None else all_units():
                started = time.perf_counter()
                before = fingerprint(conn)
                apply_unit(conn, unit)
                applied = fingerprint(conn)
                revert_unit(conn, unit)
                reverted = fingerprint(conn)
                apply_unit(conn, unit)
                reapplied = fingerprint(conn)
                results.append(RoundTrip(
                    unit.id, before.digest, applied.digest, reverted.digest, reapplied.digest,
                    tuple(before.diff(reverted) + applied.diff(reapplied)),
                    time.perf_counter() - started,
                ))
    finally:
        db.drop_database(settings, name)
    return results
