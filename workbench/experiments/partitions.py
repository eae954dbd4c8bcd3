"""Partition experiments: pruning, archival of the oldest month, VACUUM cost, growth curves.

What the premortem's scale risks (RISK-SCALE-001/002/003) come down to is what history costs:
a query over one month should not read the others, and dropping the oldest month should not
cost a DELETE of every row (WAL for each, dead tuples, a VACUUM). Everything here measures that
on real PostgreSQL and leaves the data as it found it: DETACH runs in a transaction that is
rolled back, DELETE and VACUUM run on a copy of the partition in ``_workbench`` (made for
the measurement when the database has none).

Timings are wall-clock (client monotonic clock) of plain statements; WAL is the difference of
``pg_current_wal_insert_lsn()`` around the statement; dead tuples are read from
``pg_stat_user_tables`` after ``pg_stat_force_next_flush()``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import Any

import pandas as pd
import psycopg
from matplotlib.figure import Figure
from psycopg import sql

from workbench import db, explain
from workbench.experiments.data import build_database
from workbench.queries import Query, draw_parameters, select_queries
from workbench.risks.subject import named
from workbench.schema.units import apply_unit, get_unit
from workbench.seed import load_profile, seed_database
from workbench.seed.reuse import copy_seeded, seeded_candidates
from workbench.settings import Settings
from workbench.sqlfiles import read_sql

PARTITION_UNIT = "0300_partition_append_only_by_month"
GROWTH_RISKS = ("RISK-SCALE-001", "RISK-SCALE-002", "RISK-SCALE-003")
# The append-only tables the review names for the growth risks (the reviewed subject's profile).
PARTITIONED_TABLES = tuple(str(named(r)["table"]) for r in GROWTH_RISKS)
CLONE = "archival_clone"  # in _workbench: outside the fingerprint, WAL-logged like the real one


def pruning_frame(conn: psycopg.Connection,
                  tables: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per table: partitions, pruned and scanned for a query by the partition key
    (EXPLAIN); by default every partitioned table the catalog holds."""
    rows = []
    for table in tables if tables is not None else [
            k.label for k in explain.partitioned_tables(conn)]:
        p = explain.partition_pruning(conn, table)
        rows.append({k: v for k, v in p.items() if k != "plan"} | {"scanned": len(p["scanned"])})
    return pd.DataFrame(rows)


def _wal_lsn(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    return str(row[0]) if row else "0/0"


def _wal_bytes(conn: psycopg.Connection, since: str) -> int:
    row = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s::pg_lsn)",
                       (since,)).fetchone()
    return int(row[0]) if row else 0


def _range_key(conn: psycopg.Connection, table: str) -> explain.PartitionKey:
    """The partition key of ``table`` (any name regclass reads), which must be one range.

    A table that is not range-partitioned has no oldest partition: a ValueError that says so.
    """
    oid = conn.execute("SELECT %s::regclass::oid::bigint", (table,)).fetchone()[0]  # type: ignore[index]
    key = next((k for k in explain.partitioned_tables(conn) if k.oid == oid), None)
    if key is None or key.strategy != "range" or len(key.types) != 1:
        raise ValueError(f"{table} is not partitioned by a range of one key: archival measures "
                         "dropping its oldest range partition")
    return key


def _oldest(conn: psycopg.Connection, table: str, key: explain.PartitionKey
            ) -> tuple[str, str, int]:
    """(schema, name, rows) of the oldest well-filled range partition of ``table``."""
    leaves = conn.execute(read_sql("experiments/range_partitions.sql"),  # type: ignore[arg-type]
                          {"parent": table}).fetchall()
    order = conn.execute(sql.SQL(
        "SELECT i FROM unnest(%s::text[]) WITH ORDINALITY AS u(low, i) ORDER BY low::{}"
    ).format(sql.SQL(key.types[0])), ([low for _, _, low in leaves],)).fetchall()
    counts = []
    for (i,) in order:
        schema, name, _ = leaves[i - 1]
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.Identifier(schema, name))).fetchone()
        counts.append((schema, name, int(row[0]) if row else 0))
    filled = [n for *_, n in counts if n]
    if not filled:
        raise ValueError(f"no range partition of {table} holds rows "
                         f"(is {PARTITION_UNIT} applied, and the database seeded?)")
    enough = statistics.median(filled) / 2
    return next(c for c in counts if c[2] and c[2] >= enough)


def oldest_partition(conn: psycopg.Connection, table: str) -> tuple[str, int]:
    """The oldest well-filled range partition of ``table`` (schema-qualified name) and its rows.

    Partitions are ordered by their lower bound (cast to the key's type, whatever they are
    called). "Well-filled" is at least half the median of the non-empty ones: the month the
    data starts in is usually a sliver (a few rows on its last day), which would make DELETE
    look free.
    """
    schema, name, rows = _oldest(conn, table, _range_key(conn, table))
    return f"{schema}.{name}", rows


def _dead_tuples(conn: psycopg.Connection, schema: str, table: str) -> int:
    conn.execute("SELECT pg_stat_force_next_flush()")
    row = conn.execute("SELECT n_dead_tup FROM pg_stat_all_tables "
                       "WHERE schemaname = %s AND relname = %s", (schema, table)).fetchone()
    return int(row[0]) if row else 0


def archival(conn: psycopg.Connection, table: str) -> pd.DataFrame:
    """DETACH PARTITION (+ DROP) vs DELETE of the oldest month: seconds, WAL bytes, dead tuples.

    ``conn`` must be autocommit. DETACH and DROP run on the real partition inside a transaction
    that is rolled back. DELETE cannot be measured honestly without committing (dead tuples
    only exist after commit), so it runs on a copy of the partition (same rows, same indexes,
    autovacuum off) in ``_workbench``, committed, followed by the VACUUM that a DELETE makes
    necessary; the copy is dropped at the end.
    """
    key = _range_key(conn, table)
    schema, name, rows = _oldest(conn, table, key)
    parent, partition = sql.SQL(key.label), sql.Identifier(schema, name)
    part = f"{schema}.{name}"
    out: list[dict[str, Any]] = []
    with explain.rolled_back(conn):
        lsn = _wal_lsn(conn)
        t0 = time.perf_counter()
        conn.execute(sql.SQL("ALTER TABLE {} DETACH PARTITION {}").format(parent, partition))
        out.append({"method": "DETACH", "seconds": time.perf_counter() - t0,
                    "wal_bytes": _wal_bytes(conn, lsn), "dead_tuples": 0,
                    "note": "catalog change; rows kept in a table of their own (rolled back)"})
        lsn = _wal_lsn(conn)
        t0 = time.perf_counter()
        conn.execute(sql.SQL("DROP TABLE {}").format(partition))
        out.append({"method": "DROP detached", "seconds": time.perf_counter() - t0,
                    "wal_bytes": _wal_bytes(conn, lsn), "dead_tuples": 0,
                    "note": "files unlinked at commit, no per-row WAL (rolled back)"})
    clone = sql.Identifier("_workbench", CLONE)
    made_schema = conn.execute("SELECT to_regnamespace('_workbench') IS NULL").fetchone()[0]  # type: ignore[index]
    conn.execute("CREATE SCHEMA IF NOT EXISTS _workbench")
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(clone))
    try:
        conn.execute(sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL) "
                             "WITH (autovacuum_enabled = false)").format(clone, partition))
        conn.execute(sql.SQL("INSERT INTO {} SELECT * FROM {}").format(clone, partition))
        conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(clone))
        lsn = _wal_lsn(conn)
        t0 = time.perf_counter()
        conn.execute(sql.SQL("DELETE FROM {}").format(clone))
        out.append({"method": "DELETE", "seconds": time.perf_counter() - t0,
                    "wal_bytes": _wal_bytes(conn, lsn),
                    "dead_tuples": _dead_tuples(conn, "_workbench", CLONE),
                    "note": "on a copy of the partition (same rows and indexes), committed"})
        lsn = _wal_lsn(conn)
        t0 = time.perf_counter()
        conn.execute(sql.SQL("VACUUM {}").format(clone))
        out.append({"method": "VACUUM after DELETE", "seconds": time.perf_counter() - t0,
                    "wal_bytes": _wal_bytes(conn, lsn),
                    "dead_tuples": _dead_tuples(conn, "_workbench", CLONE),
                    "note": "the clean-up a DELETE makes necessary"})
    finally:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(clone))
        if made_schema:  # the database is left as it was found
            conn.execute("DROP SCHEMA _workbench")
    frame = pd.DataFrame(out)
    frame.insert(0, "partition", part)
    frame.insert(1, "rows", rows)
    frame["ms"] = frame.pop("seconds") * 1000.0
    frame["wal_bytes_per_row"] = frame["wal_bytes"] / max(rows, 1)
    return frame


def archival_verdict(frame: pd.DataFrame) -> dict[str, Any]:
    """The numbers a reader needs: WAL and time of each path, and where DELETE costs more.

    DETACH + DROP costs a fixed amount of catalog WAL whatever the month holds; DELETE costs
    WAL per row plus a VACUUM. ``break_even_rows`` is the month size above which DELETE writes
    more WAL than DETACH + DROP (measured per-row cost, extrapolated linearly).
    """
    by = frame.set_index("method")
    detach_wal = int(by.loc["DETACH", "wal_bytes"] + by.loc["DROP detached", "wal_bytes"])
    delete_wal = int(by.loc["DELETE", "wal_bytes"] + by.loc["VACUUM after DELETE", "wal_bytes"])
    rows = int(frame["rows"].iloc[0])
    per_row = delete_wal / max(rows, 1)
    return {
        "partition": str(frame["partition"].iloc[0]), "rows": rows,
        "detach_drop_ms": float(by.loc["DETACH", "ms"] + by.loc["DROP detached", "ms"]),
        "delete_vacuum_ms": float(by.loc["DELETE", "ms"] + by.loc["VACUUM after DELETE", "ms"]),
        "detach_drop_wal_bytes": detach_wal, "delete_vacuum_wal_bytes": delete_wal,
        "dead_tuples_after_delete": int(by.loc["DELETE", "dead_tuples"]),
        "break_even_rows": int(detach_wal / per_row) if per_row > 0 else None,
    }


def _median_ms(conn: psycopg.Connection, query: Query, sets: list[Any], repeats: int
               ) -> list[dict[str, Any]]:
    rows = []
    for ps in sets:
        explain.time_plain(conn, query, ps)  # warm-up
        times = [explain.time_plain(conn, query, ps) for _ in range(repeats)]
        rows.append({"query": query.name, "params": ps.label,
                     "median_ms": statistics.median(times)})
    return rows


def growth(
    settings: Settings,
    scales: Sequence[float],
    *,
    repeats: int = 3,
    risks: Sequence[str] = GROWTH_RISKS,
    database: str | None = None,
    profile: str | None = None,
) -> pd.DataFrame:
    """The same catalog queries at several data sizes, plain tables vs monthly partitions.

    For each ``scale`` one workbench-owned database is built (baseline DDL plus data), the
    queries bearing on ``risks`` are timed (plain executions, median of ``repeats`` after a
    warm-up, large and small tenant, recent window), then the partitioning unit is applied (rows
    moved) and they are timed again. With ``profile`` the data is the seeder's, and ``scale``
    multiplies the profile (:func:`workbench.experiments.growth.scales_for` gives sizes that
    reach its full volume: three decades at premortem); without, ``scale`` is the synthetic
    generator's (1.0 = about 120k rows), for quick tests. Where a variant database holds that
    very seed untouched (the report's baseline at full volume), it is copied instead of seeded
    again (:mod:`workbench.seed.reuse`; ``data`` says so). Each query's plan fingerprint is
    kept per size, and ``flipped`` marks where it changed from the size before. The database
    is dropped at the end.
    """
    name = database or f"{settings.prefix}_growth"
    queries = [q for q in select_queries() if set(q.risks) & set(risks)]
    rows: list[dict[str, Any]] = []
    try:
        for scale in scales:
            build_database(settings, name, scale=None if profile else scale)
            copied = None
            if profile:
                copied = copy_seeded(settings, name, seeded_candidates(settings),
                                     load_profile(profile, scale))
                if copied is None:
                    if not db.database_exists(settings, name):  # a copy lost its source
                        build_database(settings, name, scale=None)
                    seed_database(settings, name, profile, scale=scale)
            with db.connection(settings, name, autocommit=True, prepare_threshold=None) as conn:
                history = conn.execute(sql.SQL("SELECT {}").format(sql.SQL(" + ").join(
                    sql.SQL("(SELECT count(*) FROM {})").format(sql.Identifier(t))
                    for t in PARTITIONED_TABLES))).fetchone()
                sets = draw_parameters(conn, windows=("recent",))
                settings_now = explain.session_settings(conn)
                for layout in ("plain", "partitioned"):
                    if layout == "partitioned":
                        apply_unit(conn, get_unit(PARTITION_UNIT))
                        conn.execute("ANALYZE")
                    for q in queries:
                        shapes = {c.params: c.shape for c in explain.capture(
                            conn, [q], sets, variant=layout, warmup=0, repeats=1)}
                        for r in _median_ms(conn, q, sets, repeats):
                            rows.append(r | {"shape": shapes.get(r["params"], ""),
                                "scale": scale, "data": (f"profile {profile}" + (
                                    f" (copied from {copied})" if copied else "")) if profile
                                else "synthetic", "history_rows": int(history[0]) if history else 0,
                                "layout": layout, "timing": "plain execution, client clock",
                                "max_parallel_workers_per_gather":
                                    settings_now.get("max_parallel_workers_per_gather")})
    finally:
        db.drop_database(settings, name)
    from workbench.experiments.growth import mark_flips

    return mark_flips(pd.DataFrame(rows), ("query", "params", "layout"))


def growth_slopes(frame: pd.DataFrame) -> pd.DataFrame:
    """Log-log slope of latency vs history rows per query, layout and params (1 = linear)."""
    import numpy as np

    out = []
    for (query, params, layout), g in frame.groupby(["query", "params", "layout"]):
        if g["history_rows"].nunique() < 2:
            continue
        slope = float(np.polyfit(np.log(g["history_rows"]), np.log(g["median_ms"]), 1)[0])
        out.append({"query": query, "params": params, "layout": layout, "slope": slope})
    return pd.DataFrame(out)


def growth_chart(frame: pd.DataFrame) -> Figure:
    """Latency vs history rows on log-log axes, one panel per query, plain vs partitioned."""
    import matplotlib.pyplot as plt

    queries = sorted(frame["query"].unique())
    fig, axes = plt.subplots(1, len(queries), figsize=(3.2 * len(queries), 3.2), squeeze=False)
    colours = {"plain": "#c62828", "partitioned": "#2e7d32"}
    for ax, query in zip(axes[0], queries, strict=True):
        sub = frame[frame["query"] == query]
        for (layout, params), g in sub.groupby(["layout", "params"]):
            g = g.sort_values("history_rows")
            ax.plot(g["history_rows"], g["median_ms"], marker="o", color=colours[layout],
                    linestyle="-" if params.startswith("large") else "--",
                    label=f"{layout} {params}")
            if "flipped" in g:  # a ring where the plan changed from the size before
                f = g[g["flipped"]]
                ax.scatter(f["history_rows"], f["median_ms"], s=140, facecolors="none",
                           edgecolors="black")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(query, fontsize=9)
        ax.set_xlabel("history rows (3 append-only tables)")
    axes[0][0].set_ylabel("median ms (plain execution, client clock)")
    axes[0][-1].legend(fontsize=7)
    fig.suptitle("Growth: latency vs history size, plain vs monthly partitions (log-log); "
                 "rings: plan flips")
    fig.tight_layout()
    return fig


def archival_chart(frame: pd.DataFrame) -> Figure:
    """DETACH vs DELETE (+VACUUM): milliseconds and WAL bytes side by side (log scale)."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3))
    frame.plot.barh(x="method", y="ms", ax=a, legend=False, color="#1565c0", logx=True)
    a.set_xlabel("ms (client clock)")
    frame.plot.barh(x="method", y="wal_bytes", ax=b, legend=False, color="#6a1b9a", logx=True)
    b.set_xlabel("WAL bytes (pg_current_wal_insert_lsn diff)")
    b.set_ylabel("")
    part, rows = frame["partition"].iloc[0], frame["rows"].iloc[0]
    fig.suptitle(f"Archiving the oldest month ({part}, {rows:,} rows)")
    fig.tight_layout()
    return fig
