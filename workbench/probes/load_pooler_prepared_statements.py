"""RISK-OPS-002 under load: prepared statements through a transaction-mode PgBouncer."""

from __future__ import annotations

from workbench.load.experiments import load_seconds, pooler_prepared_statements
from workbench.load.pgbouncer import pgbouncer_binary
from workbench.probes.base import Observation, Probe, ProbeContext


class LoadPoolerPreparedStatements(Probe):
    """Through transaction-mode PgBouncer, server-side prepared statements make requests fail.

    Puts Debian's PgBouncer (transaction mode, 2 server connections) between Locust and the
    variant and runs the PK lookup with psycopg's prepared statements off and on. Baseline
    stands for the premortem's scenario (an upgrade turns prepared statements on): the
    defect is present when those requests fail. Remediated stands for the mitigation (this
    integration test keeps ``prepare: false``): present if requests still fail.
    """

    risks = ("RISK-OPS-002",)
    group = "load"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Run both modes; judge the one this variant stands for."""
        if pgbouncer_binary() is None:
            return Observation(None, "pgbouncer is not installed (apt-get install -y pgbouncer)")
        prepared = ctx.variant == "baseline"
        # baseline shows both modes side by side; remediated needs only its own (prepare off)
        modes = (False, True) if prepared else (False,)
        frame = pooler_prepared_statements(
            ctx.settings, variant=ctx.variant, duration=f"{load_seconds(ctx.profile)}s",
            modes=modes, results_dir=ctx.evidence_dir)
        path = ctx.path(f"pooler_prepared_statements__{ctx.variant}.csv")
        frame.to_csv(path, index=False)
        row = frame[frame["prepared_statements"] == prepared].iloc[0]
        present = bool(row["failures"] > 0)
        reason = (f"{row['pooler']} transaction mode, prepared statements "
                  f"{'on' if prepared else 'off'}: {int(row['failures'])} of "
                  f"{int(row['requests'])} requests failed"
                  + (f" ({str(row['errors'])[:160]})" if present else ""))
        other = frame[frame["prepared_statements"] != prepared]
        if len(other):
            reason += (f"; with them off: {int(other['failures'].iloc[0])} of "
                       f"{int(other['requests'].iloc[0])}")
        return Observation(present, reason,
                           {"runs": frame.drop(columns=["run"]).to_dict("records")}, [str(path)])
