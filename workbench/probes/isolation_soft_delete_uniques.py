"""RISK-MT-005: per-tenant uniques that still count soft-deleted rows."""

import re
from typing import Any

from workbench.probes.audit_probe import AuditProbe


class IsolationSoftDeleteUniques(AuditProbe):
    """Per-tenant unique indexes on soft-delete tables without WHERE deleted_at IS NULL."""

    risks = ("RISK-MT-005",)
    group = "isolation"
    checks = ("soft_delete_unique_without_filter",)

    def keep(self, check_id: str, sample: dict[str, Any]) -> bool:
        """Only per-tenant uniques (the global ones are RISK-MT-003's business)."""
        column = self.audit.tenant_column if self.audit else None
        return bool(column) and re.search(rf"\b{re.escape(str(column))}\b",
                                          str(sample.get("definition"))) is not None
