"""Combining probe findings into one verdict per risk and variant.

Several probes may speak to one risk. On the baseline a risk is confirmed when any probe
confirms it; on the remediated variant it is mitigated only when every probe that tested it
finds the defect gone. A probe error is never read as a pass: it shows as ``error``. Risks no
probe speaks to are listed as ``no-probe``, so the scorecard always has all 37 rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workbench.probes.base import Finding, Verdict
from workbench.risks import Risk, all_risks
from workbench.settings import VARIANTS, variant_role, variant_with_role

# Precedence when several probes disagree on one variant (by its role): the first listed wins.
_PRECEDENCE = {
    "reviewed": [Verdict.ERROR, Verdict.CONFIRMED, Verdict.NOT_CONFIRMED, Verdict.NOT_TESTABLE],
    "mitigated": [Verdict.ERROR, Verdict.NOT_MITIGATED, Verdict.MITIGATED, Verdict.NOT_TESTABLE],
}


@dataclass
class Cell:
    """The verdict on one variant, its reason and where the evidence is."""

    verdict: str = str(Verdict.NO_PROBE)
    reason: str = "no probe yet"
    evidence: list[str] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)


@dataclass
class Row:
    """One risk of the scorecard."""

    id: str
    title: str
    severity: str
    category: str
    variants: dict[str, Cell]

    @property
    def status(self) -> str:
        """One phrase for the page: confirmed and mitigated, confirmed only, ..."""
        base, rem = (self.variants[variant_with_role(r)].verdict for r in ("reviewed", "mitigated"))
        if base == Verdict.CONFIRMED and rem == Verdict.MITIGATED:
            return "confirmed, mitigated"
        if base == Verdict.CONFIRMED and rem == Verdict.NOT_MITIGATED:
            return "confirmed, NOT mitigated"
        if Verdict.ERROR in (base, rem):
            return "probe error"
        return f"{base} / {rem}"


def _combine(variant: str, findings: list[Finding], run_dir: Path | None) -> Cell:
    if not findings:
        return Cell()
    for verdict in _PRECEDENCE[variant_role(variant)]:
        chosen = [f for f in findings if f.verdict == verdict]
        if chosen:
            # every finding's own JSON (reason, numbers) first, then the files it names
            paths = [f"findings/{f.probe}__{variant}.json" for f in findings]
            paths += [p for f in findings for p in f.paths]
            if run_dir is not None:
                paths = [_relative(p, run_dir) for p in paths]
            return Cell(str(verdict), "; ".join(f.reason for f in chosen), paths,
                        [f.probe for f in findings])
    return Cell(findings[0].verdict, findings[0].reason, [], [f.probe for f in findings])


def _relative(path: str, run_dir: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(run_dir.resolve()))
    except ValueError:
        return path


def build(findings: Iterable[Finding], run_dir: Path | None = None,
          risks: Iterable[Risk] | None = None) -> list[Row]:
    """One row per premortem risk, in the premortem's order."""
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        for risk_id in f.risks:
            by_key.setdefault((risk_id, f.variant), []).append(f)
    rows = []
    for r in risks if risks is not None else all_risks():
        cells = {v: _combine(v, by_key.get((r.id, v), []), run_dir) for v in VARIANTS}
        rows.append(Row(r.id, r.title, r.severity, r.category, _nothing_to_mitigate(cells)))
    return rows


def _nothing_to_mitigate(cells: dict[str, Cell]) -> dict[str, Cell]:
    """A defect absent on both variants was never there: 'mitigated' would overclaim."""
    base, rem = (cells[variant_with_role(r)] for r in ("reviewed", "mitigated"))
    if base.verdict == Verdict.NOT_CONFIRMED and rem.verdict == Verdict.MITIGATED:
        rem.verdict = str(Verdict.NOT_CONFIRMED)
        rem.reason = f"absent on both variants: {rem.reason}"
    return cells


def gate(rows: Iterable[Row], level: str, variant: str) -> list[Row]:
    """Risks at or above ``level`` that stand on ``variant``: the rows that fail a CI gate.

    On the baseline a risk stands when it is confirmed; on the remediated variant when it is
    not mitigated. A probe error stands too: a gate never passes on a probe that broke.
    """
    from workbench.risks import SEVERITIES

    floor = SEVERITIES.index(level)
    standing = {Verdict.CONFIRMED, Verdict.NOT_MITIGATED, Verdict.ERROR}
    return [r for r in rows
            if SEVERITIES.index(r.severity) >= floor and r.variants[variant].verdict in standing]


def counts(rows: Iterable[Row]) -> dict[str, dict[str, int]]:
    """Verdict counts per variant."""
    out: dict[str, dict[str, int]] = {v: {} for v in VARIANTS}
    for row in rows:
        for variant, cell in row.variants.items():
            out[variant][cell.verdict] = out[variant].get(cell.verdict, 0) + 1
    return out


def to_json(rows: list[Row]) -> str:
    """The machine-readable scorecard: per risk id, the verdict on each variant."""
    payload = {
        "risks": [
            {"id": r.id, "title": r.title, "severity": r.severity, "category": r.category,
             **{v: asdict(c) for v, c in r.variants.items()}}
            for r in rows
        ],
        "counts": counts(rows),
    }
    return json.dumps(payload, indent=2)
