"""RISK-OPS-006: a JSONB payload's shape changes without a migration, and nothing notices.

The premortem's worry: renaming a key of a JSONB "interface" (``CustomerAddress.street`` to
``line1``) generates no migration, so old-shaped and new-shaped rows coexist and readers break.
Two things are measured on ``customers.addresses``, each in a transaction that is rolled back:

* **shape enforcement** — is an address in the renamed shape, or a payload that is not an array
  at all, accepted? If yes, the database cannot tell a half-migrated table from a good one.
  That is what "present" means here: the defect is the missing contract, not the cost.
* **migration cost** — the same change done properly, three ways, each with the lock it takes
  (read from ``pg_locks`` for the migrating backend) and whether a reader on a second
  connection is blocked (``lock_timeout`` 200 ms): the JSONB key rename as an ``UPDATE`` of
  every row (ROW EXCLUSIVE: readers proceed, every row is rewritten and row-locked until commit),
  a typed column ``RENAME`` (ACCESS EXCLUSIVE, catalog only, milliseconds) and a typed column
  type change with ``USING`` (ACCESS EXCLUSIVE for a full table rewrite).

A CHECK (or trigger) that pins the payload's shape makes the probe say absent: a breaking
change then has to come with an explicit migration that replaces the constraint.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import psycopg

from workbench import db
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.sqlfiles import read_sql

SHAPES = {
    "renamed_key": '[{"type": "billing", "line1": "1 George St", "city": "Sydney", '
                   '"state": "NSW", "postcode": "2000", "country": "AU"}]',
    "not_an_array": '"see notes"',
}
MIGRATIONS = {
    "jsonb_key_rename_update": "probes/jsonb_rename_street.sql",
    "typed_column_rename": "ALTER TABLE public.customers RENAME COLUMN website TO website_url",
    "typed_column_type_rewrite":
        "ALTER TABLE public.customers ALTER COLUMN website TYPE text USING lower(website)",
}


def _locks(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT mode FROM pg_locks WHERE pid = pg_backend_pid() "
        "AND locktype = 'relation' AND relation = 'public.customers'::regclass ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def _reader_blocked(ctx: ProbeContext) -> bool:
    """Whether a plain SELECT on a second connection waits on the migrating transaction."""
    with db.connection(ctx.settings, ctx.database, autocommit=True) as other:
        try:
            other.execute("SET lock_timeout = '200ms'")
            other.execute("SELECT count(*) FROM public.customers")
            return False
        except psycopg.errors.LockNotAvailable:
            return True


class OpsJsonbMigration(Probe):
    """A JSONB payload's shape is not enforced, so interface changes leave mixed data."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-OPS-006",)
    group: ClassVar[str] = "ops"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Try the bad shapes, then time and lock-check the three migrations; all rolled back."""
        conn = ctx.conn
        kind = conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
            "to_regclass('public.customers') AND attname = 'addresses' AND NOT attisdropped"
        ).fetchone()
        if kind is None or kind[0] != "jsonb":
            return Observation(None, "customers.addresses is not a JSONB column here")
        ev: dict[str, Any] = {"rows": conn.execute(
            "SELECT count(*) FROM public.customers").fetchone()[0]}  # type: ignore[index]
        accepted: dict[str, Any] = {}
        with conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL lock_timeout = '5s'")
            cust = self._a_customer(conn)
            for name, payload in SHAPES.items():
                try:
                    with conn.transaction():
                        conn.execute("UPDATE public.customers SET addresses = %s::jsonb "
                                     "WHERE id = %s", (payload, cust))
                    accepted[name] = True
                except psycopg.Error as exc:
                    accepted[name] = f"rejected: {(exc.diag.message_primary or '').strip()}"
        ev["bad_shapes"] = accepted
        ev["migrations"] = {name: self._migrate(ctx, stmt) for name, stmt in MIGRATIONS.items()}
        m = ev["migrations"]
        cost = (f"key rename by UPDATE: {m['jsonb_key_rename_update']['rows']} rows in "
                f"{m['jsonb_key_rename_update']['ms']:.0f} ms under "
                f"{'/'.join(m['jsonb_key_rename_update']['locks'])}; typed RENAME "
                f"{m['typed_column_rename']['ms']:.0f} ms and type rewrite "
                f"{m['typed_column_type_rewrite']['ms']:.0f} ms under AccessExclusiveLock "
                f"(reader blocked: {m['typed_column_type_rewrite']['reader_blocked']})")
        taken = [k for k, v in accepted.items() if v is True]
        if taken:
            return Observation(True, f"addresses accept {' and '.join(taken)} payloads: no "
                               f"shape contract, a renamed key leaves mixed rows; {cost}", ev)
        return Observation(False, f"addresses reject payloads of the wrong shape; {cost}", ev)

    @staticmethod
    def _a_customer(conn: psycopg.Connection) -> Any:
        """Some customer to write to: an existing one, or one made up in this transaction."""
        row = conn.execute("SELECT id FROM public.customers LIMIT 1").fetchone()
        if row:
            return row[0]
        org = conn.execute("INSERT INTO public.organizations (name, slug) VALUES "
                           "('Probe Org', 'probe-jsonb') RETURNING id").fetchone()[0]  # type: ignore[index]
        return conn.execute("INSERT INTO public.customers (organization_id, name) VALUES "
                            "(%s, 'Probe Customer') RETURNING id", (org,)).fetchone()[0]  # type: ignore[index]

    @staticmethod
    def _migrate(ctx: ProbeContext, statement: str) -> dict[str, Any]:
        """Run one migration statement in a rolled-back transaction: time, locks, blocking."""
        conn = ctx.conn
        query = read_sql(statement) if statement.endswith(".sql") else statement
        out: dict[str, Any] = {"statement": query.strip().splitlines()[-1][:200]}
        with conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL lock_timeout = '5s'")
            before = conn.execute("SELECT pg_relation_filenode('public.customers')").fetchone()
            started = time.perf_counter()
            cur = conn.execute(query)  # type: ignore[arg-type]
            out["ms"] = round((time.perf_counter() - started) * 1000, 2)
            out["rows"] = max(cur.rowcount, 0)
            out["locks"] = _locks(conn)
            after = conn.execute("SELECT pg_relation_filenode('public.customers')").fetchone()
            out["table_rewritten"] = before != after
            out["reader_blocked"] = _reader_blocked(ctx)
        return out
