"""Reuse a database already seeded with the same schema, profile, scale and seed.

Seeding is deterministic: the same schema, profile, scale and seed give the same rows. Where an
experiment needs such a database and one already exists untouched (the report's baseline
variant, when the growth curve reaches the full volume), a file copy of it replaces minutes of
seeding (premortem: 260 s to seed, a file copy of its 12.7 GB instead).

"Untouched" is read from the server's statistics, not assumed: every table's committed changes
since the seeder's closing ANALYZE must be zero and no ANALYZE may have run since (it would reset
that count). Statistics that were reset read as unknown, and then the database is seeded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg

from workbench import db
from workbench.schema.fingerprint import fingerprint
from workbench.seed.profile import Profile
from workbench.settings import VARIANTS, Settings
from workbench.sqlfiles import read_sql

COPY_KEY = "seed_copied_from"  # in _workbench.meta of a copy made by snapshot_seed


def recorded_run(conn: psycopg.Connection) -> tuple[Any, ...] | None:
    """The database's seed run as its bookkeeping row records it: (profile, scale, seed,
    finished_at or None, planted anomalies or {}); None when no seed ever began there."""
    if conn.execute("SELECT to_regclass('_workbench.seed_run')").fetchone()[0] is None:  # type: ignore[index]
        return None
    return conn.execute("SELECT profile, scale, seed, finished_at, coalesce(anomalies, '{}') "
                        "FROM _workbench.seed_run").fetchone()


def modified_since_seed(settings: Settings, database: str, profile: Profile, *,
                        seed: int = 0) -> list[str] | None:
    """Tables changed since ``database``'s finished seed of (profile, scale, seed).

    None when it holds no such finished seed (planted anomalies make it another one); ``[]``
    when it is exactly as seeded.
    """
    with db.connection(settings, database, autocommit=True) as conn:
        run = recorded_run(conn)
        if run is None or run[3] is None or run[4] or (run[0], round(run[1], 9), run[2]) != (
                profile.name, round(profile.scale, 9), seed):
            return None  # not this seed, unfinished, or with planted anomalies
        copy = conn.execute("SELECT to_regclass('_workbench.meta')").fetchone()[0] is not None and (  # type: ignore[index]
            conn.execute("SELECT EXISTS (SELECT 1 FROM _workbench.meta WHERE key = %s)",
                         (COPY_KEY,)).fetchone()[0])  # type: ignore[index]
        rows = conn.execute(read_sql("seed/modified_since_seed.sql"),  # type: ignore[arg-type]
                            {"finished": run[3], "copy": copy}).fetchall()
    return [r[0] for r in rows]


def snapshot_seed(settings: Settings, source: str, name: str, profile: Profile, *,
                  seed: int = 0) -> bool:
    """Copy a freshly seeded, untouched ``source`` to ``name`` for later :func:`copy_seeded`.

    For experiments that need the seed again after other work has run on ``source`` (the
    report's what-if ANALYZEs the baseline, which hides from the statistics whether rows changed
    before it). The copy's clock of changes starts at the copy; nothing connects to it but a copy.
    """
    if modified_since_seed(settings, source, profile, seed=seed) != []:
        return False
    if not db.copy_database(settings, source, name):
        return False
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute("UPDATE _workbench.seed_run SET finished_at = clock_timestamp()")
        conn.execute("INSERT INTO _workbench.meta (key, value) VALUES (%s, %s)",
                     (COPY_KEY, source))
    return True


def snapshot_name(settings: Settings, variant: str) -> str:
    """Where the report keeps the copy of ``variant``'s fresh seed."""
    return f"{settings.database_for(variant)}_seed"


def seeded_candidates(settings: Settings) -> list[str]:
    """Databases that may hold a seed to copy: each variant's snapshot, then the variant."""
    return [name for v in VARIANTS for name in (snapshot_name(settings, v),
                                                settings.database_for(v))]


def copy_seeded(settings: Settings, target: str, candidates: Iterable[str], profile: Profile, *,
                seed: int = 0) -> str | None:
    """Replace ``target`` (built empty, ours) with a copy of an equal, untouched seeded database.

    A candidate qualifies when it is the workbench's, has ``target``'s catalog fingerprint and a
    finished, untouched seed of ``profile`` (its scale included) and ``seed``. Returns the
    candidate copied, or None (``target`` then still exists as it was, unless the copy lost a
    race for the source: the caller rebuilds a missing ``target``).
    """
    with db.connection(settings, target, autocommit=True) as conn:
        wanted = fingerprint(conn).digest
    for source in candidates:
        if source == target or not db.is_owned(settings, source):  # missing reads as not ours
            continue
        if modified_since_seed(settings, source, profile, seed=seed) != []:
            continue
        with db.connection(settings, source, autocommit=True) as conn:
            if fingerprint(conn).digest != wanted:
                continue
        if db.copy_database(settings, source, target):
            return source
    return None
