"""Fixtures: a real PostgreSQL for every test that needs one.

The server is the embedded PostgreSQL 18 unless ``WORKBENCH_TEST_DSN`` names another (CI runs
the suite a second time against the machine's PostgreSQL 15). Each test session works in
databases of its own, ``wbt<random>_*``, so parallel sessions never collide, and drops them at the
end.

A test that needs something outside Python (a tool such as ``pgbouncer`` or ``chromium``, the
machine's PostgreSQL 15) asks :func:`require_tool` or :func:`require`: missing, it is skipped on
a developer's machine, and it FAILS under ``CI=true``, so CI never passes by skipping.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator

import psycopg
import pytest

from workbench import db
from workbench.schema.variants import apply_variant
from workbench.settings import Settings


def in_ci() -> bool:
    """Whether the suite runs as CI (``CI=true``): nothing a test needs may be missing."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, what: str) -> None:
    """Skip the test when ``what`` is unavailable; under ``CI=true`` fail it instead."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} (CI=true: a missing dependency fails the run; "
                    "`make system-deps` installs the Debian packages)", pytrace=False)
    pytest.skip(what)


def require_tool(name: str, path: str | None = None) -> str:
    """The executable ``name`` (found on PATH unless ``path`` is given); see :func:`require`."""
    found = path or shutil.which(name)
    require(found is not None, f"{name} is not installed")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def pgbouncer_path() -> str:
    """PgBouncer's executable, for the pooler tests (``usefixtures("pgbouncer_path")``)."""
    from workbench.load.pgbouncer import pgbouncer_binary

    return require_tool("pgbouncer", pgbouncer_binary())


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    dsn = os.environ.get("WORKBENCH_TEST_DSN") or None
    prefix = f"wbt{secrets.token_hex(3)}"
    s = Settings.load(dsn, prefix=prefix)
    s.server_conninfo()
    yield s
    with db.connection(s, autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix + "%",)).fetchall()]
    for name in names:
        db.drop_database(s, name)


@pytest.fixture(scope="session")
def baseline_db(settings: Settings) -> str:
    """The baseline variant, applied once per session; tests must not change it."""
    return apply_variant(settings, "baseline").database


@pytest.fixture(scope="session")
def remediated_db(settings: Settings) -> str:
    """The remediated variant, applied once per session; tests must not change it."""
    return apply_variant(settings, "remediated").database


@pytest.fixture
def scratch_db(settings: Settings) -> Iterator[Callable[[str], str]]:
    """Factory for empty workbench-owned databases, dropped after the test."""
    made: list[str] = []

    def make(suffix: str = "scratch") -> str:
        name = f"{settings.prefix}_{suffix}_{len(made)}"
        db.create_database(settings, name, replace=True, allow_destroy=False)
        made.append(name)
        return name

    yield make
    for name in made:
        db.drop_database(settings, name)


@pytest.fixture
def connect(settings: Settings) -> Iterator[Callable[..., psycopg.Connection]]:
    """Open connections to databases of the test server; closed after the test."""
    opened: list[psycopg.Connection] = []

    def _connect(dbname: str, **kwargs: object) -> psycopg.Connection:
        conn = db.connect(settings.conninfo(dbname), **kwargs)  # type: ignore[arg-type]
        opened.append(conn)
        return conn

    yield _connect
    for conn in opened:
        conn.close()
