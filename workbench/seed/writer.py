"""From generated columns to ``COPY ... FROM STDIN (FORMAT csv)``, adapted to the target.

The writer reads the target database's catalog once and fits each chunk to it: generated
columns are left to PostgreSQL, columns the variant does not have are dropped, and a value
whose meaning the column type cannot hold becomes NULL (the baseline's uuid-typed contact flags
cannot store a boolean, so they stay NULL there, exactly as the application would leave them).
CSV built by polars from whole columns measured at ~97% of the server's own COPY rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import psycopg
from psycopg import sql

from workbench.errors import SchemaError
from workbench.sqlfiles import read_sql

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S%.6f+00"


@dataclass(frozen=True)
class Column:
    """One target column as the seeder needs to know it."""

    name: str
    type: str
    not_null: bool
    generated: bool
    has_default: bool


@dataclass(frozen=True)
class Catalog:
    """The tables of schema public in the target database."""

    columns: dict[str, tuple[Column, ...]]
    partitioned: frozenset[str]

    @classmethod
    def read(cls, conn: psycopg.Connection) -> Catalog:
        """Read the catalog (one query)."""
        cols: dict[str, list[Column]] = {}
        parted: set[str] = set()
        for table, name, typ, not_null, generated, has_default, partitioned in conn.execute(
            read_sql("seed/columns.sql")  # type: ignore[arg-type]
        ):
            cols.setdefault(table, []).append(Column(name, typ, not_null, generated, has_default))
            if partitioned:
                parted.add(table)
        return cls({t: tuple(c) for t, c in cols.items()}, frozenset(parted))


def _fits(series: pl.Series, column: Column) -> bool:
    if series.dtype == pl.Boolean:
        return column.type == "boolean"
    return True


def fit(table: str, data: dict[str, Any], catalog: Catalog) -> pl.DataFrame:
    """The chunk as a frame whose columns are exactly what COPY will send to ``table``."""
    n = max((len(v) for v in data.values() if v is not None), default=0)
    out: dict[str, pl.Series] = {}
    for column in catalog.columns[table]:
        if column.generated:
            continue
        value = data.get(column.name, ...)
        if value is ...:
            if column.not_null and not column.has_default:
                raise SchemaError(
                    f"seeder has no values for {table}.{column.name} ({column.type}, NOT NULL, "
                    "no default): teach workbench/seed/tables.py about this column"
                )
            continue
        series = pl.Series(column.name, [None] * n) if value is None else pl.Series(column.name,
                                                                                     value)
        if not _fits(series, column):
            series = pl.Series(column.name, [None] * n, dtype=pl.String)
        out[column.name] = series
    return pl.DataFrame(out)


def to_csv(frame: pl.DataFrame) -> bytes:
    """CSV the way COPY reads it: NULL is an unquoted empty field."""
    return frame.write_csv(include_header=False, datetime_format=DATETIME_FORMAT,
                           float_precision=3, null_value="").encode()


def copy_frame(cur: psycopg.Cursor, table: str, frame: pl.DataFrame) -> int:
    """COPY one frame into ``table``; returns the CSV size in bytes."""
    payload = to_csv(frame)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier("public", table), sql.SQL(", ").join(map(sql.Identifier, frame.columns))
    )
    with cur.copy(stmt) as copy:
        copy.write(payload)
    return len(payload)
