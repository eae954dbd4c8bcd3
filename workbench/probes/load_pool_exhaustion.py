"""RISK-OPS-003 under load: the application's pool of 10 against more concurrent users."""

from __future__ import annotations

from workbench.load.experiments import load_seconds, pool_exhaustion, pool_verdict
from workbench.probes.base import Observation, Probe, ProbeContext

APP_POOL_SIZE = 10
"""The reviewed application's ``postgres(..., { max: 10 })``."""


class LoadPoolExhaustion(Probe):
    """With the application's pool of 10, 25 concurrent users spend their time waiting for it.

    Runs the tenant list query with a psycopg pool of 10 per process at 10 and 25 users (up to
    100 outside ci) and measures the time each request waits for a connection. The pool size
    is an application setting, so only the baseline (the reviewed configuration) is tested;
    on remediated the schema cannot change it and the probe says so.
    """

    risks = ("RISK-OPS-003",)
    group = "load"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Run the pool ladder on baseline; not testable on remediated."""
        if ctx.variant != "baseline":
            return Observation(None, "the pool size is an application setting (max: 10), not "
                               "part of the schema; the baseline run measures it")
        seconds = load_seconds(ctx.profile)
        users = (10, 25) if ctx.profile == "ci" else (10, 25, 50, 100)
        frame = pool_exhaustion(ctx.settings, variant=ctx.variant, users=users,
                                pool_size=APP_POOL_SIZE, duration=f"{seconds}s",
                                results_dir=ctx.evidence_dir)
        path = ctx.path(f"pool_exhaustion__{ctx.variant}.csv")
        frame.to_csv(path, index=False)
        present, reason = pool_verdict(frame, APP_POOL_SIZE)
        runs = frame.drop(columns=["run"]).to_dict("records")
        return Observation(present, reason, {"runs": runs}, [str(path)])
