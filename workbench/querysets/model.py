"""A query set: the statements a workload is made of, where they came from, and their weights.

Three sources make one (:mod:`workbench.querysets.sources`): a server's ``pg_stat_statements``
(weights are calls), a folder of ``.sql`` files (weights from a ``-- weight:`` header, else 1)
and the schema itself (inferred pages). Whatever the source, every statement is a
:class:`workbench.queries.Query` with named ``%(name)s`` parameters, so explain, what-if and
load run them the way they run the catalog. What a source had to leave out is kept with the
reason, so a report can say it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.queries import Query


@dataclass(frozen=True)
class Skipped:
    """A statement a source could not use, and why."""

    name: str
    reason: str
    sql: str = ""


@dataclass
class QuerySet:
    """Named queries with weights; ``stats`` holds what the source measured (calls, mean ms)."""

    source: str
    queries: list[Query]
    weights: dict[str, float] = field(default_factory=dict)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    def __post_init__(self) -> None:
        names = [q.name for q in self.queries]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            from workbench.errors import BadParameter

            raise BadParameter(f"query set from {self.source}: names used twice: {dupes}")
        for name in names:
            self.weights.setdefault(name, 1.0)

    def add(self, query: Query, weight: float = 1.0, stats: dict[str, Any] | None = None) -> None:
        """Append ``query`` with its weight (and what the source measured)."""
        if query.name in self.weights and any(q.name == query.name for q in self.queries):
            from workbench.errors import BadParameter

            raise BadParameter(f"query set from {self.source}: name {query.name!r} used twice")
        self.queries.append(query)
        self.weights[query.name] = weight
        if stats:
            self.stats[query.name] = stats

    def by_name(self) -> dict[str, Query]:
        """The queries keyed by name."""
        return {q.name: q for q in self.queries}

    def reads(self) -> list[Query]:
        """The queries that change no data (the load's read tasks)."""
        return [q for q in self.queries if not q.writes]

    def select(self, names: tuple[str, ...] | list[str]) -> QuerySet:
        """Only the named queries (all when ``names`` is empty)."""
        if not names:
            return self
        known = self.by_name()
        missing = [n for n in names if n not in known]
        if missing:
            from workbench.errors import NotFound

            raise NotFound(f"no query {missing[0]!r} in the query set ({self.source}) "
                           f"(known: {', '.join(list(known)[:12])}...)")
        return QuerySet(self.source, [known[n] for n in names],
                        {n: self.weights[n] for n in names},
                        {n: self.stats[n] for n in names if n in self.stats}, self.skipped)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (saved with every run that uses the set)."""
        return {
            "source": self.source,
            "queries": [asdict(q) | {"weight": self.weights[q.name],
                                     "stats": self.stats.get(q.name, {})}
                        for q in self.queries],
            "skipped": [asdict(s) for s in self.skipped],
        }

    def save(self, path: Path) -> Path:
        """Write :meth:`to_dict` as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1, default=str))
        return path

