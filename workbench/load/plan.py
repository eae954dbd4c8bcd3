"""A load plan for any schema: its query set, its tenants with their drawn values, its context.

The catalog's load (``loadtests/workloads/*.toml``) knows the reviewed schema's queries; a
user's schema has a query set instead (:mod:`workbench.querysets`: captured, a folder, or
inferred). The driver draws everything once (:mod:`workbench.load.queryset_load`: it has the
tenant model and the database) and writes one JSON file; every Locust process reads it
(``--queryset FILE``), so no process guesses. This module is what Locust processes import, so
it stays light: a slow import delays gevent's loop past Locust's run-time timer.

A task's weight is the query's weight (calls, for a captured workload); a write (``writes``:
:mod:`workbench.load.writes`) runs in a transaction that is rolled back. Each tenant
carries its size (users are drawn in proportion), one set of values per query, and the caller
its policies expect: the model's ``current_setting`` names get the tenant's id, and where
policies call ``auth.uid()`` a member of the tenant (from the membership table) goes into
``request.jwt.claims`` and ``request.jwt.claim.sub``, as PostgREST sets them.

Values travel as JSON: numbers stay numbers, everything else as text (the query sends it as
an untyped literal, and PostgreSQL reads it as the compared column's type), arrays as array
literals.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.load.tenants import Tenant, TenantDirectory
from workbench.load.workload import ReadQuery, Workload

CONTEXT_KEYS = {"role", "org", "wb_sub", "wb_claims"}  # the context statement's parameters


def json_value(value: Any) -> Any:
    """A drawn value as the plan's JSON carries it (see the module docstring)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        inner = ",".join('"' + str(v).replace('"', '\\"') + '"' for v in value)
        return "{" + inner + "}"
    return str(value)


@dataclass
class LoadPlan:
    """Queries with weights, tenants with values, and the context SQL users run first."""

    source: str
    context_sql: str
    queries: list[dict[str, Any]]
    tenants: list[dict[str, Any]]
    skipped: list[dict[str, str]] = field(default_factory=list)

    # -- for Locust processes -------------------------------------------------------------
    def workload(self) -> Workload:
        """The plan as a workload: every query a read task, weighted."""
        return Workload("queryset", self.source, {q["name"]: float(q["weight"])
                                                  for q in self.queries})

    def read_queries(self) -> dict[str, ReadQuery]:
        """Each query as a request whose context is the plan's (a write: rolled back)."""
        return {q["name"]: ReadQuery(q["name"], q["sql"], tuple(q["params"]), self.context_sql,
                                     bool(q.get("writes")))
                for q in self.queries}

    def directory(self) -> TenantDirectory:
        """Tenants with their sizes; each one's per-query values in ``params``."""
        return TenantDirectory([Tenant(str(t["id"]), int(t["size"]), {},
                                       {"values": t["values"], "sub": t.get("sub") or ""})
                                for t in self.tenants])

    @staticmethod
    def values(tenant: Tenant, query: ReadQuery, rng: random.Random) -> dict[str, Any] | None:
        """The tenant's values for ``query`` (one of its drawn sets); None for a write the
        tenant has no values for (no row of that table to write from)."""
        values: dict[str, list[dict[str, Any]]] = tenant.params["values"]  # type: ignore[assignment]
        options = values.get(query.name)
        if not options and query.rolled_back:
            return None
        return dict(rng.choice(options or [{}]))

    @staticmethod
    def context(tenant: Tenant) -> dict[str, Any]:
        """What the context SQL needs besides the role: the tenant, and its member's claims."""
        sub = str(tenant.params.get("sub") or "")
        return {"org": tenant.id, "wb_sub": sub,
                "wb_claims": json.dumps({"sub": sub, "role": "authenticated"})}

    # -- files ----------------------------------------------------------------------------
    def save(self, path: Path) -> Path:
        """Write the plan as JSON (no connection details in it)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.__dict__, indent=1, default=str))
        return path

    @classmethod
    def load(cls, path: Path) -> LoadPlan:
        """A plan written by :meth:`save`."""
        return cls(**json.loads(Path(path).read_text()))
