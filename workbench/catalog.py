"""Catalog readers shared by probes, notebooks and checks.

Users point the workbench at schemas it has never seen, so everything here reads
``pg_catalog``; nothing assumes our table names.
"""

from __future__ import annotations

import pandas as pd
import psycopg
from psycopg.rows import dict_row

from workbench.sqlfiles import read_sql


def frame(conn: psycopg.Connection, relative_sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run ``sql/<relative_sql>`` and return its rows as a frame (columns kept when empty)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(read_sql(relative_sql), params)  # type: ignore[arg-type]
        rows = cur.fetchall()
        columns = [d.name for d in cur.description or []]
    return pd.DataFrame(rows, columns=columns)


def table_overview(conn: psycopg.Connection) -> pd.DataFrame:
    """Per table: estimated rows, total size, constraint, index and policy counts, RLS state."""
    return frame(conn, "catalog/table_overview.sql")


def table_rows(conn: psycopg.Connection) -> list[tuple[str, str, float]]:
    """(qualified name, bare name, estimated live rows) of every user table and partition.

    One definition of "how big is this table" for EXPLAIN findings (by bare name) and index
    candidates (by qualified name); partitions are summed into their parents.
    """
    return [(q, r, float(n)) for q, r, n in
            conn.execute(read_sql("catalog/table_rows.sql")).fetchall()]  # type: ignore[arg-type]
