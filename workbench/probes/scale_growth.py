"""Scale probes about unbounded growth: RISK-SCALE-001/002/003 (append-only tables)."""

from __future__ import annotations

from typing import ClassVar

from workbench import explain
from workbench.probes.base import Observation, ProbeContext
from workbench.probes.scale_base import ScaleProbe, plan_paths, table_layout


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
