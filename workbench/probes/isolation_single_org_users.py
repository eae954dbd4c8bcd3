"""RISK-MT-004: a login can belong to one tenant only (its login id unique globally)."""

from typing import Any

from workbench.probes.audit_probe import AuditProbe
from workbench.risks.subject import named


class IsolationSingleOrgUsers(AuditProbe):
    """A tenant table with a globally unique login id: one login, one tenant."""

    risks = ("RISK-MT-004",)
    group = "isolation"
    checks = ("unique_without_tenant_column",)

    def keep(self, check_id: str, sample: dict[str, Any]) -> bool:
        """Only the unique indexes on the login column (as the review names it) say this."""
        return named(self.risks[0])["login_column"] in str(sample.get("definition"))
