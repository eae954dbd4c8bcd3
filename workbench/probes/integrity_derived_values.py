"""RISK-INTEGRITY-002: stored derived quantities with no generated expression, CHECK, trigger."""

from workbench.probes.audit_probe import AuditProbe


class IntegrityDerivedValues(AuditProbe):
    """Derived columns (quantity_available, ...) nobody keeps right, or rows that drifted."""

    risks = ("RISK-INTEGRITY-002",)
    group = "integrity"
    checks = ("derived_column_unguarded", "quantity_drift")
