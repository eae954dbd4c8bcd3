"""Value pools and vectorised column helpers.

Faker makes realistic names, companies, addresses and sentences but costs ~0.5 ms per value, so
it runs once per process to fill pools (a second or so) and rows sample those pools with numpy.
Everything random here takes an explicit ``numpy.random.Generator``: the caller derives one per
(seed, tenant, table), which is what makes a run identical whatever the number of workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

from workbench.paths import project_root
from workbench.seed.profile import WEEKDAYS, Profile

TABLE_CODES: dict[str, int] = {}
POOL_SEED = 20240601  # pools are fixed content, independent of --seed, so cached pools agree
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
US_PER_DAY = 86_400_000_000
T = TypeVar("T")
SYDNEY_UTC_OFFSET_H = 10  # business hours are local; DST ignored on purpose (documented)


def rng_for(seed: int, tenant: int, table: str) -> np.random.Generator:
    """The RNG stream of one tenant's rows of one table.

    Keyed by names rather than call order, so generating tables in another order or on
    another worker never changes a value.
    """
    code = int.from_bytes(hashlib.blake2b(table.encode(), digest_size=4).digest(), "little")
    return np.random.default_rng([seed, tenant, code])


def uuids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random version-4 uuids as 36-character strings (numpy unicode array)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexed = np.empty((n, 32), dtype=np.uint8)
    hexed[:, 0::2] = HEX[raw >> 4]
    hexed[:, 1::2] = HEX[raw & 0x0F]
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for dst, src in ((0, 0), (9, 8), (14, 12), (19, 16), (24, 20)):
        width = 8 if dst == 0 else (12 if dst == 24 else 4)
        out[:, dst:dst + width] = hexed[:, src:src + width]
    return out.view("S36").ravel().astype("U36")


def hex_tokens(rng: np.random.Generator, n: int, nbytes: int) -> np.ndarray:
    """``n`` random lowercase hex strings of ``2 * nbytes`` characters."""
    raw = rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)
    hexed = np.empty((n, nbytes * 2), dtype=np.uint8)
    hexed[:, 0::2] = HEX[raw >> 4]
    hexed[:, 1::2] = HEX[raw & 0x0F]
    return hexed.view(f"S{nbytes * 2}").ravel().astype(f"U{nbytes * 2}")


def pick(rng: np.random.Generator, options: Mapping[str, float], n: int) -> np.ndarray:
    """``n`` labels drawn with the given weights (name -> weight)."""
    names = np.array(list(options))
    weights = np.array(list(options.values()), dtype=float)
    return names[rng.choice(len(names), size=n, p=weights / weights.sum())]


def sample(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    """``n`` values drawn uniformly from ``pool``."""
    return pool[rng.integers(0, len(pool), size=n)]


def mask(rng: np.random.Generator, share: float, n: int) -> np.ndarray:
    """A boolean mask with about ``share`` of ``n`` set."""
    return rng.random(n) < share


def money(cents: np.ndarray) -> pl.Series:
    """Integer cents as a float column written with 3 decimals (exact for numeric(12,2))."""
    return pl.Series(np.asarray(cents, dtype=np.int64) / 100.0)


def qty(milli: np.ndarray) -> pl.Series:
    """Integer thousandths as a float column (exact for numeric(10,3))."""
    return pl.Series(np.asarray(milli, dtype=np.int64) / 1000.0)


def timestamps(us: np.ndarray) -> pl.Series:
    """Microseconds since the epoch as a timestamptz column."""
    return pl.Series(np.asarray(us, dtype=np.int64)).cast(pl.Datetime("us", "UTC"))


def dates(us: np.ndarray) -> pl.Series:
    """The UTC date of microsecond timestamps, as a date column."""
    return timestamps(us).dt.date()


@dataclass(frozen=True)
class Calendar:
    """When things happen: the period's day weights (growth x weekday) and hour weights."""

    start_us: int
    day_p: np.ndarray
    hour_p: np.ndarray

    @classmethod
    def of(cls, profile: Profile) -> Calendar:
        """Build the calendar once per profile."""
        days = np.arange(profile.days)
        growth = 1.0 + profile.growth * days / max(profile.days - 1, 1)
        first = profile.start.weekday()
        week = np.array([profile.weekday[WEEKDAYS[(first + d) % 7]] for d in days])
        day_w = growth * week
        lo, hi = profile.business_hours
        local = np.array([1.0 if lo <= h < hi else profile.after_hours for h in range(24)])
        start = dt.datetime.combine(profile.start, dt.time(), tzinfo=dt.UTC)
        return cls(int(start.timestamp() * 1_000_000), day_w / day_w.sum(), local / local.sum())

    def times(self, rng: np.random.Generator, n: int, *, after_us: np.ndarray | None = None
              ) -> np.ndarray:
        """``n`` event times (epoch microseconds) following the seasonality, sorted.

        ``after_us`` moves each event to no earlier than the given time (a child is never
        older than its parent) while keeping it inside the period.
        """
        day = rng.choice(len(self.day_p), size=n, p=self.day_p)
        local_hour = rng.choice(24, size=n, p=self.hour_p)
        within = rng.integers(0, 3_600_000_000, size=n)
        us = (self.start_us + day * US_PER_DAY
              + (local_hour - SYDNEY_UTC_OFFSET_H) * 3_600_000_000 + within)
        if after_us is not None:
            end = self.start_us + len(self.day_p) * US_PER_DAY
            us = np.maximum(us, np.minimum(after_us + rng.integers(60_000_000, 86_400_000_000,
                                                                   size=n), end))
        return np.sort(us) if after_us is None else us

    @property
    def end_us(self) -> int:
        """The end of the period."""
        return self.start_us + len(self.day_p) * US_PER_DAY


def _json_safe(values: list[str]) -> np.ndarray:
    """Keep values that need no JSON escaping, so one pool serves text and JSONB columns."""
    return np.array(sorted({v for v in values if json.dumps(v, ensure_ascii=False)[1:-1] == v}))


@dataclass(frozen=True)
class Pools:
    """Realistic values made once by Faker (en_AU) and sampled per row."""

    first: np.ndarray
    last: np.ndarray
    company: np.ndarray
    street: np.ndarray
    city: np.ndarray
    state: np.ndarray
    postcode: np.ndarray
    phone: np.ndarray
    job: np.ndarray
    word: np.ndarray
    sentence: np.ndarray
    paragraph: np.ndarray
    domain: np.ndarray
    user_agent: np.ndarray
    ipv4: np.ndarray
    product: np.ndarray
    category: np.ndarray


def _cache_file(name: str) -> Path:
    from importlib.metadata import version

    home = Path(os.environ.get("WORKBENCH_HOME") or project_root() / ".workbench")
    return home / "cache" / f"{name}-{version('faker')}-{POOL_SEED}.pickle"


def cached_pools(name: str, build: Callable[[], T], kind: type[T]) -> T:
    """Pools ``build`` makes with Faker, cached on disk under ``name`` (Faker costs seconds).

    Content is fixed (own seed, keyed by Faker's version), so a cached copy is the same pool.
    """
    path = _cache_file(name)
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, kind):
            return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(built, fh)
        tmp.replace(path)
    except OSError:
        pass
    return built


@cache
def pools(size: int = 1500) -> Pools:
    """The value pools: built by Faker once, then cached on disk."""
    return cached_pools(f"seed-pools-{size}", lambda: _build_pools(size), Pools)


def _build_pools(size: int) -> Pools:
    from faker import Faker

    fake = Faker("en_AU")
    fake.seed_instance(POOL_SEED)

    def many(fn, n: int = size) -> list[str]:  # type: ignore[no-untyped-def]
        return [str(fn()) for _ in range(n)]

    adjectives = ["Premium", "Heavy-Duty", "Compact", "Solar", "Smart", "Industrial", "Eco",
                  "Pro", "Classic", "Marine", "Outdoor", "Wireless", "Modular", "Lithium"]
    nouns = ["Inverter", "Panel", "Battery", "Cable", "Bracket", "Controller", "Sensor", "Pump",
             "Valve", "Charger", "Mount", "Switch", "Meter", "Enclosure", "Fuse", "Isolator"]
    products = [f"{a} {n} {fake.bothify('??-###').upper()}" for a in adjectives for n in nouns]
    return Pools(
        first=_json_safe(many(fake.first_name)),
        last=_json_safe(many(fake.last_name)),
        company=_json_safe(many(fake.company, size // 2)),
        street=_json_safe(many(fake.street_address)),
        city=_json_safe(many(fake.city, 300)),
        state=np.array(["NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"]),
        postcode=np.array(many(fake.postcode, 500)),
        phone=np.array(many(fake.phone_number)),
        job=_json_safe(many(fake.job, 300)),
        word=np.array(sorted({w.lower() for w in fake.words(nb=600)})),
        sentence=_json_safe(many(fake.sentence, size)),
        paragraph=np.array(many(lambda: fake.paragraph(nb_sentences=6), 400)),
        domain=np.array(many(fake.domain_name, 400)),
        user_agent=np.array(many(fake.user_agent, 200)),
        ipv4=np.array(many(fake.ipv4_public, size)),
        product=_json_safe(products),
        category=np.array(["Solar", "Storage", "Electrical", "Mounting", "Monitoring", "Plumbing",
                           "Safety", "Tools", "Accessories", "Services"]),
    )


def slugify(values: np.ndarray) -> pl.Series:
    """Lowercase, hyphenated slugs of ``values``."""
    return (pl.Series(values).str.to_lowercase()
            .str.replace_all(r"[^a-z0-9]+", "-").str.strip_chars("-"))
