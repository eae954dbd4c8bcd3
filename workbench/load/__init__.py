"""Load testing: Locust users that speak PostgreSQL like the application's tenants.

The Locust user class lives here (not in ``loadtests/``) so the locustfiles stay thin and the
experiments, probes and notebook reuse one implementation. :func:`run_load` runs Locust
headless in a subprocess, bounded in time, and returns its results as frames.
"""

from __future__ import annotations

from workbench.load.histogram import Histogram
from workbench.load.workload import Workload, list_workloads, load_workload

REQUEST_TIMEOUT = 15.0
"""Default client-side bound on one request, in seconds (pool wait and reconnect included): a
user, and so Locust's stop, never waits longer than this on a server or pooler that went quiet."""

__all__ = ["REQUEST_TIMEOUT", "Histogram", "Workload", "list_workloads", "load_workload"]
