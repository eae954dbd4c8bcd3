"""A migrations folder, checked without trusting it: duplicate prefixes, and a fresh apply.

Why: the reviewed project shipped two migrations numbered ``0001_`` (RISK-OPS-001: which one runs
first depends on the tool's sort) and an initial migration PostgreSQL rejects (fact 1,
RISK-OPS-004), and nobody noticed because nobody ran the folder on an empty database. The audit
does exactly that, in a scratch database the workbench creates and drops itself, so the database
under audit is never written to.

Files are the folder's top-level ``*.sql`` files in name order (how Drizzle, sqlx, golang-migrate
and Flyway's default naming order them); a *prefix* is the leading digits before ``_`` or ``-``.
An optional *prelude* (e.g. ``sql/baseline/000_supabase_stubs.sql`` for a Supabase project)
runs first, because migrations written for a platform rely on what the platform provides.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from workbench import db
from workbench.errors import BadParameter
from workbench.settings import Settings

_PREFIX = re.compile(r"^(\d+)[_-]")


@dataclass(frozen=True)
class MigrationsTarget:
    """What the migration checks look at, and where they may create their scratch database."""

    folder: Path
    settings: Settings
    prelude: tuple[Path, ...] = field(default=())

    def files(self) -> list[Path]:
        """The folder's ``*.sql`` files in apply order (a missing or empty folder is an error)."""
        if not self.folder.is_dir():
            raise BadParameter(f"--migrations {self.folder} is not a folder")
        found = sorted(p for p in self.folder.glob("*.sql") if p.is_file())
        if not found:
            raise BadParameter(f"--migrations {self.folder} holds no .sql files")
        return found


@dataclass(frozen=True)
class ApplyFailure:
    """The first migration PostgreSQL refused, with its own words."""

    migration: str
    sqlstate: str
    message: str
    line: int | None
    not_applied: tuple[str, ...]


def prefix_of(path: Path) -> str | None:
    """The numeric prefix (``0001`` of ``0001_auth.sql``), or None when the name has none."""
    m = _PREFIX.match(path.name)
    return m.group(1) if m else None


def duplicate_prefixes(files: Sequence[Path]) -> list[tuple[str, list[str]]]:
    """Prefixes carried by more than one file, with the file names, in prefix order.

    Prefixes compare as numbers (``1_`` and ``0001_`` collide too: tools that parse the number
    treat them as the same version).
    """
    groups: dict[int, list[Path]] = {}
    for path in files:
        prefix = prefix_of(path)
        if prefix is not None:
            groups.setdefault(int(prefix), []).append(path)
    return [(prefix_of(paths[0]) or "", [p.name for p in paths])
            for _, paths in sorted(groups.items()) if len(paths) > 1]


def _line_of(text: str, position: str | None) -> int | None:
    """1-based line of PostgreSQL's 1-based character position in the script."""
    if not position or not position.isdigit():
        return None
    return text.count("\n", 0, int(position) - 1) + 1


def apply_fresh(target: MigrationsTarget) -> ApplyFailure | None:
    """Apply prelude then migrations in a fresh scratch database; the first failure, if any.

    Each file runs as one simple-protocol script (one implicit transaction, as most migration
    tools run a file), and the run stops at the first failure: later files build on it. The
    scratch database is dropped whatever happens.
    """
    files = target.files()
    settings = target.settings
    name = f"{settings.prefix}_migcheck_{secrets.token_hex(3)}"
    db.create_database(settings, name, replace=False, allow_destroy=False)
    try:
        with db.connection(settings, name, autocommit=True) as conn:
            for script in target.prelude:
                try:
                    conn.execute(script.read_text())  # type: ignore[arg-type]  # no parameters
                except psycopg.Error as exc:
                    raise BadParameter(
                        f"migrations prelude {script} failed: "
                        f"{(exc.diag.message_primary or str(exc)).strip()}") from None
            for i, path in enumerate(files):
                text = path.read_text()
                try:
                    conn.execute(text)  # type: ignore[arg-type]  # no parameters: simple protocol
                except psycopg.Error as exc:
                    return ApplyFailure(
                        path.name, exc.sqlstate or "", (exc.diag.message_primary or str(exc))
                        .strip(), _line_of(text, exc.diag.statement_position),
                        tuple(p.name for p in files[i + 1:]))
        return None
    finally:
        db.drop_database(settings, name)
