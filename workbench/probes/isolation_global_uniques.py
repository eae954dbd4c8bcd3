"""RISK-MT-003: business unique constraints that are global instead of per tenant."""

from typing import Any

from workbench.probes.audit_probe import AuditProbe

IDENTITY_WORDS = ("auth_id", "token", "session")


class IsolationGlobalUniques(AuditProbe):
    """Uniques on tenant tables without the tenant column, identity keys (auth ids) aside."""

    risks = ("RISK-MT-003",)
    group = "isolation"
    checks = ("unique_without_tenant_column",)

    def keep(self, check_id: str, sample: dict[str, Any]) -> bool:
        """Login and token identities are rightly global (RISK-MT-004 covers auth_id)."""
        return not any(w in str(sample.get("definition")) for w in IDENTITY_WORDS)
