"""One test over every registry: risks, probes and units all carry what they must."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import workbench.probes
from workbench.audit.registry import registry as check_registry
from workbench.probes import registry
from workbench.probes.base import Probe
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
    defined = set()  # every concrete probe class in workbench/probes/, found by import
    for info in pkgutil.iter_modules(workbench.probes.__path__):
        module = importlib.import_module(f"workbench.probes.{info.name}")
        defined |= {obj for obj in vars(module).values()
                    if inspect.isclass(obj) and issubclass(obj, Probe)
                    and obj.__module__ == module.__name__ and obj.risks
                    and not inspect.isabstract(obj)}
    assert defined and set(probes.values()) == defined
    for pid, cls in probes.items():
        assert cls.risks and set(cls.risks) <= ids, pid
        assert cls.summary(), f"{pid} has no docstring"
        assert cls.observe is not __import__("workbench.probes.base").probes.base.Probe.observe, pid


def test_audit_probes_claim_the_risks_their_checks_name() -> None:
    """A probe made of audit checks and the checks' ``-- risks:`` headers agree: every risk the
    probe claims is named by one of its checks, and each check names one of the probe's risks."""
    checks = check_registry()
    audit_probes = {pid: cls for pid, cls in registry().items() if getattr(cls, "checks", ())}
    assert audit_probes
    for pid, cls in audit_probes.items():
        assert cls.checks and set(cls.checks) <= set(checks), (pid, cls.checks)
        named = {cid: set(checks[cid].info().risks) for cid in cls.checks}
        assert set(cls.risks) <= set().union(*named.values()), (pid, cls.risks, named)
        for cid, risks in named.items():
            assert risks & set(cls.risks), (pid, cid, risks)
