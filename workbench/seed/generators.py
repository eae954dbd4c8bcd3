"""Column generators of the catalog-driven seeder: a :class:`Spec` per column, values per chunk.

A spec is decided once, when the plan is made (:mod:`workbench.seed.plan`), from the column's
type, its checks' hints, its default and its meaning; :func:`values` then draws a chunk's values
with the chunk's own RNG, vectorised (numpy / polars), from pools built once. Values come out as
polars series of the dtype the column's base type is written from (see
:mod:`workbench.seed.binary`); types without a binary encoding come out as their PostgreSQL text
form and go by CSV.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import rstr

from workbench.seed.meaning import pool_for
from workbench.seed.values import US_PER_DAY, Calendar, hex_tokens, sample, uuids

INT_BOUNDS = {"int2": 2**15 - 1, "int4": 2**31 - 1, "int8": 2**63 - 1}
NUMERIC_TYPES = frozenset({"numeric", "float4", "float8", "money"})
TIME_TYPES = frozenset({"timestamp", "timestamptz", "date"})
# Types generated as their text form: (what) -> made by _text_form below.
TEXT_FORMS = frozenset({"inet", "cidr", "macaddr", "macaddr8", "bytea", "interval", "time",
                        "timetz", "tsvector", "xml", "bit", "varbit", "point", "int4range",
                        "int8range", "numrange", "tstzrange", "daterange", "char", "oid"})
KNOWN_TYPES = frozenset({"text", "varchar", "bpchar", "citext", "name", "uuid", "bool", "json",
                         "jsonb", "enum"} | set(INT_BOUNDS) | NUMERIC_TYPES | TIME_TYPES
                        | TEXT_FORMS)
ALPHABETS = {"hex": "0123456789abcdef", "digits": string.digits,
             "alnum": string.ascii_letters + string.digits,
             "lower": string.ascii_lowercase + string.digits,
             "upper": string.ascii_uppercase + string.digits,
             "nanoid": string.ascii_letters + string.digits + "_-",
             "crockford": "0123456789ABCDEFGHJKMNPQRSTVWXYZ"}
DEFAULT_RANGES = {  # (low, high) by meaning, for numbers the checks leave open
    "money": (1.0, 5000.0), "percent": (0.0, 100.0), "quantity": (1, 50), "rating": (1, 5),
    "year": (1980, 2026), "age": (18, 90), "position": (0, 100), "duration": (1, 3600),
    "latitude": (-60.0, 70.0), "longitude": (-180.0, 180.0),
}


def _pool(meaning: str) -> np.ndarray:
    """A pool that exists (the meanings used here all have one)."""
    pool = pool_for(meaning)
    assert pool is not None, meaning
    return pool


@dataclass(frozen=True)
class Spec:
    """How one column is filled, and why (shown by ``--explain-plan``).

    ``kind``: tenant, fk, serial, uuid, choices, bool, int, number, text, regex, idshape,
    time, json, array, textform, null (always NULL), server (left to PostgreSQL).
    """

    kind: str
    reason: str
    params: dict[str, Any] = field(default_factory=dict)
    null_share: float = 0.0
    base: str = ""

    def describe(self) -> str:
        """One line for the plan listing."""
        shown = {k: (v.kind if isinstance(v, Spec) else v) for k, v in self.params.items()
                 if k not in ("pool",) and v is not None}
        extra = f" {shown}" if shown else ""
        nulls = f", {self.null_share:.0%} NULL" if self.null_share else ""
        return f"{self.kind}{extra}{nulls}: {self.reason}"


@dataclass
class Context:
    """What a chunk's values may depend on besides its RNG."""

    cal: Calendar
    tenant: int
    row0: int  # the chunk's first row number within this tenant's rows of the table
    frame: dict[str, pl.Series] = field(default_factory=dict)  # columns made so far


def _nulls(series: pl.Series, rng: np.random.Generator, share: float) -> pl.Series:
    if share <= 0:
        return series
    where = pl.Series(rng.random(len(series)) < share)
    return pl.select(pl.when(where).then(None).otherwise(series)).to_series().alias(series.name)


def values(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    """``n`` values of a column as ``spec`` says (fk and tenant columns are the engine's)."""
    out = MAKERS[spec.kind](spec, rng, n, ctx)
    return _nulls(out, rng, spec.null_share)


def _fit_text(series: pl.Series, p: dict[str, Any]) -> pl.Series:
    if p.get("min_len"):
        series = series.str.pad_end(int(p["min_len"]), "x")
    if p.get("max_len") is not None:
        series = series.str.slice(0, int(p["max_len"]))
    return series


def _choices(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    options = list(spec.params["values"])
    weights = np.array(spec.params.get("weights") or [1.0] * len(options), dtype=float)
    picked = rng.choice(len(options), size=n, p=weights / weights.sum())
    series = pl.Series([options[i] for i in picked]) if n else pl.Series([], dtype=pl.String)
    return series.cast(pl.String) if spec.base in ("enum", "text", "varchar", "bpchar",
                                                    "citext") else series


def _bool(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    return pl.Series(rng.random(n) < spec.params.get("true_share", 0.5))


def _serial(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    """Per-tenant ranges of a sequence's values: the same ids whatever the worker count."""
    base = 0 if spec.params.get("per_tenant") else (ctx.tenant + 1) * int(spec.params["stride"])
    return pl.Series(np.arange(base + ctx.row0 + 1, base + ctx.row0 + 1 + n, dtype=np.int64))


def _uuid(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    return pl.Series(uuids(rng, n))


def _int(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    lo, hi = int(spec.params["lo"]), int(spec.params["hi"])
    return pl.Series(rng.integers(lo, hi + 1, size=n, dtype=np.int64))


def _number(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    lo, hi = float(spec.params["lo"]), float(spec.params["hi"])
    scale = spec.params.get("scale")
    if spec.params.get("money") and lo >= 0:
        raw = np.exp(rng.normal(np.log(max(lo, 1.0) * 30), 1.0, size=n))
        raw = np.clip(raw, lo, hi)
    else:
        raw = rng.uniform(lo, hi, size=n)
    digits = 3 if scale is None else min(int(scale), 3)
    out = np.round(raw, digits)
    step = 10.0 ** -digits
    out = np.clip(out, np.ceil(lo / step) * step, np.floor(hi / step) * step)
    return pl.Series(out)


def _text(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    p = spec.params
    meaning = p.get("meaning")
    if "pool" in p:  # values known to match the column's regex check
        series = pl.Series(sample(rng, np.asarray(p["pool"]), n))
    elif meaning == "person":
        first, last = _pool("first_name"), _pool("last_name")
        series = pl.Series(sample(rng, first, n)) + " " + pl.Series(sample(rng, last, n))
    elif meaning == "email":
        first, last = _pool("first_name"), _pool("last_name")
        local = (pl.Series(sample(rng, first, n)) + "." + pl.Series(sample(rng, last, n)))
        local = local.str.to_lowercase().str.replace_all(r"[^a-z0-9.]", "")
        series = local + "@" + pl.Series(sample(rng, _pool("domain"), n))
    elif meaning == "slug":
        series = (pl.Series(sample(rng, _pool("word"), n)) + "-"
                  + pl.Series(sample(rng, _pool("word"), n)))
    elif meaning == "token":
        series = pl.Series(hex_tokens(rng, n, 16))
    elif meaning == "code":
        series = ("".join(rng.choice(list(string.ascii_uppercase), size=3)) + "-"
                  + pl.Series(rng.integers(0, 10**6, size=n)).cast(pl.String).str.zfill(6))
    elif meaning and (pool := pool_for(meaning)) is not None:
        series = pl.Series(sample(rng, pool, n))
    else:
        words = _pool("word")
        series = (pl.Series(sample(rng, words, n)).str.to_titlecase() + " "
                  + pl.Series(sample(rng, words, n)))
    return _fit_text(series.cast(pl.String), p)


def regex_pool(pattern: str, case_insensitive: bool, seed: int, size: int = 256) -> np.ndarray:
    """Strings matching ``pattern`` (made once at plan time with rstr, seeded)."""
    gen = rstr.Rstr(random.Random(seed))
    made = {gen.xeger(pattern) for _ in range(size)}
    check = ("(?i)" if case_insensitive else "") + pattern
    kept = pl.Series(sorted(made)).filter(pl.Series(sorted(made)).str.contains(check))
    return kept.to_numpy()


def _idshape(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    """Text ids shaped like the default's or existing rows' (see :mod:`workbench.seed.idformat`):
    prefix + a uuid, or prefix + random characters of the alphabet seen."""
    p = spec.params
    if p["alphabet"] == "uuid":
        return _fit_text(p.get("prefix", "") + pl.Series(uuids(rng, n), dtype=pl.String), p)
    alphabet = np.array(list(p.get("chars") or ALPHABETS[p["alphabet"]]))
    body = alphabet[rng.integers(0, len(alphabet), size=(n, int(p["length"])))]
    joined = body.view(f"U{int(p['length'])}").ravel() if n else np.array([], dtype="U1")
    return _fit_text(p.get("prefix", "") + pl.Series(joined).cast(pl.String), p)


def _time(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    """Times over the profile's period with its growth; related columns follow the first."""
    p = spec.params
    after = p.get("after")
    anchor = ctx.frame.get(after) if after else None
    if p.get("meaning") == "birth":
        us = ctx.cal.start_us - rng.integers(18 * 365, 80 * 365, size=n) * US_PER_DAY
    elif anchor is not None:
        base = anchor.cast(pl.Datetime("us", "UTC")).dt.epoch("us").to_numpy()
        base = np.where(np.isnan(base.astype(float)), ctx.cal.start_us, base).astype(np.int64)
        span = 90 * US_PER_DAY if p.get("meaning") == "future" else 7 * US_PER_DAY
        us = base + rng.integers(60_000_000, span, size=n)
    else:
        us = ctx.cal.times(rng, n)
        if p.get("meaning") == "future":
            us = us + rng.integers(US_PER_DAY, 180 * US_PER_DAY, size=n)
    lo, hi = p.get("lo_us"), p.get("hi_us")
    if lo is not None or hi is not None:
        us = np.clip(us, lo if lo is not None else us.min(initial=0),
                     hi if hi is not None else us.max(initial=0))
    series = pl.Series(us.astype(np.int64)).cast(pl.Datetime("us", "UTC"))
    if spec.base == "date":
        return series.dt.date()
    if spec.base == "timestamp":
        return series.dt.replace_time_zone(None)
    return series


def _json(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    words = _pool("word")
    if spec.params.get("meaning") == "tags":
        a, b = sample(rng, words, n), sample(rng, words, n)
        k = rng.integers(0, 3, size=n)
        return pl.Series(np.where(k == 0, "[]", np.where(
            k == 1, np.char.add(np.char.add('["', a), '"]'),
            np.char.add(np.char.add(np.char.add(np.char.add('["', a), '", "'), b), '"]'))))
    key, val = sample(rng, words, n), sample(rng, words, n)
    num = rng.integers(0, 1000, size=n).astype(str)
    return ('{"' + pl.Series(key) + '": "' + pl.Series(val) + '", "n": '
            + pl.Series(num) + "}")


def _array(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    """PostgreSQL array literals of 0-3 elements made by the element's spec."""
    element: Spec = spec.params["element"]
    k = rng.integers(spec.params.get("min_items", 0), 4, size=n)
    items = [values(element, rng, n, ctx).cast(pl.String) for _ in range(3)]
    quote = element.base not in INT_BOUNDS and element.base not in NUMERIC_TYPES
    parts = [pl.when(pl.Series(k) > i).then(
        (pl.lit('"') + pl.lit(s) + pl.lit('"')) if quote else pl.lit(s))
        for i, s in enumerate(items)]
    return pl.select(pl.lit("{") + pl.concat_str(parts, separator=",", ignore_nulls=True)
                     + pl.lit("}")).to_series()


def _textform(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    """Types written in their text form (CSV COPY)."""
    base = spec.base
    ints = rng.integers(0, 256, size=(n, 4))
    if base in ("inet", "cidr"):
        if base == "inet" and (pool := pool_for("ip")) is not None:
            return pl.Series(sample(rng, pool, n))
        return pl.Series([f"10.{a}.{b}.0/24" for a, b, _, _ in ints])
    if base in ("macaddr", "macaddr8"):
        width = 6 if base == "macaddr" else 8
        raw = hex_tokens(rng, n, width)
        return pl.Series([":".join(r[i:i + 2] for i in range(0, 2 * width, 2)) for r in raw])
    if base == "bytea":
        return "\\x" + pl.Series(hex_tokens(rng, n, 16))
    if base == "interval":
        return pl.Series(rng.integers(1, 10_000, size=n)).cast(pl.String) + " minutes"
    if base in ("time", "timetz"):
        secs = rng.integers(0, 86_400, size=n)
        out = pl.Series([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in secs])
        return out + "+00" if base == "timetz" else out
    if base in ("tsvector", "xml"):
        words = pl.Series(sample(rng, _pool("word"), n))
        return words if base == "tsvector" else "<p>" + words + "</p>"
    if base in ("bit", "varbit"):
        width = spec.params.get("width") or 8
        bits = rng.integers(0, 2, size=(n, width)).astype(str)
        return pl.Series(["".join(b) for b in bits])
    if base == "point":
        return pl.Series([f"({a},{b})" for a, b, _, _ in ints])
    if base in ("int4range", "int8range", "numrange"):
        return pl.Series([f"[{a},{a + b + 1})" for a, b, _, _ in ints])
    if base in ("tstzrange", "daterange"):
        start = ctx.cal.times(rng, n)
        days = pl.Series(start).cast(pl.Datetime("us", "UTC")).dt.date().cast(pl.String)
        return "[" + days + "," + days + "]" if base == "daterange" else (
            "[" + days + "," + days + " 23:00+00)")
    if base == "char":
        return pl.Series(sample(rng, np.array(list(string.ascii_lowercase)), n))
    if base == "oid":
        return pl.Series(rng.integers(1, 100_000, size=n)).cast(pl.String)
    raise ValueError(f"no text form for {base}")


def _null(spec: Spec, rng: np.random.Generator, n: int, ctx: Context) -> pl.Series:
    return pl.Series([None] * n, dtype=pl.String)


MAKERS = {
    "choices": _choices, "bool": _bool, "serial": _serial, "uuid": _uuid, "int": _int,
    "number": _number, "text": _text, "idshape": _idshape, "time": _time, "json": _json,
    "array": _array, "textform": _textform, "null": _null,
}


def time_bound_us(value: Any) -> int:
    """A date or datetime bound from a check as epoch microseconds."""
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return int(value.timestamp() * 1_000_000)
    start = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    return int(start.timestamp() * 1_000_000)
