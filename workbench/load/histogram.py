"""Microsecond latency histograms, one per request name, through HdrHistogram.

Locust's CSV percentiles are rounded to whole milliseconds, which hides everything that matters
for sub-millisecond queries. Each Locust process records every request into an HdrHistogram
(the ``hdrhistogram`` package: 3 significant figures from 1 µs to an hour), writes them as
HdrHistogram's compressed histoblobs when the test stops, and the run merges the processes'
files with the library's ``add``.

Cost on the request hot path, measured on the 2-core development machine (busy): recording is
about 0.6 µs per request (the hand-written log-linear histogram it replaces took 0.22 µs), under
1% of the client CPU a request costs the workbench user (56-90 µs in
benchmarks/loadgen_vs_pgbench.py); encoding and merging happen once per process at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from hdrh.histogram import HdrHistogram

POOL_WAIT = "(pool wait)"
"""Name under which the time spent waiting for a pooled connection is recorded."""

HIGHEST_US = 3_600_000_000
"""The largest value a histogram holds (an hour); longer observations are recorded as this."""
SIGNIFICANT_FIGURES = 3
"""Value precision: 0.1%, exact below 2048 µs."""


class Histogram(HdrHistogram):
    """An HdrHistogram of microseconds with the workbench's range and the figures reports use."""

    def __init__(self) -> None:
        super().__init__(1, HIGHEST_US, SIGNIFICANT_FIGURES)

    def record(self, value_us: int) -> None:
        """Add one observation (microseconds; negative counts as 0, beyond an hour as an hour)."""
        self.record_value(min(max(value_us, 0), HIGHEST_US))

    def merge(self, other: HdrHistogram) -> None:
        """Fold ``other`` into this histogram (worker processes -> one run)."""
        self.add(other)

    @classmethod
    def decoded(cls, blob: str) -> Histogram:
        """A histogram from HdrHistogram's encoded form (:meth:`encode`)."""
        hist = cls()
        hist.decode_and_add(blob)
        return hist

    @property
    def count(self) -> int:
        """Observations recorded."""
        return int(self.get_total_count())

    def percentile(self, q: float) -> float:
        """The value (µs) below which a fraction ``q`` (0..1) of observations fall."""
        return float(self.get_value_at_percentile(q * 100)) if self.count else float("nan")

    @property
    def mean_us(self) -> float:
        """Mean in microseconds (within the histogram's precision)."""
        return float(self.get_mean_value()) if self.count else float("nan")

    @property
    def min_us(self) -> int | None:
        """Smallest observation (read from the counts: a merge keeps no exact minimum)."""
        return int(self.get_value_at_percentile(0)) if self.count else None

    @property
    def max_us(self) -> int:
        """Largest observation (within the histogram's precision)."""
        return int(self.get_max_value())


class HistogramSet(dict[str, Histogram]):
    """One histogram per request name, saved as one JSON file of histoblobs per process."""

    def record(self, name: str, value_us: int) -> None:
        """Add one observation under ``name``."""
        hist = self.get(name)
        if hist is None:
            hist = self[name] = Histogram()
        hist.record(value_us)

    def save(self, path: Path) -> None:
        """Write every histogram to ``path`` (JSON: name -> encoded histogram)."""
        path.write_text(json.dumps({k: h.encode().decode("ascii") for k, h in self.items()}))

    @classmethod
    def load_many(cls, paths: Iterable[Path]) -> HistogramSet:
        """Merge the files of several processes."""
        merged = cls()
        for path in paths:
            for name, blob in json.loads(path.read_text()).items():
                merged.setdefault(name, Histogram()).decode_and_add(blob)
        return merged

    def summary_rows(self) -> list[dict[str, object]]:
        """One row per name: count, mean and p50/p90/p95/p99/max in microseconds."""
        rows = []
        for name, h in sorted(self.items()):
            p = h.get_percentile_to_value_dict([50, 90, 95, 99])
            rows.append({"name": name, "count": h.count, "mean_us": round(h.mean_us, 1),
                         **{f"p{q}_us": float(p[q]) for q in (50, 90, 95, 99)},
                         "max_us": h.max_us})
        return rows
