"""The run's tenant directory, read once by the runner and handed to every Locust process.

Reading the directory (tenant sizes, id samples, catalog values) scans the tenants' tables: 23 s
on the reviewed schema at premortem volume. Read in each Locust process it cost every process
that time, and under ``--processes`` it was read *after* the workers had reported ready, so
the users waited on it through the whole run and a 10 s run recorded no request at all. The
runner reads it once, before Locust starts, and each process unpickles it in milliseconds; every
process then also draws from the same samples.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import psycopg

from workbench.load.tenants import TenantDirectory
from workbench.load.transactions import WriteFacts

FILE_NAME = "tenants.pickle"


def read_tenants(conninfo: str, *, seed: str) -> tuple[TenantDirectory, WriteFacts]:
    """The tenant directory and write facts of the database at ``conninfo``, from the server."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        return TenantDirectory.load(conn, seed=seed), WriteFacts.read(conn)


def write_snapshot(conninfo: str, folder: Path, *, seed: str) -> Path:
    """:func:`read_tenants` of the database at ``conninfo``, written into ``folder``."""
    path = folder / FILE_NAME
    path.write_bytes(pickle.dumps(read_tenants(conninfo, seed=seed)))
    return path


def read_snapshot(path: Path) -> tuple[TenantDirectory, WriteFacts]:
    """What :func:`write_snapshot` wrote (a file this run's runner made, never user input)."""
    directory, facts = pickle.loads(path.read_bytes())  # noqa: S301 - our own file
    return directory, facts
