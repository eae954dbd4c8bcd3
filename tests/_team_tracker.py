"""The team-tracker fixture schema (tests/fixtures/team_tracker.sql) in a scratch database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg

FIXTURE = Path(__file__).parent / "fixtures" / "team_tracker.sql"


def build(scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection],
          suffix: str = "tracker") -> str:
    """A fresh workbench-owned database holding the fixture schema and its rows."""
    name = scratch_db(suffix)
    conn = connect(name, autocommit=True)
    conn.execute(FIXTURE.read_text())  # type: ignore[arg-type]
    return name
