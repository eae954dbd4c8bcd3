"""What a check is and what it returns: one shape for every check, SQL file or Python class.

Like splinter's lints, every check yields the same columns whatever it looks at: an id (from
its file or module name), a title (the first line of its docs), a severity, the premortem risks
it serves, and, when run, a count of offending objects or rows with a few sample rows. A check
that breaks is reported as a failed result, never skipped, so a broken check cannot pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("info", "low", "medium", "high", "critical")
KINDS = ("structural", "data", "migrations")
SAMPLE_LIMIT = 50


def severity_rank(severity: str) -> int:
    """0 (info) to 4 (critical), for sorting and ``--fail-on``."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class CheckInfo:
    """The static description of one check (no database needed)."""

    id: str
    title: str
    severity: str
    risks: tuple[str, ...]
    kind: str
    docs: str
    source: str
    order: int


@dataclass
class CheckResult:
    """One check run against one database."""

    id: str
    title: str
    severity: str
    risks: list[str]
    kind: str
    count: int
    detail: str
    columns: list[str] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    sql: str = ""
    error: str | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """True when the check itself could not run (reported, never a silent pass)."""
        return self.error is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)
