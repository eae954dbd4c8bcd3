"""RISK-INTEGRITY-001: boolean flags declared as uuid."""

from __future__ import annotations

import psycopg

from workbench.catalog import flag_columns
from workbench.paths import sql_dir
from workbench.probes.base import Observation, Probe, ProbeContext


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


class FlagColumnsNotBoolean(Probe):
    """Flag-like columns (is_*, has_*, *_enabled) whose type is not boolean."""

    risks = ("RISK-INTEGRITY-001",)
    group = "schema"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Read the flag columns' types, and replay the rejected migration statements."""
        flags = flag_columns(ctx.conn)
        wrong = flags[flags["column_type"] != "boolean"]
        rejected = replay_rejected(ctx.conn)
        csv = ctx.path("flag_columns.csv")
        flags.to_csv(csv, index=False)
        refused = [r for r in rejected if r["accepted"] == "no"]
        evidence = {
            "flag_columns": len(flags),
            "not_boolean": wrong[["table_name", "column_name", "column_type"]].to_dict("records"),
            "rejected_statements": rejected,
        }
        if len(wrong):
            names = ", ".join(f"{r.table_name}.{r.column_name} ({r.column_type})"
                              for r in wrong.itertuples())
            reason = f"{len(wrong)} flag column(s) are not boolean: {names}"
            if refused:
                reason += f"; PostgreSQL rejects the migration as written: {refused[0]['error']}"
            return Observation(True, reason, evidence, [str(csv)])
        return Observation(
            False, f"all {len(flags)} flag columns are boolean", evidence, [str(csv)]
        )
