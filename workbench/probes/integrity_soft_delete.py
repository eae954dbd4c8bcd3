"""RISK-INTEGRITY-004: soft deletes that leave live children behind, measured on the data."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import psycopg
from psycopg import sql
from psycopg.rows import class_row

from workbench.audit.context import detect
from workbench.audit.runner import run_audit
from workbench.audit.targets import ident
from workbench.column_names import SOFT_DELETE_COLUMN
from workbench.probes.base import Observation, Probe, ProbeContext
from workbench.sqlfiles import read_sql

PARENTS_PER_TABLE = 3
"""Parent rows soft-deleted (each rolled back) per parent table."""


@dataclass(frozen=True)
class SoftDeleteKey:
    """A foreign key into a soft-deletable parent (any number of columns)."""

    constraint_name: str
    child: str
    parent: str
    child_columns: list[str]
    parent_columns: list[str]
    child_soft_deletes: bool
    child_outlives_parent: bool

    def label(self) -> str:
        """``child(cols) -> parent`` for evidence."""
        return f"{self.child}({', '.join(self.child_columns)}) -> {self.parent}"


@dataclass(frozen=True)
class Propagation:
    """One parent row soft-deleted in a rolled-back transaction, and what its children did."""

    parent: str
    key: str
    children_before: int
    live_after: int
    by_child: dict[str, int]


def soft_delete_keys(conn: psycopg.Connection) -> list[SoftDeleteKey]:
    """Keys into soft-deletable parents, the tenant table's keys left out (unit 0020's kind).

    Only keys whose child can hold a soft delete and does not outlive its parent by declaration
    (ON DELETE SET NULL) are measured; the others go into the evidence.
    """
    audit = detect(conn)
    with conn.cursor(row_factory=class_row(SoftDeleteKey)) as cur:
        return cur.execute(read_sql("probes/soft_delete_keys.sql"),  # type: ignore[arg-type]
                           {"schemas": list(audit.schemas), "tenant_table": audit.tenant_table,
                            "column": SOFT_DELETE_COLUMN}).fetchall()


def _match(fk: SoftDeleteKey, alias: str, parent: str) -> sql.Composed:
    """``alias.child_col = parent.parent_col AND ...`` for every column of the key."""
    return sql.SQL(" AND ").join(
        sql.SQL("{a}.{c} = {p}.{pc}").format(a=sql.Identifier(alias), c=sql.Identifier(c),
                                            p=sql.Identifier(parent), pc=sql.Identifier(pc))
        for c, pc in zip(fk.child_columns, fk.parent_columns, strict=True))


def _live_children(fk: SoftDeleteKey) -> sql.Composed:
    """Live children of the parent row bound as ``p`` (a correlated count)."""
    return sql.SQL("(SELECT count(*) FROM {c} ch WHERE {m} AND ch.{d} IS NULL)").format(
        c=ident(fk.child), m=_match(fk, "ch", "p"), d=sql.Identifier(SOFT_DELETE_COLUMN))


def measure_parent(conn: psycopg.Connection, parent: str, fks: list[SoftDeleteKey],
                   limit: int = PARENTS_PER_TABLE) -> list[Propagation]:
    """Soft-delete up to ``limit`` live parents that have live children; count who stays live.

    Each delete runs in a transaction that is rolled back, so the data is left as it was; the
    parent row is found again by its partition and ctid inside that transaction.
    """
    dcol = sql.Identifier(SOFT_DELETE_COLUMN)
    counts = sql.SQL(", ").join(_live_children(fk) for fk in fks)
    any_live = sql.SQL(" OR ").join(
        sql.SQL("EXISTS (SELECT 1 FROM {c} ch WHERE {m} AND ch.{d} IS NULL)").format(
            c=ident(fk.child), m=_match(fk, "ch", "p"), d=dcol) for fk in fks)
    pick = sql.SQL("SELECT p.tableoid::int8, p.ctid::text FROM {p} p WHERE p.{d} IS NULL "
                   "AND ({a}) LIMIT {n}").format(p=ident(parent), d=dcol, a=any_live,
                                                 n=sql.Literal(limit))

    def row_is(table_oid: int, ctid: str) -> sql.Composed:
        # a partitioned parent repeats ctids across partitions: the partition's oid as well
        return sql.SQL("p.tableoid = {o}::oid AND p.ctid = {t}::tid").format(
            o=sql.Literal(table_oid), t=sql.Literal(ctid))

    def live_now(table_oid: int, ctid: str) -> list[int]:
        query = sql.SQL("SELECT {c} FROM {p} p WHERE {w}").format(
            c=counts, p=ident(parent), w=row_is(table_oid, ctid))
        return [int(n) for n in conn.execute(query).fetchone() or ()]

    out = []
    for table_oid, ctid in conn.execute(pick).fetchall():
        with conn.transaction(force_rollback=True):
            before = live_now(table_oid, ctid)
            updated = conn.execute(sql.SQL(
                "UPDATE {p} p SET {d} = now() WHERE {w} RETURNING p.tableoid::int8, "
                "p.ctid::text").format(p=ident(parent), d=dcol, w=row_is(table_oid, ctid))
            ).fetchone()
            after = live_now(*updated) if updated else before
        out.append(Propagation(parent, ctid, sum(before), sum(after),
                               {fk.label(): n for fk, n in zip(fks, after, strict=True)}))
    return out


class IntegritySoftDelete(Probe):
    """Soft-deleting a parent leaves its children live (no cascade or trigger carries it)."""

    risks = ("RISK-INTEGRITY-004",)
    group = "integrity"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Soft-delete sample parents (rolled back), count live children; plus the stored rows."""
        keys = soft_delete_keys(ctx.conn)
        no_column = [fk for fk in keys if not fk.child_soft_deletes]
        outlive = [fk for fk in keys if fk.child_soft_deletes and fk.child_outlives_parent]
        by_parent: dict[str, list[SoftDeleteKey]] = {}
        for fk in keys:
            if fk.child_soft_deletes and not fk.child_outlives_parent:
                by_parent.setdefault(fk.parent, []).append(fk)
        trials = [t for parent, fks in sorted(by_parent.items())
                  for t in measure_parent(ctx.conn, parent, fks)]
        stored = run_audit(ctx.conn, checks=["live_children_of_deleted_parents"]).results[0]
        if stored.failed:
            raise RuntimeError(f"live_children_of_deleted_parents failed: {stored.error}")
        leaky = [t for t in trials if t.live_after]
        evidence = {"trials": [asdict(t) for t in trials],
                    "stored_deleted_parents_with_live_children": stored.count,
                    "keys_to_children_without_soft_delete": [fk.label() for fk in no_column],
                    "keys_set_null_on_delete": [fk.label() for fk in outlive]}
        if not trials and not stored.count:
            return Observation(None, "no live parent row with live soft-deletable children to "
                               "soft-delete: nothing to measure (seed the database)", evidence)
        parents = sorted({t.parent for t in trials})
        reason = (f"soft-deleting {len(trials)} parent rows of {', '.join(parents) or 'no table'} "
                  f"(rolled back) left {sum(t.live_after for t in trials)} of "
                  f"{sum(t.children_before for t in trials)} children live; stored data: "
                  f"{stored.count} deleted parents with live children")
        if no_column:
            reason += (f"; {len(no_column)} keys lead from tables that cannot hold a soft delete "
                       "(not counted)")
        return Observation(bool(leaky or stored.count), reason, evidence)
