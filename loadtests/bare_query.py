"""A bare Locust user with no workbench code in it: the benchmark's reference load generator.

One psycopg connection per user, one query per request, reported through events.request with
perf_counter timing. Connection, SQL and parameters come from the environment
(WORKBENCH_BENCH_CONNINFO, WORKBENCH_BENCH_SQL, WORKBENCH_BENCH_PARAMS as JSON,
WORKBENCH_BENCH_PREPARE=on for server-side prepared statements).
"""

import json
import os
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
        self.params = json.loads(os.environ.get("WORKBENCH_BENCH_PARAMS", "{}"))

    def on_stop(self):
        self.conn.close()

    @task
    def query(self):
        started = time.perf_counter()
        exc = None
        rows = 0
        try:
            rows = len(self.conn.execute(self.sql, self.params).fetchall())
        except psycopg.Error as e:
            exc = e
        elapsed_ms = (time.perf_counter() - started) * 1000
        events.request.fire(request_type="SQL", name="bare", response_time=elapsed_ms,
                            response_length=rows, exception=exc, context={})
