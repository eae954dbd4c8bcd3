"""RISK-INTEGRITY-004: soft deletes that leave live children behind, measured on the data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import psycopg
from psycopg import sql

from workbench.audit.context import detect
from workbench.audit.runner import run_audit
from workbench.audit.targets import ForeignKey, foreign_keys, has_column, ident
from workbench.probes.base import Observation, Probe, ProbeContext

SOFT_DELETE_COLUMN = "deleted_at"
"""The soft-delete convention the audit reads too: a nullable timestamp, set when deleted."""
PARENTS_PER_TABLE = 3
"""Parent rows soft-deleted (each rolled back) per parent table."""


@dataclass(frozen=True)
class Propagation:
    """One parent row soft-deleted in a rolled-back transaction, and what its children did."""

    parent: str
    key: str
    children_before: int
    live_after: int
    by_child: dict[str, int]


def soft_delete_keys(conn: psycopg.Connection) -> tuple[dict[str, list[ForeignKey]],
                                                        list[ForeignKey]]:
    """Keys between soft-deletable tables, by parent; and keys whose child cannot hold one.

    Keys to the tenant table are left out: a deleted tenant is offboarding, not a row's delete
    (unit 0020's tenant keys must not count as soft-delete gaps).
    """
    audit = detect(conn)
    by_parent: dict[str, list[ForeignKey]] = {}
    no_column: list[ForeignKey] = []
    for fk in foreign_keys(conn, audit):
        if fk.parent == audit.tenant_table or fk.child == fk.parent:
            continue
        if not has_column(conn, fk.parent, SOFT_DELETE_COLUMN):
            continue
        if has_column(conn, fk.child, SOFT_DELETE_COLUMN):
            by_parent.setdefault(fk.parent, []).append(fk)
        else:
            no_column.append(fk)
    return by_parent, no_column


def _live(fk: ForeignKey, value: Any) -> sql.Composed:
    return sql.SQL("SELECT count(*) FROM {c} WHERE {cc} = {v} AND {d} IS NULL").format(
        c=ident(fk.child), cc=sql.Identifier(fk.child_column), v=sql.Literal(value),
        d=sql.Identifier(SOFT_DELETE_COLUMN))


def _count(conn: psycopg.Connection, query: sql.Composed) -> int:
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def measure_parent(conn: psycopg.Connection, parent: str, fks: list[ForeignKey],
                   limit: int = PARENTS_PER_TABLE) -> list[Propagation]:
    """Soft-delete up to ``limit`` live parents that have live children; count who stays live.

    Every delete runs in a transaction that is rolled back, so the data is left as it was.
    Parents are those whose key (the referenced column of the first key) has live children.
    """
    pcol = sql.Identifier(fks[0].parent_column)
    dcol = sql.Identifier(SOFT_DELETE_COLUMN)
    has_live = sql.SQL(" OR ").join(
        sql.SQL("EXISTS (SELECT 1 FROM {c} c WHERE c.{cc} = p.{pc} AND c.{d} IS NULL)").format(
            c=ident(fk.child), cc=sql.Identifier(fk.child_column),
            pc=sql.Identifier(fk.parent_column), d=dcol)
        for fk in fks if fk.parent_column == fks[0].parent_column)
    pick = sql.SQL("SELECT p.{k} FROM {p} p WHERE p.{d} IS NULL AND ({live}) LIMIT {n}").format(
        k=pcol, p=ident(parent), d=dcol, live=has_live, n=sql.Literal(limit))
    keyed = [fk for fk in fks if fk.parent_column == fks[0].parent_column]
    out = []
    for (value,) in conn.execute(pick).fetchall():
        before = sum(_count(conn, _live(fk, value)) for fk in keyed)
        with conn.transaction(force_rollback=True):
            conn.execute(sql.SQL("UPDATE {p} SET {d} = now() WHERE {k} = {v}").format(
                p=ident(parent), d=dcol, k=pcol, v=sql.Literal(value)))
            after = {f"{fk.child}.{fk.child_column}": _count(conn, _live(fk, value))
                     for fk in keyed}
        out.append(Propagation(parent, str(value), before, sum(after.values()), after))
    return out


class IntegritySoftDelete(Probe):
    """Soft-deleting a parent leaves its children live (no cascade or trigger carries it)."""

    risks = ("RISK-INTEGRITY-004",)
    group = "integrity"

    def observe(self, ctx: ProbeContext) -> Observation:
        """Soft-delete sample parents (rolled back), count live children; plus the stored rows."""
        by_parent, no_column = soft_delete_keys(ctx.conn)
        trials = [t for parent, fks in sorted(by_parent.items())
                  for t in measure_parent(ctx.conn, parent, fks)]
        stored = run_audit(ctx.conn, checks=["live_children_of_deleted_parents"]).results[0]
        if stored.failed:
            raise RuntimeError(f"live_children_of_deleted_parents failed: {stored.error}")
        leaky = [t for t in trials if t.live_after]
        evidence = {"trials": [asdict(t) for t in trials],
                    "stored_deleted_parents_with_live_children": stored.count,
                    "keys_to_children_without_soft_delete": [
                        f"{fk.child}.{fk.child_column} -> {fk.parent}" for fk in no_column]}
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
