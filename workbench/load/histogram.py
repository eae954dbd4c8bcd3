"""A small HDR-style latency histogram in microseconds.

Locust's CSV percentiles are rounded to whole milliseconds, which hides everything that matters
for sub-millisecond queries. This log-linear histogram keeps about 1.5% relative precision from
1 µs to hours in a few hundred buckets, merges across Locust worker processes (each writes its
own JSON file) and is cheap enough to record every request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

POOL_WAIT = "(pool wait)"
"""Name under which the time spent waiting for a pooled connection is recorded."""

SUB_BITS = 7  # 128 linear sub-buckets per power of two below 128, 64 above: ~1.5% precision
_SUB = 1 << SUB_BITS
_HALF = _SUB >> 1


def bucket_of(value_us: int) -> int:
    """Index of the bucket that holds ``value_us`` (exact below 128 µs)."""
    if value_us < _SUB:
        return max(value_us, 0)
    shift = value_us.bit_length() - SUB_BITS
    return _SUB + (shift - 1) * _HALF + ((value_us >> shift) - _HALF)


def bucket_floor(index: int) -> int:
    """Smallest value (µs) that falls in bucket ``index``."""
    if index < _SUB:
        return index
    shift, rest = divmod(index - _SUB, _HALF)
    return (rest + _HALF) << (shift + 1)


def bucket_mid(index: int) -> float:
    """Midpoint of bucket ``index``, the value reported for a percentile inside it."""
    low = bucket_floor(index)
    high = bucket_floor(index + 1)
    return (low + high - 1) / 2


@dataclass
class Histogram:
    """Counts per bucket for one request name, plus exact count, sum, min and max."""

    counts: dict[int, int] = field(default_factory=dict)
    count: int = 0
    total_us: int = 0
    min_us: int | None = None
    max_us: int = 0

    def record(self, value_us: int) -> None:
        """Add one observation (microseconds)."""
        idx = bucket_of(value_us)
        self.counts[idx] = self.counts.get(idx, 0) + 1
        self.count += 1
        self.total_us += value_us
        if self.min_us is None or value_us < self.min_us:
            self.min_us = value_us
        if value_us > self.max_us:
            self.max_us = value_us

    def merge(self, other: Histogram) -> None:
        """Fold ``other`` into this histogram (worker processes -> one run)."""
        for idx, n in other.counts.items():
            self.counts[idx] = self.counts.get(idx, 0) + n
        self.count += other.count
        self.total_us += other.total_us
        if other.min_us is not None and (self.min_us is None or other.min_us < self.min_us):
            self.min_us = other.min_us
        self.max_us = max(self.max_us, other.max_us)

    def percentile(self, q: float) -> float:
        """The value (µs) below which a fraction ``q`` (0..1) of observations fall."""
        if not self.count:
            return float("nan")
        rank = max(1, int(q * self.count + 0.5))
        seen = 0
        for idx in sorted(self.counts):
            seen += self.counts[idx]
            if seen >= rank:
                if idx < _SUB:
                    return float(idx)
                return min(bucket_mid(idx), float(self.max_us))
        return float(self.max_us)

    @property
    def mean_us(self) -> float:
        """Exact mean in microseconds."""
        return self.total_us / self.count if self.count else float("nan")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "counts": {str(k): v for k, v in sorted(self.counts.items())},
            "count": self.count, "total_us": self.total_us,
            "min_us": self.min_us, "max_us": self.max_us,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Histogram:
        """Inverse of :meth:`to_dict`."""
        counts = {int(k): int(v) for k, v in dict(data["counts"]).items()}  # type: ignore[call-overload]
        return cls(counts, int(data["count"]), int(data["total_us"]),  # type: ignore[call-overload]
                   data.get("min_us"), int(data.get("max_us") or 0))  # type: ignore[arg-type,call-overload]


class HistogramSet(dict[str, Histogram]):
    """One histogram per request name, saved as one JSON file per process."""

    def record(self, name: str, value_us: int) -> None:
        """Add one observation under ``name``."""
        hist = self.get(name)
        if hist is None:
            hist = self[name] = Histogram()
        hist.record(value_us)

    def save(self, path: Path) -> None:
        """Write every histogram to ``path`` (JSON)."""
        path.write_text(json.dumps({k: h.to_dict() for k, h in self.items()}))

    @classmethod
    def load_many(cls, paths: Iterable[Path]) -> HistogramSet:
        """Merge the files of several processes."""
        merged = cls()
        for path in paths:
            for name, data in json.loads(path.read_text()).items():
                merged.setdefault(name, Histogram()).merge(Histogram.from_dict(data))
        return merged

    def summary_rows(self) -> list[dict[str, object]]:
        """One row per name: count, mean and p50/p90/p95/p99/max in microseconds."""
        return [
            {"name": name, "count": h.count, "mean_us": round(h.mean_us, 1),
             "p50_us": h.percentile(0.50), "p90_us": h.percentile(0.90),
             "p95_us": h.percentile(0.95), "p99_us": h.percentile(0.99),
             "max_us": h.max_us}
            for name, h in sorted(self.items())
        ]
