"""Where a query set comes from: a server's pg_stat_statements, a folder, or the schema.

One choice for every command (explain, what-if, load, report): the user's captured workload
when they name a server (``--queries-from DSN``), their files when they give a folder
(``--queries-dir``), otherwise queries inferred from the schema and its tenant model.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from workbench import db
from workbench.querysets.folder import from_folder
from workbench.querysets.infer import infer
from workbench.querysets.model import QuerySet
from workbench.querysets.statements import capture

if TYPE_CHECKING:
    from workbench.tenancy.model import TenantModel


def choose(
    conn: psycopg.Connection,
    model: TenantModel,
    *,
    queries_from: str | None = None,
    queries_dir: Path | None = None,
    limit: int = 200,
) -> QuerySet:
    """The query set for ``conn``'s database (``model``: its tenant model, for inference).

    ``queries_from`` is only read (pg_stat_statements); its password never reaches a message.
    """
    if queries_from:
        with db.connect(queries_from, autocommit=True) as source:
            return capture(source, limit=limit)
    if queries_dir is not None:
        return from_folder(queries_dir)
    return infer(conn, model)
