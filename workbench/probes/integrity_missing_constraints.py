"""RISK-OPS-004: money, quantity and status columns of tenant tables that nothing constrains."""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.audit.context import detect
from workbench.column_names import MONEY_NAMES
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.sqlfiles import read_sql

QUANTITY_NAMES = r"(^quantity|_quantity$|^qty_|_qty$)"
STATUS_NAMES = r"((^|_)(status|state|stage)$)"
CONSTRAINED_SHARE = 0.9
"""Share of tenant tables whose value columns must all be constrained for the risk to be met."""


def constrained_columns(ctx: ProbeContext, table_oids: tuple[int, ...]) -> pd.DataFrame:
    """Each money/quantity/status column of ``table_oids`` with what constrains it ('' if none)."""
    rows = ctx.conn.execute(
        read_sql("probes/constrained_columns.sql"),  # type: ignore[arg-type]
        {"tables": list(table_oids), "money": MONEY_NAMES, "quantity": QUANTITY_NAMES,
         "status": STATUS_NAMES}).fetchall()
    return pd.DataFrame(rows, columns=["table_name", "column_name", "kind", "constrained_by"])


class IntegrityMissingConstraints(Probe):
    """Tenant tables whose money, quantity or status columns nothing bounds (CHECK, enum, key)."""

    risks = ("RISK-OPS-004",)
    group = "integrity"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Share of tenant tables whose value columns are all constrained, from the catalog."""
        audit = detect(ctx.conn)
        model = audit.tenant_model
        tables = model.tenant_tables() if model.found() else ()
        cols = constrained_columns(ctx, tuple(audit.oids[t] for t in tables))
        if cols.empty:
            return Observation(None, f"none of the {len(tables)} tenant tables (direct or "
                               "through keys) has a money, quantity or status column")
        by_table = cols.assign(ok=cols["constrained_by"] != "").groupby("table_name")["ok"].all()
        share = float(by_table.mean())
        loose = cols[cols["constrained_by"] == ""]
        evidence: dict[str, Any] = {
            "tenant_tables": len(tables), "tables_with_value_columns": len(by_table),
            "tables_fully_constrained": int(by_table.sum()), "share": round(share, 3),
            "unconstrained": [f"{t}.{c} ({k})" for t, c, k in
                              loose[["table_name", "column_name", "kind"]].itertuples(index=False)],
            "columns": cols.to_dict("records")}
        path = ctx.path(f"constrained_columns__{ctx.variant}.csv")
        cols.to_csv(path, index=False)
        reason = (f"{int(by_table.sum())} of {len(by_table)} tenant tables ({share:.0%}) have "
                  "every money, quantity and status column constrained; "
                  f"{len(loose)} of {len(cols)} such columns are not"
                  + (f" (e.g. {', '.join(evidence['unconstrained'][:4])})" if len(loose) else ""))
        return Observation(share < CONSTRAINED_SHARE, reason, evidence, [str(path)])
