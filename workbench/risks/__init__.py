"""The 37 risks of the premortem review, as data (``risks.toml`` beside this file)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workbench.errors import NotFound

SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Risk:
    """One premortem risk."""

    id: str
    title: str
    severity: str
    category: str
    issue: str
    mitigations: tuple[str, ...]

    @property
    def severity_rank(self) -> int:
        """0 (low) to 3 (critical), for gating and sorting."""
        return SEVERITIES.index(self.severity)


@cache
def all_risks() -> tuple[Risk, ...]:
    """Every risk, in the premortem's order."""
    data = tomllib.loads((Path(__file__).parent / "risks.toml").read_text())
    return tuple(
        Risk(r["id"], r["title"], r["severity"], r["category"], r["issue"], tuple(r["mitigations"]))
        for r in data["risk"]
    )


def get_risk(risk_id: str) -> Risk:
    """A risk by id (case-insensitive)."""
    for risk in all_risks():
        if risk.id.lower() == risk_id.lower():
            return risk
    raise NotFound(f"no risk {risk_id!r} in the premortem (ids look like RISK-SCALE-001)")
