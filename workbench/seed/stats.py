"""What a seeded database looks like, as frames for the seeding notebook.

The frames here read any schema (the catalog's tables and sizes); the reviewed profile's own
distributions (events per day, tenant skew, email bodies) are in
:mod:`workbench.seed.profiles.reviewed.distributions`.
"""

from __future__ import annotations

import polars as pl
from psycopg import sql

from workbench import db
from workbench.seed.profile import Profile
from workbench.seed.reuse import recorded_run
from workbench.seed.runner import table_checksums
from workbench.settings import Settings
from workbench.sqlfiles import read_sql


def sql_frame(settings: Settings, database: str, relative: str,
              **names: sql.Composable) -> pl.DataFrame:
    """The rows of one ``sql/`` file (``relative``, e.g. ``seed/table_sizes.sql``) as a frame;
    ``names`` fill its ``{placeholders}`` (identifiers, say)."""
    text = read_sql(relative)
    with db.connection(settings, database) as conn:
        cur = conn.execute(sql.SQL(text).format(**names) if names else text)  # type: ignore[arg-type]
        cols = [d.name for d in cur.description or []]
        return pl.DataFrame(cur.fetchall(), schema=cols, orient="row")


def table_sizes(settings: Settings, database: str) -> pl.DataFrame:
    """Rows (exact) and MB (table, indexes, total) per table."""
    with db.connection(settings, database) as conn:
        counts = {t: n for t, (n, _) in table_checksums(conn, checksum=False).items()}
    frame = sql_frame(settings, database, "seed/table_sizes.sql")
    return frame.with_columns(
        pl.col("table_name").replace_strict(counts, default=0).alias("row_count"),
        *[(pl.col(c) / 1e6).alias(c.replace("_bytes", "_mb"))
          for c in ("table_bytes", "index_bytes", "total_bytes")])


def seeded(settings: Settings, database: str) -> bool:
    """True when a seed ran to its end in ``database`` (its bookkeeping row says so)."""
    with db.connection(settings, database) as conn:
        run = recorded_run(conn)
    return run is not None and run[3] is not None


def ensure_seeded(settings: Settings, variant: str, profile: Profile) -> str:
    """The variant's database, seeded with ``profile`` unless a seed already finished there.

    The report seeds before notebooks run; this is for interactive use in JupyterLab.
    """
    from workbench.errors import NotFound
    from workbench.seed.runner import seed_database

    database = settings.database_for(variant)
    if not db.database_exists(settings, database):
        raise NotFound(
            f"database {database} does not exist: run workbench schema apply --variant {variant}"
        )
    if not seeded(settings, database):
        seed_database(settings, database, profile)
    return database
