"""RISK-OPS-001: no rollback for schema changes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.audit.migrations import duplicate_prefixes
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.risks.subject import migrations_folder
from workbench.schema.roundtrip import round_trip_units
from workbench.schema.units import applied_units, get_unit

REVERT_SUFFIXES = (".down", ".revert", ".undo", ".rollback")
"""How a migration's revert is named beside it (``0001_x.down.sql``) or in a ``down/`` folder."""


def reviewed_migrations() -> Path:
    """The folder of migrations the reviewed schema was built from (its profile names it)."""
    return migrations_folder()


def is_revert(path: Path) -> bool:
    """Whether ``path`` is a revert script rather than a migration."""
    return Path(path.stem).suffix in REVERT_SUFFIXES


def migration_listing(folder: Path) -> pd.DataFrame:
    """Each forward migration of ``folder`` with its revert script (empty when it has none)."""
    files = sorted(p for p in folder.glob("*.sql") if p.is_file())
    forward = [p for p in files if not is_revert(p)]
    names = {p.name for p in files}
    down = {p.name for p in (folder / "down").glob("*.sql")}  # glob of a missing folder: none
    rows = []
    for path in forward:
        found = [path.stem + s + ".sql" for s in REVERT_SUFFIXES if path.stem + s + ".sql" in names]
        found += [f"down/{path.name}"] if path.name in down else []
        rows.append({"migration": path.name, "revert_script": found[0] if found else ""})
    return pd.DataFrame(rows, columns=["migration", "revert_script"])


class MigrationRollback(Probe):
    """Schema changes that cannot be rolled back to exactly the catalog they started from."""

    risks = ("RISK-OPS-001",)
    group = "schema"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Units recorded in the database: round-trip each. None: read the migration folder."""
        unit_ids = applied_units(ctx.conn)
        if not unit_ids:
            return self.observe_folder(ctx, reviewed_migrations())
        return self.observe_units(ctx, unit_ids)

    def observe_folder(self, ctx: ProbeContext, folder: Path) -> Observation:
        """Migrations without a revert script, and prefixes that more than one file carries."""
        listing = migration_listing(folder)
        if listing.empty:
            return Observation(None, f"{folder} holds no migrations to judge", {})
        csv = ctx.path("migrations.csv")
        listing.to_csv(csv, index=False)
        missing = listing.loc[listing["revert_script"] == "", "migration"].tolist()
        dups = duplicate_prefixes([folder / m for m in listing["migration"]])
        problems = []
        if missing:
            problems.append(f"{len(missing)} of the {len(listing)} migrations in {folder.name} "
                            "have no revert script")
        problems += [f"{len(names)} migrations share the prefix {prefix}_ ({', '.join(names)})"
                     for prefix, names in dups]
        reason = "; ".join(problems) or (f"all {len(listing)} migrations in {folder.name} have "
                                         "a revert script and distinct prefixes")
        return Observation(bool(problems), reason,
                           {"folder": str(folder), "migrations": listing["migration"].tolist(),
                            "without_revert": missing,
                            "duplicate_prefixes": {p: n for p, n in dups}}, [str(csv)])

    def observe_units(self, ctx: ProbeContext, unit_ids: list[str]) -> Observation:
        """Apply, revert and re-apply each recorded unit in a scratch copy; compare catalogs."""
        units = [get_unit(u) for u in unit_ids]
        trips = round_trip_units(ctx.settings, units)
        frame = pd.DataFrame([
            {"unit": t.unit, "ok": t.ok, "changed": t.changed, "before": t.before[:12],
             "applied": t.applied[:12], "reverted": t.reverted[:12],
             "reapplied": t.reapplied[:12], "seconds": round(t.seconds, 3)}
            for t in trips
        ])
        csv = ctx.path("round_trip.csv")
        frame.to_csv(csv, index=False)
        schema_units = {u.id for u in units if u.changes_schema}
        bad = [t for t in trips if not t.ok or (t.unit in schema_units and not t.changed)]
        evidence = {"units": len(trips), "failed": [t.unit for t in bad],
                    "settings_only": sorted({u.id for u in units} - schema_units),
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
