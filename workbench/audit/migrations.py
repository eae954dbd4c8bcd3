"""A migrations folder, checked without trusting it: duplicate prefixes, and a fresh apply.

Why: the reviewed project shipped two migrations numbered ``0001_`` (RISK-OPS-001: which one runs
first depends on the tool's sort) and an initial migration PostgreSQL rejects (fact 1,
RISK-OPS-004), and nobody noticed because nobody ran the folder on an empty database. The audit
does exactly that, in a scratch database the workbench creates and drops itself, so the database
under audit is never written to.

Files are read in the order the folder's own tool applies them (:func:`migration_files`): a
Drizzle folder's ``meta/_journal.json``, else the top-level ``*.sql`` files in name order (sqlx,
golang-migrate, Flyway's default naming, ``supabase/migrations``), else one
``<name>/migration.sql`` (Prisma) or ``<name>/up.sql`` per sub-folder in folder-name order. A
*prefix* is the leading digits before ``_`` or ``-`` (of the sub-folder for nested files).
An optional *prelude* (e.g. ``sql/baseline/000_supabase_stubs.sql`` for a Supabase project)
runs first, because migrations written for a platform rely on what the platform provides.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pglast
import psycopg

from workbench import db
from workbench.errors import BadParameter
from workbench.settings import Settings

_PREFIX = re.compile(r"^(\d+)[_-]")
NESTED = ("migration.sql", "up.sql")  # one migration per sub-folder: Prisma, Diesel/Hasura
ACTIVE_SQL_TRANSACTION = "25001"  # e.g. CREATE INDEX CONCURRENTLY inside a multi-statement script


def migration_files(folder: Path) -> list[Path]:
    """The folder's migration files in the order its tool applies them.

    A missing folder, an empty one, or a Drizzle journal naming a file that is not there is a
    :class:`BadParameter` naming the folder.
    """
    if not folder.is_dir():
        raise BadParameter(f"--migrations {folder} is not a folder")
    journal = folder / "meta" / "_journal.json"
    if journal.is_file():
        try:
            tags = [entry["tag"] for entry in json.loads(journal.read_text())["entries"]]
        except (ValueError, KeyError, TypeError):
            raise BadParameter(f"{journal} is not a Drizzle journal (expected entries[].tag)") \
                from None
        files = [folder / f"{tag}.sql" for tag in tags]
        missing = [p.name for p in files if not p.is_file()]
        if missing:
            raise BadParameter(f"{journal} names {', '.join(missing)}, missing from {folder}")
        if files:
            return files
    top = sorted(p for p in folder.glob("*.sql") if p.is_file())
    if top:
        return top
    nested = sorted((p for p in folder.glob("*/*.sql") if p.name in NESTED and p.is_file()),
                    key=lambda p: p.parent.name)
    if nested:
        return nested
    raise BadParameter(f"--migrations {folder} holds no .sql files (nor <name>/migration.sql "
                       "sub-folders, nor a Drizzle meta/_journal.json)")


def label(path: Path) -> str:
    """How a migration is named in messages: its file name, with the sub-folder when nested."""
    return f"{path.parent.name}/{path.name}" if path.name in NESTED else path.name


@dataclass(frozen=True)
class MigrationsTarget:
    """What the migration checks look at, and where they may create their scratch database."""

    folder: Path
    settings: Settings
    prelude: tuple[Path, ...] = field(default=())

    def files(self) -> list[Path]:
        """The folder's migrations in apply order (see :func:`migration_files`)."""
        return migration_files(self.folder)


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
    m = _PREFIX.match(path.parent.name if path.name in NESTED else path.name)
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
    return [(prefix_of(paths[0]) or "", [label(p) for p in paths])
            for _, paths in sorted(groups.items()) if len(paths) > 1]


def _line_of(text: str, position: str | None) -> int | None:
    """1-based line of PostgreSQL's 1-based character position in the script."""
    if not position or not position.isdigit():
        return None
    return text.count("\n", 0, int(position) - 1) + 1


def _run_statements(conn: psycopg.Connection, text: str) -> None:
    """Run ``text`` statement by statement (autocommit), as psql does.

    For scripts PostgreSQL refuses as one implicit transaction (``CREATE INDEX CONCURRENTLY``,
    ``VACUUM``): split with PostgreSQL's own scanner (pglast). A failure is re-raised as
    :class:`_StatementFailed` carrying where its statement starts in ``text``.
    """
    for part in pglast.split(text, with_parser=False, only_slices=True):
        try:
            conn.execute(text[part])  # type: ignore[arg-type]  # no parameters
        except psycopg.Error as exc:
            raise _StatementFailed(exc, part.start) from None


class _StatementFailed(Exception):
    def __init__(self, error: psycopg.Error, start: int) -> None:
        super().__init__(str(error))
        self.error, self.start = error, start


def apply_files(conn: psycopg.Connection, files: Sequence[Path]) -> ApplyFailure | None:
    """Apply ``files`` in order on an autocommit connection; the first failure, if any.

    Each file runs as one simple-protocol script (one implicit transaction, as most migration
    tools run a file); one PostgreSQL refuses to run in a transaction block is re-run statement
    by statement (its failed attempt changed nothing). The run stops at the first failure: later
    files build on it.
    """
    for i, path in enumerate(files):
        text = path.read_text()
        try:
            try:
                conn.execute(text)  # type: ignore[arg-type]  # no parameters: simple protocol
            except psycopg.Error as whole:
                if whole.sqlstate != ACTIVE_SQL_TRANSACTION:
                    raise
                _run_statements(conn, text)
        except (psycopg.Error, _StatementFailed) as failed:
            error = failed.error if isinstance(failed, _StatementFailed) else failed
            start = failed.start if isinstance(failed, _StatementFailed) else 0
            position = error.diag.statement_position
            line = (_line_of(text, str(start + int(position)))
                    if position and position.isdigit() else None)
            return ApplyFailure(
                label(path), error.sqlstate or "",
                (error.diag.message_primary or str(error)).strip(),
                line, tuple(label(p) for p in files[i + 1:]))
    return None


def run_prelude(conn: psycopg.Connection, scripts: Sequence[Path]) -> None:
    """Run each prelude script; a failure is a :class:`BadParameter` naming the script."""
    for script in scripts:
        try:
            conn.execute(script.read_text())  # type: ignore[arg-type]  # no parameters
        except psycopg.Error as exc:
            raise BadParameter(
                f"migrations prelude {script} failed: "
                f"{(exc.diag.message_primary or str(exc)).strip()}") from None


def apply_fresh(target: MigrationsTarget) -> ApplyFailure | None:
    """Apply prelude then migrations in a fresh scratch database; the first failure, if any.

    The scratch database is dropped whatever happens.
    """
    files = target.files()
    settings = target.settings
    name = f"{settings.prefix}_migcheck_{secrets.token_hex(3)}"
    db.create_database(settings, name, replace=False, allow_destroy=False)
    try:
        with db.connection(settings, name, autocommit=True) as conn:
            run_prelude(conn, target.prelude)
            return apply_files(conn, files)
    finally:
        db.drop_database(settings, name)
