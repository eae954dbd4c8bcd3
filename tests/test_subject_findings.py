"""The schema report's findings: one finding per check, naming every table it found."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from tests.test_isolation import SMALL, TENANT_ROW_POLICY
from workbench.audit.isolation import run_isolation
from workbench.report.subject import isolation_findings, named_tables

pytestmark = pytest.mark.db

# every table closed: the notes by their tenant column, the tenant table by its key
TIGHT = """
ALTER TABLE open_notes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY t ON open_notes USING (tenant_id = current_setting('app.tenant_id', true)::uuid);
"""


@pytest.mark.parametrize("tight", [False, True], ids=["leaky", "tight"])
def test_isolation_leaks_are_one_finding_naming_the_tables(settings, scratch_db, connect,
                                                            tight: bool) -> None:
    name = scratch_db("findings")
    connect(name, autocommit=True).execute(SMALL + (TIGHT + TENANT_ROW_POLICY if tight else ""))
    matrix = run_isolation(settings, name)
    found = isolation_findings(matrix)
    if tight:
        assert matrix.leaks() == [] and found == []
        return
    leaked = sorted({c.table for c in matrix.leaks()})
    assert leaked == ["open_notes", "tenants"]
    assert len(found) == 1, found
    (f,) = found
    assert f.severity == "critical" and f.title.endswith("in 2 tables: open_notes, tenants")
    saved = json.loads(json.dumps(asdict(f)))  # as subject_findings.json keeps it
    assert sorted(saved["tables"]) == leaked
    assert "select (tenant-a)" in saved["tables"]["open_notes"]


def test_a_long_list_of_tables_is_counted() -> None:
    tables = [f"t{i:02}" for i in range(11)]
    assert named_tables(tables, 3) == "t00, t01, t02 and 8 more"
    assert named_tables(tables[:2], 3) == "t00, t01"
