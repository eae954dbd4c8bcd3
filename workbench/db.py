"""Connections, and the databases the workbench owns.

The workbench creates its databases itself and marks each with a comment; anything destructive
(drop, recreate, rewrite) checks that mark first and refuses otherwise unless the user passed
``--allow-destroy``. Connection failures become one line that names host, port and database and
never the password.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from workbench.errors import ConnectionFailed, NotFound, UnsafeOperation
from workbench.settings import Settings, check_database_name, parse_dsn, scrub

OWNER_MARK = "workbench-owned"


def describe_target(conninfo: str) -> str:
    """``host:port/dbname`` for messages (a socket directory counts as the host)."""
    parts = parse_dsn(conninfo)
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    return f"{host}:{parts.get('port') or 5432}/{parts.get('dbname') or parts.get('user') or '?'}"


def _reason(exc: Exception, secrets: list[str]) -> str:
    # libpq's message is several lines ("Connection refused" / "Is the server running...?"):
    # one sentence each, so the one-line error still reads as sentences.
    lines = [" ".join(line.split()) for line in str(exc).splitlines() if line.strip()]
    text = " ".join(line if line.endswith((".", "?", "!", ":")) else line + "."
                    for line in lines)
    if "failed:" in text:
        text = text.rsplit("failed:", 1)[1]
    text = text.replace("FATAL:", "").strip()
    return scrub(text or type(exc).__name__, secrets)


def connect(
    conninfo: str, *, secrets: list[str] | None = None, **kwargs: Any
) -> psycopg.Connection:
    """Open a psycopg connection, or raise :class:`ConnectionFailed` with a one-line reason."""
    kwargs.setdefault("connect_timeout", 10)
    kwargs.setdefault("application_name", "workbench")
    try:
        return psycopg.connect(conninfo, **kwargs)
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(
            f"cannot connect to PostgreSQL at {describe_target(conninfo)}: "
            f"{_reason(exc, secrets or [])}"
        ) from None


@contextmanager
def connection(
    settings: Settings, dbname: str | None = None, **kwargs: Any
) -> Iterator[psycopg.Connection]:
    """A connection to ``dbname`` on the settings' server, closed on exit."""
    conn = connect(settings.conninfo(dbname), secrets=settings.secrets(), **kwargs)
    try:
        yield conn
    finally:
        conn.close()


def _state(conn: psycopg.Connection, name: str) -> tuple[bool, bool]:
    """(exists, carries the workbench's ownership mark), in one catalog read."""
    row = conn.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (name,),
    ).fetchone()
    return row is not None, bool(row and row[0] and row[0].startswith(OWNER_MARK))


def database_exists(settings: Settings, name: str) -> bool:
    """Whether ``name`` exists on the server."""
    with connection(settings, autocommit=True) as conn:
        return _state(conn, name)[0]


def is_owned(settings: Settings, name: str) -> bool:
    """Whether ``name`` carries the workbench's ownership mark."""
    with connection(settings, autocommit=True) as conn:
        return _state(conn, name)[1]


def _refuse(name: str, action: str) -> UnsafeOperation:
    return UnsafeOperation(
        f"refusing to {action} database {name!r}: the workbench did not create it "
        "(pass --allow-destroy if you mean it, or choose another --database)"
    )


def require_owned(settings: Settings, name: str, *, action: str) -> None:
    """Refuse ``action`` (writes, EXPLAIN ANALYZE, load) unless ``name`` exists and is ours.

    ``action`` completes "refusing to ...": what the command would do to the database.
    """
    _require(settings, name, "make it with `workbench clone --database NAME`, or pass an "
             "existing one", f"refusing to {action} {name!r}: the workbench did not create it "
             "(copy it first with `workbench clone`)")


def _require(settings: Settings, name: str, if_missing: str, refusal: str) -> None:
    """Raise :class:`NotFound` (``if_missing`` says what to do) unless ``name`` exists, and
    :class:`UnsafeOperation` with ``refusal`` unless it carries the ownership mark."""
    with connection(settings, autocommit=True) as conn:
        exists, owned = _state(conn, name)
    if not exists:
        server = describe_target(settings.conninfo(None))
        raise NotFound(f"database {name!r} does not exist on {server}: {if_missing}")
    if not owned:
        raise UnsafeOperation(refusal)


def require_destroyable(settings: Settings, name: str, *, allow_destroy: bool, action: str) -> None:
    """Refuse ``action`` on an existing database the workbench did not create."""
    if allow_destroy:
        return
    with connection(settings, autocommit=True) as conn:
        exists, owned = _state(conn, name)
    if exists and not owned:
        raise _refuse(name, action)


def create_database(settings: Settings, name: str, *, replace: bool, allow_destroy: bool) -> bool:
    """Create ``name`` and mark it as the workbench's; True when it was (re)created.

    With ``replace`` an existing database is dropped first, which needs ownership or
    ``allow_destroy``. Without it an existing owned database is kept as it is.
    """
    check_database_name(name)
    with connection(settings, autocommit=True) as conn:
        exists, owned = _state(conn, name)
        if exists and not (owned or allow_destroy):
            raise _refuse(name, "drop" if replace else "reuse")
        if exists and not replace:
            return False
        ident = sql.Identifier(name)
        if exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(ident))
        _mark_owned(conn, ident)
    return True


def _mark_owned(conn: psycopg.Connection, ident: sql.Identifier) -> None:
    """The comment by which the workbench knows a database as its own."""
    conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
        ident, sql.Literal(f"{OWNER_MARK}: created by the schema workbench")))


def copy_database(settings: Settings, source: str, name: str) -> bool:
    """Make ``name`` (ours, replacing an owned one) a file copy of ``source`` (ours too).

    A copy of a seeded database is a file copy (``STRATEGY FILE_COPY`` where the server has it,
    PostgreSQL 15+), far quicker than seeding again. PostgreSQL copies only a template nobody is
    connected to: False, with nothing changed, when ``source`` has sessions.
    """
    check_database_name(name)
    with connection(settings, autocommit=True) as conn:
        exists, owned = _state(conn, name)
        if exists and not owned:
            raise _refuse(name, "replace")
        if not _state(conn, source)[1]:
            raise _refuse(source, "copy")
        # Sessions that just closed take a moment to end. Autovacuum workers are not counted:
        # CREATE DATABASE stops them itself (after a seed they are vacuuming its new rows).
        deadline = time.monotonic() + 5
        while conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                           "AND backend_type = 'client backend'",
                           (source,)).fetchone()[0]:  # type: ignore[index]
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        ident = sql.Identifier(name)
        if exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident))
        strategy = sql.SQL(" STRATEGY FILE_COPY") if server_version(conn) >= 150000 else sql.SQL("")
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                ident, sql.Identifier(source), strategy))
        except psycopg.errors.ObjectInUse:
            return False  # someone connected to the source in between
        _mark_owned(conn, ident)
    return True


def drop_database(settings: Settings, name: str, *, allow_destroy: bool = False) -> bool:
    """Drop ``name`` if it exists and is ours (or destruction is allowed)."""
    with connection(settings, autocommit=True) as conn:
        exists, owned = _state(conn, name)
        if not exists:
            return False
        if not (owned or allow_destroy):
            raise _refuse(name, "drop")
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    return True


def require_droppable(settings: Settings, name: str) -> None:
    """Refuse, by name, to drop a database that is missing or that the workbench did not make.

    What the workbench made (variants, clones, a report's seeded clone) carries the ownership
    comment; anything else is refused whatever the caller passes (no override), since removing
    a database someone else made is theirs to do.
    """
    _require(settings, name, "nothing to drop (check the name)",
             f"refusing to drop database {name!r}: the workbench did not create it (no "
             f"{OWNER_MARK!r} comment); drop it yourself with dropdb if you mean it")


def drop_owned(settings: Settings, name: str) -> None:
    """Drop ``name`` only if the workbench created it (``workbench db drop``)."""
    require_droppable(settings, name)
    drop_database(settings, name)


def server_version(conn: psycopg.Connection) -> int:
    """``server_version_num`` as an int (e.g. 180006)."""
    return conn.info.server_version
