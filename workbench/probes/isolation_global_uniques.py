"""RISK-MT-003: business unique constraints that are global instead of per tenant."""

from typing import Any

from workbench.probes.audit_probe import AuditProbe
from workbench.risks.subject import named

IDENTITY_WORDS = ("token", "session")
"""Name parts of keys that are rightly global (token hashes, session ids)."""


class IsolationGlobalUniques(AuditProbe):
    """Uniques on tenant tables without the tenant column, identity keys (auth ids) aside."""

    risks = ("RISK-MT-003",)
    group = "isolation"
    checks = ("unique_without_tenant_column",)

    def keep(self, check_id: str, sample: dict[str, Any]) -> bool:
        """Login and token identities are rightly global (RISK-MT-004 covers the login column)."""
        words = (named("RISK-MT-004")["login_column"], *IDENTITY_WORDS)
        return not any(w in str(sample.get("definition")) for w in words)
