"""What a seeded database looks like, as frames for the seeding notebook.

Each function runs one file of ``sql/seed/`` and returns a polars frame, so the notebook stays
thin and the same numbers can be checked in tests.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from psycopg import sql

from workbench import db
from workbench.seed.profile import WEEKDAYS, Profile
from workbench.seed.runner import table_checksums, tenant_weights
from workbench.settings import Settings
from workbench.sqlfiles import read_sql


def _frame(settings: Settings, database: str, name: str) -> pl.DataFrame:
    with db.connection(settings, database) as conn:
        cur = conn.execute(read_sql(f"seed/{name}.sql"))  # type: ignore[arg-type]
        cols = [d.name for d in cur.description or []]
        return pl.DataFrame(cur.fetchall(), schema=cols, orient="row")


def table_sizes(settings: Settings, database: str) -> pl.DataFrame:
    """Rows (exact) and MB (table, indexes, total) per table."""
    with db.connection(settings, database) as conn:
        counts = {t: n for t, (n, _) in table_checksums(conn, checksum=False).items()}
    frame = _frame(settings, database, "table_sizes")
    return frame.with_columns(
        pl.col("table_name").replace_strict(counts, default=0).alias("row_count"),
        *[(pl.col(c) / 1e6).alias(c.replace("_bytes", "_mb"))
          for c in ("table_bytes", "index_bytes", "total_bytes")])


def tenant_sizes(settings: Settings, database: str) -> pl.DataFrame:
    """Rows per tenant of the big tables, largest first."""
    return _frame(settings, database, "tenant_sizes")


def daily_volume(settings: Settings, database: str) -> pl.DataFrame:
    """Activities and emails per day."""
    return _frame(settings, database, "daily_volume")


def hourly_share(settings: Settings, database: str) -> pl.DataFrame:
    """Share of activities per local hour."""
    return _frame(settings, database, "hourly_share")


def email_body_sizes(settings: Settings, database: str) -> pl.DataFrame:
    """Median / p95 body size and the stored/raw ratio (TOAST compression).

    Read from wherever the variant keeps bodies (inline, or email_bodies after unit 0300), so
    the notebook shows the same figures on both variants.
    """
    with db.connection(settings, database) as conn:
        split = conn.execute("SELECT to_regclass('public.email_bodies') IS NOT NULL").fetchone()
        table = "email_bodies" if split and split[0] else "email_history"
        stmt = sql.SQL(read_sql("seed/email_body_sizes.sql")).format(  # type: ignore[arg-type]
            bodies=sql.Identifier("public", table))
        cur = conn.execute(stmt)
        cols = [d.name for d in cur.description or []]
        return pl.DataFrame(cur.fetchall(), schema=cols, orient="row")


def profile_check(settings: Settings, database: str, profile: Profile) -> pl.DataFrame:
    """Seeded distributions next to what the profile asks for, with the relative error.

    Checks: event volumes per table, the largest tenant's share (skew), the weekend share
    (weekday weights), the business-hours share (hour weights) and the median email body.
    """
    weights = tenant_weights(profile)
    sizes = tenant_sizes(settings, database)
    daily = daily_volume(settings, database)
    hours = hourly_share(settings, database)
    days = np.arange(profile.days)
    first = profile.start.weekday()
    week = np.array([profile.weekday[WEEKDAYS[(first + d) % 7]] for d in days])
    growth = 1.0 + profile.growth * days / max(profile.days - 1, 1)
    day_w = week * growth
    weekend = day_w[[(first + d) % 7 >= 5 for d in days]].sum() / day_w.sum()
    seeded_weekend = (float(daily.filter(pl.col("day").dt.weekday() >= 6)["activities"].sum())
                      / max(float(daily["activities"].sum()), 1.0))
    lo, hi = profile.business_hours
    business_w = (hi - lo) / ((hi - lo) + (24 - (hi - lo)) * profile.after_hours)
    seeded_business = hours.filter(pl.col("local_hour").is_between(lo, hi - 1))["share"].sum()
    rows = [
        ("activities rows", profile.per_day["activities"] * profile.days * weights.sum(),
         float(sizes["activities"].sum())),
        ("email_history rows", profile.per_day["email_history"] * profile.days * weights.sum(),
         float(sizes["email_history"].sum())),
        ("largest tenant share", weights[0] / weights.sum(),
         float(sizes["activities"][0] / max(sizes["activities"].sum(), 1))),
        ("weekend share", float(weekend), float(seeded_weekend)),
        ("business-hours share", business_w, float(seeded_business)),
        ("email body median KB", profile.text["email_body_kb"],
         float(email_body_sizes(settings, database)["median_html_kb"][0] or 0.0)),
    ]
    frame = pl.DataFrame(rows, schema=["measure", "profile", "seeded"], orient="row")
    return frame.with_columns(
        ((pl.col("seeded") - pl.col("profile")) / pl.col("profile")).alias("relative_error"))


def ensure_seeded(settings: Settings, variant: str, profile: Profile) -> str:
    """The variant's database, seeded with ``profile`` if it is still empty.

    The report seeds before notebooks run; this is for interactive use in JupyterLab.
    """
    from workbench.errors import NotFound
    from workbench.seed.runner import seed_database

    database = settings.database_for(variant)
    if not db.database_exists(settings, database):
        raise NotFound(
            f"database {database} does not exist: run workbench schema apply --variant {variant}"
        )
    with db.connection(settings, database) as conn:
        empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM organizations)").fetchone()
    if empty and empty[0]:
        seed_database(settings, database, profile)
    return database
