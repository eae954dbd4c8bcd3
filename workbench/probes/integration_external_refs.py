"""RISK-INT-004/005/006: references to things outside the row's reach, and tokens that never die.

* INT-004: campaign and template ids and the polymorphic ``*_type``/``*_id`` pairs name records
  that no foreign key or CHECK vouches for. Read from the catalog: any ``*_id`` column with
  neither, apart from the ones another risk owns (as the review assigns them, in the reviewed
  subject's profile).
* INT-005: whether a Stripe customer still exists is a question for Stripe, not for the database;
  the probe says so (not testable) and shows the column is unvalidated text.
* INT-006: an API token created the way the application does (no ``expires_at``) is inserted in
  a rolled-back transaction; present when it comes back with no expiry.
"""

from __future__ import annotations

from typing import Any, ClassVar

from psycopg import sql
from psycopg.rows import dict_row

from workbench.audit.context import detect
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.risks.subject import named
from workbench.sqlfiles import read_sql


def id_columns_without_fk(ctx: ProbeContext) -> list[dict[str, Any]]:
    """Every ``*_id`` column no foreign key covers (each table's own tenant column excluded)."""
    audit = detect(ctx.conn)
    columns = audit.settings()["workbench.tenant_columns"]  # {"<oid>": "<tenant column>"}
    with ctx.conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(read_sql("probes/id_columns_without_fk.sql"),  # type: ignore[arg-type]
                           {"schemas": list(audit.schemas),
                            "columns": columns}).fetchall()


class IntegrationUnvalidatedIds(Probe):
    """Campaign, template and polymorphic ids point at records nothing validates."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-INT-004",)
    group: ClassVar[str] = "integration"

    def observe(self, ctx: ProbeContext) -> Observation:
        """List id columns with neither a foreign key nor a CHECK constraint."""
        rows = id_columns_without_fk(ctx)
        owned_elsewhere = named(self.risks[0]).get("owned_elsewhere", {})
        for r in rows:
            r["owned_by"] = owned_elsewhere.get(f"{r['table_name']}.{r['column_name']}")
        loose = [r for r in rows if not r["owned_by"] and not r["check_constraints"]]
        names = [f"{r['table_name']}.{r['column_name']}"
                 + (" (polymorphic)" if r["polymorphic"] else "") for r in loose]
        ev = {"id_columns_without_fk": rows, "unvalidated": names}
        if loose:
            return Observation(True, f"{len(loose)} id columns with no FK or CHECK: "
                               + ", ".join(names), ev)
        return Observation(False, "every *_id column has a foreign key or a CHECK", ev)


class IntegrationStripeCustomerId(Probe):
    """Whether an organization's Stripe customer still exists is only known to Stripe."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-INT-005",)
    group: ClassVar[str] = "integration"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Describe the column; the orphaning itself happens in a system out of reach."""
        table, column = named(self.risks[0])["table"], named(self.risks[0])["column"]
        col = next((r for r in id_columns_without_fk(ctx)
                    if (r["table_name"], r["column_name"]) == (table, column)), None)
        count = sql.SQL("SELECT count(*) FILTER (WHERE {} IS NOT NULL), count(*) FROM {}").format(
            sql.Identifier(column), sql.Identifier("public", table))
        filled = ctx.conn.execute(count).fetchone() if col else None
        ev = {"column": col, "rows_with_id": filled[0] if filled else None,
              "rows": filled[1] if filled else None}
        what = (f"{table}.{column} is {col['type']} with "
                f"{col['check_constraints']} CHECK constraints" if col
                else f"{table}.{column} is not an unvalidated *_id column here")
        return Observation(
            None, f"a Stripe customer deleted in Stripe is invisible to the database; {what} "
            "(a webhook or a periodic check against the Stripe API is the test)", ev)


class IntegrationTokenExpiry(Probe):
    """An API token created without an expiry never expires."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-INT-006",)
    group: ClassVar[str] = "integration"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Insert a token as the application would, read its expiry back; rolled back."""
        conn = ctx.conn
        t = named(self.risks[0])
        col = conn.execute(
            "SELECT a.attnotnull, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = to_regclass(%s) AND a.attname = %s",
            (f"public.{t['table']}", t["expiry_column"])).fetchone()
        if col is None:
            return Observation(None, f"{t['table']}.{t['expiry_column']}, the column the review "
                               f"names for {self.risks[0]}, does not exist here")
        live = conn.execute(
            sql.SQL("SELECT count(*) FILTER (WHERE {} IS NULL), count(*) FROM {} "
                    "WHERE {} IS NULL").format(
                sql.Identifier(t["expiry_column"]), sql.Identifier("public", t["table"]),
                sql.Identifier(t["revoked_column"]))).fetchone()
        ev: dict[str, Any] = {"not_null": col[0], "default": col[1],
                              "live_tokens_without_expiry": live[0] if live else 0,
                              "live_tokens": live[1] if live else 0}
        with conn.transaction(force_rollback=True):
            expires = conn.execute(read_sql(t["insert"])).fetchone()  # type: ignore[arg-type]
        ev["inserted_token_expires_at"] = str(expires[0]) if expires and expires[0] else None
        if ev["inserted_token_expires_at"] is None:
            return Observation(
                True, f"a token created without expires_at never expires (no default, "
                f"nullable); {ev['live_tokens_without_expiry']} of {ev['live_tokens']} live "
                "tokens have no expiry", ev)
        return Observation(
            False, f"a token created without expires_at gets one ({ev['default']}); "
            f"{ev['live_tokens_without_expiry']} of {ev['live_tokens']} live tokens created "
            "before still have none (backfill or revoke them)", ev)
