"""The reviewed profile's distributions in a seeded database, as frames for the seeding notebook.

Events per local day and hour, rows per tenant and email body sizes, each read by one file of
``sql/baseline/subject/seed/``, and :func:`profile_check`, which sets them beside what the profile
asks for. The numbers are the reviewed schema's (its event tables, its email bodies), so they
live with its profile; :mod:`workbench.seed.stats` has the frames any schema has.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from psycopg import sql

from workbench import db
from workbench.risks.subject import SEED_SQL
from workbench.seed.profile import WEEKDAYS, Profile
from workbench.seed.runner import tenant_weights
from workbench.seed.stats import sql_frame
from workbench.settings import Settings


def tenant_sizes(settings: Settings, database: str) -> pl.DataFrame:
    """Rows per tenant of the big tables, largest first."""
    return sql_frame(settings, database, f"{SEED_SQL}/tenant_sizes.sql")


def daily_volume(settings: Settings, database: str) -> pl.DataFrame:
    """Activities and emails per day."""
    return sql_frame(settings, database, f"{SEED_SQL}/daily_volume.sql")


def hourly_share(settings: Settings, database: str) -> pl.DataFrame:
    """Share of activities per local hour."""
    return sql_frame(settings, database, f"{SEED_SQL}/hourly_share.sql")


def email_body_sizes(settings: Settings, database: str) -> pl.DataFrame:
    """Median / p95 body size and the stored/raw ratio (TOAST compression).

    Read from wherever the variant keeps bodies (inline, or email_bodies after unit 0300), so
    the notebook shows the same figures on both variants.
    """
    with db.connection(settings, database) as conn:
        split = conn.execute("SELECT to_regclass('public.email_bodies') IS NOT NULL").fetchone()
    table = "email_bodies" if split and split[0] else "email_history"
    return sql_frame(settings, database, f"{SEED_SQL}/email_body_sizes.sql",
                     bodies=sql.Identifier("public", table))


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
