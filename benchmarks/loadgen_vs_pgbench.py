"""The load generator against pgbench on the same queries, clients and duration.

For a PK lookup (customer_by_id) and a tenant list query (customer_list) it runs, one after
the other against the baseline variant:

* pgbench ``-M prepared`` with a custom script (the ceiling: C, prepared, no Python);
* a bare Locust user with no workbench code (loadtests/bare_query.py), psycopg prepared;
* ``workbench load`` with the same psycopg call (tenant context off, prepared), 1 and 2
  processes;
* ``workbench load`` as the application runs (prepare off, tenant context on: set_config and
  the query in one message), 1 process.

It prints requests/s, the ratios to pgbench and to the bare user, and the CPU the generator
used (children's user+sys time over wall time, in cores): a generator using about one core
per process is CPU-bound, and then its rate says more about Python than about PostgreSQL.
pgbench and the generator share the machine with the server (and, often, with other work):
the report says so. Usage::

    .venv/bin/python benchmarks/loadgen_vs_pgbench.py [--seconds 10] [--clients 8] [--rounds 3]

Rates come from interleaved rounds (median kept) because the machine is usually shared; the
client CPU per request is measured apart, sequentially, and is the steadier overhead figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import psutil
from psycopg import conninfo as pg_conninfo

from workbench import db
from workbench.load.runner import LoadSpec, locustfile, prepare_database, run_load, stats_from_json
from workbench.load.tenants import TenantDirectory
from workbench.load.workload import ReadQuery
from workbench.server import bin_dir
from workbench.settings import Settings

QUERIES = {"customer_by_id": "pk_lookup", "customer_list": "tenant_list"}


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median rate (its CPU figures come with it)."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[len(ordered) // 2]


def children_cpu() -> float:
    """CPU seconds (user + sys) of every waited-for child process so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def pg_env(settings: Settings, database: str) -> dict[str, str]:
    """libpq environment variables for pgbench (the DSN never goes on a command line)."""
    parts = pg_conninfo.conninfo_to_dict(settings.conninfo(database))
    env = dict(os.environ)
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"),
                     ("dbname", "PGDATABASE"), ("password", "PGPASSWORD")):
        if parts.get(key):
            env[var] = str(parts[key])
    return env


def run_pgbench(settings: Settings, database: str, query: ReadQuery, params: dict[str, str],
                clients: int, seconds: int) -> dict[str, float]:
    """pgbench -M prepared on the query with fixed parameters; tps and generator CPU."""
    script = re.sub(r"%\((\w+)\)s", r":\1", query.sql)
    script = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    script = " ".join(script.split()) + ";\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "script.sql"
        path.write_text(script)
        cmd = [str(bin_dir() / "pgbench"), "-n", "-M", "prepared", "-c", str(clients),
               "-j", str(min(clients, os.cpu_count() or 1)), "-T", str(seconds), "-f", str(path)]
        for key, value in params.items():
            cmd += ["-D", f"{key}={value}"]
        cpu0, t0 = children_cpu(), time.perf_counter()
        out = subprocess.run(cmd, env=pg_env(settings, database), capture_output=True,
                             text=True, timeout=seconds + 60)
        wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    match = re.search(r"tps = ([\d.]+)", out.stdout)
    if not match:
        raise SystemExit(f"pgbench failed: {out.stderr.strip()[-400:]}")
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    return {"rps": float(match.group(1)), "cpu_cores": cpu / wall, "processes": 1,
            "failures": int(failed.group(1)) if failed else 0}


def run_bare(settings: Settings, database: str, query: ReadQuery, params: dict[str, str],
             clients: int, seconds: int, folder: Path) -> dict[str, float]:
    """The bare Locust user; rps from Locust's final JSON and generator CPU."""
    env = settings.child_env() | {
        "WORKBENCH_BENCH_CONNINFO": settings.conninfo(database),
        "WORKBENCH_BENCH_SQL": query.sql, "WORKBENCH_BENCH_PARAMS": json.dumps(params),
        "WORKBENCH_BENCH_PREPARE": "on"}
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "locust", "-f", str(locustfile("bare_query")), "--headless",
           "-u", str(clients), "-r", str(clients * 10), "-t", f"{seconds}s", "--only-summary",
           "--json-file", str(folder / "final"), "--loglevel", "WARNING", "--stop-timeout", "2"]
    cpu0, t0 = children_cpu(), time.perf_counter()
    subprocess.run(cmd, env=env, cwd=folder, capture_output=True, text=True, timeout=seconds + 60)
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    stats = stats_from_json(folder / "final.json")
    agg = stats[stats["Name"] == "Aggregated"].iloc[0]
    return {"rps": float(agg["Requests/s"]), "cpu_cores": cpu / wall, "processes": 1,
            "failures": int(agg["Failure Count"])}


def run_workbench(settings: Settings, workload: str, clients: int, seconds: int,
                  processes: int, tenant_context: bool, folder: Path) -> dict[str, float]:
    """``workbench load`` (the library's runner) on the query's one-query workload."""
    # the same psycopg call as the bare user (prepared); as the application with tenant context
    spec = LoadSpec(workload, users=clients, spawn_rate=clients * 10, duration=f"{seconds}s",
                    processes=processes, tenant_context=tenant_context, prepare=not tenant_context,
                    label="bench" + ("-tenant" if tenant_context else ""))
    cpu0, t0 = children_cpu(), time.perf_counter()
    run = run_load(settings, spec, results_dir=folder, prepare=False)
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    return {"rps": run.total_rps(), "cpu_cores": cpu / wall, "processes": processes,
            "failures": run.failure_count()}


def cpu_probe(query_name: str, n: int = 3000) -> None:
    """In this (sub)process: client CPU per request, bare psycopg vs the workbench user.

    Sequential requests on one connection, ``time.process_time`` per request: the generator's
    own cost, far less sensitive to other work on the machine than a rate is.
    """
    import psycopg
    from locust.argument_parser import parse_options
    from locust.env import Environment

    import workbench.load.user as user_module

    sys.path.insert(0, str(locustfile().parent))
    from workload import TenantUser  # type: ignore[import-not-found]

    workload = QUERIES[query_name]
    out = {}
    for label, args in (("workbench", ["--prepare", "on", "--tenant-context", "off"]),
                        ("workbench_tenant", ["--tenant-context", "on"])):
        env = Environment(user_classes=[TenantUser], events=user_module.events)
        env.parsed_options = parse_options(args=["--workload", workload, *args])
        user = TenantUser(env)
        user.on_start()
        for _ in range(200):
            user.step()
        c0 = time.process_time()
        for _ in range(n):
            user.step()
        out[label] = (time.process_time() - c0) / n * 1e6
    state = user_module.process_state(env)
    query = ReadQuery.load(query_name)
    tenant = user.tenant
    params = {p: (tenant.id if p == "org" else tenant.ids[p][0]) for p in query.params}
    with psycopg.connect(state.conninfo, autocommit=True, prepare_threshold=0) as conn:
        for _ in range(200):
            conn.execute(query.sql, params).fetchall()
        c0 = time.process_time()
        for _ in range(n):
            conn.execute(query.sql, params).fetchall()
        out["bare"] = (time.process_time() - c0) / n * 1e6
    print(json.dumps(out))


def client_cpu(query_name: str) -> dict[str, float]:
    """Run :func:`cpu_probe` in a subprocess (it imports Locust, which patches the process)."""
    out = subprocess.run([sys.executable, __file__, "--cpu-probe", query_name],
                         capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run every generator on both queries and print the table and verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--variant", default="baseline")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds; the median rate of each generator is kept")
    parser.add_argument("--cpu-probe", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu_probe:
        cpu_probe(args.cpu_probe)
        return
    settings = Settings.load()
    database = settings.database_for(args.variant)
    prepare_database(settings, args.variant)
    with db.connection(settings, database, autocommit=True) as conn:
        directory = TenantDirectory.load(conn)
    tenant = max(directory.tenants, key=lambda t: t.size)
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    load_before = os.getloadavg()
    rows = []
    cpu_us: dict[str, dict[str, float]] = {}
    for name, workload in QUERIES.items():
        query = ReadQuery.load(name)
        params = {p: (tenant.id if p == "org" else tenant.ids[p][0]) for p in query.params}
        c, t = args.clients, args.seconds
        runners: dict[str, Callable[[], dict[str, float]]] = {
            "pgbench -M prepared": partial(run_pgbench, settings, database, query, params, c, t),
            "bare locust": partial(run_bare, settings, database, query, params, c, t,
                                   folder / f"bare-{name}"),
            "workbench load": partial(run_workbench, settings, workload, c, t, 1, False, folder),
            "workbench load --processes 2": partial(run_workbench, settings, workload, c, t, 2,
                                                    False, folder),
            "workbench load, tenant context": partial(run_workbench, settings, workload, c, t,
                                                      1, True, folder),
        }
        samples: dict[str, list[dict[str, float]]] = {tool: [] for tool in runners}
        tools = list(runners)
        for round_no in range(args.rounds):  # rotate the order: drifting machine load hits all
            for tool in tools[round_no % len(tools):] + tools[:round_no % len(tools)]:
                samples[tool].append(runners[tool]())
        results = {tool: _median(runs) for tool, runs in samples.items()}
        cpu_us[name] = client_cpu(name)
        base = results["pgbench -M prepared"]["rps"]
        bare = results["bare locust"]["rps"]
        for tool, r in results.items():
            bound = tool != "pgbench -M prepared" and r["cpu_cores"] >= 0.85 * r["processes"]
            rows.append({"query": name, "generator": tool, "req_s": round(r["rps"]),
                         "of_pgbench": f"{r['rps'] / base:.0%}" if base else "-",
                         "of_bare": f"{r['rps'] / bare:.0%}" if bare else "-",
                         "generator_cores": round(r["cpu_cores"], 2),
                         "cpu_bound": bound, "failures": int(r["failures"])})
    load_after = os.getloadavg()
    import pandas as pd

    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    print("\nclient CPU per request (µs, sequential, one connection):")
    for name, cpu in cpu_us.items():
        print(f"  {name}: bare psycopg {cpu['bare']:.0f}, workbench user {cpu['workbench']:.0f} "
              f"(+{cpu['workbench'] / cpu['bare'] - 1:.0%}), with tenant context "
              f"{cpu['workbench_tenant']:.0f}")
    print(f"\nmachine: {psutil.cpu_count()} cores, load average before {load_before[0]:.2f}, "
          f"after {load_after[0]:.2f} (other work on the machine skews every figure)")
    pk = table[table["query"] == "customer_by_id"].set_index("generator")
    tl = table[table["query"] == "customer_list"].set_index("generator")

    def pct(frame, tool: str) -> float:
        return float(frame.loc[tool, "of_pgbench"].rstrip("%")) / 100

    overhead = {q: 1 - float(f.loc["workbench load", "of_bare"].rstrip("%")) / 100
                for q, f in (("customer_by_id", pk), ("customer_list", tl))}
    print(f"target tenant list >= 50% of pgbench: {pct(tl, 'workbench load'):.0%} "
          f"({'met' if pct(tl, 'workbench load') >= 0.5 else 'NOT met'})")
    print(f"target PK lookup >= 22% of pgbench with --processes 2: "
          f"{pct(pk, 'workbench load --processes 2'):.0%} "
          f"({'met' if pct(pk, 'workbench load --processes 2') >= 0.22 else 'NOT met'})")
    worst = max(overhead.values())
    print(f"target workbench user <= 10% over the bare user: rate worst {worst:.0%} "
          f"({'met' if worst <= 0.10 else 'NOT met'})")
    cpu_worst = max(c["workbench"] / c["bare"] - 1 for c in cpu_us.values())
    print(f"  client CPU per request worst +{cpu_worst:.0%} "
          f"({'met' if cpu_worst <= 0.10 else 'NOT met'})")


if __name__ == "__main__":
    main()
