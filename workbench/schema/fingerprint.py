"""A stable hash plus a readable listing of a database's catalog.

Two databases with the same tables, columns and types, constraints, indexes, policies, triggers,
functions and enums have the same fingerprint, whatever their data or OIDs. The round trip
apply -> revert of every mitigation unit must give the baseline fingerprint back exactly
(RISK-OPS-001's rollback evidence).
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

import psycopg

from workbench.sqlfiles import read_sql


@dataclass(frozen=True)
class Fingerprint:
    """The catalog listing and its hash."""

    lines: tuple[str, ...]

    @property
    def digest(self) -> str:
        """sha256 of the listing, hex."""
        return hashlib.sha256("\n".join(self.lines).encode()).hexdigest()

    @property
    def short(self) -> str:
        """First 12 hex digits, for tables and charts."""
        return self.digest[:12]

    def counts(self) -> dict[str, int]:
        """How many objects of each kind."""
        out: dict[str, int] = {}
        for line in self.lines:
            kind = line.split(" ", 1)[0]
            out[kind] = out.get(kind, 0) + 1
        return out

    def diff(self, other: Fingerprint) -> list[str]:
        """Unified diff lines from ``self`` to ``other`` (empty when equal)."""
        return list(difflib.unified_diff(self.lines, other.lines, lineterm="", n=0))[2:]


def fingerprint(conn: psycopg.Connection) -> Fingerprint:
    """Fingerprint the connected database."""
    rows = conn.execute(read_sql("catalog/fingerprint.sql")).fetchall()  # type: ignore[arg-type]
    return Fingerprint(tuple(f"{kind} {obj} {detail or ''}".rstrip() for kind, obj, detail in rows))
