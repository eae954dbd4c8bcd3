"""Building the two variants: the schema as reviewed, and with every mitigation applied.

Each variant lives in a database of its own that the workbench creates (``<prefix>_baseline``,
``<prefix>_remediated``), so both can be measured side by side in one run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench import db
from workbench.paths import sql_dir
from workbench.schema.units import Unit, all_units, apply_unit, ensure_meta, get_unit
from workbench.settings import VARIANTS, Settings, variant_role
from workbench.sqlfiles import run_script


@dataclass(frozen=True)
class ApplyResult:
    """What ``schema apply`` did."""

    database: str
    variant: str
    units: tuple[str, ...]
    seconds: float


def baseline_scripts() -> list[Path]:
    """The baseline DDL files, in the order they are applied."""
    return sorted((sql_dir() / "baseline").glob("*.sql"))


def units_for_variant(variant: str, extra: Sequence[str] = ()) -> list[Unit]:
    """The units a variant gets: none as reviewed, all when mitigated, plus ``extra``."""
    chosen = all_units() if variant_role(variant) == "mitigated" else []
    for unit_id in extra:
        unit = get_unit(unit_id)
        if unit not in chosen:
            chosen.append(unit)
    order = {u.id: i for i, u in enumerate(all_units())}
    return sorted(chosen, key=lambda u: order[u.id])


def apply_variant(
    settings: Settings,
    variant: str,
    *,
    units: Sequence[str] = (),
    database: str | None = None,
    allow_destroy: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ApplyResult:
    """(Re)create the variant's database and apply the baseline, then the variant's units."""
    if variant not in VARIANTS:
        settings.database_for(variant)  # raises the one-line error
    name = database or settings.database_for(variant)
    chosen = units_for_variant(variant, units)
    started = time.perf_counter()
    db.create_database(settings, name, replace=True, allow_destroy=allow_destroy)
    with db.connection(settings, name, autocommit=True) as conn:
        with conn.transaction():
            for script in baseline_scripts():
                if progress:
                    progress(f"baseline {script.name}")
                run_script(conn, script)
            ensure_meta(conn)
            conn.execute(
                "INSERT INTO _workbench.meta (key, value) VALUES ('variant', %s)", (variant,)
            )
        for unit in chosen:
            if progress:
                progress(f"unit {unit.id}")
            apply_unit(conn, unit)
        conn.execute("ANALYZE")
    return ApplyResult(name, variant, tuple(u.id for u in chosen), time.perf_counter() - started)
