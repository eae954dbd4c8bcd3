"""RISK-MT-005: per-tenant uniques that still count soft-deleted rows."""

from typing import Any

from workbench.audit.probe import AuditProbe


class IsolationSoftDeleteUniques(AuditProbe):
    """Per-tenant unique indexes on soft-delete tables without WHERE deleted_at IS NULL."""

    risks = ("RISK-MT-005",)
    group = "isolation"
    checks = ("soft_delete_unique_without_filter",)

    def keep(self, check_id: str, sample: dict[str, Any]) -> bool:
        """Only per-tenant uniques, i.e. those including the table's tenant column as the tenant
        model names it (the global ones are RISK-MT-003's business)."""
        return bool(sample.get("per_tenant"))
