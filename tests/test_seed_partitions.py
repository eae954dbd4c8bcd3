"""The seeder on the partitioned remediated variant (unit 0300), against a real PostgreSQL.

Bodies live in email_bodies there: both variants must hold the same emails with the same
bodies. And every seeded row must land in a monthly partition, never in DEFAULT, or the
partitioning experiments measure nothing: checked by seeding each profile (small scale) and by
comparing each profile's period with the partitions the unit made.
"""

from __future__ import annotations

import datetime as dt

import pytest
from psycopg import sql

from workbench import db
from workbench.experiments.partitions import PARTITIONED_TABLES
from workbench.risks.subject import SEED_SQL
from workbench.schema.variants import apply_variant
from workbench.seed import list_profiles, load_profile, seed_database
from workbench.seed.profiles.reviewed import distributions
from workbench.settings import VARIANTS, Settings
from workbench.sqlfiles import read_sql

pytestmark = pytest.mark.db
PARTITIONED = {*PARTITIONED_TABLES, "email_bodies"}  # bodies split off and partitioned alike
INLINE = sql.SQL("public.email_history AS b ON b.id = e.id")
SPLIT = sql.SQL("public.email_bodies AS b ON b.email_id = e.id "
                "AND b.organization_id = e.organization_id AND b.created_at = e.created_at")


def bodies(settings: Settings, name: str, source: sql.Composable) -> tuple[int, str]:
    """(emails with a body, digest of id, tenant, time and bodies) in database ``name``."""
    with db.connection(settings, name) as conn:
        stmt = sql.SQL(read_sql(f"{SEED_SQL}/email_bodies_compare.sql")).format(bodies=source)  # type: ignore[arg-type]
        row = conn.execute(stmt).fetchone()
        assert row is not None
        return int(row[0]), str(row[1])


def test_both_variants_hold_the_same_email_bodies(settings: Settings) -> None:
    names = {v: apply_variant(settings, v, database=f"{settings.prefix}_sb_{v}").database
             for v in VARIANTS}
    reports = {v: seed_database(settings, n, "ci", workers=1) for v, n in names.items()}
    base = bodies(settings, names["baseline"], INLINE)
    split = bodies(settings, names["remediated"], SPLIT)
    with db.connection(settings, names["remediated"]) as conn:
        emails, stored = conn.execute(
            "SELECT (SELECT count(*) FROM email_history), (SELECT count(*) FROM email_bodies)"
        ).fetchone()  # type: ignore[misc]
    assert base[0] > 0 and base[0] == reports["baseline"].tables["public.email_history"].rows
    assert stored == split[0] == emails == base[0]  # one body row per email, every one joined
    assert split == base  # same ids, tenants, times and bodies
    assert reports["remediated"].tables["public.email_bodies"].rows == stored
    assert "public.email_bodies" not in reports["baseline"].tables
    assert reports["remediated"].unseeded_tables == []
    assert reports["remediated"].default_partition_rows == dict.fromkeys(PARTITIONED, 0)
    sizes = {v: distributions.email_body_sizes(settings, n) for v, n in names.items()}
    assert sizes["baseline"]["bodies"][0] == sizes["remediated"]["bodies"][0] == stored
    assert sizes["baseline"]["median_html_kb"][0] == sizes["remediated"]["median_html_kb"][0]
    for name in names.values():
        db.drop_database(settings, name)


@pytest.mark.parametrize("profile", ["demo", "premortem"])
def test_no_profile_row_lands_in_a_default_partition(settings: Settings, profile: str) -> None:
    name = apply_variant(settings, "remediated",
                         database=f"{settings.prefix}_sd_{profile}").database
    report = seed_database(settings, name, profile, scale=0.004, workers=1)
    assert report.tables["public.activities"].rows > 0
    assert report.tables["public.email_bodies"].rows > 0
    with db.connection(settings, name) as conn:
        for table in sorted(PARTITIONED):
            default = sql.Identifier("public", f"{table}_default")
            count = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(default)).fetchone()
            assert count == (0,), f"{profile}: {table} rows in DEFAULT"
    assert report.default_partition_rows == dict.fromkeys(PARTITIONED, 0)
    db.drop_database(settings, name)


def test_every_profile_period_is_inside_the_monthly_partitions(
        settings: Settings, remediated_db: str) -> None:
    """Fails when the profiles' anchor ages out of 0300's window: move ``end`` forward then."""
    with db.connection(settings, remediated_db) as conn:
        bounds = {t: (lo, hi) for t, lo, hi, _ in
                  conn.execute(read_sql("seed/partition_bounds.sql"))}  # type: ignore[arg-type]
    assert set(bounds) == PARTITIONED
    for name in list_profiles():
        prof = load_profile(name)
        # local (UTC+10) business days: events run from 10 h before the first UTC midnight
        # to 14 h after the last one
        first = dt.datetime.combine(prof.start, dt.time(), dt.UTC) - dt.timedelta(hours=10)
        last = dt.datetime.combine(prof.end, dt.time(), dt.UTC) + dt.timedelta(hours=38)
        for table, (lo, hi) in bounds.items():
            assert lo <= first and last <= hi, f"{name} ({prof.start}..{prof.end}) vs {table}"


def test_a_profile_names_end_or_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from workbench.errors import BadParameter

    text = load_profile("ci").source.read_text()  # type: ignore[union-attr]
    both = tmp_path / "both.toml"
    both.write_text(text.replace("end = 2026-10-31", 'end = 2026-10-31\nstart = "2026-01-01"'))
    with pytest.raises(BadParameter, match="either end"):
        load_profile(both)
    started = tmp_path / "started.toml"
    started.write_text(text.replace("end = 2026-10-31", 'start = "2026-10-02"'))
    assert load_profile(started).end == load_profile("ci").end == dt.date(2026, 10, 31)



def test_partition_indexes_are_dropped_for_the_load_and_restored_attached(
        settings: Settings) -> None:
    """Partitioned tables lose their indexes during the load too, and get them back exactly."""
    from workbench.schema.fingerprint import fingerprint
    from workbench.seed.runner import defer_keys

    name = apply_variant(settings, "remediated", database=f"{settings.prefix}_sp_idx").database
    with db.connection(settings, name, autocommit=True) as conn:
        before = fingerprint(conn)
        conn.execute(read_sql("seed/state.sql"))  # type: ignore[arg-type]
        defer_keys(conn)
        left = conn.execute(
            "SELECT count(*) FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid "
            "WHERE c.relname LIKE 'activities%'").fetchone()
        assert left == (0,)  # the PK and four indexes of activities and its 28 partitions
    report = seed_database(settings, name, "ci", mode="resume")
    assert {"parents", "keys and indexes", "attach"} <= set(report.phases)
    with db.connection(settings, name) as conn:
        assert fingerprint(conn) == before
        invalid = conn.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").fetchone()
        assert invalid == (0,)
    db.drop_database(settings, name)


def test_the_fingerprint_sees_an_unattached_partition_index(scratch_db, connect) -> None:  # type: ignore[no-untyped-def]
    from workbench.schema.fingerprint import fingerprint

    name = scratch_db("fp_attach")
    with connect(name, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int, d date) PARTITION BY RANGE (d)")
        conn.execute("CREATE TABLE t_1 PARTITION OF t FOR VALUES FROM ('2020-01-01') "
                     "TO ('2021-01-01')")
        conn.execute("CREATE INDEX t_id ON ONLY t (id)")
        conn.execute("CREATE INDEX t_1_id_idx ON t_1 (id)")
        loose = fingerprint(conn)
        conn.execute("ALTER INDEX t_id ATTACH PARTITION t_1_id_idx")
        attached = fingerprint(conn)
    assert loose != attached
    assert any("attached to t_id" in line for line in attached.lines)
    assert any("(invalid)" in line for line in loose.lines)
