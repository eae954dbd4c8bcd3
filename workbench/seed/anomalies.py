"""Known defects injected on request: ground truth for the integrity checks.

Each kind is one file ``sql/baseline/subject/seed/anomalies/<kind>.sql`` (found by scanning):
an UPDATE of exactly ``count`` deterministically chosen rows that returns their ids. The ids
go into the run's manifest, so a check can be scored against exactly what was planted. When
the schema itself rejects a defect (the remediated variant's foreign key or generated column),
that is recorded as ``rejected`` with PostgreSQL's reason: evidence that the mitigation works.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from workbench.errors import BadParameter, NotFound
from workbench.paths import sql_dir
from workbench.risks.subject import SEED_SQL
from workbench.sqlfiles import read_sql


def anomaly_kinds() -> list[str]:
    """The kinds of defect the seeder can plant."""
    return sorted(p.stem for p in (sql_dir() / SEED_SQL / "anomalies").glob("*.sql"))


@dataclass(frozen=True)
class AnomalySpec:
    """How many of each defect to plant."""

    counts: dict[str, int]


def load_anomalies(source: str | Path | dict[str, Any]) -> AnomalySpec:
    """Read an anomalies TOML file (``kind = count``, optionally under ``[anomalies]``)."""
    where = "anomalies"
    if isinstance(source, dict):
        data: dict[str, Any] = source
    else:
        path = Path(source)
        where = path.name
        if not path.is_file():
            raise NotFound(f"anomalies file {path} does not exist")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise BadParameter(f"anomalies file {path.name} is not valid TOML: {exc}") from None
    if isinstance(data.get("anomalies"), dict):
        data = data["anomalies"]
    kinds = anomaly_kinds()
    counts: dict[str, int] = {}
    for key, value in data.items():
        if key not in kinds:
            raise BadParameter(f"{where}: {key} is not a known anomaly (known: {', '.join(kinds)})")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadParameter(f"{where}: {key} must be a whole number >= 0, got {value!r}")
        counts[key] = value
    return AnomalySpec(counts)


def inject_anomalies(conn: psycopg.Connection, spec: AnomalySpec, seed: int) -> dict[str, Any]:
    """Plant every requested defect; returns ``{kind: {requested, planted, ids | rejected}}``."""
    out: dict[str, Any] = {}
    for kind, count in sorted(spec.counts.items()):
        entry: dict[str, Any] = {"requested": count, "planted": 0, "ids": []}
        if count:
            try:
                with conn.transaction():
                    rows = conn.execute(
                        read_sql(f"{SEED_SQL}/anomalies/{kind}.sql"),  # type: ignore[arg-type]
                        {"count": count, "salt": f"{seed}:{kind}"},
                    ).fetchall()
                entry.update(planted=len(rows), ids=sorted(str(r[0]) for r in rows))
            except psycopg.Error as exc:
                entry["rejected"] = (exc.diag.message_primary or str(exc)).strip()
        out[kind] = entry
    return out
