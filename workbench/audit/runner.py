"""Running checks against one database and gating on the result.

The audit only reads: the CLI opens its connection with ``default_transaction_read_only`` and
each check runs in a savepoint that is always rolled back. A check that errors is reported as
failed and counts against ``--fail-on`` like a finding (a broken check must not look clean).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from workbench.audit.context import AuditContext, AuditOptions, detect
from workbench.audit.model import KINDS, CheckResult, severity_rank
from workbench.audit.registry import select
from workbench.errors import BadParameter


@dataclass
class AuditReport:
    """All results of one audit run, with the tenancy model they were computed under."""

    database: str
    context: AuditContext
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    def by_id(self) -> dict[str, CheckResult]:
        """Results keyed by check id."""
        return {r.id: r for r in self.results}

    def findings(self, min_severity: str = "info") -> list[CheckResult]:
        """Results with a count (or an error) at or above ``min_severity``."""
        rank = severity_rank(min_severity)
        return [r for r in self.results
                if (r.count or r.failed) and severity_rank(r.severity) >= rank]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        ctx = self.context
        return {
            "database": self.database,
            "seconds": round(self.seconds, 3),
            "context": {"schemas": list(ctx.schemas), "tenant_column": ctx.tenant_column,
                        "tenant_table": ctx.tenant_table, "tenant_tables": list(ctx.tenant_tables),
                        "tenant_model": ctx.tenant_model.to_dict()},
            "results": [r.to_dict() for r in self.results],
        }

    def to_json(self) -> str:
        """The report as JSON text."""
        return json.dumps(self.to_dict(), indent=2, default=str)


def run_audit(
    conn: psycopg.Connection,
    options: AuditOptions | None = None,
    *,
    checks: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> AuditReport:
    """Detect the tenancy model, then run the selected checks on ``conn``.

    Migration checks join the default selection when ``options.migrations`` names a folder;
    asking for them without one is an error rather than a clean result that looked at nothing.
    """
    started = time.perf_counter()
    ctx = detect(conn, options)
    wanted = list(kinds) if kinds else None
    if wanted is None and ctx.migrations is not None:
        wanted = list(KINDS)
    chosen = select(list(checks) if checks else None, wanted)
    if ctx.migrations is None and any(c.info().kind == "migrations" for c in chosen):
        raise BadParameter("the migration checks need a folder: pass --migrations PATH")
    report = AuditReport(conn.info.dbname, ctx)
    for check in chosen:
        report.results.append(check.run(conn, ctx))
    report.seconds = time.perf_counter() - started
    return report


def gate(report: AuditReport, fail_on: str | None) -> list[CheckResult]:
    """The results that fail the gate (empty when ``fail_on`` is None)."""
    return report.findings(fail_on) if fail_on else []
