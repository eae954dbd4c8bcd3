"""The tenant model: which table is the tenant and how every other table reaches it.

Inferred from the catalog (:func:`infer`), printed and saved by ``workbench tenancy``, loaded
back with :func:`load`; the audit, the seeder, the isolation harness and the load users all read
the same :class:`TenantModel`.
"""

from pathlib import Path

from workbench.errors import BadParameter
from workbench.tenancy.infer import infer, infer_catalog
from workbench.tenancy.model import (
    Evidence,
    Hop,
    TableTenancy,
    TenantContext,
    TenantModel,
)


def load(path: Path) -> TenantModel:
    """A model saved by ``workbench tenancy save`` (possibly edited by hand)."""
    if not path.is_file():
        raise BadParameter(f"--tenancy {path} is not a file: write one with "
                           "`workbench tenancy save FILE`")
    try:
        return TenantModel.from_toml(path.read_text())
    except BadParameter as exc:
        raise BadParameter(f"--tenancy {path}: {exc}") from None


__all__ = ["Evidence", "Hop", "TableTenancy", "TenantContext", "TenantModel", "infer",
           "infer_catalog", "load"]
