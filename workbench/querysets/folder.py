"""Queries from a folder of ``.sql`` files: one named query per file, the catalog's format.

The header lines of ``sql/queries/`` are optional here (a user's folder is not our catalog):
the name defaults to the file's stem, the parameters to the ``%(name)s`` placeholders in order,
``-- weight: N`` sets the query's share of a load (default 1), and a statement that changes
data is marked as writing whether or not its header says so (pglast reads it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from workbench.errors import BadParameter, NotFound
from workbench.queries import parse_header, parse_query
from workbench.querysets.binding import writes
from workbench.querysets.model import QuerySet


def from_folder(folder: Path) -> QuerySet:
    """Every ``*.sql`` file of ``folder`` as a named query, in file name order."""
    if not folder.is_dir():
        raise NotFound(f"query folder {folder} does not exist: give a folder of .sql files")
    files = sorted(folder.glob("*.sql"))
    if not files:
        raise NotFound(f"query folder {folder} holds no .sql files")
    queries, weights = [], {}
    for path in files:
        text = path.read_text()
        query = parse_query(text, str(path), required=(), default_name=path.stem)
        weight = parse_header(text).get("weight", "1")
        try:
            weights[query.name] = float(weight)
        except ValueError:
            raise BadParameter(f"{path}: '-- weight: {weight}' is not a number") from None
        if writes(query.sql) and not query.writes:
            query = replace(query, writes=True)
        queries.append(query)
    return QuerySet(f"folder {folder}", queries, weights)
