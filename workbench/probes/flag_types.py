"""RISK-INTEGRITY-001: boolean flags declared as uuid."""

from __future__ import annotations

import psycopg

from workbench.paths import sql_dir
from workbench.probes.audit_probe import AuditProbe
from workbench.probes.base import Observation, ProbeContext


def replay_rejected(conn: psycopg.Connection) -> list[dict[str, str]]:
    """Run each statement the reviewed migrations wrote that PostgreSQL may reject.

    Each file in ``sql/baseline/rejected/`` runs in its own transaction, always rolled back,
    with a scratch schema first on the search_path (so a CREATE lands there, never in public).
    The result is PostgreSQL's own verdict: the error it raised, or that it accepted the
    statement.
    """
    results = []
    for path in sorted((sql_dir() / "baseline" / "rejected").glob("*.sql")):
        outcome = {"statement": path.name, "sqlstate": "", "error": "", "accepted": "no"}
        try:
            with conn.transaction(force_rollback=True):
                conn.execute("CREATE SCHEMA _wb_rejected_scratch")
                conn.execute("SET LOCAL search_path = _wb_rejected_scratch, public")
                conn.execute(path.read_text())  # type: ignore[arg-type]
                outcome["accepted"] = "yes"
        except psycopg.Error as exc:
            outcome["sqlstate"] = exc.sqlstate or ""
            outcome["error"] = (exc.diag.message_primary or str(exc)).strip()
        results.append(outcome)
    return results


class FlagColumnsNotBoolean(AuditProbe):
    """Flag-like columns (is_*, has_*, *_enabled) whose type is not boolean."""

    risks = ("RISK-INTEGRITY-001",)
    group = "schema"
    checks = ("flag_column_not_boolean",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """The audit's finding, plus PostgreSQL's verdict on the migration as it was written."""
        obs = super().observe(ctx)
        rejected = replay_rejected(ctx.conn)
        obs.evidence["rejected_statements"] = rejected
        refused = [r for r in rejected if r["accepted"] == "no"]
        if obs.present and refused:
            obs.reason += f"; PostgreSQL rejects the migration as written: {refused[0]['error']}"
        return obs
