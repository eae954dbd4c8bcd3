"""From generated columns to ``COPY ... FROM STDIN``, adapted to the target.

The writer reads the target database's catalog once and fits each chunk to it: generated
columns are left to PostgreSQL, columns the variant does not have are dropped, and a value
whose meaning the column type cannot hold becomes NULL (the baseline's uuid-typed contact flags
cannot store a boolean, so they stay NULL there, exactly as the application would leave them).
Chunks go as binary COPY (:mod:`workbench.seed.binary`) where every column type of the table
has a binary encoding, else as CSV written by polars from whole columns; both give the same
rows (a test compares checksums).

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

import numpy as np
import polars as pl
import psycopg
from psycopg import sql

from workbench.errors import SchemaError
from workbench.seed import binary
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
    base: str = ""  # base type as binary COPY sees it: 'uuid', 'numeric', 'enum', ...
    scale: int | None = None  # declared scale of a numeric column


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
        for (table, name, typ, not_null, generated, has_default, partitioned, base,
             scale) in conn.execute(read_sql("seed/columns.sql")):  # type: ignore[arg-type]
            cols.setdefault(table, []).append(
                Column(name, typ, not_null, generated, has_default, base, scale))
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

    def binary(self, table: str) -> bool:
        """Whether ``table`` can be written with binary COPY (every column type encodable)."""
        return binary.encodable([c.base for c in self.columns[table] if not c.generated])

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


def _is_flag(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype == np.bool_
    return isinstance(value, pl.Series) and value.dtype == pl.Boolean


def chunk_rows(data: dict[str, Any]) -> int:
    """Rows in a chunk (its longest column; None stands for a column of NULLs)."""
    return max((len(v) for v in data.values() if v is not None), default=0)


def targets(table: str, data: dict[str, Any], catalog: Catalog) -> list[tuple[Column, Any]]:
    """The columns COPY will send to ``table``, each with its values (None: all NULL).

    Generated columns and columns the chunk has no values for are left to the server; a
    NOT NULL column without a default and without values is a schema the seeder does not know.
    """
    out = []
    for column in catalog.columns[table]:
        if column.generated:
            continue
        value = data.get(column.name, ...)
        if value is ...:
            if column.not_null and not column.has_default:
                raise SchemaError(
                    f"seeder has no values for {table}.{column.name} ({column.type}, NOT NULL, "
                    "no default): teach the profile's generator for this table "
                    "([catalog] generators) about this column"
                )
            continue
        if _is_flag(value) and column.base != "bool":
            value = None  # a flag whose column type cannot hold a boolean stays NULL
        out.append((column, value))
    return out


def fit(table: str, data: dict[str, Any], catalog: Catalog) -> pl.DataFrame:
    """The chunk as a frame whose columns are exactly what COPY will send to ``table``."""
    n = chunk_rows(data)
    out: dict[str, pl.Series] = {}
    for column, value in targets(table, data, catalog):
        out[column.name] = (pl.Series(column.name, [None] * n) if value is None
                            else pl.Series(column.name, value))
    return pl.DataFrame(out)


def side_chunk(side: SideTable, data: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """The side table's chunk made from its parent's chunk (rows with no payload left out).

    A payload column the parent's chunk does not carry is a schema the seeder does not know:
    it is an error, not a silently empty table.
    """
    values: dict[str, Any] = {col: data[pcol] for col, pcol in side.key}
    missing = [c for c in side.payload if c not in data]
    if missing:
        raise SchemaError(
            f"seeder cannot fill {side.name}.{missing[0]}: {side.parent}'s generator has no "
            "column of that name; teach that generator ([catalog] generators) about it"
        )
    values.update({c: data[c] for c in side.payload})
    frame = fit(side.name, values, catalog)
    present = [c for c in side.payload if c in frame.columns]
    if present:
        frame = frame.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in present]))
    return {name: frame[name] for name in frame.columns}


def to_csv(frame: pl.DataFrame) -> memoryview:
    """CSV the way COPY reads it: NULL is an unquoted empty field.

    Written straight into a bytes buffer: ``write_csv()`` to a ``str`` and ``.encode()`` held
    two full copies of every chunk (tens of MB for email bodies) in each worker.
    """
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, datetime_format=DATETIME_FORMAT,
                    float_precision=3, null_value="")
    return buf.getbuffer()


def encode_chunk(table: str, data: dict[str, Any], catalog: Catalog, *, use_binary: bool = True
                 ) -> tuple[list[str], str, list[bytes] | list[memoryview]]:
    """(columns, COPY format, payload parts) for one chunk of ``table``.

    Binary where the table allows it and ``use_binary``, else CSV.
    """
    if use_binary and catalog.binary(table):
        n = chunk_rows(data)
        cols = targets(table, data, catalog)
        arrays = [binary.column_array(c.base, c.scale, v, n) for c, v in cols]
        names = [c.name for c, _ in cols]
        return names, "binary", binary.encode(names, [c.base for c, _ in cols], arrays)
    frame = fit(table, data, catalog)
    return frame.columns, "csv", [to_csv(frame)]


def copy_chunk(cur: psycopg.Cursor, table: str, data: dict[str, Any], catalog: Catalog, *,
               use_binary: bool = True, target: sql.Composable | None = None) -> int:
    """COPY one chunk into ``table`` (``target``: its quoted name, when not ``public.table``);
    returns the payload's size in bytes."""
    names, fmt, payload = encode_chunk(table, data, catalog, use_binary=use_binary)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT {})").format(
        target or sql.Identifier("public", table), sql.SQL(", ").join(map(sql.Identifier, names)),
        sql.SQL(fmt),
    )
    size = 0
    with cur.copy(stmt) as copy:
        for part in payload:
            copy.write(part)
            size += len(part) if isinstance(part, bytes) else part.nbytes
    for part in payload:
        if isinstance(part, memoryview):
            part.release()
    return size
