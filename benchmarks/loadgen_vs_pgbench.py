"""The load generator against pgbench on the same queries, parameters, clients and duration.

For a PK lookup (customer_by_id) and a tenant list query (customer_list) it runs, one after
the other against the baseline variant:

* pgbench ``-M extended``, one script per tenant weighted by the tenant's size
  (``-f script@size``), each drawing one of that tenant's sampled ids per transaction
  (``\set i random(...)`` and an ``\if`` chain over the sample, values inline): the ceiling,
  C, no Python;
* a bare Locust user with no workbench code (loadtests/bare_query.py), psycopg, given the same
  tenants, weights and samples;
* ``workbench load`` with the same psycopg call (tenant context off), 1 and 2 processes;
* ``workbench load`` as the application runs (tenant context on: set_config and the query in
  one message), 1 process.

Nothing is prepared on any side, as the application runs (``prepare: false``): a prepared
pgbench would have to prepare each of its thousands of inline statements per connection.

Every side draws the same parameters: a tenant in proportion to its size (the workbench's
:class:`TenantDirectory`, per transaction in pgbench, per user in Locust as the application's
users are) and, per request, an id from that tenant's sample (its ``customer_id`` list, the
same for all); the list query's other values are the tenant's drawn catalog values. pgbench's
values are literals; the others' are parameters, and every session runs with
``plan_cache_mode = force_custom_plan`` (PGOPTIONS): each request is parsed and planned for
its values everywhere, the same server work.

It prints requests/s, the ratios to pgbench and to the bare user, and the CPU the generator
used (children's user+sys time over wall time, in cores): a generator using about one core
per process is CPU-bound, and then its rate says more about Python than about PostgreSQL.
pgbench and the generator share the machine with the server (and, often, with other work):
the report says so. Usage::

    .venv/bin/python benchmarks/loadgen_vs_pgbench.py [--seconds 10] [--clients 8] [--rounds 3]

Rates come from interleaved rounds (median kept) because the machine is usually shared; the
client CPU per request (the workbench's Locust user against the bare Locust user, the same
query and parameter draw, sequentially on one connection) is measured apart and is the
steadier overhead figure.
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
import psycopg
from psycopg import conninfo as pg_conninfo

from workbench import db
from workbench.load.runner import LoadSpec, locustfile, prepare_database, run_load, stats_from_json
from workbench.load.tenants import TenantDirectory, params_for
from workbench.load.workload import ReadQuery
from workbench.server import bin_dir
from workbench.settings import Settings

QUERIES = {"customer_by_id": "pk_lookup", "customer_list": "tenant_list"}
SAME_PLANS = "-c plan_cache_mode=force_custom_plan"
"""Every generator's sessions plan each request for its values (pgbench's are literals)."""
MAX_SCRIPTS = 128  # pgbench's limit on -f scripts: one per tenant


def tenant_draws(directory: TenantDirectory, query: ReadQuery) -> list[dict[str, object]]:
    """Per tenant: its weight (size) and every parameter set a request of ``query`` may use.

    The sampled parameter (an id the tenant owns) varies over the tenant's whole sample; the
    rest are the tenant's fixed values, exactly as :func:`params_for` gives them to the
    workbench user.
    """
    import random

    rng = random.Random(0)
    draws = []
    for tenant in directory.tenants:
        fixed = params_for(query.params, tenant, rng)
        varying = [p for p in query.params if p not in ("org", "org_id")
                   and p not in tenant.params and p in tenant.ids]
        if len(varying) > 1:
            raise SystemExit(f"{query.name}: more than one sampled parameter ({varying})")
        sets = ([{**fixed, varying[0]: value} for value in tenant.ids[varying[0]]] if varying
                else [fixed])
        draws.append({"weight": max(tenant.size, 1), "params": sets})
    if len(draws) > MAX_SCRIPTS:
        raise SystemExit(f"{len(draws)} tenants: pgbench takes at most {MAX_SCRIPTS} scripts")
    return draws


def jsonable(draws: list[dict[str, object]]) -> list[dict[str, object]]:
    """:func:`tenant_draws` with every value as text (the bare user's environment)."""
    return [{"weight": d["weight"],
             "params": [{k: None if v is None else str(v) for k, v in p.items()}
                        for p in d["params"]]}  # type: ignore[attr-defined]
            for d in draws]


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


def pgbench_script(conn: psycopg.Connection, query: ReadQuery, sets: list[dict[str, object]]
                   ) -> str:
    """A pgbench script drawing one of ``sets`` per transaction, uniformly (values inline)."""
    text = "\n".join(line for line in query.sql.splitlines() if not line.startswith("--"))
    mogrify = psycopg.ClientCursor(conn).mogrify
    statements = [" ".join(mogrify(text, params).split()) + ";" for params in sets]
    if len(statements) == 1:
        return statements[0] + "\n"
    lines = [f"\\set i random(0, {len(statements) - 1})"]
    for i, stmt in enumerate(statements):
        lines += [f"\\{'if' if i == 0 else 'elif'} :i = {i}", stmt]
    return "\n".join([*lines, "\\endif", ""])


def run_pgbench(settings: Settings, database: str, query: ReadQuery,
                draws: list[dict[str, object]], clients: int, seconds: int) -> dict[str, float]:
    """pgbench -M extended, one script per tenant weighted by size; tps and generator CPU."""
    with tempfile.TemporaryDirectory() as tmp, db.connection(settings, database) as conn:
        cmd = [str(bin_dir() / "pgbench"), "-n", "-M", "extended", "-c", str(clients),
               "-j", str(min(clients, os.cpu_count() or 1)), "-T", str(seconds)]
        for n, draw in enumerate(draws):
            path = Path(tmp) / f"tenant{n}.sql"
            path.write_text(pgbench_script(conn, query, draw["params"]))  # type: ignore[arg-type]
            cmd += ["-f", f"{path}@{draw['weight']}"]
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


def bare_env(settings: Settings, database: str, query: ReadQuery,
             draws: list[dict[str, object]]) -> dict[str, str]:
    """What the bare Locust user reads: connection, SQL, the tenants' weights and samples
    (in a file: thousands of ids are too long for one environment variable)."""
    path = Path(tempfile.mkdtemp(prefix="wb-bench-params-")) / f"{query.name}.json"
    path.write_text(json.dumps(jsonable(draws)))
    return settings.child_env() | {
        "WORKBENCH_BENCH_CONNINFO": settings.conninfo(database),
        "WORKBENCH_BENCH_SQL": query.sql, "WORKBENCH_BENCH_PARAMS_FILE": str(path),
        "WORKBENCH_BENCH_PREPARE": "off"}


def run_bare(settings: Settings, database: str, query: ReadQuery,
             draws: list[dict[str, object]], clients: int, seconds: int, folder: Path
             ) -> dict[str, float]:
    """The bare Locust user; rps from Locust's final JSON and generator CPU."""
    env = bare_env(settings, database, query, draws)
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "locust", "-f", str(locustfile("bare_query")), "--headless",
           "-u", str(clients), "-r", str(clients * 10), "-t", f"{seconds}s", "--only-summary",
           "--json-file", str(folder / "final"), "--loglevel", "WARNING", "--stop-timeout", "2"]
    cpu0, t0 = children_cpu(), time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=folder, capture_output=True, text=True,
                         timeout=seconds + 60)
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    stats = stats_from_json(folder / "final.json")
    if stats.empty:
        raise SystemExit(f"bare locust failed: {out.stderr.strip()[-600:]}")
    agg = stats[stats["Name"] == "Aggregated"].iloc[0]
    return {"rps": float(agg["Requests/s"]), "cpu_cores": cpu / wall, "processes": 1,
            "failures": int(agg["Failure Count"])}


def run_workbench(settings: Settings, workload: str, clients: int, seconds: int,
                  processes: int, tenant_context: bool, folder: Path) -> dict[str, float]:
    """``workbench load`` (the library's runner) on the query's one-query workload."""
    # the same psycopg call as the bare user; as the application with tenant context
    spec = LoadSpec(workload, users=clients, spawn_rate=clients * 10, duration=f"{seconds}s",
                    processes=processes, tenant_context=tenant_context, prepare=False,
                    label="bench" + ("-tenant" if tenant_context else ""))
    cpu0, t0 = children_cpu(), time.perf_counter()
    run = run_load(settings, spec, results_dir=folder, prepare=False)
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    return {"rps": run.total_rps(), "cpu_cores": cpu / wall, "processes": processes,
            "failures": run.failure_count()}


def cpu_probe(query_name: str, n: int = 3000, blocks: int = 3) -> None:
    """In this (sub)process: client CPU per request, the workbench user vs the bare Locust user.

    Both are Locust users in one Locust environment, on one connection each, running the same
    query with the same parameter draw (the bare user's from the environment
    :func:`bare_env` sets); ``time.process_time`` over ``n`` sequential requests, in
    ``blocks`` alternating blocks: the generator's own cost, far less sensitive to other work
    on the machine than a rate is.
    """
    from locust.argument_parser import parse_options
    from locust.env import Environment

    import workbench.load.user as user_module

    sys.path.insert(0, str(locustfile().parent))
    from bare_query import BareQueryUser  # type: ignore[import-not-found]
    from workload import TenantUser  # type: ignore[import-not-found]

    workload = QUERIES[query_name]
    users = {}
    for label, args in (("workbench", ["--prepare", "off", "--tenant-context", "off"]),
                        ("workbench_tenant", ["--tenant-context", "on"])):
        env = Environment(user_classes=[TenantUser, BareQueryUser], events=user_module.events)
        env.parsed_options = parse_options(args=["--workload", workload, *args])
        user = TenantUser(env)
        user.on_start()
        users[label] = user.step
    bare = BareQueryUser(env)
    bare.on_start()
    users["bare"] = bare.query
    spent = dict.fromkeys(users, 0.0)
    for step in users.values():
        for _ in range(200):
            step()
    for _ in range(blocks):
        for label, step in users.items():
            c0 = time.process_time()
            for _ in range(n // blocks):
                step()
            spent[label] += time.process_time() - c0
    print(json.dumps({k: v / (n // blocks * blocks) * 1e6 for k, v in spent.items()}))


def client_cpu(settings: Settings, database: str, query_name: str,
               draws: list[dict[str, object]]) -> dict[str, float]:
    """Run :func:`cpu_probe` in a subprocess (it imports Locust, which patches the process)."""
    env = bare_env(settings, database, ReadQuery.load(query_name), draws)
    out = subprocess.run([sys.executable, __file__, "--cpu-probe", query_name], env=env,
                         capture_output=True, text=True, timeout=300)
    lines = out.stdout.strip().splitlines()
    if out.returncode or not lines:
        raise SystemExit(f"cpu probe failed: {out.stderr.strip()[-400:]}")
    return json.loads(lines[-1])


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
    os.environ["PGOPTIONS"] = SAME_PLANS  # every generator's sessions, which inherit it
    settings = Settings.load()
    database = settings.database_for(args.variant)
    prepare_database(settings, args.variant)
    with db.connection(settings, database, autocommit=True) as conn:
        directory = TenantDirectory.load(conn)
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    load_before = os.getloadavg()
    rows = []
    cpu_us: dict[str, dict[str, float]] = {}
    for name, workload in QUERIES.items():
        query = ReadQuery.load(name)
        draws = tenant_draws(directory, query)
        c, t = args.clients, args.seconds
        runners: dict[str, Callable[[], dict[str, float]]] = {
            "pgbench": partial(run_pgbench, settings, database, query, draws, c, t),
            "bare locust": partial(run_bare, settings, database, query, draws, c, t,
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
        cpu_us[name] = client_cpu(settings, database, name, draws)
        base = results["pgbench"]["rps"]
        bare = results["bare locust"]["rps"]
        for tool, r in results.items():
            bound = tool != "pgbench" and r["cpu_cores"] >= 0.85 * r["processes"]
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
        print(f"  {name}: bare Locust user {cpu['bare']:.0f}, workbench user "
              f"{cpu['workbench']:.0f} "
              f"({cpu['workbench'] / cpu['bare'] - 1:+.0%}), with tenant context "
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
