"""Scale probes about unbounded growth: RISK-SCALE-001/002/003 (append-only tables) and 006."""

from __future__ import annotations

import time
from typing import ClassVar

from psycopg import sql

from workbench import explain
from workbench.explain import rolled_back
from workbench.probes.base import Observation, ProbeContext
from workbench.probes.scale_base import ScaleProbe, plan_paths, table_indexes, table_layout


class _AppendOnlyGrowth(ScaleProbe):
    """Shared check: an append-only table that is not partitioned by time."""

    table: ClassVar[str] = ""
    inline_columns: ClassVar[tuple[str, ...]] = ()

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present unless the table is partitioned and a one-month query prunes partitions.

        A partitioned table whose time-bounded query still reads every partition would be
        partitioning in name only, so the pruning count from EXPLAIN decides, not the relkind.
        """
        layout = table_layout(ctx, self.table)
        partitioned = layout["relkind"] == "p"
        inline = [c for c in self.inline_columns if c in (layout["columns"] or [])]
        pruning = explain.partition_pruning(ctx.conn, self.table) if partitioned else None
        evidence = {"layout": {k: v for k, v in layout.items() if k != "columns"},
                    "inline_columns": inline, "pruning": pruning,
                    **self.plan_evidence(ctx, self.risks[0])}
        problems = []
        if not partitioned:
            problems.append(f"{self.table} is not partitioned (~{layout['est_rows']:,} rows, "
                            f"{layout['total_bytes']:,} bytes)")
        elif pruning is not None and pruning["pruned"] == 0:
            problems.append(f"{self.table} has {pruning['partitions']} partitions but a "
                            "one-month query reads all of them")
        if inline:
            problems.append(f"{', '.join(inline)} stored inline")
        reason = "; ".join(problems)
        if not problems and pruning is not None:
            reason = (f"{self.table} is partitioned by month ({pruning['partitions']} partitions); "
                      f"a one-month query from {pruning['window_start_utc'][:7]} pruned "
                      f"{pruning['pruned']} and read {len(pruning['scanned'])}")
        return Observation(bool(problems), reason, evidence, plan_paths(evidence))


class ScaleEmailHistoryGrowth(_AppendOnlyGrowth):
    """email_history grows without partitions and keeps bodies inline."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-001",)
    table: ClassVar[str] = "email_history"
    inline_columns: ClassVar[tuple[str, ...]] = ("body_html", "body_text")


class ScaleActivitiesGrowth(_AppendOnlyGrowth):
    """activities grows without partitions or retention."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-002",)
    table: ClassVar[str] = "activities"


class ScaleMovementsGrowth(_AppendOnlyGrowth):
    """inventory_movements grows without partitions or archival."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-003",)
    table: ClassVar[str] = "inventory_movements"


class ScaleFullTextWriteCost(ScaleProbe):
    """Full-text GIN indexes slow customer and product writes measurably."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-006",)
    THRESHOLD: ClassVar[float] = 0.10  # overhead that counts as "present"
    ROWS: ClassVar[int] = 500

    def _insert_seconds(self, ctx: ProbeContext, drop: list[str]) -> float:
        """Seconds to insert ROWS customers, with ``drop`` indexes removed (all rolled back)."""
        with rolled_back(ctx.conn):
            for name in drop:
                ctx.conn.execute(sql.SQL("DROP INDEX public.{}").format(sql.Identifier(name)))
            # a real organization: on remediated every tenant column has a FK to organizations
            org = ctx.conn.execute(
                "INSERT INTO organizations (name, slug) VALUES ('fts probe', md5(random()::text)) "
                "RETURNING id").fetchone()
            started = time.perf_counter()
            ctx.conn.execute(
                "INSERT INTO customers (organization_id, name, status, type) "
                "SELECT %s, 'Probe ' || md5(g::text) || ' solar plumbing', "
                "'prospect', 'business' FROM generate_series(1, %s) AS g",
                (org[0] if org else None, self.ROWS))
            return time.perf_counter() - started

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when the GIN full-text indexes add more than 10% to insert time."""
        fts = [ix["index"] for ix in table_indexes(ctx, "customers")
               if ix["method"] == "gin" and "to_tsvector" in ix["definition"]]
        if not fts:
            return Observation(False, "no full-text GIN index on customers", {})
        with_gin, without = [], []
        for _ in range(3):  # interleaved, medians
            with_gin.append(self._insert_seconds(ctx, []))
            without.append(self._insert_seconds(ctx, fts))
        a, b = sorted(with_gin)[1], sorted(without)[1]
        overhead = a / b - 1 if b > 0 else 0.0
        evidence = {"gin_indexes": fts, "rows": self.ROWS, "insert_ms_with_gin": a * 1000,
                    "insert_ms_without_gin": b * 1000, "overhead": overhead,
                    "timing": "client monotonic clock, median of 3 interleaved, rolled back"}
        reason = (f"full-text GIN indexes add {overhead:.0%} to inserting {self.ROWS} customers "
                  f"({a * 1000:.1f} vs {b * 1000:.1f} ms)")
        return Observation(overhead > self.THRESHOLD, reason, evidence)
