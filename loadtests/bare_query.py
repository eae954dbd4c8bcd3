"""A bare Locust user with no workbench code in it: the benchmark's reference load generator.

One psycopg connection per user, one query per request, reported through events.request with
perf_counter timing. Connection, SQL and parameters come from the environment
(WORKBENCH_BENCH_CONNINFO, WORKBENCH_BENCH_SQL, WORKBENCH_BENCH_PREPARE=on for server-side
prepared statements, WORKBENCH_BENCH_PARAMS as JSON, or WORKBENCH_BENCH_PARAMS_FILE naming a
JSON file: one parameter set, or a list of tenants ``{"weight": size, "params": [set, ...]}``,
from which each user draws a tenant by weight and each request one of its sets, as the
workbench's users do).
"""

import json
import os
import random
import time

import psycopg
from locust import User, constant, events, task


class BareQueryUser(User):
    wait_time = constant(0)

    def on_start(self):
        prepare = os.environ.get("WORKBENCH_BENCH_PREPARE") == "on"
        self.conn = psycopg.connect(os.environ["WORKBENCH_BENCH_CONNINFO"], autocommit=True,
                                    prepare_threshold=0 if prepare else None)
        self.sql = os.environ["WORKBENCH_BENCH_SQL"]
        path = os.environ.get("WORKBENCH_BENCH_PARAMS_FILE")
        text = open(path).read() if path else os.environ.get("WORKBENCH_BENCH_PARAMS", "{}")
        params = json.loads(text)
        self.rng = random.Random()
        if isinstance(params, dict):
            self.sets = [params]
        else:
            tenant = self.rng.choices(params, weights=[t["weight"] for t in params], k=1)[0]
            self.sets = tenant["params"]

    def on_stop(self):
        self.conn.close()

    @task
    def query(self):
        params = self.sets[0] if len(self.sets) == 1 else self.rng.choice(self.sets)
        started = time.perf_counter()
        exc = None
        rows = 0
        try:
            rows = len(self.conn.execute(self.sql, params).fetchall())
        except psycopg.Error as e:
            exc = e
        elapsed_ms = (time.perf_counter() - started) * 1000
        events.request.fire(request_type="SQL", name="bare", response_time=elapsed_ms,
                            response_length=rows, exception=exc, context={})
