"""Copies of a user's schema that the workbench may write to.

Seeding and the isolation matrix write; the workbench writes only to databases it created
(:mod:`workbench.db`). So a user's schema is first copied into a workbench-owned database,
schema only, in one of two ways:

* :func:`clone_from` dumps a live database (``pg_dump --schema-only`` of the client matching
  the source server's major version) and restores it (``pg_restore`` matching the target's, in
  one transaction), after creating, NOLOGIN, the roles the dump names and the target lacks, and
  copying the database's own settings (``ALTER DATABASE ... SET``), which pg_dump leaves out,
  and recording the shape of the source's text ids (prefix, characters, length; never a value)
  for the seed (:mod:`workbench.seed.idformat`);
* :func:`clone_migrations` builds one from a migrations folder applied in order, the way
  ``workbench audit --migrations`` applies it (:mod:`workbench.audit.migrations`), after an
  optional platform prelude (``--platform supabase``).

Everything that can be checked before anything is made is checked first (source reachable,
schemas present, client binaries, server versions, extensions available on the target, roles
creatable, the target name free); a failure after that drops the database and the roles this
run created, so a clone either exists whole or not at all. Each failure is one line naming what
and why; passwords of either server never appear in it.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from workbench import db
from workbench.audit.migrations import apply_files, migration_files, run_prelude
from workbench.backup import client_args, client_bin_dir
from workbench.errors import BadParameter, SchemaError
from workbench.paths import sql_dir
from workbench.schema.fingerprint import fingerprint
from workbench.seed.idformat import read_row_shapes, record_row_shapes
from workbench.settings import Settings, parse_dsn, redact, scrub, secrets_of
from workbench.sqlfiles import read_sql

PLATFORMS = {  # --platform: prelude scripts under sql/, in order
    "supabase": ("baseline/000_supabase_stubs.sql", "clone/supabase_platform.sql"),
}
# PostgreSQL's words when a migration needs a platform piece that is not there.
_PLATFORM_HINT = re.compile(r'(schema|role) "(auth|storage|anon|authenticated|service_role)"'
                            r" does not exist|function auth\.")


@dataclass(frozen=True)
class Clone:
    """A workbench-owned database holding a copy of a user's schema."""

    database: str
    source: str                      # redacted DSN, or the migrations folder
    tables: int
    roles_created: tuple[str, ...]
    seconds: float
    fingerprint: str
    same_as_source: bool | None = None   # --from: catalog fingerprints equal (None: not compared)


def default_name(settings: Settings, base: str) -> str:
    """``<prefix>_<base>`` made a safe database name (lower case, letters, digits, _)."""
    cleaned = re.sub(r"[^a-z0-9_]+", "_", base.lower()).strip("_") or "clone"
    return f"{settings.prefix}_{cleaned}"[:63]


def _check_target(settings: Settings, name: str, *, replace: bool, allow_destroy: bool) -> None:
    """Refuse before anything is made: a foreign database, or a clone there without --replace."""
    db.require_destroyable(settings, name, allow_destroy=allow_destroy, action="replace")
    if not replace and db.database_exists(settings, name):
        raise BadParameter(f"database {name!r} already exists; pass --replace to rebuild it "
                           "or --database to choose another name")


@contextmanager
def _made_or_dropped(settings: Settings, name: str, *, replace: bool,
                     allow_destroy: bool) -> Iterator[list[str]]:
    """Create ``name``; on any failure inside, drop it and the roles listed in the yielded list.

    ``BaseException``: Ctrl-C during a restore must not leave half a clone either.
    """
    db.create_database(settings, name, replace=replace, allow_destroy=allow_destroy)
    roles: list[str] = []
    try:
        yield roles
    except BaseException:
        db.drop_database(settings, name)
        _drop_roles(settings, roles)
        raise


def _drop_roles(settings: Settings, roles: Sequence[str]) -> None:
    """Drop roles this run created (they own nothing once the clone is dropped)."""
    if not roles:
        return
    with db.connection(settings, autocommit=True) as conn:
        for role in roles:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _table_count(conn: psycopg.Connection) -> int:
    row = conn.execute(read_sql("clone/user_table_count.sql")).fetchone()  # type: ignore[arg-type]
    return int(row[0]) if row else 0


# ---------------------------------------------------------------- from a live database


@dataclass(frozen=True)
class _Plan:
    """Everything read from the source and the target before anything is made."""

    pg_dump: Path
    pg_restore: Path
    extensions: tuple[tuple[str, str], ...]
    roles_missing: tuple[str, ...]
    settings: tuple[tuple[str, str], ...]
    superuser: bool
    source_fingerprint: str
    same_major: bool
    id_shapes: dict[tuple[str, str], dict[str, Any]]   # text ids' shapes, for the seed's plan


def _plan(settings: Settings, source: str, schemas: Sequence[str]) -> _Plan:
    """Read the source and the target; raise the first reason the clone cannot be made."""
    where = db.describe_target(source)
    with db.connect(source, secrets=secrets_of(source), autocommit=True) as src:
        if schemas:
            found = {r[0] for r in src.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname = ANY (%s)", (list(schemas),))}
            missing = [s for s in schemas if s not in found]
            if missing:
                raise BadParameter(f"--schema {', '.join(missing)}: no such schema in {where}")
        source_major = db.server_version(src) // 10000
        extensions = tuple((e, s) for e, s in src.execute(
            read_sql("clone/extensions.sql"), {"schemas": list(schemas)}))  # type: ignore[arg-type]
        roles = [r[0] for r in src.execute(read_sql("clone/roles.sql"),  # type: ignore[arg-type]
                                           {"schemas": list(schemas)})]
        settings_rows = tuple((n, v) for n, v in src.execute(
            read_sql("clone/database_settings.sql")))  # type: ignore[arg-type]
        source_fp = fingerprint(src).digest
        id_shapes = read_row_shapes(src, schemas)
    with db.connection(settings, autocommit=True) as dst:
        target_major = db.server_version(dst) // 10000
        available = {r[0] for r in dst.execute(
            "SELECT name FROM pg_available_extensions WHERE name = ANY (%s)",
            ([e for e, _ in extensions],))}
        existing = {r[0] for r in dst.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY (%s)", (roles,))}
        me = dst.execute("SELECT rolsuper, rolcreaterole FROM pg_roles "
                         "WHERE rolname = current_user").fetchone()
    if target_major < source_major:
        raise SchemaError(f"cannot clone PostgreSQL {source_major} ({where}) into PostgreSQL "
                          f"{target_major} ({settings.describe()}): pg_restore cannot load a "
                          "newer server's dump; clone to a server of the same or a newer major")
    absent = [e for e, _ in extensions if e not in available]
    if absent:
        raise SchemaError(f"cannot clone {where}: it uses extension(s) {', '.join(absent)}, not "
                          f"installed on the target server ({settings.describe()}); install "
                          "them there (e.g. the postgresql-<major>-<name> package) first")
    missing_roles = tuple(r for r in roles if r not in existing)
    superuser, createrole = bool(me and me[0]), bool(me and me[1])
    if missing_roles and not (superuser or createrole):
        raise SchemaError(f"cannot clone {where}: the schema names role(s) "
                          f"{', '.join(missing_roles)}, missing on the target, and the target "
                          "user may not create roles; create them there or connect as a "
                          "superuser")
    return _Plan(client_bin_dir(source_major * 10000) / "pg_dump",
                 client_bin_dir(target_major * 10000) / "pg_restore",
                 extensions, missing_roles, settings_rows, superuser, source_fp,
                 source_major == target_major, id_shapes)


def _last_error(stderr: str, secrets: list[str]) -> str:
    """The first line of a client binary's output that says what went wrong."""
    lines = [ln.strip() for ln in scrub(stderr, secrets).splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error" in ln.lower()]
    return (errors or lines or ["(no output)"])[0]


def _dump(plan: _Plan, source: str, schemas: Sequence[str], archive: Path) -> None:
    args, env = client_args(source)
    cmd = [str(plan.pg_dump), "--schema-only", "--format=custom", "--no-subscriptions",
           "--file", str(archive), *[f"--schema={s}" for s in schemas], *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, check=False)
    if done.returncode != 0:
        raise SchemaError(f"pg_dump of {db.describe_target(source)} failed: "
                          f"{_last_error(done.stderr, secrets_of(source))}")


def _prepare_target(conn: psycopg.Connection, plan: _Plan, schemas: Sequence[str],
                    database: str) -> None:
    """What the dump does not carry: database settings, and extensions of a --schema dump."""
    for name, value in plan.settings:
        conn.execute("SELECT set_config(%s, %s, false)", (name, value))
        conn.execute(sql.SQL("ALTER DATABASE {} SET {} FROM CURRENT").format(
            sql.Identifier(database), sql.Identifier(name)))
    if schemas:  # pg_dump --schema leaves extensions out; the schema's objects need them
        for extension, schema in plan.extensions:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}").format(
                sql.Identifier(extension), sql.Identifier(schema)))


def _existing_schemas(conn: psycopg.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}


def _toc_without(plan: _Plan, archive: Path, schemas: set[str], folder: Path) -> Path:
    """The archive's table of contents minus ``CREATE SCHEMA`` of schemas already there.

    A ``--schema public`` dump creates schema public, which every new database already has
    (and which an extension the clone created may live in).
    """
    listing = subprocess.run([str(plan.pg_restore), "--list", str(archive)], capture_output=True,
                             text=True, timeout=120, check=True).stdout
    keep = [line if not (len(words := line.split()) >= 5 and words[3:5] == ["SCHEMA", "-"]
                         and words[5:6] and words[5] in schemas) else f";{line}"
            for line in listing.splitlines()]
    toc = folder / "toc.list"
    toc.write_text("\n".join(keep) + "\n")
    return toc


def _restore(settings: Settings, plan: _Plan, database: str, archive: Path,
             toc: Path) -> None:
    args, env = client_args(settings.conninfo(database))
    owners = [] if plan.superuser else ["--no-owner"]
    cmd = [str(plan.pg_restore), "--no-password", "--exit-on-error", "--single-transaction",
           "--use-list", str(toc), *owners, *args, str(archive)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800,
                          check=False)
    if done.returncode != 0:
        raise SchemaError(f"restoring the schema into {database!r} failed: "
                          f"{_last_error(done.stderr, settings.secrets())}; nothing was kept")


def clone_from(settings: Settings, source: str, *, schemas: Sequence[str] = (),
               database: str | None = None, replace: bool = False,
               allow_destroy: bool = False) -> Clone:
    """Schema-only copy of the database at ``source`` into a workbench-owned database.

    ``schemas``: only these (default: every schema). The clone is named ``database`` or
    ``<prefix>_<source database>``; an existing clone is rebuilt only with ``replace``.
    """
    parts = parse_dsn(source, source="--from")
    name = database or default_name(settings, parts.get("dbname") or parts.get("user") or "clone")
    started = time.perf_counter()
    _check_target(settings, name, replace=replace, allow_destroy=allow_destroy)
    plan = _plan(settings, source, schemas)
    with tempfile.TemporaryDirectory(prefix="wb-clone-") as tmp:
        archive = Path(tmp) / "schema.dump"
        _dump(plan, source, schemas, archive)
        with _made_or_dropped(settings, name, replace=replace,
                              allow_destroy=allow_destroy) as created:
            with db.connection(settings, autocommit=True) as conn:
                for role in plan.roles_missing:
                    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
                    created.append(role)
            with db.connection(settings, name, autocommit=True) as conn:
                _prepare_target(conn, plan, schemas, name)
                there = _existing_schemas(conn)
            _restore(settings, plan, name, archive, _toc_without(plan, archive, there, Path(tmp)))
            with db.connection(settings, name, autocommit=True) as conn:
                digest, tables = fingerprint(conn).digest, _table_count(conn)
                record_row_shapes(conn, plan.id_shapes)
    same = digest == plan.source_fingerprint if plan.same_major and not schemas else None
    return Clone(name, redact(source), tables, tuple(created), time.perf_counter() - started,
                 digest, same)


# ---------------------------------------------------------------- from a migrations folder


def platform_prelude(platform: str | None) -> tuple[Path, ...]:
    """The prelude scripts of ``--platform`` (none without one)."""
    if platform is None:
        return ()
    if platform not in PLATFORMS:
        raise BadParameter(f"--platform {platform!r} is unknown; choose "
                           f"{', '.join(sorted(PLATFORMS))} or leave it out")
    return tuple(sql_dir() / rel for rel in PLATFORMS[platform])


def clone_migrations(settings: Settings, folder: Path, *, database: str | None = None,
                     prelude: Sequence[Path] = (), platform: str | None = None,
                     replace: bool = False, allow_destroy: bool = False) -> Clone:
    """Build a workbench-owned database from ``folder``'s migrations, applied in order.

    ``platform`` and then ``prelude`` scripts run first (what the platform gives the project's
    migrations). The first migration PostgreSQL refuses ends the build: the database is
    dropped and the error names the file, line and PostgreSQL's message.
    """
    files = migration_files(folder)
    scripts = (*platform_prelude(platform), *prelude)
    for script in scripts:
        if not script.is_file():
            raise BadParameter(f"--prelude {script} is not a file")
    name = database or default_name(settings, folder.resolve().name)
    started = time.perf_counter()
    _check_target(settings, name, replace=replace, allow_destroy=allow_destroy)
    with _made_or_dropped(settings, name, replace=replace, allow_destroy=allow_destroy):
        with db.connection(settings, name, autocommit=True) as conn:
            run_prelude(conn, scripts)
            failure = apply_files(conn, files)
            if failure is not None:
                where = f" line {failure.line}" if failure.line else ""
                hint = (" (migrations written for Supabase: pass --platform supabase)"
                        if platform is None and _PLATFORM_HINT.search(failure.message) else "")
                raise SchemaError(
                    f"migration {failure.migration}{where} failed: {failure.message} "
                    f"[SQLSTATE {failure.sqlstate}]{hint}; database {name!r} dropped, "
                    "nothing kept")
            digest, tables = fingerprint(conn).digest, _table_count(conn)
    return Clone(name, str(folder), tables, (), time.perf_counter() - started, digest)


__all__ = ["PLATFORMS", "Clone", "clone_from", "clone_migrations", "default_name",
           "platform_prelude"]
