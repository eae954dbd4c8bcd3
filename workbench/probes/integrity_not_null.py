"""RISK-INTEGRITY-005: tenant columns that accept NULL (rows that belong to nobody)."""

from workbench.probes.audit_probe import AuditProbe


class IntegrityNotNull(AuditProbe):
    """Tenant columns without NOT NULL (the column that most needs it)."""

    risks = ("RISK-INTEGRITY-005",)
    group = "integrity"
    checks = ("tenant_column_nullable",)
