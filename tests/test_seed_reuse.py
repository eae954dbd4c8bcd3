"""Reusing a seeded database: only an equal schema with the same, untouched seed is copied."""

from __future__ import annotations

import time

import pytest

from workbench import db
from workbench.experiments.data import build_database
from workbench.seed import load_profile, seed_database, table_checksums
from workbench.seed.reuse import copy_seeded, modified_since_seed
from workbench.settings import Settings

pytestmark = pytest.mark.db


def _checksums(settings: Settings, name: str) -> dict:
    with db.connection(settings, name, autocommit=True) as conn:
        return table_checksums(conn)


def _wait_for_statistics(settings: Settings, name: str, profile) -> list[str] | None:
    """The server publishes a session's table counts shortly after it ends: poll, bounded."""
    deadline = time.monotonic() + 10
    while True:
        changed = modified_since_seed(settings, name, profile)
        if changed or time.monotonic() > deadline:
            return changed
        time.sleep(0.2)


def test_an_untouched_seed_is_copied_and_a_touched_or_different_one_is_not(
        settings: Settings) -> None:
    source, target = f"{settings.prefix}_reuse_src", f"{settings.prefix}_reuse_dst"
    profile = load_profile("ci", 0.5)
    try:
        build_database(settings, source, scale=None)
        seed_database(settings, source, "ci", scale=0.5, mode="replace")
        assert modified_since_seed(settings, source, profile) == []
        assert modified_since_seed(settings, source, load_profile("ci", 0.25)) is None
        assert modified_since_seed(settings, source, profile, seed=1) is None

        build_database(settings, target, scale=None)
        assert copy_seeded(settings, target, [source], profile) == source
        assert _checksums(settings, target) == _checksums(settings, source)

        # a committed change after the seed: the source no longer holds the seed's rows
        with db.connection(settings, source, autocommit=True) as conn:
            table = conn.execute("SELECT schemaname || '.' || relname FROM pg_stat_user_tables "
                                 "WHERE schemaname = 'public' AND n_live_tup > 0 "
                                 "ORDER BY 1 LIMIT 1").fetchone()[0]  # type: ignore[index]
            conn.execute(f"DELETE FROM {table} WHERE ctid = (SELECT min(ctid) FROM {table})")
        assert _wait_for_statistics(settings, source, profile) == [table]
        build_database(settings, target, scale=None)
        assert copy_seeded(settings, target, [source], profile) is None
        assert _checksums(settings, target) != _checksums(settings, source)  # still empty

        # a different schema: never copied, even untouched
        with db.connection(settings, target, autocommit=True) as conn:
            conn.execute("CREATE TABLE public.extra (id int)")
        seed_database(settings, source, "ci", scale=0.5, mode="replace")
        assert modified_since_seed(settings, source, profile) == []
        assert copy_seeded(settings, target, [source], profile) is None
    finally:
        db.drop_database(settings, source)
        db.drop_database(settings, target)


def test_a_source_in_use_is_not_copied(settings: Settings) -> None:
    source, target = f"{settings.prefix}_busy_src", f"{settings.prefix}_busy_dst"
    try:
        db.create_database(settings, source, replace=True, allow_destroy=False)
        with db.connection(settings, source, autocommit=True):
            assert db.copy_database(settings, source, target) is False
            assert not db.database_exists(settings, target)
        assert db.copy_database(settings, source, target) is True
        assert db.is_owned(settings, target)
    finally:
        db.drop_database(settings, source)
        db.drop_database(settings, target)


def test_growth_at_full_volume_copies_the_untouched_baseline(settings: Settings) -> None:
    """The growth curve's full-volume point reuses the variant seeded with the same profile."""
    from dataclasses import replace

    from workbench.experiments.partitions import growth

    own = replace(settings, prefix=f"{settings.prefix}_rg")
    baseline = own.database_for("baseline")
    try:
        build_database(own, baseline, scale=None)
        seed_database(own, baseline, "ci", scale=0.5, mode="replace")
        frame = growth(own, [0.25, 0.5], repeats=1, profile="ci",
                       database=f"{own.prefix}_growth")
        data = frame.groupby("scale")["data"].first().to_dict()
        assert data == {0.25: "profile ci", 0.5: f"profile ci (copied from {baseline})"}
        rows = frame.groupby("scale")["history_rows"].first()
        assert rows[0.5] > rows[0.25] > 0
    finally:
        db.drop_database(own, baseline)


def test_a_snapshot_of_a_fresh_seed_serves_after_the_source_was_analyzed(
        settings: Settings) -> None:
    """ANALYZE hides earlier changes from the statistics: the snapshot taken before it serves."""
    from workbench.seed.reuse import snapshot_seed

    source, snap, target = (f"{settings.prefix}_snap_{x}" for x in ("src", "copy", "dst"))
    profile = load_profile("ci", 0.5)
    try:
        build_database(settings, source, scale=None)
        seed_database(settings, source, "ci", scale=0.5, mode="replace")
        assert snapshot_seed(settings, source, snap, profile)
        assert modified_since_seed(settings, snap, profile) == []
        with db.connection(settings, source, autocommit=True) as conn:
            conn.execute("ANALYZE")
        assert modified_since_seed(settings, source, profile)  # unknown now: every table
        build_database(settings, target, scale=None)
        assert copy_seeded(settings, target, [source, snap], profile) == snap
        assert _checksums(settings, target) == _checksums(settings, source)

        with db.connection(settings, snap, autocommit=True) as conn:
            table = conn.execute("SELECT schemaname || '.' || relname FROM pg_stat_user_tables "
                                 "WHERE schemaname = 'public' ORDER BY 1 LIMIT 1"
                                 ).fetchone()[0]  # type: ignore[index]
            conn.execute(f"DELETE FROM {table}")
        assert _wait_for_statistics(settings, snap, profile) == [table]
        build_database(settings, target, scale=None)
        assert copy_seeded(settings, target, [snap], profile) is None
    finally:
        for name in (source, snap, target):
            db.drop_database(settings, name)
