"""The two ways to write a check, sharing one lifecycle.

:class:`SqlCheck` is a query in ``sql/audits/`` (one row per offending object).
:class:`PythonCheck` is for what one query cannot say because the tables to look at come from
the catalog (data checks walk every tenant table or every foreign key). Both run through
:meth:`BaseCheck.run`, which owns the savepoint, the transaction-local settings, the timing and
the turning of an error into a failed result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import psycopg

from workbench.audit.context import AuditContext
from workbench.audit.model import SAMPLE_LIMIT, CheckInfo, CheckResult


@dataclass
class Found:
    """What a check saw: a count, and sample rows (at most ``SAMPLE_LIMIT`` are kept)."""

    count: int
    columns: list[str]
    rows: list[tuple[Any, ...]]
    detail: str = ""
    sql: str = ""


class BaseCheck:
    """Lifecycle shared by SQL and Python checks."""

    def info(self) -> CheckInfo:  # pragma: no cover - overridden
        """The static description."""
        raise NotImplementedError

    def find(self, conn: psycopg.Connection, ctx: AuditContext) -> Found:  # pragma: no cover
        """Look; return the count and sample rows."""
        raise NotImplementedError

    def run(self, conn: psycopg.Connection, ctx: AuditContext) -> CheckResult:
        """Run inside a savepoint with the context's settings; errors become a failed result."""
        info = self.info()
        started = time.perf_counter()
        result = CheckResult(info.id, info.title, info.severity, list(info.risks), info.kind,
                             0, "")
        try:
            with conn.transaction():
                for key, value in ctx.settings().items():
                    conn.execute("SELECT set_config(%s, %s, true)", (key, value))
                found = self.find(conn, ctx)
                raise _Rollback(found)  # never keep anything a check did
        except _Rollback as done:
            found = done.found
            result.count = found.count
            result.columns = found.columns
            result.samples = [dict(zip(found.columns, _plain(r), strict=False))
                              for r in found.rows[:SAMPLE_LIMIT]]
            result.detail = found.detail or _default_detail(found)
            result.sql = found.sql
        except psycopg.Error as exc:
            result.error = " ".join(str(exc).split())
            result.detail = f"check failed: {result.error}"
        result.seconds = round(time.perf_counter() - started, 3)
        return result


class _Rollback(Exception):
    def __init__(self, found: Found) -> None:
        super().__init__("rollback")
        self.found = found


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
                         type(self).__module__, self.order)
