"""From generated columns to ``COPY ... FROM STDIN (FORMAT csv)``, adapted to the target.

The writer reads the target database's catalog once and fits each chunk to it: generated
columns are left to PostgreSQL, columns the variant does not have are dropped, and a value
whose meaning the column type cannot hold becomes NULL (the baseline's uuid-typed contact flags
cannot store a boolean, so they stay NULL there, exactly as the application would leave them).
CSV built by polars from whole columns measured at ~97% of the server's own COPY rate.

Side tables: a variant may move some of a table's columns into a table of their own (unit
0300 moves email bodies into ``email_bodies``, keyed by ``(organization_id, email_id,
created_at)`` to email_history). The seeder has no generator for such a table and needs none:
:meth:`Catalog.side_tables` finds it from the catalog (a table it does not generate, with a
foreign key to one it does), and :func:`side_chunk` fills it from the parent's chunk: the key
columns from the parent's referenced columns, every other column from the parent's values of
the same name. Both variants then hold the same information.
"""

from __future__ import annotations

import io
from collections.abc import Collection
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
class ForeignKey:
    """One foreign key: ``pairs`` are (child column, parent column) in key order."""

    name: str
    child: str
    parent: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SideTable:
    """A table filled from another table's chunks (see the module docstring)."""

    name: str
    parent: str
    key: tuple[tuple[str, str], ...]  # (side column, parent column)
    payload: tuple[str, ...]  # side columns taken by name from the parent's chunk


@dataclass(frozen=True)
class Catalog:
    """The tables of schema public in the target database."""

    columns: dict[str, tuple[Column, ...]]
    partitioned: frozenset[str]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @classmethod
    def read(cls, conn: psycopg.Connection) -> Catalog:
        """Read the catalog (two queries: columns, foreign keys)."""
        cols: dict[str, list[Column]] = {}
        parted: set[str] = set()
        for table, name, typ, not_null, generated, has_default, partitioned in conn.execute(
            read_sql("seed/columns.sql")  # type: ignore[arg-type]
        ):
            cols.setdefault(table, []).append(Column(name, typ, not_null, generated, has_default))
            if partitioned:
                parted.add(table)
        fks: dict[str, ForeignKey] = {}
        for con, child, ccol, parent, pcol in conn.execute(
            read_sql("seed/foreign_keys.sql")  # type: ignore[arg-type]
        ):
            key = f"{child}.{con}"
            old = fks.get(key, ForeignKey(con, child, parent, ()))
            fks[key] = ForeignKey(con, child, parent, (*old.pairs, (ccol, pcol)))
        return cls({t: tuple(c) for t, c in cols.items()}, frozenset(parted),
                   tuple(fks.values()))

    def side_tables(self, generated: Collection[str]) -> dict[str, tuple[SideTable, ...]]:
        """Side tables by parent: tables not in ``generated`` keyed to one that is.

        The parent is the generated table the side table's widest foreign key points at (for
        email_bodies the composite key to email_history, not a plain one to organizations).
        """
        out: dict[str, list[SideTable]] = {}
        for table, columns in self.columns.items():
            if table in generated:
                continue
            fks = [fk for fk in self.foreign_keys if fk.child == table and fk.parent in generated]
            if not fks:
                continue
            fk = max(fks, key=lambda f: (len(f.pairs), f.name))
            keyed = {c for c, _ in fk.pairs}
            payload = tuple(c.name for c in columns if c.name not in keyed and not c.generated)
            out.setdefault(fk.parent, []).append(SideTable(table, fk.parent, fk.pairs, payload))
        return {parent: tuple(sides) for parent, sides in out.items()}


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


def side_chunk(side: SideTable, data: dict[str, Any], catalog: Catalog) -> pl.DataFrame:
    """The side table's rows for one chunk of its parent (rows with no payload are left out).

    A payload column the parent's chunk does not carry is a schema the seeder does not know:
    it is an error, not a silently empty table.
    """
    values: dict[str, Any] = {col: data[pcol] for col, pcol in side.key}
    missing = [c for c in side.payload if c not in data]
    if missing:
        raise SchemaError(
            f"seeder cannot fill {side.name}.{missing[0]}: {side.parent}'s generator has no "
            "column of that name; teach workbench/seed/tables.py about it"
        )
    values.update({c: data[c] for c in side.payload})
    frame = fit(side.name, values, catalog)
    present = [c for c in side.payload if c in frame.columns]
    if not present:
        return frame
    return frame.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in present]))


def to_csv(frame: pl.DataFrame) -> memoryview:
    """CSV the way COPY reads it: NULL is an unquoted empty field.

    Written straight into a bytes buffer: ``write_csv()`` to a ``str`` and ``.encode()`` held
    two full copies of every chunk (tens of MB for email bodies) in each worker.
    """
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, datetime_format=DATETIME_FORMAT,
                    float_precision=3, null_value="")
    return buf.getbuffer()


def copy_frame(cur: psycopg.Cursor, table: str, frame: pl.DataFrame) -> int:
    """COPY one frame into ``table``; returns the CSV size in bytes."""
    payload = to_csv(frame)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier("public", table), sql.SQL(", ").join(map(sql.Identifier, frame.columns))
    )
    with cur.copy(stmt) as copy:
        copy.write(payload)
    size = payload.nbytes
    payload.release()
    return size
