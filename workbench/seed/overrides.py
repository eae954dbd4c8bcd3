"""A profile's ``[catalog]`` section: what it says about volumes and columns, checked.

Everything the catalog-driven engine does not find here comes from the catalog (see
:mod:`workbench.seed.plan`). Keys name tables as ``schema.table`` and columns as
``schema.table.column``; a key that names no table or column of the target is an error at plan
time (a typo never silently falls back to a default)::

    [catalog]
    rows_per_tenant = 40          # rows per tenant of a table no other table's rows decide
    fanout = 3                    # children per parent row along a table's fan-out key
    global_rows = 30              # rows of a table that belongs to no tenant
    [catalog.rows]                # per table: rows per tenant (or in all, for a global table)
    "public.projects" = 12
    [catalog.fanouts]             # per table: children per row of its fan-out parent
    "public.tasks" = 8
    [catalog.parents]             # per table: the foreign key (constraint name) that fans out
    "public.tasks" = "tasks_project_id_fkey"
    [catalog.columns]             # per column: a meaning (email, person, money, ...) or values
    "public.tasks.status" = ["open", "done"]
    [catalog.nulls]               # per column: share of NULLs (a nullable column)
    "public.tasks.due_at" = 0.5
    [catalog.generators]          # per table: a callable that makes its rows ("module:function";
    "public.bills" = "my_profile:bills"    # tables naming one callable are made together)

``generators`` may instead name a module whose ``GENERATORS`` maps tables to callables
(``generators = "workbench.seed.profiles.reviewed"``); see :mod:`workbench.seed.handover`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from workbench.errors import BadParameter

KEYS = ("rows_per_tenant", "fanout", "global_rows", "max_rows_per_tenant", "rows", "fanouts",
        "parents", "columns", "nulls", "generators")


@dataclass(frozen=True)
class Overrides:
    """The checked ``[catalog]`` section (defaults where the profile says nothing)."""

    rows_per_tenant: float = 40.0
    fanout: float = 3.0
    global_rows: float = 30.0
    max_rows_per_tenant: int = 500_000
    rows: dict[str, float] = field(default_factory=dict)
    fanouts: dict[str, float] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    columns: dict[str, Any] = field(default_factory=dict)
    nulls: dict[str, float] = field(default_factory=dict)
    generators: str | dict[str, str] = field(default_factory=dict)  # module, or per table

    def scaled(self, scale: float) -> Overrides:
        """Volumes times ``scale`` (fan-outs and shares stay)."""
        return replace(self, rows_per_tenant=self.rows_per_tenant * scale,
                       global_rows=self.global_rows * scale,
                       rows={k: v * scale for k, v in self.rows.items()})


def _number(profile: str, key: str, value: Any, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or (
            high is not None and value > high):
        bound = f"between 0 and {high}" if high is not None else "a number >= 0"
        raise BadParameter(f"profile {profile!r}: catalog.{key} must be {bound}, got {value!r}")
    return float(value)


def _table(profile: str, raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise BadParameter(f"profile {profile!r}: catalog.{key} must be a table of "
                           "\"schema.table\" = value")
    return value


def parse_overrides(profile: str, raw: dict[str, Any], scale: float = 1.0) -> Overrides:
    """Check a profile's raw ``[catalog]`` data; every problem names its key."""
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise BadParameter(f"profile {profile!r}: catalog.{unknown[0]} is not a known key "
                           f"(known: {', '.join(KEYS)})")
    plain = {k: _number(profile, k, raw[k]) for k in
             ("rows_per_tenant", "fanout", "global_rows", "max_rows_per_tenant") if k in raw}
    columns = _table(profile, raw, "columns")
    for key, value in columns.items():
        if not (isinstance(value, str) or isinstance(value, list) and value):
            raise BadParameter(f"profile {profile!r}: catalog.columns.{key} must be a meaning "
                               "(e.g. \"email\") or a list of values")
    parents = _table(profile, raw, "parents")
    for key, value in parents.items():
        if not isinstance(value, str):
            raise BadParameter(f"profile {profile!r}: catalog.parents.{key} must name a "
                               "foreign key constraint")
    generators = raw.get("generators", {})
    if isinstance(generators, dict):
        for key, value in generators.items():
            if not isinstance(value, str) or ":" not in value:
                raise BadParameter(f"profile {profile!r}: catalog.generators.{key} must name a "
                                   "callable as \"module:function\"")
    elif not isinstance(generators, str):
        raise BadParameter(f"profile {profile!r}: catalog.generators must name a module or be "
                           "a table of \"schema.table\" = \"module:function\"")
    defaults = Overrides()
    out = Overrides(
        rows_per_tenant=plain.get("rows_per_tenant", defaults.rows_per_tenant),
        fanout=plain.get("fanout", defaults.fanout),
        global_rows=plain.get("global_rows", defaults.global_rows),
        max_rows_per_tenant=int(plain.get("max_rows_per_tenant", defaults.max_rows_per_tenant)),
        rows={k: _number(profile, f"rows.{k}", v) for k, v in _table(profile, raw, "rows").items()},
        fanouts={k: _number(profile, f"fanouts.{k}", v)
                 for k, v in _table(profile, raw, "fanouts").items()},
        parents=parents, columns=columns,
        nulls={k: _number(profile, f"nulls.{k}", v, 1.0)
               for k, v in _table(profile, raw, "nulls").items()},
        generators=generators,
    )
    return out.scaled(scale) if scale != 1.0 else out


def unknown_names(over: Overrides, tables: dict[str, Any]) -> list[str]:
    """Override keys that name no table or column of the target (``tables``: name -> Table)."""
    bad = [f"catalog.{section}.{k}" for section in ("rows", "fanouts", "parents")
           for k in getattr(over, section) if k not in tables]
    for section in ("columns", "nulls"):
        for key in getattr(over, section):
            table, _, column = key.rpartition(".")
            if table not in tables or column not in tables[table].columns:
                bad.append(f"catalog.{section}.{key}")
    return bad
