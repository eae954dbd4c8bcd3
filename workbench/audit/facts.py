"""Facts every audit check may read, looked up once per audit and passed as settings.

Which roles are API callers (``workbench.api_roles``, an oid array: a relation or function they
can reach, other than as its owner, is exposed) and the column-name conventions of
:mod:`workbench.column_names`. Splinter asks whether ``anon``/``authenticated`` can read a
table; on a database without those roles the same question is asked of every role that row
level security applies to, so the checks work on plain PostgreSQL and find Supabase's cases too.
"""

from __future__ import annotations

import psycopg

from workbench import column_names
from workbench.sqlfiles import read_sql


def shared_settings(conn: psycopg.Connection) -> dict[str, str]:
    """The settings SQL checks read besides the tenant context's."""
    row = conn.execute(read_sql("catalog/api_roles.sql")).fetchone()  # type: ignore[arg-type]
    return {"workbench.api_roles": str(row[0]) if row else "{}", **column_names.settings()}
