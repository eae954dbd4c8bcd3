"""RISK-SCALE-006: the write cost of full-text GIN indexes, measured on every table that has one."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from workbench.audit.context import detect
from workbench.explain import rolled_back
from workbench.probes.base import Observation, ProbeContext
from workbench.probes.scale_base import ScaleProbe
from workbench.sqlfiles import read_sql

COPY = "_wb_fts_copy"


def fulltext_indexes(conn: psycopg.Connection, schemas: list[str],
                     table: str | None = None) -> list[dict[str, Any]]:
    """Full-text GIN indexes (tsvector operator class) of ``schemas``, or of one ``table``."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(read_sql("probes/fulltext_gin_indexes.sql"),  # type: ignore[arg-type]
                           {"schemas": schemas, "table": table}).fetchall()


def insert_seconds(conn: psycopg.Connection, table: str, rows: int, *, with_fts: bool) -> float:
    """Seconds to insert ``rows`` of ``table`` into a copy with all its indexes (rolled back).

    The copy (``LIKE ... INCLUDING INDEXES``, a temporary table) carries every index of the
    table; without ``with_fts`` its full-text GIN indexes are dropped first, so the two timings
    differ by exactly those indexes. The rows are the table's own, so the text is real.
    """
    with rolled_back(conn):
        conn.execute(sql.SQL("CREATE TEMP TABLE {c} (LIKE {t} INCLUDING INDEXES)").format(
            c=sql.Identifier(COPY), t=sql.SQL(table)))
        if not with_fts:
            for ix in fulltext_indexes(conn, [_temp_schema(conn)], COPY):
                conn.execute(sql.SQL("DROP INDEX pg_temp.{}").format(
                    sql.Identifier(ix["index_name"])))
        started = time.perf_counter()
        conn.execute(sql.SQL("INSERT INTO {c} SELECT * FROM {t} LIMIT {n}").format(
            c=sql.Identifier(COPY), t=sql.SQL(table), n=sql.Literal(rows)))
        return time.perf_counter() - started


def _temp_schema(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()"
                       ).fetchone()
    return str(row[0]) if row else "pg_temp"


def fulltext_verdict(overheads: dict[str, float], threshold: float) -> tuple[bool, str]:
    """Present when any table's full-text indexes add more than ``threshold`` to its inserts."""
    worst = max(overheads, key=lambda t: overheads[t])
    return overheads[worst] > threshold, (
        "full-text GIN indexes add "
        + ", ".join(f"{overheads[t]:.0%} to {t}" for t in sorted(overheads))
        + f" inserts (threshold {threshold:.0%})")


class ScaleFullTextWriteCost(ScaleProbe):
    """Full-text GIN indexes slow writes measurably, on every table that carries one."""

    risks: ClassVar[tuple[str, ...]] = ("RISK-SCALE-006",)
    THRESHOLD: ClassVar[float] = 0.10  # overhead that counts as "present"
    ROWS: ClassVar[int] = 500
    REPEATS: ClassVar[int] = 3

    def observe(self, ctx: ProbeContext) -> Observation:
        """Median of interleaved timed inserts with and without each table's full-text indexes."""
        indexes = fulltext_indexes(ctx.conn, list(detect(ctx.conn).schemas))
        if not indexes:
            return Observation(False, "no full-text GIN index in the schema", {"tables": {}})
        tables: dict[str, dict[str, Any]] = {}
        for table in sorted({ix["table_name"] for ix in indexes}):
            row = ctx.conn.execute(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {t} LIMIT {n}) s"
                                           ).format(t=sql.SQL(table), n=sql.Literal(self.ROWS))
                                   ).fetchone()
            rows = int(row[0]) if row else 0
            names = [ix["index_name"] for ix in indexes if ix["table_name"] == table]
            if rows == 0:
                tables[table] = {"indexes": names, "rows": 0, "measured": False}
                continue
            with_fts, without = [], []
            for _ in range(self.REPEATS):  # interleaved, medians
                with_fts.append(insert_seconds(ctx.conn, table, rows, with_fts=True))
                without.append(insert_seconds(ctx.conn, table, rows, with_fts=False))
            a, b = sorted(with_fts)[self.REPEATS // 2], sorted(without)[self.REPEATS // 2]
            tables[table] = {"indexes": names, "rows": rows, "measured": True,
                             "insert_ms_with_fts": round(a * 1000, 3),
                             "insert_ms_without_fts": round(b * 1000, 3),
                             "overhead": round(a / b - 1, 3) if b > 0 else 0.0}
        evidence = {"tables": tables, "threshold": self.THRESHOLD,
                    "timing": f"client monotonic clock, median of {self.REPEATS} interleaved "
                              "inserts into a temporary copy with all the table's indexes, "
                              "rolled back"}
        measured = {t: m["overhead"] for t, m in tables.items() if m["measured"]}
        if not measured:
            return Observation(None, f"{len(indexes)} full-text GIN indexes on "
                               f"{', '.join(tables)}, but no rows to insert: seed first",
                               evidence)
        present, reason = fulltext_verdict(measured, self.THRESHOLD)
        return Observation(present, reason, evidence)
