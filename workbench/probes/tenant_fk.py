"""RISK-MT-001: tenant columns with no foreign key to the tenant table."""

from __future__ import annotations

from workbench.probes.audit_probe import AuditProbe


class TenantColumnWithoutFk(AuditProbe):
    """Tables whose tenant column (as the tenant model reads it) has no FK to the tenant table."""

    risks = ("RISK-MT-001",)
    group = "schema"
    checks = ("tenant_column_without_fk",)
