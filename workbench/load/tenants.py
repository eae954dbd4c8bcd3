"""Tenants as the load sees them: who exists, how big, and which ids each may use.

Simulated users are drawn in proportion to tenant size, because large tenants send most of a
multi-tenant application's traffic and a uniform draw would over-weight the small ones. Each
tenant's sample of ids is read once per process (bypassing RLS, as an admin would) and then only
that tenant's ids are used in its requests, so queries see the same selectivity the application
sees.

Read tasks run the query catalog's queries (:mod:`workbench.queries`), so each tenant also gets
one set of catalog parameter values drawn from its own data (:func:`draw_parameters_for`): its
commonest statuses, a search word its names contain, a campaign, a keyset cursor, a time window.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg

from workbench import db
from workbench.errors import UnsafeOperation
from workbench.queries import draw_parameters_for
from workbench.risks.subject import tenant_param
from workbench.settings import Settings
from workbench.sqlfiles import read_sql

LOAD_ROLE = "workbench_load"
BYPASS_ROLE = "service_role"

SEARCH_TERMS = ("Acme", "Bondi", "Coral", "Dingo", "Eucalypt", "Fern", "Pty")
PRODUCT_TERMS = ("Panel", "Inverter", "Battery", "Cable")
LOAD_WINDOW_DAYS = 90  # the catalog's time window for load: reports over a quarter
LOAD_PAGE_SIZE = 25  # one page of a list screen


@dataclass
class Tenant:
    """One tenant: its id, its size, a sample of its ids per entity, catalog values.

    ``params`` holds the tenant's drawn catalog values for everything not sampled in ``ids``
    (sampled ids vary per request); each non-null one also appears in ``ids`` as a one-item list
    of its text, so scripts that take a tenant's first value per parameter (the benchmark's
    pgbench ``-D``) work on catalog queries too.
    """

    id: str
    size: int
    ids: dict[str, list[str]] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict)

    def pick(self, kind: str, rng: random.Random) -> str:
        """A random id of ``kind`` belonging to this tenant (a fresh uuid when it has none)."""
        pool = self.ids.get(kind)
        return rng.choice(pool) if pool else str(uuid.uuid4())


@dataclass
class TenantDirectory:
    """Every tenant with its weight; draws tenants in proportion to size."""

    tenants: list[Tenant]

    @classmethod
    def load(
        cls, conn: psycopg.Connection, *, sample: bool = True, seed: str = ""
    ) -> TenantDirectory:
        """Read tenants (and their id samples) through ``conn``, as the bypass role.

        ``seed`` picks the run's hot rows (the same in every process of one run).
        """
        with conn.transaction():
            conn.execute("SELECT set_config('role', %s, true)", (BYPASS_ROLE,))
            rows = conn.execute(read_sql("load/tenant_weights.sql")).fetchall()
            tenants = [Tenant(str(r[0]), int(r[1])) for r in rows]
            if sample:
                for tenant in tenants:
                    for kind, value in conn.execute(
                        read_sql("load/tenant_samples.sql"), {"org": tenant.id, "seed": seed}
                    ).fetchall():
                        tenant.ids.setdefault(kind, []).append(value)
                drawn = draw_parameters_for(
                    conn, [t.id for t in tenants], window_days=LOAD_WINDOW_DAYS,
                    page_size=LOAD_PAGE_SIZE,
                )
                for tenant in tenants:
                    values = {**drawn[tenant.id].values, tenant_param(): tenant.id}
                    tenant.params = {k: v for k, v in values.items() if k not in tenant.ids}
                    for key, value in tenant.params.items():
                        if value is not None:
                            tenant.ids[key] = [str(value)]
        return cls(tenants)

    def draw(self, rng: random.Random) -> Tenant:
        """A tenant, with probability proportional to its size (uniform if all are empty)."""
        if not self.tenants:
            raise UnsafeOperation("the database has no tenants: seed it first")
        weights = [max(t.size, 1) for t in self.tenants]
        return rng.choices(self.tenants, weights=weights, k=1)[0]


def params_for(names: tuple[str, ...], tenant: Tenant, rng: random.Random) -> dict[str, object]:
    """Values for a query's named parameters, drawn from the tenant's own data.

    Sampled ids vary per request; the tenant's drawn catalog values come next; the rest are
    the load-specific parameters of ``sql/load/queries/``.
    """
    out: dict[str, object] = {}
    for name in names:
        if name in ("org", tenant_param()):
            out[name] = tenant.id
        elif name in tenant.params:
            out[name] = tenant.params[name]
        elif name == "term":
            out[name] = rng.choice(SEARCH_TERMS)
        elif name == "product_term":
            out[name] = rng.choice(PRODUCT_TERMS)
        elif name == "days":
            out[name] = rng.choice((30, 90, 365))
        elif name == "quantity":
            out[name] = Decimal(rng.randint(1, 5))
        else:
            out[name] = tenant.pick(name, rng)
    return out


def ensure_role(settings: Settings, database: str) -> None:
    """Create the load role (idempotent) so users can run with RLS in force."""
    with db.connection(settings, database, autocommit=True) as conn:
        conn.execute(read_sql("load/role.sql"))


def has_data(conn: psycopg.Connection) -> bool:
    """Whether the database holds tenant data the workload can use (``load/has_data.sql``)."""
    row = conn.execute(read_sql("load/has_data.sql")).fetchone()
    return bool(row and row[0])


def ensure_data(settings: Settings, database: str) -> bool:
    """Load the tiny fixture data set into an empty workbench-owned database; True if it did.

    Until (or unless) the seeder has filled the database, load tests still need tenants of
    different sizes. Never writes into a database the workbench did not create.
    """
    with db.connection(settings, database, autocommit=True) as conn:
        if has_data(conn):
            return False
        if not db.is_owned(settings, database):
            raise UnsafeOperation(f"refusing to seed {database!r}: the workbench did not create it")
        with conn.transaction():
            conn.execute(read_sql("load/fixture_seed.sql"))
        conn.execute("ANALYZE")
    return True
