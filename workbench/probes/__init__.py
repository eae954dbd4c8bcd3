"""Probes: one module per piece of evidence, found by scanning this package.

Import :func:`registry` to get every probe class keyed by id; :func:`run_probes` runs a
selection against a variant and stores the findings in the run bundle.
"""

from __future__ import annotations

import importlib
import pkgutil

from workbench.probes.base import Finding, Observation, Probe, ProbeContext, Verdict

__all__ = ["Finding", "Observation", "Probe", "ProbeContext", "Verdict", "registry"]


def registry() -> dict[str, type[Probe]]:
    """Every probe class, keyed by id (importing every module of this package once)."""
    for info in pkgutil.iter_modules(__path__):
        if info.name not in ("base", "runner"):
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(Probe.registry.items()))
