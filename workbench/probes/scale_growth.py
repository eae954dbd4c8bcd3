"""Scale probes about unbounded growth: RISK-SCALE-001/002/003 (append-only tables)."""

from __future__ import annotations

from typing import ClassVar

from workbench import explain
from workbench.probes.base import Observation, ProbeContext
from workbench.probes.scale_base import ScaleProbe, missing_table, plan_paths, table_layout
from workbench.risks.subject import named


class _AppendOnlyGrowth(ScaleProbe):
    """Shared check: an append-only table that is not partitioned by time.

    Which table (and which wide columns it should not keep inline) is what the review names for
    the probe's risk, read from the reviewed subject's profile.
    """

    @property
    def table(self) -> str:
        """The append-only table the review names for this risk."""
        return str(named(self.risks[0])["table"])

    @property
    def inline_columns(self) -> tuple[str, ...]:
        """Wide columns the review wants out of the table."""
        return tuple(named(self.risks[0]).get("inline_columns", ()))

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present unless the table is partitioned and a one-month query prunes partitions.

        A partitioned table whose time-bounded query still reads every partition would be
        partitioning in name only, so the pruning count from EXPLAIN decides, not the relkind.
        """
        if (absent := missing_table(ctx, self.risks[0], self.table)) is not None:
            return absent
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
            reason = (f"{self.table} is partitioned ({pruning['key']}, "
                      f"{pruning['partitions']} partitions); a query on {pruning['window']} "
                      f"pruned {pruning['pruned']} and read {len(pruning['scanned'])}")
        return Observation(bool(problems), reason, evidence, plan_paths(evidence))


class ScaleEmailHistoryGrowth(_AppendOnlyGrowth):
    """The email log grows without partitions and keeps bodies inline."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-001",)


class ScaleActivitiesGrowth(_AppendOnlyGrowth):
    """The activity trail grows without partitions or retention."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-002",)


class ScaleMovementsGrowth(_AppendOnlyGrowth):
    """Stock movements grow without partitions or archival."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-003",)
