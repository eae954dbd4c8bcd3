"""RISK-INTEGRITY-003: line items kept in JSONB with no shape validation."""

from typing import Any

from workbench.probes.audit_probe import AuditProbe


class IntegrityQuoteItemsJsonb(AuditProbe):
    """JSONB item arrays with no CHECK, or rows whose items lack the fields the others carry."""

    risks = ("RISK-INTEGRITY-003",)
    group = "integrity"
    checks = ("jsonb_without_shape_check", "jsonb_items_missing_fields")

    def keep(self, check_id: str, sample: dict[str, Any]) -> bool:
        """Only item-like columns (a name containing 'item') matter for this risk."""
        return check_id != "jsonb_without_shape_check" or "item" in str(sample.get("column_name"))
