"""The query catalog: what the application really runs, one ``sql/queries/*.sql`` per query.

Each file starts with a header of ``-- key: value`` lines (name, screen, risks, params, and
``writes: true`` for statements that change data, which the workbench always rolls back). The
catalog is found by scanning the folder, so adding a query is adding a file.

Parameters are drawn from the database's own data (:func:`draw_parameters`): the largest and
the smallest tenant, a recent and an old time window, so plans are tested where skew matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import psycopg
from psycopg.rows import dict_row

from workbench.errors import BadParameter, NotFound
from workbench.paths import sql_dir
from workbench.risks.subject import catalog_sql, tenant_param

HEADER = re.compile(r"^--\s*(\w+):\s*(.*)$")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TENANTS = ("large", "small")
WINDOWS = ("recent", "old")
LAST_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff"


@dataclass(frozen=True)
class Query:
    """One catalog query and what its header says about it."""

    name: str
    screen: str
    risks: tuple[str, ...]
    params: tuple[str, ...]
    sql: str
    writes: bool = False

    @property
    def summary(self) -> str:
        """The screen or job, for tables and charts."""
        return self.screen


@dataclass(frozen=True)
class ParamSet:
    """Values for every catalog parameter, drawn for one tenant and one time window."""

    tenant: str
    window: str
    values: dict[str, Any] = field(hash=False, compare=False)

    @property
    def label(self) -> str:
        """``large/recent`` and the like."""
        return f"{self.tenant}/{self.window}"

    def for_query(self, query: Query) -> dict[str, Any]:
        """Only the values ``query`` uses (psycopg checks none is missing)."""
        return {k: self.values[k] for k in query.params}


CATALOG_HEADER = ("name", "screen", "risks", "params")


def parse_header(text: str) -> dict[str, str]:
    """The ``-- key: value`` lines at the top of a query file, keys lower-cased."""
    meta: dict[str, str] = {}
    for line in text.splitlines():
        m = HEADER.match(line.strip())
        if not m:
            if line.strip().startswith("--"):
                continue
            break
        meta[m.group(1).lower()] = m.group(2).strip()
    return meta


def parse_query(
    text: str, source: str, *, required: tuple[str, ...] = CATALOG_HEADER, default_name: str = ""
) -> Query:
    """Read a query file's header and check it declares exactly the placeholders it uses.

    The catalog requires every header line; a user's folder of queries (``required=()``) may
    leave them out: the name is then the file's, the parameters its placeholders in order.
    """
    meta = parse_header(text)
    for key in required:
        if key not in meta:
            raise BadParameter(f"{source}: header has no '-- {key}:' line")
    found = tuple(dict.fromkeys(PLACEHOLDER.findall(text)))
    params = tuple(p.strip() for p in meta.get("params", ",".join(found)).split(",") if p.strip())
    if set(found) != set(params):
        raise BadParameter(
            f"{source}: header params {sorted(params)} differ from placeholders {sorted(found)}"
        )
    return Query(
        name=meta.get("name") or default_name,
        screen=meta.get("screen", ""),
        risks=tuple(r.strip() for r in meta.get("risks", "").split(",") if r.strip()),
        params=params,
        sql=text.strip(),
        writes=meta.get("writes", "").lower() in ("true", "yes", "1"),
    )


@cache
def catalog() -> dict[str, Query]:
    """Every catalog query by name, in file name order."""
    out: dict[str, Query] = {}
    for path in sorted((sql_dir() / "queries").glob("*.sql")):
        query = parse_query(path.read_text(), str(path.relative_to(sql_dir().parent)))
        if query.name != path.stem:
            raise BadParameter(f"{path}: header name {query.name!r} differs from the file name")
        out[query.name] = query
    return out


def select_queries(names: list[str] | tuple[str, ...] = (), risk: str | None = None) -> list[Query]:
    """Queries by name (all when none given), optionally only those bearing on ``risk``."""
    cat = catalog()
    for name in names:
        if name not in cat:
            raise NotFound(f"no catalog query {name!r} (known: {', '.join(cat)})")
    chosen = [cat[n] for n in names] if names else list(cat.values())
    if risk:
        chosen = [q for q in chosen if risk.upper() in q.risks]
    return chosen


def tenants(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Tenants by size, largest first, with the span of their history."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(catalog_sql("tenants")).fetchall()  # type: ignore[arg-type]


def _window(first: datetime, last: datetime, which: str, days: int) -> tuple[datetime, datetime]:
    span = timedelta(days=days)
    if which == "recent":
        return last - span, last + timedelta(seconds=1)
    return first, min(first + span, last + timedelta(seconds=1))


def draw_parameters(
    conn: psycopg.Connection,
    *,
    tenants_wanted: tuple[str, ...] = TENANTS,
    windows: tuple[str, ...] = WINDOWS,
    window_days: int = 30,
    page_size: int = 50,
) -> list[ParamSet]:
    """Parameter sets for the largest and smallest tenant, over a recent and an old window.

    Values come from the tenant's own rows (the ``draw_parameters`` statement of the reviewed
    subject's profile), so a query for "this customer's orders" asks about a customer that has
    orders. A database with no tenant rows is an error: there is nothing to measure.
    """
    ranked = tenants(conn)
    if not ranked:
        raise NotFound("no tenant data to draw catalog parameters from (seed the database first)")
    picks = {"large": ranked[0], "small": ranked[-1]}
    out: list[ParamSet] = []
    for tenant in tenants_wanted:
        if tenant not in picks:
            raise BadParameter(f"unknown tenant {tenant!r}; choose from {', '.join(TENANTS)}")
        row = picks[tenant]
        for window in windows:
            if window not in WINDOWS:
                raise BadParameter(f"unknown window {window!r}; choose from {', '.join(WINDOWS)}")
            out.append(_draw_one(conn, row, tenant, window, window_days, page_size))
    return out


def _draw_one(
    conn: psycopg.Connection, row: dict[str, Any], tenant: str, window: str,
    window_days: int, page_size: int,
) -> ParamSet:
    """One parameter set for the tenant in ``row`` (tenant_id, first_at, last_at)."""
    org = row["tenant_id"]
    since, until = _window(row["first_at"], row["last_at"], window, window_days)
    args = {tenant_param(): org, "since": since, "until": until}
    with conn.cursor(row_factory=dict_row) as cur:
        drawn = cur.execute(
            catalog_sql("draw_parameters"), args  # type: ignore[arg-type]
        ).fetchone() or {}
    values: dict[str, Any] = {**args, **drawn, "page_size": page_size}
    values["opportunity_id"] = values.get("opportunity_id") or values.get("any_opportunity_id")
    values["session_cutoff"] = until - timedelta(days=window_days)
    with conn.cursor() as cur:
        cursor_row = cur.execute(
            catalog_sql("keyset_cursor"),  # type: ignore[arg-type]
            {tenant_param(): org, "customer_status": values.get("customer_status"),
             "page_size": page_size},
        ).fetchone()
    values["cursor_created_at"] = cursor_row[0] if cursor_row else datetime.max
    values["cursor_id"] = cursor_row[1] if cursor_row else LAST_UUID
    return ParamSet(tenant, window, values)


def draw_parameters_for(
    conn: psycopg.Connection,
    tenant_ids: list[str] | tuple[str, ...],
    *,
    window: str = "recent",
    window_days: int = 30,
    page_size: int = 50,
) -> dict[str, ParamSet]:
    """One parameter set per given tenant (any tenant, not only the largest/smallest).

    The same drawing as :func:`draw_parameters`, keyed by tenant id (the set's ``tenant``
    is the id). The load tests use it to give each simulated user its own tenant's values. A
    tenant with no rows in the big tables gets a window ending now (its queries find nothing).
    """
    if window not in WINDOWS:
        raise BadParameter(f"unknown window {window!r}; choose from {', '.join(WINDOWS)}")
    spans = {str(r["tenant_id"]): r for r in tenants(conn)}
    now = datetime.now(UTC)
    out: dict[str, ParamSet] = {}
    for org in tenant_ids:
        row = spans.get(str(org)) or {"tenant_id": org, "first_at": now, "last_at": now}
        out[str(org)] = _draw_one(conn, row, str(org), window, window_days, page_size)
    return out
