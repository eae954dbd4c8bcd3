"""Binary COPY from columns: a chunk's columns as Arrow arrays, encoded by pgpq.

Why binary: with ``FORMAT csv`` the server parses every uuid, timestamp and number from text,
and that parsing, not the client, bounded the load. In binary format a uuid is 16 bytes the
server copies and a timestamptz is 8. pgpq (Arrow -> PostgreSQL's binary COPY format, in Rust)
does the encoding; the columns reach Arrow without a Python loop per row: polars series
convert without copying, and uuid strings become 16 bytes through a lookup table over their
UCS-4 code points.

Binary COPY carries no type information: each field must be exactly what the column type's
receive function reads (an int4 column rejects 8 bytes). So the arrays are built from the
catalog's base type of each column, and a table with a column type this module does not know
(inet, arrays, ranges, ...) is written as CSV instead (:func:`encodable`).
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
from pgpq import ArrowToPostgresBinaryEncoder
from pgpq import encoders as pgpq_encoders
from pgpq.schema import Jsonb

TEXT_TYPES = frozenset({"text", "varchar", "bpchar", "enum", "json", "jsonb"})
ARROW_TYPES: dict[str, pa.DataType] = {
    "uuid": pa.binary(16),
    "bool": pa.bool_(),
    "int2": pa.int16(),
    "int4": pa.int32(),
    "int8": pa.int64(),
    "float4": pa.float32(),
    "float8": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "timestamptz": pa.timestamp("us", tz="UTC"),
    **{t: pa.large_string() for t in TEXT_TYPES},
}
STRING_BUILDERS: dict[pa.DataType, Any] = {
    pa.string(): pgpq_encoders.StringEncoderBuilder,
    pa.large_string(): pgpq_encoders.LargeStringEncoderBuilder,
    pa.string_view(): pgpq_encoders.StringViewEncoderBuilder,
}
_UUID_GROUPS = ((0, 8), (9, 13), (14, 18), (19, 23), (24, 36))  # hex digits between dashes


def arrow_type(base: str, scale: int | None = None) -> pa.DataType | None:
    """The Arrow type whose pgpq encoding a column of ``base`` type receives (None: unknown)."""
    if base == "numeric":
        return pa.decimal128(38, 3 if scale is None else scale)
    return ARROW_TYPES.get(base)


def encodable(bases: Sequence[str]) -> bool:
    """Whether every column type of a table has a binary encoding here."""
    return all(arrow_type(b) is not None for b in bases)


def uuid_bytes(values: np.ndarray) -> pa.Array:
    """36-character uuid strings (numpy ``U36``) as 16-byte binary, without a row loop.

    A ``U36`` array is 36 UCS-4 code points per row, little-endian: the first byte of each is
    the ASCII character. The 32 hex digits of all rows, gathered into one buffer, decode in
    one ``unhexlify`` call (37 ns per uuid, against 108 for a nibble lookup table in numpy);
    a character that is not a hex digit raises instead of writing a wrong id.
    """
    n = len(values)
    chars = np.ascontiguousarray(values, dtype="<U36").view(np.uint8).reshape(n, 144)[:, 0::4]
    digits = np.concatenate([chars[:, a:b] for a, b in _UUID_GROUPS], axis=1)
    raw = binascii.unhexlify(digits.tobytes())
    return pa.Array.from_buffers(pa.binary(16), n, [None, pa.py_buffer(raw)])


_DASHES = [8, 13, 18, 23]
_HEX_COLUMNS = np.concatenate([np.arange(a, b) for a, b in _UUID_GROUPS])


def _uuid_series(series: pl.Series) -> pa.Array:
    """uuid strings (a polars series) as 16-byte binary. The canonical 36-character form, no
    NULL (what the catalog engine makes and reads back) is decoded from the Arrow string
    buffer in one ``unhexlify``, as :func:`uuid_bytes` does (profiled: 0.84 s of a 17 s lago
    seed went to polars' replace + hex decode per value), NULLs included (optional foreign
    keys); anything else through polars. The checks read the Arrow offsets with numpy: a
    polars call each (length, all, null count) cost ~75 us, 4 per uuid column and chunk
    (lago: ~1,800 columns per ci seed)."""
    n = len(series)
    arr = series.rechunk().to_arrow() if series.dtype == pl.String else None
    if arr is not None and n > arr.null_count:
        if arr.type != pa.large_string():
            arr = arr.cast(pa.large_string())
        valid = _validity(arr)
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + n + 1]
        sizes = np.diff(offsets)
        count = n - arr.null_count
        if offsets[-1] - offsets[0] == 36 * count and (sizes[valid] == 36).all():
            # the values side by side (a NULL takes no bytes): a view, no copy
            grid = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[
                offsets[0]:offsets[-1]].reshape(count, 36)
            if (grid[:, _DASHES] == ord("-")).all():
                raw = binascii.unhexlify(np.ascontiguousarray(grid[:, _HEX_COLUMNS]).tobytes())
                if arr.null_count == 0:
                    return pa.Array.from_buffers(pa.binary(16), n, [None, pa.py_buffer(raw)])
                out = np.zeros((n, 16), dtype=np.uint8)
                out[valid] = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16)
                bitmap = pa.py_buffer(np.packbits(valid, bitorder="little").tobytes())
                return pa.Array.from_buffers(pa.binary(16), n, [bitmap, pa.py_buffer(out)],
                                             null_count=arr.null_count)
    text = series.cast(pl.String)
    hexed = text.str.replace_all("-", "", literal=True).str.decode("hex")
    return hexed.to_arrow().cast(pa.binary(16))


def _validity(arr: pa.Array) -> np.ndarray:
    """Which values of ``arr`` are not NULL, from its bitmap with numpy: pyarrow's
    ``is_valid`` (its own memory pool) raised the peak RSS of a lago ci build by ~30 MB."""
    n = len(arr)
    if arr.null_count == 0:
        return np.ones(n, dtype=bool)
    bits = np.unpackbits(np.frombuffer(arr.buffers()[0], dtype=np.uint8), bitorder="little")
    return bits[arr.offset:arr.offset + n].astype(bool)


def _numeric(series: pl.Series, typ: pa.Decimal128Type) -> pa.Array:
    """Floats (money as cents / 100, quantities as thousandths / 1000) as exact decimals.

    The same value the CSV path stores: CSV writes 3 decimals and the server rounds those to
    the column's scale, half away from zero; here in integers.
    """
    milli = (series.cast(pl.Float64) * 1000).round(0).cast(pl.Int64)
    if typ.scale >= 3:
        unscaled = milli * 10 ** (typ.scale - 3)
    else:
        step = 10 ** (3 - typ.scale)
        unscaled = (milli.abs() + step // 2) // step * milli.sign()
    return unscaled.to_arrow().cast(pa.decimal128(38, 0)).view(typ)


def column_array(base: str, scale: int | None, value: Any, n: int) -> pa.Array:
    """One column's values (numpy array, polars series or None) as the Arrow array to encode."""
    typ = arrow_type(base, scale)
    if typ is None:
        raise ValueError(f"no binary encoding for type {base!r}")
    if value is None:
        return pa.nulls(n, typ)
    if base == "uuid" and isinstance(value, np.ndarray) and value.dtype == np.dtype("U36"):
        return uuid_bytes(value)
    series = value if isinstance(value, pl.Series) else pl.Series(value)
    if series.dtype == pl.Null or series.null_count() == len(series):
        return pa.nulls(len(series), typ)
    if base == "uuid":
        return _uuid_series(series)
    if base == "numeric":
        return _numeric(series, typ)
    if base in TEXT_TYPES:
        return series.cast(pl.String).to_arrow()
    return series.to_arrow().cast(typ)


HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
TRAILER = b"\xff\xff"


def encode(names: Sequence[str], bases: Sequence[str], arrays: Sequence[pa.Array]
           ) -> list[bytes]:
    """A whole ``COPY ... FROM STDIN (FORMAT binary)`` payload: [header, rows, trailer].

    Kept as three parts, written one after the other: joining them copied every chunk once
    more (an email chunk is ~17 MB). (pgpq buffers the rows: most come with the trailer.)
    """
    fields = [pa.field(name, array.type) for name, array in zip(names, arrays, strict=True)]
    builders = {}
    for field, base in zip(fields, bases, strict=True):
        if base == "jsonb":  # jsonb's binary form is a version byte, then the text
            builders[field.name] = STRING_BUILDERS[field.type].new_with_output(field, Jsonb())
        else:
            builders[field.name] = ArrowToPostgresBinaryEncoder.infer_encoder(field)
    schema = pa.schema(fields)
    encoder = ArrowToPostgresBinaryEncoder.new_with_encoders(schema, builders)
    batch = pa.RecordBatch.from_arrays(list(arrays), schema=schema)
    return [encoder.write_header(), encoder.write_batch(batch), encoder.finish()]


def encode_rows(names: Sequence[str], bases: Sequence[str], arrays: Sequence[pa.Array]
                ) -> list[bytes | memoryview]:
    """The rows alone (no header, no trailer), to follow other chunks' rows in one COPY
    that is opened with :data:`HEADER` and closed with :data:`TRAILER`."""
    header, rows, last = encode(names, bases, arrays)
    if header != HEADER or not last.endswith(TRAILER):
        raise RuntimeError("pgpq wrote an unexpected binary COPY header or trailer")
    return [part for part in (rows, memoryview(last)[:-len(TRAILER)]) if len(part)]
