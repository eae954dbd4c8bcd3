"""Server outages seen by a load run, counted as outages rather than as thousands of failures.

A server that restarts (or a network that drops) refuses new connections for a while. A user
that retried at once would fail thousands of requests a second and bury the run's real query
failures; the load user instead waits a short, capped, exponentially growing backoff between
connection attempts (:func:`backoff_seconds`), and every Locust process keeps an
:class:`OutageLog`: an outage opens at the first refused connection (or at the dropped
connections just before it) and closes at the first connection that succeeds again. Each
process writes its log next to its histograms; :func:`merge` joins the processes' overlapping
intervals into what the run's report says: when, how long, how many requests it cost.

A connection dropped while the server stays up (a terminated backend, reconnected at once) is a
failed request, not an outage. Known blind spot: with ``--pool-size`` the psycopg pool
reconnects on its own and an outage shows as pool timeouts, which are not told apart from an
exhausted pool.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg_pool import PoolTimeout

BACKOFF_FIRST = 0.025
"""Seconds before the second connection attempt; doubled per refused attempt..."""
BACKOFF_CAP = 0.5
"""...up to this: a restart is noticed within half a second of its end."""

_LOST_STATES = ("08", "57P01", "57P02", "57P03")  # connection exception, shutdown, starting up


def backoff_seconds(attempts: int, rng: random.Random) -> float:
    """Wait before the next connection attempt after ``attempts`` refused ones (±20% jitter)."""
    if attempts <= 0:
        return 0.0
    return min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** (attempts - 1)) * rng.uniform(0.8, 1.2)


def connection_lost(exc: BaseException) -> bool:
    """True when ``exc`` says the server went away (not that a query failed).

    A client-side ``OperationalError`` without a SQLSTATE (refused, reset, closed unexpectedly)
    or a server one of class 08 or 57P01-57P03 (terminated by shutdown, starting up). A pool
    timeout is not one: it also means an exhausted pool.
    """
    if not isinstance(exc, psycopg.OperationalError) or isinstance(exc, PoolTimeout):
        return False
    state = getattr(exc, "sqlstate", None)
    return state is None or state.startswith(_LOST_STATES)


LOST_WINDOW = 2.0
"""Seconds a dropped connection waits for a refused one to join it to an outage."""


@dataclass
class Outage:
    """One interval in which the server could not be reached."""

    started: float  # Unix time of the first failure it caused
    ended: float | None = None  # Unix time of the first successful connection after it
    failed_requests: int = 0
    refused_connections: int = 0
    first_error: str = ""

    @property
    def seconds(self) -> float:
        """How long it lasted (until now when it has not ended)."""
        return (self.ended if self.ended is not None else time.time()) - self.started


class OutageLog:
    """One process's outages. Called from every user; cheap when nothing is wrong."""

    def __init__(self) -> None:
        self.outages: list[Outage] = []
        self.current: Outage | None = None
        self._lost: list[float] = []  # connections dropped since the last success

    def lost(self, when: float) -> None:
        """A request failed because its connection dropped (the server may be going down)."""
        if self.current is not None:
            self.current.failed_requests += 1
        else:
            self._lost.append(when)

    def refused(self, when: float, error: str) -> None:
        """A connection attempt failed: the server is unreachable; open an outage if none is."""
        if self.current is None:
            self.current = Outage(min(self._lost, default=when), failed_requests=len(self._lost),
                                  first_error=error)
            self.outages.append(self.current)
            self._lost.clear()
        self.current.failed_requests += 1
        self.current.refused_connections += 1

    def connected(self) -> None:
        """A request succeeded: any outage is over (called for every request: cheap).

        Drops older than :data:`LOST_WINDOW` were connections that came back at once: no outage.
        Newer ones are kept: while a server shuts down it ends its connections one by one, so
        another user's request may still succeed between the first drop and the first refused
        connection, and those drops belong to the outage that follows.
        """
        if self.current is not None:
            self.current.ended = time.time()
            self.current = None
        if self._lost:
            recent = time.time() - LOST_WINDOW
            self._lost = [t for t in self._lost if t >= recent]

    def save(self, path: Path) -> None:
        """Write the log (an outage still open ends now, marked open at the end)."""
        rows = [asdict(o) | {"open_at_end": o.ended is None,
                             "ended": o.ended if o.ended is not None else time.time()}
                for o in self.outages]
        path.write_text(json.dumps(rows))


def merge(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The run's outages from every process's log: overlapping intervals joined, counts summed."""
    rows = sorted((row for p in paths for row in json.loads(p.read_text())),
                  key=lambda r: r["started"])
    merged: list[dict[str, Any]] = []
    for row in rows:
        last = merged[-1] if merged else None
        if last is not None and row["started"] <= last["ended"]:
            last["ended"] = max(last["ended"], row["ended"])
            for key in ("failed_requests", "refused_connections"):
                last[key] = int(last[key]) + int(row[key])
            last["open_at_end"] = bool(last["open_at_end"]) or bool(row["open_at_end"])
        else:
            merged.append(dict(row))
    for row in merged:
        row["seconds"] = round(float(row["ended"]) - float(row["started"]), 3)
    return merged
