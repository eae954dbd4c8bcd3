"""Scale probes about missing indexes: RISK-SCALE-004/005/007/008/009/010 and RISK-OPS-005.

The tables and columns each risk is about are the ones the review names for it, read from the
reviewed subject's profile (:mod:`workbench.risks.subject`); the verdict is what the catalog
shows about their indexes.
"""

from __future__ import annotations

from typing import ClassVar

from psycopg import sql

from workbench.audit.runner import run_audit
from workbench.probes.base import Observation, ProbeContext
from workbench.probes.scale_base import (
    ScaleProbe,
    has_index_leading,
    missing_table,
    plan_paths,
    table_indexes,
)
from workbench.risks.subject import named


class ScaleCompositeListIndexes(ScaleProbe):
    """The filtered, sorted lists lack composite (tenant, filter, sort) indexes."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-004",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when any of the composite indexes the review names is missing."""
        needed = [(ix["table"], list(ix["columns"])) for ix in named(self.risks[0])["indexes"]]
        for table in dict.fromkeys(t for t, _ in needed):
            if (absent := missing_table(ctx, self.risks[0], table)) is not None:
                return absent
        found = {f"{t}({', '.join(c)})": has_index_leading(table_indexes(ctx, t), c)
                 for t, c in needed}
        missing = [k for k, v in found.items() if v is None]
        evidence = {"indexes": found, **self.plan_evidence(ctx, "RISK-SCALE-004")}
        reason = (f"missing {len(missing)} of {len(found)} composite indexes: {'; '.join(missing)}"
                  if missing else f"all {len(found)} composite list indexes exist")
        return Observation(bool(missing), reason, evidence, plan_paths(evidence))


class ScaleQuoteLineItemsGin(ScaleProbe):
    """Containment search in a JSONB array column has no GIN index to use."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-005",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when no GIN index covers the JSONB column the review names."""
        table, column = named(self.risks[0])["table"], named(self.risks[0])["column"]
        if (absent := missing_table(ctx, self.risks[0], table)) is not None:
            return absent
        gin = [ix["index"] for ix in table_indexes(ctx, table)
               if ix["method"] == "gin" and column in (ix["columns"] or [])]
        evidence = {"gin_indexes": gin, **self.plan_evidence(ctx, "RISK-SCALE-005")}
        reason = (f"GIN index on {table}.{column}: {', '.join(gin)}" if gin
                  else f"no GIN index on {table}.{column}: containment search reads every row")
        return Observation(not gin, reason, evidence, plan_paths(evidence))


class ScaleActiveNotificationsIndex(ScaleProbe):
    """Badge counts read through an index over all notifications, not just active ones."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-007",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when no partial index restricted by the status column exists."""
        table, column = named(self.risks[0])["table"], named(self.risks[0])["predicate_column"]
        if (absent := missing_table(ctx, self.risks[0], table)) is not None:
            return absent
        indexes = table_indexes(ctx, table)
        partial = [ix["index"] for ix in indexes
                   if ix["predicate"] and column in ix["predicate"]]
        evidence = {"index_bytes": {ix["index"]: ix["bytes"] for ix in indexes},
                    "partial_indexes": partial, **self.plan_evidence(ctx, "RISK-SCALE-007")}
        reason = (f"partial index for active rows of {table}: {', '.join(partial)}" if partial
                  else f"no partial index on active rows of {table}: indexes grow with history")
        return Observation(not partial, reason, evidence, plan_paths(evidence))


class ScaleForeignKeyIndexes(ScaleProbe):
    """Foreign keys whose columns no index starts with (parent deletes scan the child)."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-OPS-005",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when the audit's fk_without_index finds a key without a supporting index."""
        result = run_audit(ctx.conn, checks=["fk_without_index"]).results[0]
        if result.failed:
            raise RuntimeError(f"audit check fk_without_index failed: {result.error}")
        rows = result.rows  # the one definition of a supporting index: sql/audits/0040
        listed = [f"{r['table_name']}({r['columns']}) -> {r['references_table']}" for r in rows]
        evidence = {"unindexed_foreign_keys": listed, **self.plan_evidence(ctx, "RISK-OPS-005")}
        reason = (f"{len(rows)} foreign keys without a supporting index: {'; '.join(listed)}"
                  if rows else "every foreign key has an index that starts with its columns")
        return Observation(bool(rows), reason, evidence, plan_paths(evidence))


class ScaleOrderLineItemsIndex(ScaleProbe):
    """A detail page reads its lines without an index on the parent key."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-008",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when no index starts with the parent key (the premortem says it is fine)."""
        table, column = named(self.risks[0])["table"], named(self.risks[0])["column"]
        if (absent := missing_table(ctx, self.risks[0], table)) is not None:
            return absent
        ix = has_index_leading(table_indexes(ctx, table), [column])
        evidence = {f"{column}_index": ix, **self.plan_evidence(ctx, "RISK-SCALE-008")}
        reason = (f"{table} rows are reached through {ix}" if ix
                  else f"no index starts with {table}.{column}")
        return Observation(ix is None, reason, evidence, plan_paths(evidence))


class ScaleSessionCleanup(ScaleProbe):
    """Expired-session cleanup has neither an expiry column nor a time index to use."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-009",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when the sessions table has no index leading with one of its time columns."""
        table = named(self.risks[0])["table"]
        if (absent := missing_table(ctx, self.risks[0], table)) is not None:
            return absent
        indexes = table_indexes(ctx, table)
        ix = next((found for c in named(self.risks[0])["time_columns"]
                   if (found := has_index_leading(indexes, [c]))), None)
        evidence = {"time_index": ix, **self.plan_evidence(ctx, "RISK-SCALE-009")}
        reason = (f"cleanup can range-scan {ix}" if ix
                  else f"no index on {table} by time: every cleanup scans the whole table")
        return Observation(ix is None, reason, evidence, plan_paths(evidence))


class ScaleContactsPerCustomer(ScaleProbe):
    """A parent's child rows are not reachable by an index on the parent key."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-010",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when no index starts with the parent key (the premortem says one does)."""
        table, column = named(self.risks[0])["table"], named(self.risks[0])["column"]
        if (absent := missing_table(ctx, self.risks[0], table)) is not None:
            return absent
        ix = has_index_leading(table_indexes(ctx, table), [column])
        row = ctx.conn.execute(
            sql.SQL("SELECT coalesce(max(n), 0), coalesce(avg(n), 0) FROM "
                    "(SELECT count(*) AS n FROM {} GROUP BY {}) AS t").format(
                sql.Identifier(table), sql.Identifier(column))
        ).fetchone()
        evidence = {f"{column}_index": ix, "max_per_parent": row[0] if row else 0,
                    "avg_per_parent": float(row[1]) if row else 0.0,
                    **self.plan_evidence(ctx, "RISK-SCALE-010")}
        most = evidence["max_per_parent"]
        reason = (f"{table} rows are reached through {ix}; at most {most} per {column}" if ix
                  else f"no index starts with {table}.{column}")
        return Observation(ix is None, reason, evidence, plan_paths(evidence))
