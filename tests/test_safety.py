"""The workbench never drops or rewrites a database it did not create, unless told to."""

from __future__ import annotations

import subprocess
import sys

import pytest
from psycopg import sql

from workbench import db

pytestmark = pytest.mark.db


@pytest.fixture
def foreign_db(settings):
    """A database someone else made, holding a table we must not lose."""
    name = f"{settings.prefix}_foreign"
    with db.connection(settings, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute("CREATE TABLE precious (id int); INSERT INTO precious VALUES (42)")
    yield name
    db.drop_database(settings, name, allow_destroy=True)


def _apply(settings, target: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", "schema", "apply", "--variant", "baseline",
         "--target", target, "--dsn", settings.server_conninfo(), *extra],
        capture_output=True, text=True, timeout=300,
    )


def test_refuses_foreign_database_and_keeps_it(settings, foreign_db) -> None:
    r = _apply(settings, foreign_db)
    assert r.returncode == 2
    assert "refusing to drop database" in r.stderr and "--allow-destroy" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    with db.connection(settings, foreign_db) as conn:
        assert conn.execute("SELECT id FROM precious").fetchone() == (42,)


def test_allow_destroy_replaces_it(settings, foreign_db) -> None:
    r = _apply(settings, foreign_db, "--allow-destroy")
    assert r.returncode == 0, r.stderr
    assert db.is_owned(settings, foreign_db)
    with db.connection(settings, foreign_db) as conn:
        assert conn.execute("SELECT to_regclass('precious')").fetchone() == (None,)
        assert conn.execute("SELECT to_regclass('public.contacts')").fetchone()[0] is not None


def test_unit_commands_refuse_foreign_database(settings, foreign_db) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "workbench", "schema", "apply-unit", "0010", "--target", foreign_db,
         "--dsn", settings.server_conninfo()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "refusing" in r.stderr


def test_owned_database_is_recreated_without_flag(settings, scratch_db) -> None:
    name = scratch_db("owned")
    assert db.is_owned(settings, name)
    assert db.create_database(settings, name, replace=True, allow_destroy=False)
