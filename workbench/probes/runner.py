"""Running probes against a variant and keeping their findings in a run bundle."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from workbench import db
from workbench.errors import NotFound
from workbench.probes import registry
from workbench.probes.base import Finding, ProbeContext
from workbench.settings import Settings


def select(
    *, group: str | None = None, risks: Iterable[str] = (), probes: Iterable[str] = ()
) -> list[str]:
    """Probe ids matching a group, any of ``risks``, or named explicitly (all when no filter)."""
    reg = registry()
    wanted_risks = {r.upper() for r in risks}
    names = list(probes)
    for name in names:
        if name not in reg:
            raise NotFound(f"no probe {name!r} (known: {', '.join(reg)})")
    if not (group or wanted_risks or names):
        return list(reg)
    return [
        pid for pid, cls in reg.items()
        if pid in names or (group and cls.group == group) or (wanted_risks & set(cls.risks))
    ]


def findings_dir(run_dir: Path) -> Path:
    """Where a run keeps one JSON per probe and variant."""
    return run_dir / "findings"


def run_probes(
    settings: Settings,
    variant: str,
    run_dir: Path,
    probe_ids: Iterable[str],
    *,
    profile: str = "ci",
) -> list[Finding]:
    """Run ``probe_ids`` on ``variant``'s database; store and return the findings."""
    reg = registry()
    database = settings.database_for(variant)
    out = findings_dir(run_dir)
    out.mkdir(parents=True, exist_ok=True)
    results: list[Finding] = []
    with db.connection(settings, database, autocommit=True) as conn:
        for pid in probe_ids:
            evidence = run_dir / "evidence" / pid
            ctx = ProbeContext(settings, variant, database, conn, evidence, profile)
            finding = reg[pid]().run(ctx)
            (out / f"{pid}__{variant}.json").write_text(finding.to_json())
            results.append(finding)
    return results


def load_findings(run_dir: Path) -> list[Finding]:
    """Every finding stored in a run bundle."""
    folder = findings_dir(run_dir)
    if not folder.is_dir():
        return []
    return [Finding(**json.loads(p.read_text())) for p in sorted(folder.glob("*.json"))]


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a frame, one row per probe, risk and variant (for notebooks)."""
    rows = [
        {"probe": f.probe, "risk": r, "variant": f.variant, "verdict": f.verdict,
         "reason": f.reason, "seconds": f.seconds}
        for f in findings for r in f.risks
    ]
    return pd.DataFrame(rows, columns=["probe", "risk", "variant", "verdict", "reason", "seconds"])
