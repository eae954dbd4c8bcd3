"""What a check is and what it returns: one shape for every check, SQL file or Python class.

Like splinter's lints, every check yields the same columns whatever it looks at: an id (from
its file or module name), a title (the first line of its docs), a severity, the premortem risks
it serves, and, when run, every offending object or row, each with a stable fingerprint (the
check id and the columns that name the object), so CI can diff runs and accept known findings.
A check that breaks, or cannot run (no tenant model), has the status ``not-run`` with why,
never ``clean``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("info", "low", "medium", "high", "critical")
KINDS = ("structural", "data", "migrations")
STATUSES = ("found", "clean", "not-run")
SAMPLE_LIMIT = 50  # rows a terminal table or PR comment shows per check; JSON carries them all
NO_TENANT_MODEL = "no tenant model"
SINGLE_TENANT = "the schema is declared single-tenant (--no-tenant)"
# Output columns that name an object (rather than measure it), when a check names none itself.
IDENTITY_COLUMNS = ("columns", "command", "arguments")


def severity_rank(severity: str) -> int:
    """0 (info) to 4 (critical), for sorting and ``--fail-on``."""
    return SEVERITIES.index(severity)


def identity_columns(columns: list[str], declared: tuple[str, ...] = ()) -> list[str]:
    """The columns that identify a row's object: declared, else ``*_name`` ones, else the first.

    Measurements (counts, sizes, samples) are left out so a fingerprint survives data changes.
    """
    if declared:
        return list(declared)
    named = [c for c in columns if c.endswith("_name") or c in IDENTITY_COLUMNS]
    return named or columns[:1]


def fingerprint(check_id: str, values: list[Any]) -> str:
    """sha1 of the check id and the identity values: stable across runs and machines."""
    text = json.dumps([check_id, *[str(v) for v in values]], ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()


@dataclass(frozen=True)
class CheckInfo:
    """The static description of one check (no database needed).

    ``condition`` marks a check whose findings matter only under a condition (e.g. the
    application connects as the table owner): its rows are reported as ONE finding that says
    so. ``{column}`` in it is replaced by that column's distinct values.
    """

    id: str
    title: str
    severity: str
    risks: tuple[str, ...]
    kind: str
    docs: str
    source: str
    order: int
    requires_tenant_model: bool = False
    identity: tuple[str, ...] = ()
    condition: str = ""


@dataclass
class CheckResult:
    """One check run against one database: every row, each with its fingerprint."""

    id: str
    title: str
    severity: str
    risks: list[str]
    kind: str
    count: int
    detail: str
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)
    identity: list[str] = field(default_factory=list)
    sql: str = ""
    error: str | None = None
    seconds: float = 0.0
    status: str = "clean"
    why: str = ""
    condition: str = ""
    new: list[bool] | None = None  # per row, when compared with a baseline

    @property
    def failed(self) -> bool:
        """True when the check itself could not run (reported, never a silent pass)."""
        return self.error is not None

    @property
    def samples(self) -> list[dict[str, Any]]:
        """The first rows, for outputs that abbreviate (terminal table, PR comment)."""
        return self.rows[:SAMPLE_LIMIT]

    @property
    def grouped(self) -> bool:
        """Reported as one finding with its condition rather than once per row."""
        return bool(self.condition)

    @property
    def new_count(self) -> int:
        """Rows not in the baseline (all rows without a baseline)."""
        return len(self.rows) if self.new is None else sum(self.new)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: every row with its fingerprint (and whether it is new)."""
        out = asdict(self)
        for key in ("rows", "fingerprints", "new"):
            out.pop(key)
        out["findings"] = [
            {"fingerprint": fp, "row": row, **({"new": self.new[i]} if self.new else {})}
            for i, (fp, row) in enumerate(zip(self.fingerprints, self.rows, strict=True))]
        return out
