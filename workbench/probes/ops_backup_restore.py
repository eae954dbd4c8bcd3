"""RISK-OPS-007: backup and restore were never tested, so do one and compare.

The premortem's risk is the absence of evidence; the workbench supplies it. The variant's
(seeded) database is dumped with ``pg_dump --format=directory --jobs`` (uncompressed: a scratch
dump) and restored with a parallel ``pg_restore --jobs`` (owners and grants kept) into a fresh
workbench-owned database on the same server; then the catalog fingerprint, every table's rows,
RLS flags and policies, privileges, owners, trigger states, sequences and enums are compared,
and the scratch database is dropped. The restore's wall time is the answer to "how long does a
recovery of this volume take", reported in the reason. The report runs both variants' round
trips at once when the machine has the cores and the disk for it (:func:`can_overlap`), so the
restore time is then measured beside the other variant's work: an upper bound.

"Present" means the defect the risk fears would bite: the dump or the restore reports an error,
or the restored database differs from the source. If the round trip is exact the verdict is
honest about it (not confirmed on the baseline) rather than inventing a defect; the things a
restore elsewhere would still need (roles are cluster-wide and not in the dump) go in the
evidence.
"""

from __future__ import annotations

import json
from typing import ClassVar

from workbench.backup import can_overlap, round_trip
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.settings import Settings
from workbench.sqlfiles import read_sql


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


class OpsBackupRestore(Probe):
    """pg_dump and a parallel pg_restore into a fresh database give back an equal database."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-OPS-007",)
    group: ClassVar[str] = "ops"

    @classmethod
    def overlaps_variants(cls, settings: Settings, databases: list[str]) -> bool:
        """Both variants at once when cores and disk allow (see :func:`can_overlap`)."""
        return can_overlap(settings, databases)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Round-trip the variant's database and say whether anything was lost or broke."""
        hazards = ctx.conn.execute(read_sql("probes/restore_search_path_hazards.sql")).fetchall()  # type: ignore[arg-type]
        trip = round_trip(ctx.settings, ctx.database,
                          target=f"{ctx.settings.prefix}_restore_{ctx.variant}",
                          keep_dir=ctx.evidence_dir / ctx.variant)
        evidence = trip.summary()
        evidence["restore_seconds"] = trip.seconds.get("restore")  # RISK-OPS-007: recovery time
        evidence["restore_search_path_hazards"] = [
            {"function": f, "security_definer": sd, "used_by": used} for f, sd, used in hazards]
        evidence["caveats"] = [
            "same server: the roles listed in roles_the_target_needs already exist; another "
            "server needs them first (pg_dumpall --roles-only), or pg_restore --no-owner "
            "--no-privileges, which loses the grants the API roles depend on",
            "the auth schema is dumped here because it is a stub of ours; on Supabase it is "
            "managed, and a dump of public alone omits the trigger on auth.users",
        ]
        path = ctx.path(f"round_trip__{ctx.variant}.json")
        path.write_text(json.dumps(evidence, indent=2, default=str))
        kept = ctx.evidence_dir / ctx.variant
        paths = [str(path)] + [str(p) for p in (kept / "restore.log", kept / "archive_toc.txt")
                               if p.exists()]
        seconds = trip.seconds
        timing = (f"a restore of {trip.rows} rows ({_mb(trip.source_bytes)}) takes "
                  f"{seconds.get('restore', 0):.1f}s with pg_restore -j {trip.jobs} (dump "
                  f"{_mb(trip.dump_bytes)} uncompressed in {seconds.get('dump', 0):.1f}s)")
        if trip.dump_error:
            return Observation(True, f"pg_dump failed: {trip.dump_error[:200]}", evidence, paths)
        if not trip.equal:
            first = (trip.restore_errors or trip.differences)[0]
            return Observation(
                True,
                f"restore is not faithful: {len(trip.restore_errors)} restore errors, "
                f"{len(trip.differences)} differences (first: {first[:160]}); {timing}",
                evidence, paths)
        return Observation(
            False,
            f"a parallel pg_restore of a directory dump gives back an equal database: same "
            f"fingerprint, {trip.tables} tables / {trip.rows} rows with equal checksums, "
            f"{trip.counts['policies']} policies, RLS flags, grants, {trip.counts['enums']} enums "
            f"and {trip.counts['sequences']} sequences intact; {timing}",
            evidence, paths)
