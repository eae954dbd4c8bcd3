"""What notebook 07 (load test) calls: the load runs on both variants and the probes' evidence.

The notebook stays a report: it runs the mixed workload through :func:`mixed_runs`, reads what
the ``load`` probes left in ``<run_dir>/evidence/`` through :func:`probe_evidence` and shows the
pooler experiments through :func:`pooler_evidence`; the charts are in
:mod:`workbench.load.report`. Locust runs in subprocesses, so importing this module never
imports gevent into the notebook's kernel.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from workbench.load.experiments import pooler_tenant_leak
from workbench.load.pgbouncer import pgbouncer_binary
from workbench.load.runner import LoadRun, LoadSpec, run_load
from workbench.settings import VARIANTS, Settings

# Each request picks its role at random: RLS enforced (load role) or bypassed (service_role),
# so the cost of the policies is measured inside one run.
BOTH_ROLES = "workbench_load,service_role"
NO_PGBOUNCER = "pgbouncer is not installed: the pooler experiments were not run"


def mixed_runs(settings: Settings, run_dir: str | Path, *, duration: str = "5s",
               users: int = 8, workload: str = "mixed") -> dict[str, LoadRun]:
    """The same workload on each variant, both roles interleaved; runs under ``run_dir/load``."""
    return {variant: run_load(settings, LoadSpec(workload, variant=variant, users=users,
                                                 spawn_rate=2 * users, duration=duration,
                                                 role=BOTH_ROLES),
                              results_dir=Path(run_dir) / "load")
            for variant in VARIANTS}


def runs_summary(runs: dict[str, LoadRun]) -> pd.DataFrame:
    """One row per variant: requests, failures, throughput and the run's folder."""
    return pd.DataFrame([{"variant": v, "requests": r.request_count(),
                          "failures": r.failure_count(), "req/s": round(r.total_rps()),
                          "run": r.folder.name} for v, r in runs.items()])


def probe_evidence(run_dir: str | Path, probe: str) -> pd.DataFrame:
    """Every CSV a probe saved as ``evidence/<probe>/<name>__<variant>.csv``, one frame.

    The ``variant`` column comes from the file name when the frame does not carry it; the
    ``run`` column (a load run's folder name) is dropped. Empty when the probe saved nothing.
    """
    frames = []
    for path in sorted((Path(run_dir) / "evidence" / probe).glob("*__*.csv")):
        frame = pd.read_csv(path)
        if "variant" not in frame:
            frame.insert(0, "variant", path.stem.rsplit("__", 1)[1])
        frames.append(frame.drop(columns=["run"], errors="ignore"))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def pooler_evidence(settings: Settings, run_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Through a transaction-mode PgBouncer: prepared statements (the probe's evidence) and
    whether a tenant set by one client reaches another (one row per way of setting it, the
    steps as run). Without pgbouncer both frames hold one ``note`` saying so."""
    if pgbouncer_binary() is None:
        note = pd.DataFrame({"note": [NO_PGBOUNCER]})
        return note, note
    prepared = probe_evidence(run_dir, "load_pooler_prepared_statements")
    leak = pd.DataFrame([{**asdict(r), "steps": "\n".join(r.steps)}
                         for r in pooler_tenant_leak(settings)])
    return prepared, leak
