"""One test over every registry: risks, probes and units all carry what they must."""

from __future__ import annotations

from workbench.probes import registry
from workbench.risks import SEVERITIES, all_risks, get_risk


def test_thirty_seven_risks_with_the_premortem_matrix() -> None:
    risks = all_risks()
    assert len(risks) == 37 and len({r.id for r in risks}) == 37
    assert sum(r.severity == "critical" for r in risks) == 6
    assert sum(r.severity == "high" for r in risks) == 12
    assert sum(r.severity == "medium" for r in risks) == 13
    assert sum(r.severity == "low" for r in risks) == 6
    assert all(r.severity in SEVERITIES and r.mitigations for r in risks)
    assert get_risk("risk-mt-001").title.startswith("Inconsistent organizationId")


def test_every_probe_names_known_risks_and_explains_itself() -> None:
    ids = {r.id for r in all_risks()}
    probes = registry()
    assert len(probes) >= 3
    for pid, cls in probes.items():
        assert cls.risks and set(cls.risks) <= ids, pid
        assert cls.summary(), f"{pid} has no docstring"
        assert cls.observe is not __import__("workbench.probes.base").probes.base.Probe.observe, pid
