"""RISK-MT-002: foreign keys that let a child point at another tenant's parent."""

from workbench.probes.audit_probe import AuditProbe


class IsolationCrossTenantRefs(AuditProbe):
    """Keys between tenant tables without the tenant column, or rows already crossing tenants."""

    risks = ("RISK-MT-002",)
    group = "isolation"
    checks = ("cross_tenant_fk_not_composite", "cross_tenant_references")
