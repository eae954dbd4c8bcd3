"""The integrity and tenant-isolation audit: catalog and data checks for any PostgreSQL database.

Use :func:`run_audit` on a connection; :mod:`workbench.audit.isolation` exercises the policies
with a throw-away role in a database the workbench owns.
"""

from workbench.audit.context import AuditContext, AuditOptions, detect
from workbench.audit.model import CheckResult
from workbench.audit.registry import registry
from workbench.audit.runner import AuditReport, gate, run_audit

__all__ = ["AuditContext", "AuditOptions", "AuditReport", "CheckResult", "detect", "gate",
           "registry", "run_audit"]
