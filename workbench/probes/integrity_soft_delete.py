"""RISK-INTEGRITY-004: soft deletes that leave live children behind."""

from workbench.probes.audit_probe import AuditProbe


class IntegritySoftDelete(AuditProbe):
    """Keys from tables without soft delete to soft-deleted parents, or live children of them."""

    risks = ("RISK-INTEGRITY-004",)
    group = "integrity"
    checks = ("soft_delete_without_cascade", "live_children_of_deleted_parents")
