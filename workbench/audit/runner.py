"""Running checks against one database and gating on the result.

The audit only reads: the CLI opens its connection with ``default_transaction_read_only`` and
each check runs in a savepoint that is always rolled back. A check that errors, or a tenant
check without a tenant model, is ``not-run`` and counts against ``--fail-on`` like a finding (a
check that could not look must not look clean), unless ``--no-tenant`` declares the schema
single-tenant. With a baseline (a previous JSON report) only findings whose fingerprints are
new fail the gate.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from workbench.audit.context import AuditContext, AuditOptions, detect
from workbench.audit.facts import shared_settings
from workbench.audit.model import KINDS, SINGLE_TENANT, CheckResult, severity_rank
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
        """Results that found something or did not run (except by --no-tenant), at or above
        ``min_severity``; with a baseline applied, only results with new rows or not run."""
        rank = severity_rank(min_severity)
        return [r for r in self.results if severity_rank(r.severity) >= rank
                and ((r.status == "found" and r.new_count)
                     or (r.status == "not-run" and r.why != SINGLE_TENANT))]

    def apply_baseline(self, known: set[str]) -> None:
        """Mark every row new or known by its fingerprint (see :func:`baseline_fingerprints`)."""
        for r in self.results:
            r.new = [fp not in known for fp in r.fingerprints]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: every row of every check, fingerprints, statuses, the tenant model."""
        ctx = self.context
        statuses = {s: sum(r.status == s for r in self.results)
                    for s in ("found", "clean", "not-run")}
        return {
            "database": self.database,
            "seconds": round(self.seconds, 3),
            "tenant_model": _tenant_model(ctx),
            "context": {"schemas": list(ctx.schemas), "tenant_column": ctx.tenant_column,
                        "tenant_table": ctx.tenant_table, "tenant_tables": list(ctx.tenant_tables)},
            "summary": statuses,
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
    facts = shared_settings(conn)
    for check in chosen:
        report.results.append(check.run(conn, ctx, facts))
    report.seconds = time.perf_counter() - started
    return report


def gate(report: AuditReport, fail_on: str | None) -> list[CheckResult]:
    """The results that fail the gate (empty when ``fail_on`` is None)."""
    return report.findings(fail_on) if fail_on else []


def baseline_fingerprints(text: str, source: str) -> set[str]:
    """The fingerprints of every finding in a previous ``--format json`` report."""
    try:
        data = json.loads(text)
        return {f["fingerprint"] for r in data["results"] for f in r["findings"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise BadParameter(f"--baseline {source} is not a workbench audit JSON report "
                           f"({exc.__class__.__name__}: {exc}); write one with "
                           "`workbench audit --format json --output FILE`") from exc


def _tenant_model(ctx: AuditContext) -> dict[str, Any]:
    """The model the tenant checks ran under: a line, its data, and the TOML --tenancy reads."""
    model = ctx.tenant_model
    return {"description": ctx.describe(), "found": model.found(), **model.to_dict(),
            "toml": model.to_toml()}
