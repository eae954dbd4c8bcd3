"""The two ways to write a check, sharing one lifecycle.

:class:`SqlCheck` is a query in ``sql/audits/`` (one row per offending object).
:class:`PythonCheck` is for what one query cannot say because the tables to look at come from
the catalog (data checks walk every tenant table or every foreign key). Both run through
:meth:`BaseCheck.run`, which owns the savepoint, the transaction-local settings, the timing and
the turning of an error into a failed result, the fingerprints, and the refusal to run a
check that needs a tenant model when there is none (``not-run``, never ``clean``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import psycopg

from workbench.audit.context import AuditContext
from workbench.audit.model import (
    NO_TENANT_MODEL,
    SINGLE_TENANT,
    CheckInfo,
    CheckResult,
    fingerprint,
    identity_columns,
)
from workbench.errors import one_line


def has_tenant_model(ctx: AuditContext) -> bool:
    """Whether the audit knows the schema's tenants (the one place that decides it)."""
    return ctx.tenant_model.found()


@dataclass
class Found:
    """What a check saw: a count and every row (``not_run`` says why it could not look)."""

    count: int
    columns: list[str]
    rows: list[tuple[Any, ...]]
    detail: str = ""
    sql: str = ""
    not_run: str = ""
    condition: str = ""


class BaseCheck:
    """Lifecycle shared by SQL and Python checks."""

    def info(self) -> CheckInfo:  # pragma: no cover - overridden
        """The static description."""
        raise NotImplementedError

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:  # pragma: no cover
        """Look; return the count and sample rows."""
        raise NotImplementedError

    def run(self, conn: psycopg.Connection, ctx: AuditContext,
            settings: dict[str, str] | None = None) -> CheckResult:
        """Run inside a savepoint with the context's settings; errors become a failed result.

        ``settings`` are the shared catalog facts (:mod:`workbench.audit.facts`), read once per
        audit. A tenant check without a tenant model is not run: not applicable when the schema
        is declared single-tenant (``--no-tenant``), else a gap the gate counts.
        """
        info = self.info()
        started = time.perf_counter()
        result = CheckResult(info.id, info.title, info.severity, list(info.risks), info.kind,
                             0, "", condition=info.condition)
        if info.requires_tenant_model and not has_tenant_model(ctx):
            single = ctx.tenant_model.single_tenant
            return _not_run(result, SINGLE_TENANT if single else NO_TENANT_MODEL)
        if settings is None:
            from workbench.audit.facts import shared_settings

            settings = shared_settings(conn)
        try:
            with conn.transaction():
                for key, value in {**settings, **ctx.settings()}.items():
                    conn.execute("SELECT set_config(%s, %s, true)", (key, value))
                found = self.find(conn, ctx)
                raise _Rollback(found)  # never keep anything a check did
        except _Rollback as done:
            _fill(result, done.found, info)
        except psycopg.Error as exc:
            result.error = one_line(exc, None)
            _not_run(result, f"check failed: {result.error}")
        result.seconds = round(time.perf_counter() - started, 3)
        return result


class _Rollback(Exception):
    def __init__(self, found: Found) -> None:
        super().__init__("rollback")
        self.found = found


def _not_run(result: CheckResult, why: str) -> CheckResult:
    result.status, result.why, result.detail = "not-run", why, f"not run: {why}"
    return result


def _fill(result: CheckResult, found: Found, info: CheckInfo) -> None:
    """Every row, its fingerprint, the status; a grouped check's detail states its condition."""
    if found.not_run:
        _not_run(result, found.not_run)
        return
    result.count, result.columns, result.sql = found.count, found.columns, found.sql
    result.rows = [dict(zip(found.columns, _plain(r), strict=False)) for r in found.rows]
    result.identity = identity_columns(found.columns, info.identity)
    missing = [c for c in result.identity if c not in found.columns]
    if missing and found.columns:
        result.error = f"identity column {missing[0]!r} is not an output column of {info.id}"
        _not_run(result, result.error)
        return
    result.fingerprints = [fingerprint(info.id, [row.get(c) for c in result.identity])
                           for row in result.rows]
    result.status = "found" if found.count else "clean"
    result.condition = found.condition or _condition(info.condition, result.rows)
    result.detail = found.detail or _default_detail(found)
    if result.condition and found.count:
        result.detail = f"{found.count} {_noun(result.identity, found.count)}; {result.condition}"


def _noun(identity: list[str], count: int) -> str:
    """"tables" for table_name, "indexes" for index_name: what a grouped finding counts."""
    first = identity[0].removesuffix("_name") if identity else "object"
    return first if count == 1 else {"index": "indexes"}.get(first, first + "s")


def _condition(template: str, rows: list[dict[str, Any]]) -> str:
    """Fill ``{column}`` in a condition with that column's distinct values (``?`` when none)."""
    def values(m: re.Match[str]) -> str:
        found = sorted({str(row[m.group(1)]) for row in rows if m.group(1) in row})
        return ", ".join(found) or "?"

    return re.sub(r"\{(\w+)\}", values, template)


def _plain(row: tuple[Any, ...]) -> list[Any]:
    return [v if isinstance(v, (int, float, str, bool, type(None), list, dict)) else str(v)
            for v in row]


def _default_detail(found: Found) -> str:
    if not found.count:
        return "none"
    first = found.rows[0][0] if found.rows and found.rows[0] else ""
    more = f" and {found.count - 1} more" if found.count > 1 else ""
    return f"{first}{more}"


@dataclass
class SqlCheck(BaseCheck):
    """A check written as one query in ``sql/audits/NNNN_name.sql``."""

    static: CheckInfo
    query: str = field(repr=False)

    @property
    def id(self) -> str:
        """The file name without its number."""
        return self.static.id

    @property
    def kind(self) -> str:
        """structural, data or migrations."""
        return self.static.kind

    @property
    def order(self) -> int:
        """The file's number."""
        return self.static.order

    def info(self) -> CheckInfo:
        """The static description, from the file's header."""
        return self.static

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:
        """Every row the query returns is one finding."""
        cur = conn.execute(self.query)  # type: ignore[arg-type]  # no parameters
        columns = [d.name for d in cur.description or []]
        rows = cur.fetchall()
        return Found(len(rows), columns, rows, sql=self.query)


class PythonCheck(BaseCheck):
    """Subclass in ``workbench/audit/checks/<id>.py``: set the class attributes, write ``find``.

    The id is the module name; the title is the docstring's first line, the rest its docs.
    """

    severity: ClassVar[str] = "medium"
    risks: ClassVar[tuple[str, ...]] = ()
    kind: ClassVar[str] = "data"
    order: ClassVar[int] = 5000
    requires_tenant_model: ClassVar[bool] = False
    identity: ClassVar[tuple[str, ...]] = ()
    condition: ClassVar[str] = ""

    @property
    def id(self) -> str:
        """The module name, e.g. ``orphan_tenant_ids``."""
        return type(self).__module__.rsplit(".", 1)[-1]

    def info(self) -> CheckInfo:
        """The static description, from the class."""
        doc = (type(self).__doc__ or "").strip().splitlines()
        title = doc[0] if doc else self.id
        docs = " ".join(line.strip() for line in doc[1:] if line.strip())
        return CheckInfo(self.id, title, self.severity, self.risks, self.kind, docs,
                         type(self).__module__, self.order, self.requires_tenant_model,
                         self.identity, self.condition)
