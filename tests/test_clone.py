"""``workbench clone``: schema-only copies into workbench-owned databases, whole or not at all.

Sources are databases the test makes *without* the workbench's ownership mark (a user's
database), so every test also shows the source is only read. Migration folders are written by
the tests in each layout the workbench reads (plain, Drizzle journal, Prisma sub-folders).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg import sql

from workbench import db
from workbench.audit.migrations import migration_files
from workbench.clone import clone_from, clone_migrations
from workbench.errors import BadParameter, SchemaError, UnsafeOperation
from workbench.schema.fingerprint import fingerprint
from workbench.settings import Settings

pytestmark = pytest.mark.db
SECRET = "sw0rdfish-not-shown"

SOURCE_SQL = """
CREATE SCHEMA app;
CREATE SCHEMA other;
CREATE TYPE app.plan AS ENUM ('free', 'pro');
CREATE TABLE app.teams (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), plan app.plan NOT NULL);
CREATE TABLE app.notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id uuid NOT NULL REFERENCES app.teams (id),
    body text CHECK (length(body) < 500)
);
CREATE INDEX notes_team ON app.notes (team_id);
CREATE FUNCTION app.current_team() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.team', true), '')::uuid $$;
ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_team ON app.notes USING (team_id = app.current_team());
CREATE TABLE other.audit (id int PRIMARY KEY, team_id uuid REFERENCES app.teams (id));
INSERT INTO app.teams (plan) VALUES ('pro');
"""


def _foreign(settings: Settings, name: str, script: str = SOURCE_SQL) -> str:
    """A database created without the workbench (no ownership mark), holding ``script``."""
    with db.connection(settings, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("ALTER DATABASE {} SET search_path = app, public").format(
            sql.Identifier(name)))
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute(script)  # type: ignore[arg-type]
    return name


@pytest.fixture
def source(settings: Settings):  # type: ignore[no-untyped-def]
    name = _foreign(settings, f"{settings.prefix}_userdb")
    yield name
    db.drop_database(settings, name, allow_destroy=True)


def _exists(settings: Settings, name: str) -> bool:
    return db.database_exists(settings, name)


def test_clone_copies_the_schema_not_the_rows_and_leaves_the_source_alone(
        settings: Settings, source: str) -> None:
    name = f"{settings.prefix}_clone_full"
    with db.connection(settings, source) as conn:
        before = fingerprint(conn)
    made = clone_from(settings, settings.conninfo(source), database=name)
    try:
        assert made.database == name and db.is_owned(settings, name)
        assert made.same_as_source is True
        with db.connection(settings, name) as conn:
            assert fingerprint(conn).diff(before) == []
            assert conn.execute("SELECT count(*) FROM app.teams").fetchone() == (0,)
            # the database's own settings came along (pg_dump leaves them out)
            assert conn.execute("SHOW search_path").fetchone() == ("app, public",)
        assert not db.is_owned(settings, source)
        with db.connection(settings, source) as conn:
            assert fingerprint(conn).diff(before) == []
            assert conn.execute("SELECT count(*) FROM app.teams").fetchone() == (1,)
            assert conn.execute("SELECT to_regnamespace('_workbench')").fetchone() == (None,)
    finally:
        db.drop_database(settings, name)


def test_schema_option_copies_only_that_schema(settings: Settings, source: str) -> None:
    name = f"{settings.prefix}_clone_app"
    made = clone_from(settings, settings.conninfo(source), schemas=["app"], database=name)
    try:
        assert made.tables == 2
        with db.connection(settings, name) as conn:
            assert conn.execute("SELECT to_regclass('app.notes') IS NOT NULL, "
                                "to_regnamespace('other')").fetchone() == (True, None)
            assert conn.execute("SELECT count(*) FROM pg_policy").fetchone() == (1,)
    finally:
        db.drop_database(settings, name)


def test_a_schema_that_cannot_stand_alone_fails_and_leaves_nothing(
        settings: Settings, source: str) -> None:
    # other.audit references app.teams: restoring schema other alone must fail, whole.
    name = f"{settings.prefix}_clone_other"
    with pytest.raises(SchemaError, match="nothing was kept") as err:
        clone_from(settings, settings.conninfo(source), schemas=["other"], database=name)
    assert "\n" not in str(err.value)
    assert not _exists(settings, name)


def test_missing_schema_is_refused_before_anything_is_made(settings: Settings,
                                                           source: str) -> None:
    name = f"{settings.prefix}_clone_missing"
    with pytest.raises(BadParameter, match="--schema nope: no such schema"):
        clone_from(settings, settings.conninfo(source), schemas=["app", "nope"], database=name)
    assert not _exists(settings, name)


def test_target_names_a_foreign_or_existing_database(settings: Settings, source: str) -> None:
    with pytest.raises(UnsafeOperation, match="did not create it"):
        clone_from(settings, settings.conninfo(source), database=source)
    name = f"{settings.prefix}_clone_twice"
    clone_from(settings, settings.conninfo(source), database=name)
    try:
        with pytest.raises(BadParameter, match="already exists; pass --replace"):
            clone_from(settings, settings.conninfo(source), database=name)
        assert clone_from(settings, settings.conninfo(source), database=name,
                          replace=True).tables == 3
    finally:
        db.drop_database(settings, name)


def test_cli_clone_and_its_one_line_errors(settings: Settings, source: str) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "workbench", "clone",
                               "--dsn", settings.server_conninfo(), *args],
                              capture_output=True, text=True, timeout=300)

    name = f"{settings.prefix}_clone_cli"
    ok = run("--from", settings.conninfo(source), "--database", name)
    assert ok.returncode == 0, ok.stderr
    assert f"into {name}" in " ".join(ok.stdout.split())
    db.drop_database(settings, name)
    for args, needle in [((), "exactly one of --from DSN or --migrations DIR"),
                         (("--from", f"postgresql://bob:{SECRET}@127.0.0.1:1/x"),
                          "127.0.0.1:1/x"),
                         (("--from", settings.conninfo(source), "--platform", "supabase"),
                          "go with --migrations")]:
        r = run(*args)
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert r.returncode == 2 and len(lines) == 1 and needle in lines[0], r.stderr
        assert SECRET not in r.stderr + r.stdout


# ---------------------------------------------------------------- --migrations


def _write(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def test_migration_layouts_are_read_in_their_tools_order(tmp_path: Path) -> None:
    plain = _write(tmp_path / "plain", {"20240102_b.sql": "", "20240101_a.sql": ""})
    assert [p.name for p in migration_files(plain)] == ["20240101_a.sql", "20240102_b.sql"]
    # the journal, not the file names, gives the order
    journal = {"entries": [{"tag": "0001_second"}, {"tag": "0000_first"}]}
    drizzle = _write(tmp_path / "drizzle", {"0000_first.sql": "", "0001_second.sql": "",
                                            "meta/_journal.json": json.dumps(journal)})
    assert [p.name for p in migration_files(drizzle)] == ["0001_second.sql", "0000_first.sql"]
    prisma = _write(tmp_path / "prisma", {"2_b copy/migration.sql": "", "1_a/migration.sql": "",
                                          "migration_lock.toml": ""})
    assert [p.parent.name for p in migration_files(prisma)] == ["1_a", "2_b copy"]
    broken = _write(tmp_path / "broken", {"meta/_journal.json": json.dumps(
        {"entries": [{"tag": "0000_gone"}]})})
    with pytest.raises(BadParameter, match="0000_gone.sql, missing"):
        migration_files(broken)


def test_prisma_folder_with_concurrent_index_builds(settings: Settings, tmp_path: Path) -> None:
    folder = _write(tmp_path / "prisma", {
        "20240101_init/migration.sql":
            'CREATE TABLE "Project" (id text PRIMARY KEY);\n'
            'CREATE TABLE "Trace" (id text PRIMARY KEY, project_id text NOT NULL '
            'REFERENCES "Project" (id));',
        # PostgreSQL refuses this as one script (one implicit transaction); psql-style split works
        "20240102_idx copy/migration.sql":
            "-- CreateIndex\nCREATE INDEX CONCURRENTLY trace_project ON \"Trace\" (project_id);\n"
            "CREATE INDEX CONCURRENTLY trace_id ON \"Trace\" (id, project_id);\n"})
    made = clone_migrations(settings, folder, database=f"{settings.prefix}_mig_prisma")
    try:
        assert made.tables == 2
        with db.connection(settings, made.database) as conn:
            assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'trace_%'"
                                ).fetchone() == (2,)
    finally:
        db.drop_database(settings, made.database)


def test_a_failing_migration_names_file_and_line_and_leaves_nothing(
        settings: Settings, tmp_path: Path) -> None:
    folder = _write(tmp_path / "m", {
        "0001_a.sql": "CREATE TABLE t (id int PRIMARY KEY);",
        "0002_b.sql": "ALTER TABLE t ADD COLUMN x int;\n\nALTER TABLE t ADD COLUMN y no_such_type;",
        "0003_c.sql": "CREATE TABLE u (id int);"})
    name = f"{settings.prefix}_mig_fail"
    with pytest.raises(SchemaError) as err:
        clone_migrations(settings, folder, database=name)
    message = str(err.value)
    assert "0002_b.sql line 3" in message and 'type "no_such_type" does not exist' in message
    assert "nothing kept" in message and "\n" not in message
    assert not _exists(settings, name)


SUPABASE = {
    "20240101000000_init.sql": """
        create table public.teams (id uuid primary key default gen_random_uuid());
        create table public.members (team_id uuid not null references public.teams,
                                     user_id uuid not null references auth.users);
        create table public.docs (id uuid primary key default extensions.uuid_generate_v4(),
                                  team_id uuid not null references public.teams,
                                  token text default encode(gen_random_bytes(8), 'hex'));
        alter table public.docs enable row level security;
        create policy docs_team on public.docs to authenticated using (
            team_id in (select team_id from public.members where user_id = auth.uid()));
        create policy docs_claims on public.docs for select to authenticated using (
            (auth.jwt() ->> 'role') = 'admin');
    """}


def test_supabase_platform_prelude_and_the_hint_without_it(settings: Settings,
                                                           tmp_path: Path) -> None:
    folder = _write(tmp_path / "migrations", SUPABASE)
    name = f"{settings.prefix}_mig_supabase"
    with pytest.raises(SchemaError, match="pass --platform supabase"):
        clone_migrations(settings, folder, database=name)
    assert not _exists(settings, name)
    clone_migrations(settings, folder, database=name, platform="supabase")
    try:
        with db.connection(settings, name) as conn:
            assert conn.execute("SELECT count(*) FROM pg_policy WHERE polrelid = 'docs'::regclass"
                                ).fetchone() == (2,)
            # the platform's search_path holds schema extensions (gen_random_bytes unqualified)
            conn.execute("INSERT INTO teams DEFAULT VALUES")
            conn.execute("INSERT INTO docs (team_id) SELECT id FROM teams")
    finally:
        db.drop_database(settings, name)
    with pytest.raises(BadParameter, match="--platform 'heroku' is unknown"):
        clone_migrations(settings, folder, database=name, platform="heroku")
