"""Partition experiments on real PostgreSQL: archival leaves the data alone, growth has sizes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from workbench import charts
from workbench.experiments import partitions as P
from workbench.experiments.data import build_database
from workbench.schema.fingerprint import fingerprint

pytestmark = pytest.mark.db


ANY_SCHEMA = """
CREATE SCHEMA hist;
CREATE TABLE hist.events (at timestamptz NOT NULL, n int) PARTITION BY RANGE (at);
-- named with no date in them, created newest first: only the bounds give the order
CREATE TABLE hist.zeta PARTITION OF hist.events FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
CREATE TABLE hist.alpha PARTITION OF hist.events FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE hist.mid PARTITION OF hist.events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE hist.first PARTITION OF hist.events FOR VALUES FROM (MINVALUE) TO ('2026-01-01');
CREATE TABLE hist.rest PARTITION OF hist.events DEFAULT;
INSERT INTO hist.events SELECT '2025-12-31 12:00+00', 1;  -- a sliver before the data
INSERT INTO hist.events SELECT '2026-01-31 23:00+00', g FROM generate_series(1, 2) AS g;
INSERT INTO hist.events SELECT '2026-02-10'::timestamptz, g FROM generate_series(1, 300) AS g;
INSERT INTO hist.events SELECT '2026-03-10'::timestamptz, g FROM generate_series(1, 200) AS g;
"""


def test_archival_reads_the_oldest_partition_from_its_bounds_in_any_schema(
        scratch_db: Callable[[str], str], connect) -> None:  # type: ignore[no-untyped-def]
    """No schema, no partition naming assumed: the bounds order the partitions (DEFAULT and
    MINVALUE ones have no month to drop), and a sliver month is passed over."""
    conn = connect(scratch_db("archany"), autocommit=True, prepare_threshold=None)
    conn.execute(ANY_SCHEMA)
    assert P.oldest_partition(conn, "hist.events") == ("hist.alpha", 300)
    frame = P.archival(conn, "hist.events")
    assert list(frame["partition"].unique()) == ["hist.alpha"]
    assert conn.execute("SELECT count(*) FROM hist.events").fetchone() == (503,)
    conn.execute("CREATE TABLE hist.flat (n int)")
    with pytest.raises(ValueError, match="hist.flat is not partitioned by a range"):
        P.archival(conn, "hist.flat")


def test_archival_detach_vs_delete_measures_and_changes_nothing(
        settings, scratch_db: Callable[[str], str], connect, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    name = scratch_db("arch")
    build_database(settings, name, scale=0.05, units=[P.PARTITION_UNIT])
    conn = connect(name, autocommit=True, prepare_threshold=None)
    fp = fingerprint(conn)
    count = conn.execute("SELECT count(*) FROM activities").fetchone()
    frame = P.archival(conn, "activities")
    assert list(frame["method"]) == ["DETACH", "DROP detached", "DELETE", "VACUUM after DELETE"]
    rows = int(frame["rows"].iloc[0])
    by = frame.set_index("method")
    assert rows > 0 and by.loc["DELETE", "dead_tuples"] == rows  # every deleted row is dead
    assert by.loc["VACUUM after DELETE", "dead_tuples"] == 0
    assert (frame["wal_bytes"] > 0).all()
    verdict = P.archival_verdict(frame)
    assert verdict["break_even_rows"] and verdict["dead_tuples_after_delete"] == rows
    # rolled back and cleaned up: same rows, same catalog, no clone left behind
    assert conn.execute("SELECT count(*) FROM activities").fetchone() == count
    assert fingerprint(conn).digest == fp.digest
    assert conn.execute("SELECT to_regclass('_workbench.archival_clone')").fetchone() == (None,)
    assert charts.save(P.archival_chart(frame), tmp_path, "arch").is_file()
    pruning = P.pruning_frame(conn)
    assert (pruning["pruned"] > 0).all() and (pruning["scanned"] == 1).all()


def test_growth_curves_at_two_sizes(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    frame = P.growth(settings, [0.01, 0.03], repeats=1, database=f"{settings.prefix}_grow")
    assert set(frame["layout"]) == {"plain", "partitioned"}
    assert frame["history_rows"].nunique() == 2  # sizes really differ
    assert {"activity_feed", "campaign_analytics_window", "movement_summary"} <= set(frame["query"])
    assert frame["shape"].str.len().min() == 12  # every point carries its plan fingerprint
    first = frame[frame["history_rows"] == frame["history_rows"].min()]
    assert not first["flipped"].any()  # nothing to flip from at the smallest size
    slopes = P.growth_slopes(frame)
    assert len(slopes) == frame.groupby(["query", "params", "layout"]).ngroups
    assert charts.save(P.growth_chart(frame), tmp_path, "growth").is_file()
