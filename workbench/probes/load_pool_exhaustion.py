"""RISK-OPS-003 under load: the application's connection pool against more concurrent users."""

from __future__ import annotations

from workbench.load.experiments import load_seconds, pool_exhaustion, pool_verdict
from workbench.probes.app_settings import app_settings
from workbench.probes.base import Observation, Probe, ProbeContext

USERS = {"ci": (10, 25)}
"""The concurrency ladder per report profile (others get ``DEFAULT_USERS``)."""
DEFAULT_USERS = (10, 25, 50, 100)


class LoadPoolExhaustion(Probe):
    """With a pool smaller than the concurrency, requests spend their time waiting for it.

    Runs the tenant list query at 10 and 25 users (up to 100 outside ci) with a psycopg pool
    per process of the size the variant's applied units declare (psycopg_pool's default when
    none does) and measures the time each request waits for a connection. Every variant gets
    the same ladder; the defect is present when, at any rung, waiting takes a quarter of the
    request's time or requests fail.
    """

    risks = ("RISK-OPS-003",)
    group = "load"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Run the ladder with the variant's pool size; judge by the wait and the failures."""
        app = app_settings(ctx.conn)
        frame = pool_exhaustion(ctx.settings, variant=ctx.variant,
                                users=USERS.get(ctx.profile, DEFAULT_USERS),
                                pool_size=app.pool_size,
                                duration=f"{load_seconds(ctx.profile)}s",
                                results_dir=ctx.evidence_dir)
        path = ctx.path(f"pool_exhaustion__{ctx.variant}.csv")
        frame.to_csv(path, index=False)
        present, reason = pool_verdict(frame)
        runs = frame.drop(columns=["run"]).to_dict("records")
        return Observation(present, f"{reason}; pool size from {app.sources['pool_size']}",
                           {"settings": app.as_evidence(), "runs": runs}, [str(path)])
