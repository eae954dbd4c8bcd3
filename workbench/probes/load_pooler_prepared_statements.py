"""RISK-OPS-002 under load: prepared statements through a transaction-mode PgBouncer."""

from __future__ import annotations

from workbench.load.experiments import load_seconds, pooler_prepared_statements
from workbench.load.pgbouncer import pgbouncer_binary
from workbench.probes.app_settings import app_settings
from workbench.probes.base import Observation, Probe, ProbeContext


class LoadPoolerPreparedStatements(Probe):
    """Through a transaction-mode PgBouncer, server-side prepared statements make requests fail.

    Puts Debian's PgBouncer (2 server connections) between Locust and the variant and runs the
    browse workload with the variant's own settings: prepared statements and pooler mode as its
    applied units declare them, psycopg's default (it prepares) otherwise. Every variant gets
    the same run; the defect is present when requests fail.
    """

    risks = ("RISK-OPS-002",)
    group = "load"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Run the workload through the pooler with the variant's settings; count failures."""
        if pgbouncer_binary() is None:
            return Observation(None, "pgbouncer is not installed (apt-get install -y pgbouncer)")
        app = app_settings(ctx.conn)
        frame = pooler_prepared_statements(
            ctx.settings, variant=ctx.variant, duration=f"{load_seconds(ctx.profile)}s",
            modes=(app.prepared_statements,), pool_mode=app.pooler_mode,
            results_dir=ctx.evidence_dir)
        path = ctx.path(f"pooler_prepared_statements__{ctx.variant}.csv")
        frame.to_csv(path, index=False)
        row = frame.iloc[0]
        failures, requests = int(row["failures"]), int(row["requests"])
        if requests == 0:
            return Observation(None, "the load run made no request; nothing was measured",
                               {"settings": app.as_evidence()}, [str(path)])
        present = failures > 0
        reason = (f"{row['pooler']} {app.pooler_mode} mode, prepared statements "
                  f"{app.describe('prepared_statements')}: {failures} of {requests} requests "
                  "failed" + (f" ({str(row['errors'])[:160]})" if present else ""))
        return Observation(present, reason,
                           {"settings": app.as_evidence(),
                            "runs": frame.drop(columns=["run"]).to_dict("records")}, [str(path)])
