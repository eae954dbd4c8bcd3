"""RISK-INTEGRITY-007: order totals stored beside their lines with nothing keeping them in step."""

from workbench.probes.audit_probe import AuditProbe


class IntegrityOrderTotals(AuditProbe):
    """Stored totals beside line rows with no trigger, or parents whose subtotal drifted."""

    risks = ("RISK-INTEGRITY-007",)
    group = "integrity"
    checks = ("stored_totals_beside_lines", "order_totals_drift")
