"""RISK-OPS-001: no rollback for schema changes."""

from __future__ import annotations

import pandas as pd

from workbench.paths import sql_dir
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.schema.roundtrip import round_trip_units
from workbench.schema.units import applied_units, get_unit


class MigrationRollback(Probe):
    """Schema changes that cannot be rolled back to exactly the catalog they started from."""

    risks = ("RISK-OPS-001",)
    group = "schema"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Baseline: the reviewed migrations ship no revert. Remediated: round-trip every unit."""
        if ctx.variant == "baseline":
            scripts = sorted((sql_dir() / "baseline").glob("*.sql"))
            listing = pd.DataFrame({
                "migration": [p.name for p in scripts],
                "revert_script": [
                    "yes" if p.with_name(p.stem + ".revert.sql").exists() else "none"
                    for p in scripts
                ],
            })
            csv = ctx.path("migrations.csv")
            listing.to_csv(csv, index=False)
            missing = int((listing["revert_script"] == "none").sum())
            return Observation(
                missing > 0,
                f"{missing} of the {len(scripts)} reviewed migration scripts have no revert, and "
                "two of the reviewed migrations share the prefix 0001_: a failed deployment has "
                "no tested way back",
                {"migration_scripts": listing["migration"].tolist(), "without_revert": missing},
                [str(csv)],
            )
        units = [get_unit(u) for u in applied_units(ctx.conn)]
        if not units:
            return Observation(True, "no mitigation units are applied to this variant", {})
        trips = round_trip_units(ctx.settings, units)
        frame = pd.DataFrame([
            {"unit": t.unit, "ok": t.ok, "changed": t.changed, "before": t.before[:12],
             "applied": t.applied[:12], "reverted": t.reverted[:12],
             "reapplied": t.reapplied[:12], "seconds": round(t.seconds, 3)}
            for t in trips
        ])
        csv = ctx.path("round_trip.csv")
        frame.to_csv(csv, index=False)
        bad = [t for t in trips if not t.ok or not t.changed]
        evidence = {"units": len(trips), "failed": [t.unit for t in bad],
                    "diffs": {t.unit: list(t.diff[:20]) for t in bad}}
        if bad:
            return Observation(
                True,
                f"{len(bad)} of {len(trips)} units do not round-trip exactly: "
                + ", ".join(t.unit for t in bad),
                evidence, [str(csv)],
            )
        return Observation(
            False,
            f"all {len(trips)} units apply, revert to the identical catalog fingerprint, and "
            "re-apply identically",
            evidence, [str(csv)],
        )
