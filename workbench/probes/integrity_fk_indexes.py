"""RISK-OPS-005: foreign keys without a supporting index."""

from workbench.probes.audit_probe import AuditProbe


class IntegrityFkIndexes(AuditProbe):
    """Foreign keys whose columns lead no index (parent deletes scan the child)."""

    risks = ("RISK-OPS-005",)
    group = "integrity"
    checks = ("fk_without_index",)
