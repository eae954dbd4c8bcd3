"""What a probe is: one piece of evidence about one or more premortem risks.

A probe looks at one variant's database and says whether the defect behind its risk is
*present* there, with a one-line reason and evidence (numbers, a frame, a chart). The verdict
follows from the variant's role (``VARIANT_ROLES`` in settings): present on the reviewed schema is
``confirmed``, absent there ``not-confirmed``; absent with the mitigations applied is
``mitigated``, present there ``not-mitigated``. A probe that cannot test
its risk in a database says so (``not-testable``) with why. The base class owns timing, error
capture and where evidence goes, so a subclass writes one method, :meth:`Probe.observe`.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

import psycopg

from workbench.settings import Settings, variant_role


class Verdict(StrEnum):
    """The scorecard's vocabulary."""

    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not-confirmed"
    MITIGATED = "mitigated"
    NOT_MITIGATED = "not-mitigated"
    NOT_TESTABLE = "not-testable"
    NO_PROBE = "no-probe"
    ERROR = "error"


def verdict_for(variant: str, present: bool | None) -> Verdict:
    """Map 'defect present?' on a variant to the scorecard verdict, worded by the variant's role."""
    if present is None:
        return Verdict.NOT_TESTABLE
    if variant_role(variant) == "reviewed":
        return Verdict.CONFIRMED if present else Verdict.NOT_CONFIRMED
    return Verdict.NOT_MITIGATED if present else Verdict.MITIGATED


@dataclass
class Observation:
    """What :meth:`Probe.observe` returns."""

    present: bool | None
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)


@dataclass
class Finding:
    """A probe's verdict on one variant, as stored in the run bundle."""

    probe: str
    risks: list[str]
    variant: str
    verdict: str
    reason: str
    evidence: dict[str, Any]
    paths: list[str]
    seconds: float

    def to_json(self) -> str:
        """JSON for ``findings/<probe>__<variant>.json``."""
        return json.dumps(asdict(self), indent=2, default=str)


@dataclass
class ProbeContext:
    """Everything a probe may use: the variant's database and where evidence goes."""

    settings: Settings
    variant: str
    database: str
    conn: psycopg.Connection
    evidence_dir: Path
    profile: str = "ci"

    def path(self, name: str) -> Path:
        """A file in the evidence folder (created on demand)."""
        self.evidence_dir.mkdir(parents=True, exist_ok=True)
        return self.evidence_dir / name


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Probe:
    """Subclass, set ``risks``, write ``observe``. The id is the class name in snake case."""

    risks: ClassVar[tuple[str, ...]] = ()
    group: ClassVar[str] = "schema"
    registry: ClassVar[dict[str, type[Probe]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.risks:  # abstract intermediates declare no risks
            Probe.registry[cls.probe_id()] = cls

    @classmethod
    def probe_id(cls) -> str:
        """Identity from the code: the class name in snake case."""
        return _snake(cls.__name__)

    @classmethod
    def summary(cls) -> str:
        """First line of the docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    def observe(self, ctx: ProbeContext) -> Observation:
        """Look at the variant's database; say whether the defect is present."""
        raise NotImplementedError

    @classmethod
    def overlaps_variants(cls, settings: Settings, databases: list[str]) -> bool:
        """Whether the report may run this probe on every variant at once (default: no).

        For probes that spend most of their time waiting on client tools or I/O, whose
        variants' work fits the machine side by side.
        """
        return False

    def run(self, ctx: ProbeContext) -> Finding:
        """Observe, time it, and turn the observation (or a failure) into a finding."""
        started = time.perf_counter()
        try:
            obs = self.observe(ctx)
            verdict = verdict_for(ctx.variant, obs.present)
        except Exception as exc:  # a probe that breaks is a finding, never a silent pass
            try:
                ctx.conn.rollback()
            except psycopg.Error:
                pass
            tb = traceback.format_exc(limit=3)
            obs = Observation(None, f"probe failed: {type(exc).__name__}: {exc}", {"traceback": tb})
            verdict = Verdict.ERROR
        return Finding(
            probe=self.probe_id(),
            risks=list(self.risks),
            variant=ctx.variant,
            verdict=str(verdict),
            reason=obs.reason,
            evidence=obs.evidence,
            paths=obs.paths,
            seconds=round(time.perf_counter() - started, 3),
        )
