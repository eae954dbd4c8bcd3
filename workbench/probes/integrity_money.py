"""RISK-INTEGRITY-006: money in floating point, or negative amounts stored."""

from workbench.probes.audit_probe import AuditProbe


class IntegrityMoney(AuditProbe):
    """Money columns of real/double precision, or negative prices and totals in the data."""

    risks = ("RISK-INTEGRITY-006",)
    group = "integrity"
    checks = ("money_in_float_column", "negative_amounts")
