"""``workbench db drop``: a database the workbench made goes, any other stays (both ways)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from psycopg import sql

from workbench import db
from workbench.settings import Settings

pytestmark = pytest.mark.db


def _drop(settings: Settings, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbench", "db", "drop", name, "--yes"],
                          capture_output=True, text=True, timeout=120, env=settings.child_env())


def test_drops_what_the_workbench_made_and_refuses_the_rest(settings: Settings) -> None:
    owned, foreign = f"{settings.prefix}_dropme", f"{settings.prefix}_notours"
    db.create_database(settings, owned, replace=True, allow_destroy=False)
    with db.connection(settings, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(foreign)))
    try:
        r = _drop(settings, owned)
        assert r.returncode == 0 and f"dropped {owned}" in r.stdout, r.stderr
        assert not db.database_exists(settings, owned)
        r = _drop(settings, foreign)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert f"refusing to drop database {foreign!r}" in r.stderr and "dropdb" in r.stderr
        assert db.database_exists(settings, foreign)
    finally:
        db.drop_database(settings, owned)
        with db.connection(settings, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(foreign)))
