"""RISK-MT-004: a login can belong to one organization only (auth id unique globally)."""

from typing import Any

from workbench.probes.audit_probe import AuditProbe


class IsolationSingleOrgUsers(AuditProbe):
    """A tenant table with a globally unique auth id: one login, one organization."""

    risks = ("RISK-MT-004",)
    group = "isolation"
    checks = ("unique_without_tenant_column",)

    def keep(self, check_id: str, sample: dict[str, Any]) -> bool:
        """Only the unique indexes on an auth id say this."""
        return "auth_id" in str(sample.get("definition"))
