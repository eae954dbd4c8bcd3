"""The application settings a variant is measured with: what its units declare, else defaults.

Configuration risks (prepared statements through a transaction-mode pooler, a pool too small
for the load) are judged by running the same measurement on every variant with the settings
that variant declares. A variant declares settings through the ``[app]`` tables of the
mitigation units recorded as applied in its database (:func:`declared_app_settings`); what no
unit declares is measured as the client library does it out of the box.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from workbench.schema.units import declared_app_settings

PGBOUNCER_SCENARIO_MODE = "transaction"
"""The pooler the configuration risks describe (Supabase's transaction-mode PgBouncer)."""


def library_defaults() -> dict[str, Any]:
    """Settings as the libraries ship them, read from their signatures.

    psycopg prepares a statement server-side once it ran ``prepare_threshold`` times (5 unless
    told None); psycopg_pool keeps ``min_size`` connections (4) when no size is given.
    """
    threshold = inspect.signature(psycopg.Connection.connect).parameters["prepare_threshold"]
    pool = inspect.signature(ConnectionPool.__init__).parameters["min_size"].default
    return {"prepared_statements": threshold.default is not None, "pool_size": int(pool),
            "pooler_mode": PGBOUNCER_SCENARIO_MODE}


@dataclass(frozen=True)
class AppSettings:
    """One variant's application settings and, per setting, where the value came from."""

    prepared_statements: bool
    pool_size: int
    pooler_mode: str
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def describe(self, key: str) -> str:
        """``value (source)`` for a reason line."""
        return f"{getattr(self, key)} ({self.sources.get(key, 'library default')})"

    def as_evidence(self) -> dict[str, Any]:
        """Values and sources, for a finding's evidence."""
        return {k: {"value": getattr(self, k), "source": self.sources[k]}
                for k in ("prepared_statements", "pool_size", "pooler_mode")}


def app_settings(conn: psycopg.Connection) -> AppSettings:
    """The settings the connected variant declares, library defaults for the rest."""
    values = library_defaults()
    sources = dict.fromkeys(values, "library default")
    for key, (value, unit) in declared_app_settings(conn).items():
        values[key] = value
        sources[key] = f"unit {unit}"
    return AppSettings(**values, sources=sources)
