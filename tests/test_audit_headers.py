"""A SQL check's header: requires, identity and condition are read; a bad requirement is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.audit.registry import _parse_sql, registry
from workbench.errors import BadParameter

HEADER = """-- Tables that are odd.
-- severity: low
-- risks: RISK-OPS-004
-- kind: structural
{extra}-- Why it matters.
SELECT 1 AS table_name
"""


def test_header_fields_are_read(tmp_path: Path) -> None:
    path = tmp_path / "0999_odd_tables.sql"
    path.write_text(HEADER.format(extra="-- requires: tenant-model\n-- identity: table_name, x\n"
                                        "-- condition: matters only if {owner} connects\n"))
    info = _parse_sql(path).info()
    assert (info.id, info.requires_tenant_model, info.identity, info.condition) == (
        "odd_tables", True, ("table_name", "x"), "matters only if {owner} connects")


def test_unknown_requirement_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "0999_odd_tables.sql"
    path.write_text(HEADER.format(extra="-- requires: a-crystal-ball\n"))
    with pytest.raises(BadParameter, match="requires: must be one of tenant-model"):
        _parse_sql(path)


def test_tenant_checks_declare_the_model() -> None:
    """Every check that reads the tenant model says so (and so is not run without one)."""
    needs = {cid for cid, c in registry().items() if c.info().requires_tenant_model}
    assert {"tenant_column_without_fk", "rls_disabled_on_tenant_table", "rls_not_forced",
            "cross_tenant_references", "orphan_tenant_ids", "policy_not_tenant_scoped"} <= needs
    assert not needs & {"rls_disabled_in_exposed_schema", "fk_without_index", "unused_index"}
