"""The Locust user that speaks PostgreSQL like one of the application's tenants.

Every request is reported to Locust through ``events.request`` under its own name (the query or
transaction name), with ``perf_counter`` timing and the exception on failure, so Locust's
statistics, charts, web UI, CSV and HTML work unchanged. Beside Locust's millisecond-rounded
statistics each process keeps a microsecond histogram (:mod:`workbench.load.histogram`),
written to ``--histogram-dir`` when the test stops.

A user belongs to one tenant, drawn in proportion to tenant size, and runs each request in a
transaction that first sets the role and the tenant with ``set_config(..., true)``, as PostgREST
does on Supabase, so RLS is in force wherever the schema has policies and nothing outlives the
transaction (which is what a transaction-mode pooler needs). A read request is one round trip
(context and query in one message), so the tenant context costs a few microseconds of client
CPU rather than three extra round trips. Connections come either one per user or from a
per-process psycopg pool of a fixed size, the application's ``max: 10``, whose wait time is
measured separately.

Every request is bounded on the client (``--request-timeout``, a timer on gevent's loop: psycopg
waits cooperatively under Locust), because a server or pooler that stops answering must not hold
a user, or Locust's stop, forever: the request is reported as :class:`RequestTimeout` and its
connection is closed without waiting. A connection whose wait was interrupted (the bound, or
Locust killing the user at stop) is always closed, never rolled back: its protocol state is
unknown, and a pipeline left open answers nothing.

A server that goes away is an outage, not a storm of failures: a refused connection fails that
request as :class:`ServerUnavailable`, and the user waits a short capped exponential backoff
before its next attempt (:mod:`workbench.load.outages`), so a three-second restart costs each
user a handful of requests rather than thousands; the process's :class:`OutageLog` records how
long the server was away and what it cost, written beside the histograms.
"""

from __future__ import annotations

import functools
import itertools
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from gevent import get_hub, getcurrent
from gevent import sleep as gevent_sleep
from locust import User, events, task
from locust.env import Environment
from psycopg import conninfo as pg_conninfo
from psycopg import pq

from workbench.load import REQUEST_TIMEOUT
from workbench.load.histogram import POOL_WAIT, HistogramSet
from workbench.load.outages import OutageLog, backoff_seconds, connection_lost
from workbench.load.plan import LoadPlan
from workbench.load.snapshot import read_snapshot, read_tenants
from workbench.load.tenants import LOAD_ROLE, Tenant, TenantDirectory, params_for
from workbench.load.transactions import TRANSACTIONS, TxContext, WriteFacts
from workbench.load.workload import ReadQuery, Workload, load_workload
from workbench.settings import VARIANTS, Settings
from workbench.sqlfiles import read_sql

REQUEST_TYPE = "SQL"


class RequestTimeout(Exception):
    """A request got no answer within its bound; reported to Locust as the request's failure."""


class ServerUnavailable(Exception):
    """A connection attempt failed: the server is down, restarting or unreachable."""


class _Expired(BaseException):
    """Thrown into a user's greenlet when its request outlives the bound (reported as
    :class:`RequestTimeout`). A BaseException, like gevent's Timeout, so that no ``except
    Exception`` on the way (psycopg's pipeline exit) swallows it."""


def _interruption(exc: BaseException) -> BaseException | None:
    """The interruption behind ``exc`` (GreenletExit, the request's bound, Ctrl-C), if any.

    psycopg's pipeline exit, interrupted while it waits, replaces the interruption with
    ``OperationalError("cannot exit pipeline mode while busy")`` or lets it run under a later
    error: the chain is searched so that a killed user still dies and a timed-out request is
    still reported as one. A kill outranks the bound.
    """
    found = None
    seen: BaseException | None = exc
    for _ in range(16):  # a chain is a few links long; never follow a cycle
        if seen is None:
            break
        if not isinstance(seen, Exception):
            if not isinstance(seen, _Expired):
                return seen
            found = found or seen
        seen = seen.__context__
    return found


def _mid_protocol(conn: psycopg.Connection) -> bool:
    """True when ``conn`` still has a pipeline open or a query running: no round trip is safe."""
    pgconn = conn.pgconn
    return bool(pgconn.pipeline_status) or pgconn.transaction_status == pq.TransactionStatus.ACTIVE


@dataclass(frozen=True)
class LoadOptions:
    """The workbench's knobs, parsed by Locust (``init_command_line_parser``)."""

    workload: str = "browse"
    variant: str = "baseline"
    role: str = LOAD_ROLE
    pool_size: int = 0
    pool_timeout: float = 5.0
    prepare: bool = False
    tenant_context: bool = True
    histogram_dir: str = ""
    pg_host: str = ""
    pg_port: str = ""
    hot_seed: str = ""
    request_timeout: float = REQUEST_TIMEOUT
    queryset: str = ""  # a load plan (workbench.load.plan) instead of a workload profile
    target: str = ""  # the database to load instead of the variant's
    tenants_file: str = ""  # the run's tenant directory, read once by the runner

    @classmethod
    def from_environment(cls, environment: Environment) -> LoadOptions:
        """Options from Locust's parsed arguments (defaults when run without them, e.g. tests)."""
        opts = environment.parsed_options
        if opts is None:
            return cls()
        return cls(
            workload=opts.workload, variant=opts.variant, role=opts.pg_role,
            pool_size=int(opts.pool_size), pool_timeout=float(opts.pool_timeout),
            prepare=opts.prepare == "on", tenant_context=opts.tenant_context == "on",
            histogram_dir=opts.histogram_dir or "", pg_host=opts.pg_host or "",
            pg_port=str(opts.pg_port or ""), hot_seed=opts.hot_seed or "",
            request_timeout=float(opts.request_timeout),
            queryset=opts.queryset or "", target=opts.target or "",
            tenants_file=opts.tenants_file or "",
        )


@events.init_command_line_parser.add_listener
def _add_arguments(parser: Any) -> None:
    env = os.environ.get
    parser.add_argument("--workload", default=env("WORKBENCH_LOAD_WORKLOAD", "browse"),
                        help="workload profile in loadtests/workloads/")
    parser.add_argument("--variant", default=env("WORKBENCH_LOAD_VARIANT", VARIANTS[0]),
                        choices=list(VARIANTS), help="which variant's database")
    parser.add_argument("--pg-role", default=LOAD_ROLE,
                        help="role(s) to run as, comma-separated (service_role bypasses RLS)")
    parser.add_argument("--pool-size", type=int, default=0,
                        help="psycopg pool per process of this size (0: a connection per user)")
    parser.add_argument("--pool-timeout", type=float, default=5.0,
                        help="seconds to wait for a pooled connection before failing")
    parser.add_argument("--prepare", choices=["on", "off"], default="off",
                        help="server-side prepared statements (off, like prepare: false)")
    parser.add_argument("--tenant-context", choices=["on", "off"], default="on",
                        help="set role and tenant per transaction")
    parser.add_argument("--histogram-dir", default=env("WORKBENCH_LOAD_DIR", ""),
                        help="folder for the per-process microsecond histograms")
    parser.add_argument("--pg-host", default="", help="connect here instead (e.g. a pooler)")
    parser.add_argument("--pg-port", default="", help="port of --pg-host")
    parser.add_argument("--hot-seed", default="", help="picks the rows writers contend on")
    parser.add_argument("--request-timeout", type=float, default=REQUEST_TIMEOUT,
                        help="seconds a request may wait for an answer before it fails")
    parser.add_argument("--tenants-file", default="",
                        help="tenant directory the runner read (else each process reads it)")
    parser.add_argument("--queryset", default=env("WORKBENCH_LOAD_QUERYSET", ""),
                        help="load plan JSON (workbench.load.plan) instead of --workload")
    parser.add_argument("--target", default=env("WORKBENCH_LOAD_TARGET", ""),
                        help="database to load instead of the variant's")


@functools.cache
class ProcessState:
    """What the users of one Locust process share: settings, tenants, pool, histograms."""

    def __init__(self, options: LoadOptions) -> None:
        self.options = options
        self.settings = Settings.load()
        self.database = options.target or self.settings.database_for(options.variant)
        extra = {}
        if options.pg_host:
            extra = {"host": options.pg_host, "port": options.pg_port or "5432"}
        self.conninfo = self.settings.conninfo(self.database, **extra)
        parts = pg_conninfo.conninfo_to_dict(self.conninfo)
        self.target = f"{parts.get('host') or 'localhost'}:{parts.get('port') or 5432}"
        self.direct_conninfo = self.settings.conninfo(self.database)
        self.histograms = HistogramSet()
        self.outages = OutageLog()
        self.roles = [r.strip() for r in options.role.split(",") if r.strip()] or [LOAD_ROLE]
        self.plan = LoadPlan.load(Path(options.queryset)) if options.queryset else None
        self.workload: Workload = self.plan.workload() if self.plan else load_workload(
            options.workload)
        self._lock = threading.Lock()
        self._tenants: TenantDirectory | None = None
        self._facts = WriteFacts()
        self.pool: Any = None

    def connect(self) -> psycopg.Connection:
        """A new autocommit connection as the application opens them."""
        return psycopg.connect(
            self.conninfo, autocommit=True, connect_timeout=10,
            prepare_threshold=0 if self.options.prepare else None,
            application_name="workbench-load",
        )

    def tenants(self) -> tuple[TenantDirectory, WriteFacts]:
        """Tenant directory and write-path facts, read once per process (not through a pooler)."""
        with self._lock:
            if self._tenants is None and self.plan is not None:
                self._tenants = self.plan.directory()
            if self._tenants is None and self.options.tenants_file:
                self._tenants, self._facts = read_snapshot(Path(self.options.tenants_file))
            if self._tenants is None:  # run by hand, without the runner's snapshot
                self._tenants, self._facts = read_tenants(self.direct_conninfo,
                                                          seed=self.options.hot_seed)
            return self._tenants, self._facts

    def read_queries(self, names: list[str]) -> dict[str, ReadQuery]:
        """The read tasks among ``names``: the plan's queries, else the catalog's."""
        if self.plan is not None:
            return self.plan.read_queries()
        return {n: ReadQuery.load(n) for n in names if n not in TRANSACTIONS}

    def params(self, query: ReadQuery, tenant: Tenant, rng: random.Random
               ) -> dict[str, object] | None:
        """Values for ``query``'s parameters, the tenant's own (None: a write the tenant has
        nothing to write from)."""
        if self.plan is not None:
            return self.plan.values(tenant, query, rng)
        return params_for(query.params, tenant, rng)

    def context(self, tenant: Tenant) -> dict[str, object]:
        """What the context statement needs besides the role."""
        if self.plan is not None:
            return self.plan.context(tenant)
        return {"org": tenant.id}

    def ensure_pool(self) -> Any:
        """The process's connection pool (created on first use when ``pool_size`` > 0)."""
        with self._lock:
            if self.pool is None and self.options.pool_size > 0:
                from psycopg_pool import ConnectionPool

                self.pool = ConnectionPool(
                    self.conninfo, min_size=self.options.pool_size,
                    max_size=self.options.pool_size, timeout=self.options.pool_timeout,
                    kwargs={"autocommit": True, "application_name": "workbench-load",
                            "prepare_threshold": 0 if self.options.prepare else None},
                    open=False,
                )
                self.pool.open(wait=True, timeout=30)
            return self.pool

    def save_histograms(self) -> Path | None:
        """Write this process's histograms and outage log (nothing for a master without users)."""
        if not self.options.histogram_dir or not self.histograms and not self.outages.outages:
            return None
        folder = Path(self.options.histogram_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"hist-{os.getpid()}.json"
        self.histograms.save(path)
        self.outages.save(folder / f"outages-{os.getpid()}.json")
        return path

    def close(self) -> None:
        """Close the pool."""
        if self.pool is not None:
            self.pool.close()
            self.pool = None


_STATES: dict[int, ProcessState] = {}


def process_state(environment: Environment) -> ProcessState:
    """The process state for ``environment`` (one per Locust environment, i.e. per process)."""
    key = id(environment)
    if key not in _STATES:
        _STATES[key] = ProcessState(LoadOptions.from_environment(environment))
    return _STATES[key]


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    """Build the process state before any user starts (users spawn concurrently in greenlets).

    Only in processes that run users: a ``--processes`` master never touches the database.
    """
    from locust.runners import MasterRunner

    if environment.parsed_options is None or isinstance(environment.runner, MasterRunner):
        return
    process_state(environment).tenants()
    # gevent's loop caches its clock; after a slow start (imports, reading tenants) it is stale,
    # and Locust's --run-time timer, armed next, would fire at once and end the run unmeasured.
    get_hub().loop.update_now()


def _save(environment: Environment, **_: Any) -> None:
    state = _STATES.get(id(environment))
    if state is not None:
        state.save_histograms()


events.test_stop.add_listener(_save)
events.quitting.add_listener(_save)


class PostgresUser(User):
    """Abstract Locust user over psycopg 3; subclasses call :meth:`read` and :meth:`write`."""

    abstract = True

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.state = process_state(environment)
        self.rng = random.Random()
        self.conn: psycopg.Connection | None = None
        self.tenant: Tenant | None = None
        self.facts = WriteFacts()
        self.refused = 0  # connection attempts refused in a row (the backoff grows with it)
        # One libev timer per user, re-armed per request: ``again`` restarts it with the full
        # interval for a fraction of a microsecond (a reused gevent.Timeout restarts with what
        # was left of it, a new one per request costs several times more).
        seconds = self.state.options.request_timeout
        self.bound = get_hub().loop.timer(seconds, seconds)

    def on_start(self) -> None:
        """Join a tenant (in proportion to size); open the user's connection unless pooled."""
        directory, self.facts = self.state.tenants()
        self.tenant = directory.draw(self.rng)

    def on_stop(self) -> None:
        """Close the user's own connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # -- connections ------------------------------------------------------------------------
    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """The user's connection (or one from the pool, its wait recorded).

        Cleanup happens only on failure, so the common path costs next to nothing: a dropped
        connection is closed and reopened on the next request; a failed transaction is rolled
        back so the connection is usable again. A connection whose wait was interrupted, or that
        is still mid-protocol, is closed instead (closing never waits): a ROLLBACK sent while
        libpq is still in pipeline mode has no Sync after it, so nothing ever answers it.
        """
        if self.state.options.pool_size:
            started = time.perf_counter()
            with self.state.ensure_pool().connection() as pooled:
                self.state.histograms.record(POOL_WAIT, int((time.perf_counter() - started) * 1e6))
                try:
                    yield pooled
                except BaseException as exc:
                    interrupted = _interruption(exc)
                    if interrupted is not None or (not pooled.closed and _mid_protocol(pooled)):
                        pooled.close()  # the pool replaces it instead of rolling it back
                    if interrupted is not None and interrupted is not exc:
                        raise interrupted from None
                    raise
            return
        conn = self.conn
        if conn is None or conn.closed:
            try:
                conn = self.conn = self.state.connect()
            except psycopg.OperationalError as exc:
                if not connection_lost(exc):
                    raise
                said = (str(exc).strip() or type(exc).__name__).splitlines()[0]
                raise ServerUnavailable(
                    f"cannot connect to {self.state.target} (server down, restarting or "
                    f"unreachable: {said[:160]}); retrying with backoff") from exc
        try:
            yield conn
        except BaseException as exc:
            interrupted = _interruption(exc)
            if conn.closed:
                self.conn = None
            elif (interrupted is not None or isinstance(exc, psycopg.OperationalError)
                    or _mid_protocol(conn)):
                conn.close()  # dropped, interrupted or mid-pipeline: reconnect on the next request
                self.conn = None
            elif conn.info.transaction_status != pq.TransactionStatus.IDLE:
                try:
                    conn.execute("ROLLBACK")
                except BaseException as failed:
                    conn.close()
                    self.conn = None
                    if not isinstance(failed, psycopg.Error):
                        raise  # the bound fired, or the user was killed, during the rollback
            if interrupted is not None and interrupted is not exc:
                raise interrupted from None
            raise

    def _timed_out(self) -> RequestTimeout:
        """What a request that hit its bound reports."""
        return RequestTimeout(
            f"no answer within {self.state.options.request_timeout:g}s from "
            f"{self.state.target} (server or pooler not responding); connection closed")

    def _report(self, name: str, started: float, length: int, exc: BaseException | None) -> None:
        elapsed = time.perf_counter() - started
        if exc is None:
            self.state.histograms.record(name, int(elapsed * 1e6))
        events.request.fire(
            request_type=REQUEST_TYPE, name=name, response_time=elapsed * 1000.0,
            response_length=length, exception=exc,
            context={"tenant": self.tenant.id if self.tenant else None},
        )

    def _context(self, name: str) -> tuple[str, dict[str, object]]:
        """The request's reported name and its context (role, tenant).

        With several roles (``--pg-role workbench_load,service_role``) each request picks one
        at random and is reported as ``name @role``: the roles are compared interleaved in one
        run, so machine noise hits both alike.
        """
        assert self.tenant is not None
        roles = self.state.roles
        if len(roles) == 1:
            return name, {"role": roles[0], **self.state.context(self.tenant)}
        role = self.rng.choice(roles)
        return f"{name} @{role}", {"role": role, **self.state.context(self.tenant)}

    # -- requests ---------------------------------------------------------------------------
    def _request(self, name: str, body: Callable[[psycopg.Connection], int]) -> None:
        """Run ``body`` on a connection within the request's bound; report it under ``name``.

        ``body`` returns the response length (rows read, statements written). A database error
        is the request's failure; so is the bound firing, reported as :class:`RequestTimeout`.
        """
        if self.refused:  # the server refused the last attempt: back off before the next
            gevent_sleep(backoff_seconds(self.refused, self.rng))
        bound = self.bound
        started = time.perf_counter()
        length = 0
        bound.again(getcurrent().throw, _Expired)
        try:
            try:
                with self._connection() as conn:
                    length = body(conn)
            finally:
                bound.stop()
        except ServerUnavailable as exc:
            self.refused += 1
            self.state.outages.refused(time.time(), str(exc))
            self._report(name, started, 0, exc)
            return
        except psycopg.Error as exc:
            if connection_lost(exc):
                self.state.outages.lost(time.time())
            self._report(name, started, 0, exc)
            return
        except _Expired:
            self._report(name, started, 0, self._timed_out())
            return
        self.refused = 0
        self.state.outages.connected()
        self._report(name, started, length, None)

    def read(self, query: ReadQuery) -> None:
        """Run one read query under the tenant's context, in one round trip.

        With prepared statements off (the application's ``prepare: false``) the context and
        the query go as one simple-protocol message, which PostgreSQL runs as one implicit
        transaction, so ``set_config(..., true)`` ends with it. With them on, the four
        statements (BEGIN, context, query, COMMIT) are pipelined. A ``rolled_back`` query (a
        load plan's write) runs in a transaction that is rolled back: the server does the
        write's work and the data stays as it was; its length is the rows it wrote.
        """
        assert self.tenant is not None
        params = self.state.params(query, self.tenant, self.rng)
        if params is None:  # a write this tenant has no row to write from: no request
            return
        name, context = self._context(query.name)
        options = self.state.options

        def body(conn: psycopg.Connection) -> int:
            if query.rolled_back:
                with conn.transaction(force_rollback=True):
                    if options.tenant_context:
                        conn.execute(query.context_sql, context)  # type: ignore[arg-type]
                    return max(conn.execute(query.sql, params).rowcount, 0)  # type: ignore[arg-type]
            if not options.tenant_context:
                return len(conn.execute(query.sql, params).fetchall())  # type: ignore[arg-type]
            if not options.prepare:
                cur = psycopg.ClientCursor(conn)
                cur.execute(query.with_context, {**params, **context})
                cur.nextset()
                return len(cur.fetchall())
            with conn.pipeline():
                conn.execute("BEGIN")
                conn.execute(query.context_sql, context)  # type: ignore[arg-type]
                piped = conn.execute(query.sql, params)  # type: ignore[arg-type]
                conn.execute("COMMIT")
            return len(piped.fetchall())

        self._request(name, body)

    def write(self, name: str, func: Callable[[TxContext], int]) -> None:
        """Run a write transaction under the tenant's context; report it under ``name``."""
        tenant = self.tenant
        assert tenant is not None
        name, context = self._context(name)
        tenant_context = self.state.options.tenant_context

        def body(conn: psycopg.Connection) -> int:
            with conn.transaction():
                if tenant_context:
                    conn.execute(read_sql("load/set_tenant.sql"), context)
                return func(TxContext(conn, tenant, self.rng, self.facts))

        self._request(name, body)


class WorkloadUser(PostgresUser):
    """A tenant's user running one workload profile: each step picks a task by weight."""

    abstract = True

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        workload = self.state.workload
        self.names = list(workload.tasks)
        self.cum_weights = list(itertools.accumulate(workload.tasks.values()))
        self.queries = self.state.read_queries(self.names)
        self.think = (workload.think_time_ms[0] / 1000, workload.think_time_ms[1] / 1000)

    def wait_time(self) -> float:
        """The workload's think time (0 for a closed loop)."""
        low, high = self.think
        return self.rng.uniform(low, high) if high > 0 else 0.0

    @task
    def step(self) -> None:
        """One request, chosen by the workload's weights."""
        if len(self.names) == 1:
            name = self.names[0]
        else:
            name = self.rng.choices(self.names, cum_weights=self.cum_weights, k=1)[0]
        query = self.queries.get(name)
        if query is not None:
            self.read(query)
        else:
            self.write(name, TRANSACTIONS[name])
