"""Worker processes started before their jobs exist, so their start-up overlaps planning.

A worker (:mod:`workbench.seed.worker`) is a fresh interpreter: importing polars, numpy, pgpq,
psycopg and the engine costs it about 0.7-0.9 s of CPU. Started when the seed begins, it imports
while the coordinator plans, prepares and loads the global rows, then reads its job from stdin.
A worker that is never given a job sees an empty stdin and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from types import TracebackType

# glibc malloc in worker processes: two arenas instead of 8 per core, and a fixed 4 MB mmap
# threshold (the dynamic one climbs to 32 MB after the first big free, after which chunk-sized
# buffers stay on the heap and fragment it). Measured on premortem's largest tenant: peak RSS
# 298 -> 246 MB, wall time unchanged. And polars' jemalloc (prefixed _RJEM_) returns freed
# pages at once instead of after 10 s: premortem x0.3, seeder + 2 workers, 596 -> 550 MB.
# Workers only: the coordinator may be someone's notebook.
WORKER_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": str(4 << 20),
              "_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}


def spawn(module: str) -> subprocess.Popen[bytes]:
    """One worker process that imports ``module`` (the loader's) and then waits for its job."""
    return subprocess.Popen([sys.executable, "-m", "workbench.seed.worker", module],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **WORKER_ENV})


class WorkerPool:
    """``count`` workers importing ``module`` from now on; :meth:`take` hands them out, and
    leaving the ``with`` block ends the ones never taken (their stdin closed: they exit)."""

    def __init__(self, count: int, module: str) -> None:
        self.module = module
        self.idle = [spawn(module) for _ in range(count)]

    def take(self, count: int) -> list[subprocess.Popen[bytes]]:
        """``count`` workers: started ones first, new ones if there are too few."""
        taken, self.idle = self.idle[:count], self.idle[count:]
        return taken + [spawn(self.module) for _ in range(count - len(taken))]

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for proc in self.idle:
            if proc.stdin is not None:
                proc.stdin.close()
            if kind is not None:
                proc.kill()
            proc.wait()
        self.idle = []


__all__ = ["WORKER_ENV", "WorkerPool", "spawn"]
