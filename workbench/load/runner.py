"""Running Locust headless in a subprocess, bounded in time, into a run folder.

``run_load`` builds the ``locust`` command (never with the DSN on it: the connection travels in
the environment from :meth:`Settings.child_env`), runs it with a hard timeout a little longer
than the requested duration, and loads what Locust wrote (stats, history, failures) plus the
workbench's microsecond histograms into frames, and the server outages the users met
(``outages.json``: when, how long, how many requests each cost) apart from query failures.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import BadParameter, WorkbenchError
from workbench.load import REQUEST_TIMEOUT
from workbench.load import outages as outage_log
from workbench.load.histogram import HistogramSet
from workbench.load.snapshot import write_snapshot
from workbench.load.tenants import ensure_data, ensure_role
from workbench.load.workload import load_workload
from workbench.paths import project_root
from workbench.settings import Settings, scrub_tree

DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")
GRACE_SECONDS = 45.0


def parse_duration(text: str) -> float:
    """``'5s'``, ``'2m'``, ``'500ms'`` or a bare number of seconds -> seconds."""
    match = DURATION_RE.match(text.strip())
    if not match:
        raise BadParameter(f"duration {text!r} is not like 5s, 2m, 1h or 500ms")
    value = float(match.group(1))
    return value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)]


def check_shape(users: int, spawn_rate: float, processes: int, duration: str) -> float:
    """Refuse a run that cannot start (before anything is built); its duration in seconds."""
    seconds = parse_duration(duration)
    if users < 1 or spawn_rate <= 0 or processes < 1:
        raise BadParameter("--users, --spawn-rate and --processes must be positive")
    if seconds <= 0:
        raise BadParameter(f"--duration {duration!r} must be above 0 (e.g. 10s)")
    return seconds


def locustfile(name: str = "workload") -> Path:
    """Path of ``loadtests/<name>.py``."""
    return project_root() / "loadtests" / f"{name}.py"


@dataclass
class LoadSpec:
    """Everything that defines one load run (stored as ``run.json``; no DSN in it)."""

    workload: str
    variant: str = "baseline"
    users: int = 10
    spawn_rate: float = 10.0
    duration: str = "10s"
    processes: int = 1
    pool_size: int = 0
    pool_timeout: float = 5.0
    prepare: bool = False
    role: str = "workbench_load"
    tenant_context: bool = True
    pg_host: str = ""
    pg_port: str = ""
    label: str = ""
    request_timeout: float = REQUEST_TIMEOUT
    queryset: str = ""  # a load plan file (workbench.load.plan); workload is then its label
    target: str = ""  # the database to load instead of the variant's

    def run_id(self) -> str:
        """A readable, unique folder name."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")[:-3]
        label = f"-{self.label}" if self.label else ""
        where = "" if self.target else f"-{self.variant}"  # a --target run has no variant
        return f"load-{self.workload}{where}{label}-{stamp}"


@dataclass
class LoadRun:
    """A finished run: where it is, what it was, and its results as frames."""

    spec: LoadSpec
    folder: Path
    seconds: float
    returncode: int
    stats: pd.DataFrame = field(repr=False)
    history: pd.DataFrame = field(repr=False)
    failures: pd.DataFrame = field(repr=False)
    latency_us: pd.DataFrame = field(repr=False)
    histograms: HistogramSet = field(repr=False)
    outages: list[dict[str, Any]] = field(default_factory=list)

    def requests(self) -> pd.DataFrame:
        """Per request name (no 'Aggregated' row): count, failures, rps, ms percentiles."""
        if self.stats.empty:
            return self.stats
        return self.stats[self.stats["Name"] != "Aggregated"]

    def _aggregated(self, column: str) -> float:
        if self.stats.empty:
            return 0.0
        agg = self.stats[self.stats["Name"] == "Aggregated"]
        return float(agg[column].iloc[0]) if len(agg) else 0.0

    def total_rps(self) -> float:
        """Requests per second over the whole run (Locust's 'Aggregated' row)."""
        return self._aggregated("Requests/s")

    def request_count(self) -> int:
        """Requests (successful or not) in the run."""
        return int(self._aggregated("Request Count"))

    def failure_count(self) -> int:
        """Failed requests in the run (outages included)."""
        return int(self._aggregated("Failure Count"))

    def outage_failure_count(self) -> int:
        """Requests that failed because the server was away (see :attr:`outages`)."""
        return sum(int(o["failed_requests"]) for o in self.outages)

    def query_failure_count(self) -> int:
        """Requests that failed while the server was there: the queries' own failures."""
        return max(self.failure_count() - self.outage_failure_count(), 0)

    def outage_summary(self) -> str:
        """One line on the outages ('' when there was none)."""
        if not self.outages:
            return ""
        seconds = sum(float(o["seconds"]) for o in self.outages)
        return (f"server unavailable {len(self.outages)} time(s), {seconds:.1f}s in all, "
                f"costing {self.outage_failure_count()} failed requests")


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_csv(path)


def _ms_percentile(times: dict[str, int], q: float) -> float:
    total = sum(times.values())
    if not total:
        return float("nan")
    seen = 0
    for key in sorted(times, key=float):
        seen += times[key]
        if seen >= q * total:
            return float(key)
    return float(max(times, key=float))


def stats_from_json(path: Path) -> pd.DataFrame:
    """Locust's final statistics (``--json-file``), one row per request name plus 'Aggregated'.

    Locust's CSV writer refreshes once a second and can miss the end of a short run; the JSON
    file is written at shutdown, so it is the source of the summary. Columns follow the CSV's.
    """
    if not path.is_file():
        return pd.DataFrame()
    entries = json.loads(path.read_text())
    rows = []
    merged: dict[str, int] = {}
    for e in entries:
        span = max((e["last_request_timestamp"] or 0) - (e["start_time"] or 0), 1e-9)
        times = {str(k): int(v) for k, v in e["response_times"].items()}
        for k, v in times.items():
            merged[k] = merged.get(k, 0) + v
        rows.append({
            "Type": e["method"], "Name": e["name"], "Request Count": e["num_requests"],
            "Failure Count": e["num_failures"],
            "Average Response Time": e["total_response_time"] / max(e["num_requests"], 1),
            "Min Response Time": e["min_response_time"],
            "Max Response Time": e["max_response_time"],
            "Requests/s": e["num_requests"] / span,
            "50%": _ms_percentile(times, 0.5), "95%": _ms_percentile(times, 0.95),
            "99%": _ms_percentile(times, 0.99),
            "_start": e["start_time"], "_last": e["last_request_timestamp"],
            "_total_ms": e["total_response_time"],
        })
    frame = pd.DataFrame(rows)
    if len(frame):
        span = max(float(frame["_last"].max() - frame["_start"].min()), 1e-9)
        count = int(frame["Request Count"].sum())
        agg = {
            "Type": "", "Name": "Aggregated", "Request Count": count,
            "Failure Count": int(frame["Failure Count"].sum()),
            "Average Response Time": float(frame["_total_ms"].sum()) / max(count, 1),
            "Min Response Time": frame["Min Response Time"].min(),
            "Max Response Time": frame["Max Response Time"].max(),
            "Requests/s": count / span,
            "50%": _ms_percentile(merged, 0.5), "95%": _ms_percentile(merged, 0.95),
            "99%": _ms_percentile(merged, 0.99),
        }
        frame = pd.concat([frame.drop(columns=["_start", "_last", "_total_ms"]),
                           pd.DataFrame([agg])], ignore_index=True)
    return frame


def load_run(folder: Path) -> LoadRun:
    """Read a run folder written by :func:`run_load` back into frames."""
    meta = json.loads((folder / "run.json").read_text())
    hist = HistogramSet.load_many(sorted((folder / "histograms").glob("hist-*.json")))
    latency = pd.DataFrame(hist.summary_rows())
    latency.to_csv(folder / "latency_us.csv", index=False)
    outages = outage_log.merge(sorted((folder / "histograms").glob("outages-*.json")))
    (folder / "outages.json").write_text(json.dumps(outages, indent=2))
    return LoadRun(
        spec=LoadSpec(**meta["spec"]), folder=folder, seconds=meta.get("seconds", 0.0),
        returncode=meta.get("returncode", 0),
        stats=stats_from_json(folder / "locust_final.json"),
        history=_read_csv(folder / "locust_stats_history.csv"),
        failures=_read_csv(folder / "locust_failures.csv"),
        latency_us=latency, histograms=hist, outages=outages,
    )


def build_command(spec: LoadSpec, folder: Path, *, ui: bool = False,
                  tenants_file: Path | None = None) -> list[str]:
    """The ``locust`` command line for ``spec`` (no connection details beyond a pooler port)."""
    cmd = [
        sys.executable, "-m", "locust",
        "-f", str(locustfile("queryset" if spec.queryset else "workload")),
        "-u", str(spec.users), "-r", str(spec.spawn_rate),
        "--workload", spec.workload, "--variant", spec.variant,
        "--pg-role", spec.role, "--pool-size", str(spec.pool_size),
        "--pool-timeout", str(spec.pool_timeout), "--request-timeout", str(spec.request_timeout),
        "--prepare", "on" if spec.prepare else "off",
        "--tenant-context", "on" if spec.tenant_context else "off",
        "--histogram-dir", str(folder / "histograms"), "--hot-seed", folder.name,
        "--stop-timeout", "2", "--exit-code-on-error", "0",
    ]
    if spec.pg_host:
        cmd += ["--pg-host", spec.pg_host, "--pg-port", spec.pg_port]
    if spec.queryset:
        cmd += ["--queryset", spec.queryset]
    if spec.target:
        cmd += ["--target", spec.target]
    if tenants_file is not None:
        cmd += ["--tenants-file", str(tenants_file)]
    if spec.processes > 1:
        cmd += ["--processes", str(spec.processes)]
    if ui:
        cmd += ["--web-host", "127.0.0.1", "--autostart", "-t", spec.duration, "--autoquit", "5"]
    else:
        cmd += ["--headless", "-t", spec.duration, "--only-summary"]
    cmd += ["--csv", str(folder / "locust"), "--csv-full-history",
            "--html", str(folder / "report.html"), "--json-file", str(folder / "locust_final"),
            "--loglevel", "WARNING"]
    return cmd


def prepare_database(settings: Settings, variant: str) -> None:
    """Make the variant's database ready for load: the load role, and data if it is empty."""
    database = settings.database_for(variant)
    ensure_role(settings, database)
    ensure_data(settings, database)


def run_load(
    settings: Settings,
    spec: LoadSpec,
    *,
    ui: bool = False,
    results_dir: Path | None = None,
    prepare: bool = True,
) -> LoadRun:
    """Run Locust for ``spec`` and return its results; bounded by duration plus a grace period."""
    if not spec.queryset:
        load_workload(spec.workload)  # a bad workload is a one-line error before Locust starts
    seconds = check_shape(spec.users, spec.spawn_rate, spec.processes, spec.duration)
    if not 0 < spec.request_timeout <= GRACE_SECONDS / 2:
        # a user stops within --stop-timeout plus one request's bound, inside the grace period
        raise BadParameter(f"request timeout must be above 0 and at most {GRACE_SECONDS / 2:g}s")
    if prepare and not spec.queryset:
        prepare_database(settings, spec.variant)
    folder = (results_dir or settings.results_dir) / spec.run_id()
    (folder / "histograms").mkdir(parents=True, exist_ok=True)
    tenants = None if spec.queryset else write_snapshot(
        settings.conninfo(spec.target or settings.database_for(spec.variant)), folder,
        seed=folder.name)
    cmd = build_command(spec, folder, ui=ui, tenants_file=tenants)
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=settings.child_env(), cwd=folder, capture_output=True,
                              text=True, timeout=seconds + GRACE_SECONDS + 5 * spec.processes)
    except subprocess.TimeoutExpired:
        scrub_tree(folder, settings.secrets())
        raise WorkbenchError(f"locust did not stop within {seconds + GRACE_SECONDS:.0f}s; "
                             f"partial results in {folder}") from None
    finally:
        if tenants is not None:
            tenants.unlink(missing_ok=True)  # a scratch handover, not part of the bundle
    elapsed = time.perf_counter() - started
    (folder / "locust.log").write_text(proc.stdout + proc.stderr)
    meta = {"spec": asdict(spec), "seconds": round(elapsed, 3), "returncode": proc.returncode,
            "command": cmd[2:], "server": settings.describe()}
    (folder / "run.json").write_text(json.dumps(meta, indent=2))
    scrub_tree(folder, settings.secrets())  # Locust's log, CSVs and page, as a report bundle is
    if proc.returncode not in (0, 1) or not (folder / "locust_final.json").is_file():
        tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
        raise WorkbenchError(f"locust failed (exit {proc.returncode}): {tail}; log in {folder}")
    return load_run(folder)
