"""RISK-INTEGRITY-008: email columns without validation, or invalid addresses stored."""

from workbench.probes.audit_probe import AuditProbe


class IntegrityEmail(AuditProbe):
    """Email columns with no CHECK, or values that are not an address."""

    risks = ("RISK-INTEGRITY-008",)
    group = "integrity"
    checks = ("email_column_unvalidated", "invalid_emails")
