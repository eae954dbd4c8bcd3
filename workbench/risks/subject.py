"""The reviewed subject's profile: the tables, columns and statements the review names per risk.

Probes of review-specific risks (a table the premortem names as growing without bound, the
indexes it says a list needs) read their targets from ``sql/baseline/subject.toml`` through this
module, so the reviewed schema's names live in one data file beside its DDL and nowhere else in
the code. A probe whose named table is missing from the database under test says "not testable".
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import psycopg

from workbench.errors import NotFound
from workbench.paths import project_root, sql_dir
from workbench.sqlfiles import read_sql

SUBJECT_FILE = "baseline/subject.toml"
SEED_SQL = "baseline/subject/seed"
"""The reviewed profile's seeding SQL under ``sql/``: its distributions and planted anomalies."""


@cache
def profile() -> dict[str, Any]:
    """The whole profile (``sql/baseline/subject.toml``), parsed once."""
    return tomllib.loads((sql_dir() / SUBJECT_FILE).read_text())


def named(risk_id: str) -> dict[str, Any]:
    """What the review names for ``risk_id`` (tables, columns, statement files)."""
    try:
        return profile()["risk"][risk_id]
    except KeyError:
        raise NotFound(f"sql/{SUBJECT_FILE} names nothing for {risk_id}: add a [risk.{risk_id}] "
                       "table to it") from None


def migrations_folder() -> Path:
    """The folder of migrations the reviewed schema was built from (as the review listed them)."""
    return project_root() / profile()["migrations"]


def tenant_insert() -> str:
    """The statement that makes up a tenant (input ``slug``), for rolled-back probe writes."""
    return str(profile()["tenant_insert"])


def catalog_sql(key: str) -> str:
    """The text of one of the query catalog's drawing statements (``[catalog]`` of the profile)."""
    return read_sql(profile()["catalog"][key])


def tenant_param() -> str:
    """The query catalog's parameter name for the caller's tenant id."""
    return str(profile()["catalog"]["tenant_param"])


def has_table(conn: psycopg.Connection, table: str) -> bool:
    """Whether the database under test has the table the review names (in its search_path)."""
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])
