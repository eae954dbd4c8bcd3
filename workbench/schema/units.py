"""Mitigation units: one folder each under ``sql/mitigations/``, found by scanning.

A unit is ``apply.sql``, ``revert.sql`` and ``unit.toml`` (title, risks, why, needs, and the
``columns`` (``table.column``) its risk names, when the review named them). The folder
name is the unit's id and its number sets the order in which the remediated variant applies
them. Applied units are recorded in ``_workbench.applied_units`` of the database, so any single
unit can be applied or reverted alone and experiments can measure one mitigation at a time.

Some mitigations are configuration of the application, not DDL (prepared statements off behind
a transaction-mode pooler, a pool sized for the load). A unit carries those as data in an
``[app]`` table of its ``unit.toml``; a database's application settings are then the merge of
its applied units' tables (:func:`declared_app_settings`), so a probe measures each variant with
the settings that variant declares, read from the database rather than from its name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from workbench.errors import BadParameter, NotFound, SchemaError
from workbench.paths import sql_dir
from workbench.sqlfiles import read_sql, run_script

APP_SETTINGS: dict[str, type] = {
    "prepared_statements": bool,
    "pool_size": int,
    "pooler_mode": str,
}
"""Application settings a unit's ``[app]`` table may declare, and the type each must have."""


@dataclass(frozen=True)
class Unit:
    """One mitigation, reversible."""

    id: str
    title: str
    risks: tuple[str, ...]
    why: str
    path: Path
    kind: str = ""  # unit.toml's optional kind: "index" for the units the index experiments measure
    needs: tuple[str, ...] = field(default=())
    app: dict[str, Any] = field(default_factory=dict, compare=False)
    columns: tuple[str, ...] = field(default=())

    @property
    def changes_schema(self) -> bool:
        """Whether ``apply.sql`` holds any statement (a settings-only unit holds comments only)."""
        lines = self.apply_path.read_text().splitlines()
        return any(ln.strip() and not ln.strip().startswith("--") for ln in lines)

    @property
    def apply_path(self) -> Path:
        """The forward script."""
        return self.path / "apply.sql"

    @property
    def revert_path(self) -> Path:
        """The script that restores the catalog exactly."""
        return self.path / "revert.sql"


def _load(folder: Path) -> Unit:
    try:
        meta = tomllib.loads((folder / "unit.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BadParameter(f"{folder / 'unit.toml'} is unreadable: {exc}") from None
    for script in ("apply.sql", "revert.sql"):
        if not (folder / script).is_file():
            raise BadParameter(f"mitigation unit {folder.name} has no {script}")
    app = meta.get("app", {})
    if not isinstance(app, dict):
        raise BadParameter(f"{folder / 'unit.toml'}: [app] must be a table of settings")
    for key, value in app.items():
        kind = APP_SETTINGS.get(key)
        if kind is None:
            raise BadParameter(f"{folder / 'unit.toml'}: unknown [app] setting {key!r} "
                               f"(known: {', '.join(APP_SETTINGS)})")
        if type(value) is not kind:
            raise BadParameter(f"{folder / 'unit.toml'}: [app] {key} must be a {kind.__name__}, "
                               f"not {value!r}")
    return Unit(
        id=folder.name,
        title=str(meta.get("title", folder.name)),
        risks=tuple(meta.get("risks", ())),
        why=str(meta.get("why", "")),
        path=folder,
        kind=str(meta.get("kind", "")),
        needs=tuple(meta.get("needs", ())),
        app=dict(app),
        columns=tuple(meta.get("columns", ())),
    )


def all_units(root: Path | None = None) -> list[Unit]:
    """Every unit, in apply order (folder name order)."""
    base = root or sql_dir() / "mitigations"
    if not base.is_dir():
        return []
    return [_load(p) for p in sorted(base.iterdir()) if (p / "unit.toml").is_file()]


def get_unit(unit_id: str) -> Unit:
    """A unit by id; its numeric prefix alone, or its name without the prefix, also match."""
    units = all_units()
    for unit in units:
        if unit_id in (unit.id, unit.id.split("_", 1)[0], unit.id.split("_", 1)[-1]):
            return unit
    known = ", ".join(u.id for u in units) or "none"
    raise NotFound(f"no mitigation unit {unit_id!r} (known: {known})")


def units_of_kind(kind: str) -> list[Unit]:
    """Units whose ``unit.toml`` declares ``kind`` (e.g. ``"index"``), in apply order."""
    return [u for u in all_units() if u.kind == kind]


def units_for_risk(risk_id: str) -> list[Unit]:
    """Units that claim to address ``risk_id``."""
    return [u for u in all_units() if risk_id in u.risks]


def ensure_meta(conn: psycopg.Connection) -> None:
    """Create the workbench's bookkeeping schema in a database it owns."""
    conn.execute(read_sql("schema/meta.sql"))  # type: ignore[arg-type]


def applied_units(conn: psycopg.Connection) -> list[str]:
    """Units applied to the connected database, in the order they were applied."""
    exists = conn.execute("SELECT to_regclass('_workbench.applied_units') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    rows = conn.execute("SELECT unit FROM _workbench.applied_units ORDER BY applied_at").fetchall()
    return [r[0] for r in rows]


def declared_app_settings(conn: psycopg.Connection) -> dict[str, tuple[Any, str]]:
    """The application settings the connected database's applied units declare.

    Each setting maps to ``(value, unit id)``; a later unit overrides an earlier one. Empty
    when no applied unit declares anything (the caller then measures with library defaults).
    """
    known = {u.id: u for u in all_units()}
    declared: dict[str, tuple[Any, str]] = {}
    for unit_id in applied_units(conn):
        unit = known.get(unit_id) or get_unit(unit_id)  # get_unit names the missing unit
        for key, value in unit.app.items():
            declared[key] = (value, unit.id)
    return declared


def apply_unit(conn: psycopg.Connection, unit: Unit) -> None:
    """Apply ``unit`` in one transaction and record it."""
    done = applied_units(conn)
    if unit.id in done:
        raise SchemaError(f"unit {unit.id} is already applied to this database")
    missing = [n for n in unit.needs if n not in done]
    if missing:
        raise SchemaError(f"unit {unit.id} needs {', '.join(missing)} applied first")
    with conn.transaction():
        ensure_meta(conn)
        run_script(conn, unit.apply_path)
        conn.execute("INSERT INTO _workbench.applied_units (unit) VALUES (%s)", (unit.id,))


def revert_unit(conn: psycopg.Connection, unit: Unit) -> None:
    """Revert ``unit`` in one transaction; refuses while a unit that needs it is applied."""
    done = applied_units(conn)
    if unit.id not in done:
        raise SchemaError(f"unit {unit.id} is not applied to this database")
    dependants = [u.id for u in all_units() if unit.id in u.needs and u.id in done]
    if dependants:
        raise SchemaError(f"revert {', '.join(dependants)} before {unit.id}")
    with conn.transaction():
        run_script(conn, unit.revert_path)
        conn.execute("DELETE FROM _workbench.applied_units WHERE unit = %s", (unit.id,))
