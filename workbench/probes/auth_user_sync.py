"""RISK-INT-001: a signup is linked to the user the tenant invited, or it is not.

The flow exercised is the one the application and Supabase would run, in one transaction that
is always rolled back:

1. a tenant exists (inserted by the superuser);
2. the application, as ``authenticated`` with the tenant setting its policies read (from the
   tenant model) set, invites a user the way the reviewed application does (the statement the
   review names for the risk, in the reviewed subject's profile): no auth id, because the
   person has no login yet, and with the email as the inviter typed it (mixed case);
3. if that is refused, the workaround an application would reach for (a placeholder auth id)
   is tried too, so the verdict does not hinge on one way of inviting;
4. GoTrue, as ``supabase_auth_admin``, inserts the ``auth.users`` row with the email in lower
   case, as it stores it; the trigger ``on_auth_user_created`` fires;
5. the invited row is read back: linked (auth id set, status active) or not.

Present = the invitation does not end linked, or the SECURITY DEFINER trigger function runs
with the caller's search_path. Either keeps the risk alive: users who can authenticate with no
usable application user, or a definer function whose name resolution a caller controls.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

import psycopg
from psycopg import sql

from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.risks.subject import named, tenant_insert
from workbench.sqlfiles import read_sql
from workbench.tenancy import infer


def _attempt(conn: psycopg.Connection, query: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one statement in a savepoint; its outcome (ok, or SQLSTATE and message)."""
    try:
        with conn.transaction():
            row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
        return {"ok": True, "returned": str(row[0]) if row else None}
    except psycopg.Error as exc:
        return {"ok": False, "sqlstate": exc.sqlstate,
                "error": (exc.diag.message_primary or str(exc)).strip()}


class AuthUserSync(Probe):
    """An invited user is linked to their auth.users row when they sign up."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-INT-001",)
    group: ClassVar[str] = "integration"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Invite, sign up, read back; all rolled back."""
        conn = ctx.conn
        tag = secrets.token_hex(4)
        invited_as = f"Invitee.{tag}@Probe-Example.com"
        ev: dict[str, Any] = {"invited_email": invited_as, "signup_email": invited_as.lower()}
        fn = conn.execute(read_sql("probes/auth_trigger_function.sql")).fetchone()
        if fn is None:
            return Observation(None, "no trigger on auth.users: there is no sync to exercise")
        ev["function"] = {"name": fn[0], "security_definer": fn[1], "config": fn[2],
                          "fixed_search_path": fn[3], "trigger": fn[4]}
        t = named(self.risks[0])
        model = infer(conn)
        table = f"public.{t['table']}"
        tenant_column = model.tenant_column(table)
        if tenant_column is None or not model.context.settings:
            return Observation(None, f"{table}, the table the review names for {self.risks[0]}, "
                               "has no tenant column or its policies read no tenant setting")
        ev["auth_id_not_null"] = conn.execute(
            "SELECT attnotnull FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = %s", (table, t["auth_column"])).fetchone()[0]  # type: ignore[index]
        with conn.transaction(force_rollback=True):
            org = conn.execute(read_sql(tenant_insert()),  # type: ignore[arg-type]
                               {"slug": f"probe-{tag}"}).fetchone()[0]  # type: ignore[index]
            conn.execute("SET LOCAL ROLE authenticated")
            conn.execute("SELECT set_config(%s, %s, true)", (model.context.settings[0], str(org)))
            params = {"org": org, "email": invited_as}
            ev["invite"] = _attempt(conn, read_sql(t["invite"]), params)
            if not ev["invite"]["ok"]:
                ev["invite_with_placeholder_auth_id"] = _attempt(
                    conn, read_sql(t["invite_with_placeholder"]), params)
            conn.execute("SET LOCAL ROLE supabase_auth_admin")
            ev["signup"] = _attempt(
                conn, "INSERT INTO auth.users (email, aud, role) VALUES "
                "(%(email)s, 'authenticated', 'authenticated') RETURNING id",
                {"email": invited_as.lower()})
            conn.execute("RESET ROLE")
            rows = conn.execute(sql.SQL(
                "SELECT {}, {}::text, {}::text FROM {} WHERE {} = %s").format(
                    *(sql.Identifier(t[k]) for k in ("email_column", "auth_column",
                                                      "status_column")),
                    sql.Identifier("public", t["table"]), sql.Identifier(tenant_column)),
                (org,)).fetchall()
        ev["users_after_signup"] = [dict(zip(("email", "auth_id", "status"), r, strict=True))
                                    for r in rows]
        auth_id = ev["signup"].get("returned")
        linked = auth_id is not None and any(
            r["auth_id"] == auth_id and r["status"] == "active" for r in ev["users_after_signup"])
        ev["linked"] = linked
        problems = []
        if not ev["invite"]["ok"]:
            problems.append(f"the invite is refused ({ev['invite']['error']})")
        if not ev["signup"]["ok"]:
            problems.append(f"the signup itself fails ({ev['signup']['error']})")
        elif not linked:
            problems.append("the signup is not linked to the invited user "
                            "(they can log in but have no active application user)")
        if fn[1] and not fn[3]:
            problems.append(f"{fn[0]} is SECURITY DEFINER without a fixed search_path")
        if problems:
            return Observation(True, "; ".join(problems), ev)
        return Observation(
            False,
            f"invite without an auth id accepted, signup as {invited_as.lower()} linked the "
            f"user invited as {invited_as} (active); {fn[0]} runs with {', '.join(fn[2])}",
            ev)
