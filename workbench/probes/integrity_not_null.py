"""RISK-INTEGRITY-005: fields that should be required are nullable."""

from __future__ import annotations

import re
from typing import Any

from psycopg.rows import dict_row

from workbench.audit.context import detect
from workbench.column_names import MONEY_NAMES
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.probes.integrity_missing_constraints import STATUS_NAMES
from workbench.schema.units import units_for_risk
from workbench.sqlfiles import read_sql

ID_LIKE = r"(_id|_to|_by)$"
"""Columns named like a reference (owner_id, sent_to, approved_by)."""
WORKFLOW_DATE = r"(due|deadline|expected|expires?)"
"""Dates a workflow runs on (due dates, expected close dates, expiries)."""


def _qualified(table: str) -> str:
    return table if "." in table else f"public.{table}"


class IntegrityNotNull(Probe):
    """Columns that should be required accept NULL: the risk's own, tenant, status and amounts.

    Judged from the catalog. Counted: the columns the review names (read from the risk's
    mitigation units, ``columns`` in their unit.toml) when this schema has them, the tenant
    column, and status and money columns (a row without a state or an amount is not a row the
    application can handle). A nullable reference counts as settled when a foreign key
    validates it (an optional reference is a design choice). Listed for review but not
    counted: nullable reference-like columns with no key, and nullable workflow dates.
    """

    risks = ("RISK-INTEGRITY-005",)
    group = "integrity"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Classify every nullable column of the audited schemas' tables."""
        audit = detect(ctx.conn)
        with ctx.conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(read_sql("probes/nullable_columns.sql"),  # type: ignore[arg-type]
                               {"schemas": list(audit.schemas)}).fetchall()
        named = {_qualified(c.rsplit(".", 1)[0]) + "." + c.rsplit(".", 1)[1]
                 for u in units_for_risk(self.risks[0]) for c in u.columns}
        counted: dict[str, str] = {}
        review: dict[str, str] = {}
        for r in rows:
            name = f"{_qualified(r['table_name'])}.{r['column_name']}"
            col = r["column_name"]
            id_like = re.search(ID_LIKE, col) is not None
            if id_like and r["has_fk"]:
                continue  # an optional reference, validated by its key
            if name in named:
                counted[name] = "named by the review" + (", no foreign key" if id_like else "")
            elif col == audit.tenant_column_of(r["table_name"]):
                counted[name] = "tenant column"
            elif re.search(STATUS_NAMES, col):
                counted[name] = "status"
            elif re.search(MONEY_NAMES, col) and r["category"] == "N":
                counted[name] = "amount"
            elif id_like:
                review[name] = "reference-like, no foreign key"
            elif r["category"] == "D" and re.search(WORKFLOW_DATE, col):
                review[name] = "workflow date"
        evidence: dict[str, Any] = {
            "named_by_review": sorted(named), "counted": counted, "to_review": review,
            "schemas": list(audit.schemas)}
        found = ", ".join(f"{n} ({why})" for n, why in sorted(counted.items()))
        reason = (f"{len(counted)} nullable columns that should be required"
                  + (f": {found}" if counted else "")
                  + f"; {len(review)} more to review ({', '.join(sorted(review)[:4])}"
                  + (", ..." if len(review) > 4 else "") + ")")
        return Observation(bool(counted), reason, evidence)
