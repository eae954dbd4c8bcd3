"""Scale probes about missing indexes: RISK-SCALE-004/005/007/008/009/010 and RISK-OPS-005."""

from __future__ import annotations

from typing import ClassVar

from workbench.audit.runner import run_audit
from workbench.probes.base import Observation, ProbeContext
from workbench.probes.scale_base import ScaleProbe, has_index_leading, plan_paths, table_indexes


class ScaleCompositeListIndexes(ScaleProbe):
    """Customer and order lists lack composite (tenant, filter, sort) indexes."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-004",)
    NEEDED: ClassVar[list[tuple[str, list[str]]]] = [
        ("customers", ["organization_id", "status", "created_at"]),
        ("orders", ["organization_id", "customer_id", "order_date"]),
        ("orders", ["organization_id", "status", "order_date"]),
    ]

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when any of the three composite indexes is missing."""
        found = {f"{t}({', '.join(c)})": has_index_leading(table_indexes(ctx, t), c)
                 for t, c in self.NEEDED}
        missing = [k for k, v in found.items() if v is None]
        evidence = {"indexes": found, **self.plan_evidence(ctx, "RISK-SCALE-004")}
        reason = (f"missing {len(missing)} of 3 composite indexes: {'; '.join(missing)}"
                  if missing else "all three composite list indexes exist")
        return Observation(bool(missing), reason, evidence, plan_paths(evidence))


class ScaleQuoteLineItemsGin(ScaleProbe):
    """Searching quotes.line_items (JSONB) has no GIN index to use."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-005",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when no GIN index covers quotes.line_items."""
        gin = [ix["index"] for ix in table_indexes(ctx, "quotes")
               if ix["method"] == "gin" and "line_items" in (ix["columns"] or [])]
        evidence = {"gin_indexes": gin, **self.plan_evidence(ctx, "RISK-SCALE-005")}
        reason = (f"GIN index on quotes.line_items: {', '.join(gin)}" if gin
                  else "no GIN index on quotes.line_items: containment search reads every quote")
        return Observation(not gin, reason, evidence, plan_paths(evidence))


class ScaleActiveNotificationsIndex(ScaleProbe):
    """Badge counts read through an index over all notifications, not just active ones."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-007",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when no partial index restricted to active statuses exists."""
        indexes = table_indexes(ctx, "notifications")
        partial = [ix["index"] for ix in indexes
                   if ix["predicate"] and "status" in ix["predicate"]]
        evidence = {"index_bytes": {ix["index"]: ix["bytes"] for ix in indexes},
                    "partial_indexes": partial, **self.plan_evidence(ctx, "RISK-SCALE-007")}
        reason = (f"partial index for active notifications: {', '.join(partial)}" if partial
                  else "no partial index on active notifications: badge indexes grow with history")
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
    """Order detail reads line items without an order_id index."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-008",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when no index starts with order_id (the premortem says it is fine)."""
        ix = has_index_leading(table_indexes(ctx, "order_line_items"), ["order_id"])
        evidence = {"order_id_index": ix, **self.plan_evidence(ctx, "RISK-SCALE-008")}
        reason = (f"line items are reached through {ix}" if ix
                  else "no index starts with order_line_items.order_id")
        return Observation(ix is None, reason, evidence, plan_paths(evidence))


class ScaleSessionCleanup(ScaleProbe):
    """Expired-session cleanup has neither an expiry column nor a time index to use."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-009",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when user_sessions has no index leading with created_at or expires_at."""
        indexes = table_indexes(ctx, "user_sessions")
        ix = (has_index_leading(indexes, ["expires_at"])
              or has_index_leading(indexes, ["created_at"]))
        evidence = {"time_index": ix, **self.plan_evidence(ctx, "RISK-SCALE-009")}
        reason = (f"cleanup can range-scan {ix}" if ix
                  else "no index on user_sessions by time: every cleanup scans the whole table")
        return Observation(ix is None, reason, evidence, plan_paths(evidence))


class ScaleContactsPerCustomer(ScaleProbe):
    """A customer's contacts are not reachable by an index on customer_id."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-010",)

    def observe(self, ctx: ProbeContext) -> Observation:
        """Present when no index starts with contacts.customer_id (the premortem says one does)."""
        ix = has_index_leading(table_indexes(ctx, "contacts"), ["customer_id"])
        row = ctx.conn.execute(
            "SELECT coalesce(max(n), 0), coalesce(avg(n), 0) FROM "
            "(SELECT count(*) AS n FROM contacts GROUP BY customer_id) AS t"
        ).fetchone()
        evidence = {"customer_id_index": ix, "max_contacts_per_customer": row[0] if row else 0,
                    "avg_contacts_per_customer": float(row[1]) if row else 0.0,
                    **self.plan_evidence(ctx, "RISK-SCALE-010")}
        most = evidence["max_contacts_per_customer"]
        reason = (f"contacts are reached through {ix}; at most {most} per customer" if ix
                  else "no index starts with contacts.customer_id")
        return Observation(ix is None, reason, evidence, plan_paths(evidence))
