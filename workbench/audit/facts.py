"""Facts every audit check may read, looked up once per audit and passed as settings.

What API callers can reach (``workbench.exposed_relations`` and
``workbench.exposed_definer_functions``: JSON objects from oid to the callers' names, defined in
``sql/catalog/exposure.sql``) and the column-name conventions of :mod:`workbench.column_names`.
Splinter asks whether ``anon``/``authenticated`` can read a table; on a database without those
roles the same question is asked of every role row level security applies to (and PUBLIC), so
the checks work on plain PostgreSQL and find Supabase's cases too.
"""

from __future__ import annotations

import psycopg

from workbench import column_names
from workbench.sqlfiles import read_sql


def shared_settings(conn: psycopg.Connection) -> dict[str, str]:
    """The settings SQL checks read besides the tenant context's."""
    row = conn.execute(read_sql("catalog/exposure.sql")).fetchone()  # type: ignore[arg-type]
    relations, functions = (row[0], row[1]) if row else ("{}", "{}")
    return {"workbench.exposed_relations": relations,
            "workbench.exposed_definer_functions": functions, **column_names.settings()}
