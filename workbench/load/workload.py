"""Workload profiles: data files that say which requests a simulated user sends, how often.

A profile is ``loadtests/workloads/<name>.toml``::

    description = "..."
    think_time_ms = [0, 0]          # uniform pause between requests (closed loop when 0)
    [tasks]                         # name -> weight; a read query or a write transaction
    customer_list = 5
    create_order = 1
    [include]                       # optional: other workloads, name -> share of traffic
    browse = 6

A task name is a read query (``sql/load/queries/<name>.sql``) or a write transaction registered in
:mod:`workbench.load.transactions`. Keeping mixes as data means a new workload is a file, not code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import BadParameter, NotFound
from workbench.paths import project_root, sql_dir

PARAM_RE = re.compile(r"%\((\w+)\)s")


def workloads_dir() -> Path:
    """Where workload profiles live."""
    return project_root() / "loadtests" / "workloads"


def list_workloads() -> list[str]:
    """Names of every workload profile."""
    return sorted(p.stem for p in workloads_dir().glob("*.toml"))


def query_path(name: str) -> Path | None:
    """The SQL file of read query ``name`` (the load tests' own, else the shared catalog)."""
    for folder in (sql_dir() / "load" / "queries", sql_dir() / "queries"):
        path = folder / f"{name}.sql"
        if path.is_file():
            return path
    return None


@dataclass(frozen=True)
class ReadQuery:
    """A read request: its name (as Locust reports it), SQL text and the parameters it needs."""

    name: str
    sql: str
    params: tuple[str, ...]

    @classmethod
    def load(cls, name: str) -> ReadQuery:
        """Read ``name``'s SQL file and find its named parameters."""
        path = query_path(name)
        if path is None:
            raise NotFound(f"no query {name!r} in sql/load/queries/ or sql/queries/")
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
        if task not in TRANSACTIONS and query_path(task) is None:
            raise BadParameter(
                f"workload {name!r}: task {task!r} is neither a query in sql/load/queries/ "
                "nor a write transaction"
            )
    return workload
