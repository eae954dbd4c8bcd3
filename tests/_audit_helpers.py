"""Shared helpers for the audit tests: a module database and a rolled-back case runner."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import psycopg
import yaml

from workbench.audit import AuditOptions, CheckResult, run_audit

CASES = yaml.safe_load((Path(__file__).parent / "audit_cases.yaml").read_text())


def cases_for(kind_ids: set[str]) -> list[dict[str, Any]]:
    """The cases whose check is in ``kind_ids``."""
    return [c for c in CASES["cases"] if c["check"] in kind_ids]


def run_in_rollback(conn: psycopg.Connection, ddl: str, check: str,
                    options: AuditOptions | None = None) -> CheckResult:
    """Build ``ddl`` (base first), run one check, roll everything back."""
    try:
        conn.execute(CASES["base"])
        conn.execute(ddl)
        return run_audit(conn, options, checks=[check]).results[0]
    finally:
        conn.rollback()


def keys(result: CheckResult) -> set[str]:
    """The first output column of every row."""
    assert not result.failed, result.error
    return {str(next(iter(s.values()))) for s in result.rows}


def fill(text: str, rand: str) -> str:
    """Replace the per-run placeholder."""
    return text.replace("{rand}", rand)


def new_rand() -> str:
    """A short random suffix for cluster-wide names."""
    return secrets.token_hex(3)
