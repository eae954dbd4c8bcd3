"""Where the workbench's files live.

The package is installed editable from the repository, so the SQL, seed profiles, notebooks and
load tests sit beside it. ``WORKBENCH_ROOT`` points elsewhere (e.g. a checkout used from another
directory).
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The repository root (parent of the ``workbench`` package) unless overridden."""
    override = os.environ.get("WORKBENCH_ROOT")
    return Path(override).resolve() if override else Path(__file__).resolve().parent.parent


def sql_dir() -> Path:
    """The ``sql/`` tree: baseline DDL, mitigation units, queries and checks."""
    return project_root() / "sql"


def notebooks_dir() -> Path:
    """The report notebooks, executed in name order (``WORKBENCH_NOTEBOOKS`` overrides)."""
    override = os.environ.get("WORKBENCH_NOTEBOOKS")
    return Path(override).resolve() if override else project_root() / "notebooks"


def seeds_dir() -> Path:
    """Seeding profiles (TOML)."""
    return project_root() / "seeds"
