"""Workload profiles: data files that say which requests a simulated user sends, how often.

A profile is ``loadtests/workloads/<name>.toml``::

    description = "..."
    think_time_ms = [0, 0]          # uniform pause between requests (closed loop when 0)
    [tasks]                         # name -> weight; a read query or a write transaction
    customer_list = 5
    create_order = 1
    [include]                       # optional: other workloads, name -> share of traffic
    browse = 6

A task name is a read query or a write transaction registered in :mod:`workbench.load.transactions`.
A read query is the query catalog's (:func:`workbench.queries.catalog`, ``sql/queries/``) when one
has that name, so Locust reports it under its catalog name; ``sql/load/queries/`` holds only the
few reads the catalog has no counterpart for (the primary-key lookup of the benchmarks, the
``users`` list that meets the baseline's only policies). Catalog statements marked
``writes: true`` are never read tasks. Keeping mixes as data means a new workload is a file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from workbench.errors import BadParameter, NotFound
from workbench.paths import project_root, sql_dir
from workbench.queries import catalog
from workbench.sqlfiles import read_sql

PARAM_RE = re.compile(r"%\((\w+)\)s")


def workloads_dir() -> Path:
    """Where workload profiles live."""
    return project_root() / "loadtests" / "workloads"


def list_workloads() -> list[str]:
    """Names of every workload profile."""
    return sorted(p.stem for p in workloads_dir().glob("*.toml"))


def query_path(name: str) -> Path | None:
    """The load tests' own SQL file for read query ``name`` (None when it has none)."""
    path = sql_dir() / "load" / "queries" / f"{name}.sql"
    return path if path.is_file() else None


def is_read_query(name: str) -> bool:
    """Whether ``name`` is a read task: a catalog query that does not write, or a load query."""
    query = catalog().get(name)
    if query is not None:
        return not query.writes
    return query_path(name) is not None


@dataclass(frozen=True)
class ReadQuery:
    """A read request: its name (as Locust reports it), SQL text and the parameters it needs."""

    name: str
    sql: str
    params: tuple[str, ...]
    context: str = ""  # the statement that sets role and tenant ("": ``set_tenant.sql``)
    rolled_back: bool = False  # a write a load plan runs in a transaction it rolls back

    @cached_property
    def context_sql(self) -> str:
        """The per-transaction context statement this query runs under."""
        return (self.context or read_sql("load/set_tenant.sql")).strip().rstrip(";")

    @cached_property
    def with_context(self) -> str:
        """The context and the query as one multi-statement text (one implicit transaction),
        built once per query rather than on every request."""
        return f"{self.context_sql};\n{self.sql}"

    @classmethod
    def load(cls, name: str) -> ReadQuery:
        """The catalog query ``name`` (else the load tests' own) and its named parameters."""
        query = catalog().get(name)
        if query is not None:
            if query.writes:
                raise BadParameter(f"catalog query {name!r} writes; it cannot be a read task")
            return cls(name, query.sql, query.params)
        path = query_path(name)
        if path is None:
            raise NotFound(f"no query {name!r} in the catalog (sql/queries/) or sql/load/queries/")
        text = path.read_text()
        return cls(name, text, tuple(dict.fromkeys(PARAM_RE.findall(text))))


@dataclass(frozen=True)
class Workload:
    """A named mix of tasks with weights (already flattened over ``include``)."""

    name: str
    description: str
    tasks: dict[str, float]
    think_time_ms: tuple[float, float] = (0.0, 0.0)
    path: Path | None = field(default=None, compare=False)

    def kinds(self) -> dict[str, str]:
        """Each task's kind: ``read`` or ``write``."""
        from workbench.load.transactions import TRANSACTIONS

        return {t: ("write" if t in TRANSACTIONS else "read") for t in self.tasks}


def _parse(name: str, seen: tuple[str, ...] = ()) -> Workload:
    if name in seen:
        raise BadParameter(f"workload {name!r} includes itself ({' -> '.join((*seen, name))})")
    path = workloads_dir() / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(list_workloads()) or "none"
        raise NotFound(f"no workload {name!r} (known: {known})")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise BadParameter(f"{path.name}: {exc}") from None
    tasks: dict[str, float] = {}
    for task, weight in dict(data.get("tasks", {})).items():
        if not isinstance(weight, int | float) or weight < 0:
            raise BadParameter(f"{path.name}: weight of {task!r} must be a number >= 0")
        tasks[task] = tasks.get(task, 0.0) + float(weight)
    for sub, share in dict(data.get("include", {})).items():
        inner = _parse(sub, (*seen, name))
        total = sum(inner.tasks.values()) or 1.0
        for task, weight in inner.tasks.items():
            tasks[task] = tasks.get(task, 0.0) + float(share) * weight / total
    tasks = {t: w for t, w in tasks.items() if w > 0}
    if not tasks:
        raise BadParameter(f"{path.name}: no task has a positive weight")
    think = data.get("think_time_ms", [0, 0])
    return Workload(name, str(data.get("description", "")), tasks,
                    (float(think[0]), float(think[1])), path)


def load_workload(name: str) -> Workload:
    """Read and validate workload ``name``; every task must name a query or a transaction."""
    from workbench.load.transactions import TRANSACTIONS

    workload = _parse(name)
    for task in workload.tasks:
        if task not in TRANSACTIONS and not is_read_query(task):
            raise BadParameter(
                f"workload {name!r}: task {task!r} is neither a read query (the catalog's, "
                "not marked writes, or sql/load/queries/) nor a write transaction"
            )
    return workload
