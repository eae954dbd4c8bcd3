"""RISK-OPS-006: a JSONB payload's shape changes without a migration, and nothing notices.

The premortem's worry: renaming a key of a JSONB "interface" (an address's ``street`` to
``line1``) generates no migration, so old-shaped and new-shaped rows coexist and readers break.
Two things are measured on the JSONB column the review names for the risk (read from the
reviewed subject's profile, :mod:`workbench.risks.subject`), each in a rolled-back transaction:

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
from psycopg import sql

from workbench import db
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.risks.subject import named, tenant_insert
from workbench.sqlfiles import read_sql

RISK = "RISK-OPS-006"


def _target() -> dict[str, Any]:
    """The table, JSONB column, typed column and statements the review names for the risk."""
    return named(RISK)


def _shapes() -> dict[str, str]:
    """Payloads a shape contract must refuse: the renamed key, and no array at all."""
    return {"renamed_key": _target()["renamed_key_payload"], "not_an_array": '"see notes"'}


def _migrations() -> dict[str, sql.SQL | sql.Composed]:
    """The same interface change three ways: JSONB key rename, typed rename, typed rewrite."""
    t = _target()
    table, typed = sql.Identifier("public", t["table"]), sql.Identifier(t["typed_column"])
    return {
        "jsonb_key_rename_update": sql.SQL(read_sql(t["jsonb_rename"])),  # type: ignore[arg-type]
        "typed_column_rename": sql.SQL("ALTER TABLE {} RENAME COLUMN {} TO {}").format(
            table, typed, sql.Identifier(f"{t['typed_column']}_url")),
        "typed_column_type_rewrite": sql.SQL(
            "ALTER TABLE {} ALTER COLUMN {} TYPE text USING lower({})").format(table, typed, typed),
    }


def _locks(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT mode FROM pg_locks WHERE pid = pg_backend_pid() "
        "AND locktype = 'relation' AND relation = %s::regclass ORDER BY 1", (table,)
    ).fetchall()
    return [r[0] for r in rows]


def _reader_blocked(ctx: ProbeContext, table: sql.Composable) -> bool:
    """Whether a plain SELECT on a second connection waits on the migrating transaction."""
    with db.connection(ctx.settings, ctx.database, autocommit=True) as other:
        try:
            other.execute("SET lock_timeout = '200ms'")
            other.execute(sql.SQL("SELECT count(*) FROM {}").format(table))
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
        t = _target()
        table, column = sql.Identifier("public", t["table"]), sql.Identifier(t["jsonb_column"])
        kind = conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
            "to_regclass(%s) AND attname = %s AND NOT attisdropped",
            (f"public.{t['table']}", t["jsonb_column"])).fetchone()
        if kind is None or kind[0] != "jsonb":
            return Observation(None, f"{t['table']}.{t['jsonb_column']}, the column the review "
                               f"names for {RISK}, is not a JSONB column here")
        rows = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()
        ev: dict[str, Any] = {"table": t["table"], "column": t["jsonb_column"],
                              "rows": rows[0] if rows else 0}
        accepted: dict[str, Any] = {}
        with conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL lock_timeout = '5s'")
            row_id = self._a_row(conn, table)
            for name, payload in _shapes().items():
                try:
                    with conn.transaction():
                        conn.execute(sql.SQL("UPDATE {} SET {} = %s::jsonb WHERE id = %s").format(
                            table, column), (payload, row_id))
                    accepted[name] = True
                except psycopg.Error as exc:
                    accepted[name] = f"rejected: {(exc.diag.message_primary or '').strip()}"
        ev["bad_shapes"] = accepted
        ev["migrations"] = {name: self._migrate(ctx, stmt, f"public.{t['table']}")
                            for name, stmt in _migrations().items()}
        m = ev["migrations"]
        cost = (f"key rename by UPDATE: {m['jsonb_key_rename_update']['rows']} rows in "
                f"{m['jsonb_key_rename_update']['ms']:.0f} ms under "
                f"{'/'.join(m['jsonb_key_rename_update']['locks'])}; typed RENAME "
                f"{m['typed_column_rename']['ms']:.0f} ms and type rewrite "
                f"{m['typed_column_type_rewrite']['ms']:.0f} ms under AccessExclusiveLock "
                f"(reader blocked: {m['typed_column_type_rewrite']['reader_blocked']})")
        taken = [k for k, v in accepted.items() if v is True]
        if taken:
            return Observation(True, f"{t['jsonb_column']} accepts {' and '.join(taken)} payloads:"
                               f" no shape contract, a renamed key leaves mixed rows; {cost}", ev)
        return Observation(False, f"{t['jsonb_column']} rejects payloads of the wrong shape; "
                           f"{cost}", ev)

    @staticmethod
    def _a_row(conn: psycopg.Connection, table: sql.Composable) -> Any:
        """Some row to write to: an existing one, or one made up in this transaction."""
        row = conn.execute(sql.SQL("SELECT id FROM {} LIMIT 1").format(table)).fetchone()
        if row:
            return row[0]
        org = conn.execute(read_sql(tenant_insert()),  # type: ignore[arg-type]
                           {"slug": "probe-jsonb"}).fetchone()[0]  # type: ignore[index]
        return conn.execute(read_sql(_target()["row_insert"]),  # type: ignore[arg-type]
                            {"org": org}).fetchone()[0]  # type: ignore[index]

    @staticmethod
    def _migrate(ctx: ProbeContext, statement: sql.SQL | sql.Composed,
                 table: str) -> dict[str, Any]:
        """Run one migration statement in a rolled-back transaction: time, locks, blocking."""
        conn = ctx.conn
        text = statement.as_string(conn)
        out: dict[str, Any] = {"statement": text.strip().splitlines()[-1][:200]}
        with conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL lock_timeout = '5s'")
            before = conn.execute("SELECT pg_relation_filenode(%s)", (table,)).fetchone()
            started = time.perf_counter()
            cur = conn.execute(statement)
            out["ms"] = round((time.perf_counter() - started) * 1000, 2)
            out["rows"] = max(cur.rowcount, 0)
            out["locks"] = _locks(conn, table)
            after = conn.execute("SELECT pg_relation_filenode(%s)", (table,)).fetchone()
            out["table_rewritten"] = before != after
            out["reader_blocked"] = _reader_blocked(ctx, sql.Identifier(*table.split(".")))
        return out
