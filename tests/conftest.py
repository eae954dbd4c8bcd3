"""Fixtures: a real PostgreSQL for every test that needs one.

The server is the embedded PostgreSQL 18 unless ``WORKBENCH_TEST_DSN`` names another (CI runs
the suite a second time against the machine's PostgreSQL 15). Each test session works in
databases of its own, ``wbt<random>_*``, so parallel sessions never collide, and drops them at the
end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator

import psycopg
import pytest

from workbench import db
from workbench.schema.variants import apply_variant
from workbench.settings import Settings


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
