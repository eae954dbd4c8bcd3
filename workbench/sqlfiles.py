"""Reading and running the project's ``.sql`` files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import psycopg

from workbench.errors import NotFound, SchemaError
from workbench.paths import sql_dir


@cache
def read_sql(relative: str) -> str:
    """The text of ``sql/<relative>``."""
    path = sql_dir() / relative
    if not path.is_file():
        raise NotFound(f"SQL file {path} does not exist")
    return path.read_text()


def run_script(conn: psycopg.Connection, path: Path) -> None:
    """Run a whole SQL script (several statements, DO blocks) on ``conn``.

    A failure becomes a :class:`SchemaError` naming the file and PostgreSQL's message, so the
    CLI shows which script broke and why.
    """
    try:
        conn.execute(path.read_text())  # type: ignore[arg-type]  # no parameters: simple protocol
    except psycopg.Error as exc:
        message = (exc.diag.message_primary or str(exc)).strip()
        raise SchemaError(f"{path.relative_to(sql_dir().parent)} failed: {message}") from exc
