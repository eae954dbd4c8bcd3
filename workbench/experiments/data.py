"""Databases for experiments and tests: the baseline DDL plus chosen units and data.

Until (and besides) the seeder, the reviewed subject's ``synthetic_data`` script (named in
``sql/baseline/subject.toml``) gives small, skewed, self-consistent data at any scale, so tests of
the catalog, EXPLAIN capture and experiments do not depend on another component, and growth curves
can build several sizes in one run.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from workbench import db
from workbench.paths import sql_dir
from workbench.risks.subject import profile
from workbench.schema.units import apply_unit, ensure_meta, get_unit
from workbench.schema.variants import baseline_scripts
from workbench.settings import Settings
from workbench.sqlfiles import run_script


def load_synthetic(conn: psycopg.Connection, scale: float = 1.0) -> None:
    """Fill an empty baseline-shaped database with synthetic data (scale 1 = about 120k rows)."""
    with conn.transaction():
        conn.execute("SELECT set_config('wb.scale', %s, true)", (str(scale),))
        run_script(conn, sql_dir() / profile()["catalog"]["synthetic_data"])
    conn.execute("ANALYZE")


def build_database(
    settings: Settings,
    name: str,
    *,
    units: Sequence[str] = (),
    scale: float | None = 1.0,
    units_after_data: bool = True,
) -> str:
    """(Re)create ``name`` (workbench-owned) with the baseline, data at ``scale`` and ``units``.

    Units go in after the data by default, as they would on a live database (a partitioning
    unit must move existing rows); ``scale=None`` leaves the database empty.
    """
    db.create_database(settings, name, replace=True, allow_destroy=False)
    with db.connection(settings, name, autocommit=True) as conn:
        with conn.transaction():
            for script in baseline_scripts():
                run_script(conn, script)
            ensure_meta(conn)
            conn.execute(
                "INSERT INTO _workbench.meta (key, value) VALUES ('variant', 'baseline')"
            )
        if not units_after_data:
            for unit_id in units:
                apply_unit(conn, get_unit(unit_id))
        if scale is not None:
            load_synthetic(conn, scale)
        if units_after_data:
            for unit_id in units:
                apply_unit(conn, get_unit(unit_id))
        conn.execute("ANALYZE")
    return name
