"""RISK-INTEGRITY-002/007, the concurrency side: drift left by concurrent application writes."""

from __future__ import annotations

from workbench.load.experiments import drift_after_write, load_seconds
from workbench.probes.base import Observation, Probe, ProbeContext

WRITE_USERS = 12


class LoadConcurrentWriteDrift(Probe):
    """Concurrent writes leave quantity_available and order totals disagreeing with sources.

    Runs the ``write`` workload (orders and lines, allocations, written as the ORM writes
    them: derived values computed from what the transaction read) with 12 users for a few
    seconds, then runs the audit's drift checks and counts the drift the run added. Where the
    database derives the values itself (generated column, trigger) no new drift appears.
    """

    risks = ("RISK-INTEGRITY-002", "RISK-INTEGRITY-007")
    group = "load"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Drift before vs after a concurrent write run on this variant."""
        frame = drift_after_write(ctx.settings, variants=[ctx.variant], users=WRITE_USERS,
                                  duration=f"{load_seconds(ctx.profile)}s",
                                  results_dir=ctx.evidence_dir)
        path = ctx.path(f"write_drift__{ctx.variant}.csv")
        frame.to_csv(path, index=False)
        new = {r["check"]: int(r["new_drift"]) for r in frame.to_dict("records")}
        writes = int(frame["write_requests"].iloc[0])
        failures = int(frame["write_failures"].iloc[0])
        present = any(v > 0 for v in new.values())
        detail = ", ".join(f"{k} +{v}" for k, v in new.items())
        return Observation(
            present,
            f"after {writes} concurrent write transactions ({failures} failed): {detail}",
            {"drift": frame.drop(columns=["run"]).to_dict("records")}, [str(path)])
