"""Bad input gets one line on stderr, a documented exit code, never the password, and leaves
nothing made.

The cases are a table: argv (``{placeholders}`` filled per run), the exit code, and a phrase the
one line must hold. Every case runs the real CLI in a subprocess; the database cases also check
that the server's list of databases is the same before and after.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench import db
from workbench.settings import Settings

SECRET = "hunter2-not-shown"
BAD_SERVER = f"postgresql://bob:{SECRET}@127.0.0.1:1/salesdb"  # nothing listens on port 1
NOT_A_DSN = f"not a dsn {SECRET}"
NO_DB = "wbt_no_such_database"

# argv, exit code, phrase of the one error line. Nothing here may reach a server.
OFFLINE: list[tuple[str, int, str]] = [
    ("nosuch", 2, "No such command 'nosuch'"),
    ("seed --bogus", 2, "No such option: --bogus"),
    ("seed --scale lots", 2, "Invalid value for '--scale'"),
    ("db status --dsn {bad_server}", 2, "127.0.0.1:1/salesdb: Connection refused."),
    ("db url --dsn {not_a_dsn}", 2, "--dsn is not a valid PostgreSQL connection string"),
    ("schema units --database drop;table", 2, "must be letters, digits and underscores"),
    ("seed --profile nosuch", 2, "no seeding profile 'nosuch'"),
    ("seed --profile ci --replace --resume", 2, "exclude each other"),
    ("seed --profile ci --scale -1", 2, "--scale must be a positive number"),
    ("seed --profile ci --workers 0", 2, "--workers must be a whole number >= 1"),
    ("seed --profile ci --copy-format xml", 2, "--copy-format must be binary or csv"),
    ("seed --profile ci --variant sideways", 2, "--variant must be baseline, remediated or both"),
    ("clone --database qa_x", 2, "pass exactly one of --from DSN or --migrations DIR"),
    ("clone --from {bad_server} --migrations {tmp}", 2, "exactly one of --from"),
    ("clone --migrations {tmp}/nope", 2, "is not a folder"),
    ("clone --migrations {tmp} --platform heroku", 2, "--platform 'heroku' is unknown"),
    ("clone --from {bad_server} --platform supabase", 2, "go with --migrations, not --from"),
    ("clone --from {not_a_dsn}", 2, "--from is not a valid PostgreSQL connection string"),
    ("clone --from {bad_server} --database qa_x", 2, "Connection refused"),
    ("audit --format xml", 2, "--format must be one of table, json, markdown, sarif"),
    ("audit --fail-on huge", 2, "--fail-on must be one of"),
    ("audit --kind weird", 2, "--kind must be one of"),
    ("audit --baseline {tmp}/nope.json", 2, "is not a file"),
    ("audit --no-tenant --tenant-table accounts", 2, "--no-tenant says there is no tenant"),
    ("audit --tenancy {tmp}/nope.toml --tenant-column x", 2, "--tenancy FILE already names"),
    ("audit --migrations-prelude {tmp}/x.sql", 2, "--migrations-prelude needs --migrations"),
    ("audit --dsn {bad_server}", 2, "Connection refused"),
    ("tenancy save {tmp}", 2, "is a directory"),
    ("isolation", 2, "Missing option '--target'"),
    ("explain --repeats 0", 2, "--repeats must be 1 or more"),
    ("explain --target qa_x --variant remediated", 2, "--variant names the workbench's own"),
    ("explain --tenancy {tmp}/t.toml", 2, "--tenancy and --out go with --target"),
    ("load", 2, "pass --workload NAME"),
    ("load --workload nosuch", 2, "no workload 'nosuch'"),
    ("load --workload browse --duration forever", 2, "duration 'forever' is not like 5s"),
    ("load --workload browse --users 0", 2, "must be positive"),
    ("load --workload browse --pool-size -1", 2, "--pool-size must be 0"),
    ("load --target qa_x --workload browse", 2, "--workload: only for --workload runs"),
    ("load --workload browse --queries-dir {tmp}", 2, "go with --target DB"),
    ("load --workload browse --write-share 0.3", 2, "--write-share go with --target DB"),
    ("load --target qa_x --write-share 1", 2, "--write-share must be at least 0 and below 1"),
    ("report --fail-on huge", 2, "--fail-on 'huge'"),
    ("report --gate-variant sideways", 2, "--gate-variant 'sideways'"),
    ("report -p nonsense", 2, "must look like NAME=VALUE"),
    ("report --compare nosuchA nosuchB", 2, "no report run 'nosuchA'"),
    ("report --schema {bad_server} --migrations {tmp}", 2, "not both"),
    ("report --schema {bad_server} --platform supabase", 2, "--platform goes with --migrations"),
    ("report --schema {bad_server} --duration forever", 2, "duration 'forever'"),
    ("report --schema {bad_server} --queries-dir {tmp}/nope", 2, "is not a folder"),
    ("report --schema {bad_server} --notebook 01", 2, "--notebook: only for the reviewed"),
    ("report --schema {bad_server} --queries-from {not_a_dsn}", 2, "--queries-from is not"),
    ("report --schema {bad_server}", 2, "Connection refused"),
    ("report --migrations {tmp}/nope", 2, "is not a folder"),
    ("report --keep", 2, "--keep goes with --schema/--migrations"),
]

# Cases that reach the test server: {db_dsn} is a database the workbench did not create.
ONLINE: list[tuple[str, int, str]] = [
    ("seed --profile ci --target postgres", 2, "did not create it"),
    ("seed --profile ci --target {no_db}", 2, f'database "{NO_DB}" does not exist'),
    ("clone --from {db_dsn} --database postgres", 2, "refusing to replace database 'postgres'"),
    ("clone --from {db_dsn} --database bad-name", 2, "must be letters, digits and underscores"),
    ("clone --from {db_dsn} --schema no_such_schema --database wbt_qa_x", 2, "no such schema"),
    ("isolation --target postgres", 2, "did not create it"),
    ("isolation --target {no_db}", 2, f"database '{NO_DB}' does not exist"),
    ("explain --target postgres", 2, "did not create it"),
    ("explain --target {no_db}", 2, "does not exist"),
    ("load --target postgres --duration 2s", 2, "did not create it"),
    ("load --target {no_db} --duration 2s", 2, "does not exist"),
    ("tenancy show --dsn {db_dsn} --tenant-column no_such_column", 2, "is on no table"),
    ("tenancy show --dsn {db_dsn} --tenant-table no_such_table", 2, "does not exist"),
    ("tenancy show --dsn {db_dsn} --schema no_such_schema", 2, "pass an existing --schema"),
    ("audit --dsn {db_dsn} --baseline {tmp}/bad.json", 2, "is not a workbench audit JSON"),
    ("audit --dsn {db_dsn} --tenancy {tmp}/bad.toml", 2, "bad.toml: tenancy file is not valid"),
    ("audit --dsn {db_dsn} --check no_such_check", 2, "no audit check 'no_such_check'"),
    ("audit --dsn {db_dsn} --migrations {tmp}/nope", 2, "is not a folder"),
    # {owned}: an empty database the workbench made
    ("isolation --target {owned} --app-role no_such_role_wb", 2, "--app-role 'no_such_role_wb'"),
    ("isolation --target {owned} --schema no_such_schema", 2, "pass an existing --schema"),
    ("explain --target {owned} --queries-dir {tmp}/nope", 2, "query folder"),
    ("explain --target {owned} --tenancy {tmp}/bad.toml", 2, "bad.toml: tenancy file"),
    ("load --target {owned} --queries-dir {tmp}/nope --duration 2s", 2, "query folder"),
    ("clone --from {db_dsn} --database {owned}", 2, "already exists; pass --replace"),
    ("db drop postgres --yes", 2, "refusing to drop database 'postgres': the workbench did not"),
    ("db drop {no_db} --yes", 2, f"database '{NO_DB}' does not exist"),
    ("db drop {owned}", 2, "pass --yes to drop it"),  # no terminal to ask on: kept
]


def workbench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str,
                          code: int = 2) -> None:
    assert result.returncode == code, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert SECRET not in result.stderr + result.stdout


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files the cases name: a JSON that is no audit report, a TOML that does not parse; the
    folder itself holds one migration."""
    tmp = tmp_path_factory.mktemp("cli_errors")
    (tmp / "0001_init.sql").write_text("CREATE TABLE t (id int PRIMARY KEY);\n")
    (tmp / "bad.json").write_text('{"nope": 1}')
    (tmp / "bad.toml").write_text("x = [")
    return tmp


def _argv(template: str, **values: str) -> list[str]:
    # split first: a value (a DSN with spaces) stays one argument
    return [part.format(**values) for part in template.split()]


@pytest.mark.parametrize(("template", "code", "phrase"), OFFLINE,
                         ids=[c[0].split(" {")[0] for c in OFFLINE])
def test_offline_bad_input(template: str, code: int, phrase: str, folder: Path) -> None:
    import os

    env = dict(os.environ, WORKBENCH_DSN=BAD_SERVER)  # any connection attempt is refused
    r = workbench(*_argv(template, bad_server=BAD_SERVER, not_a_dsn=NOT_A_DSN,
                         tmp=str(folder)), env=env)
    assert_one_line_error(r, phrase, code=code)


@pytest.fixture(scope="module")
def owned(settings: Settings) -> Iterator[str]:
    """An empty database the workbench made, for the cases that need one."""
    name = f"{settings.prefix}_cli_errors"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    yield name
    db.drop_database(settings, name)


def _databases(settings: Settings, argv: list[str]) -> set[str]:
    """The databases this case could make: named in argv, or with this session's prefix (other
    sessions create and drop theirs on the same server meanwhile)."""
    with db.connection(settings, autocommit=True) as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database")
                if r[0] in argv or r[0].startswith(settings.prefix)}


@pytest.mark.db
@pytest.mark.parametrize(("template", "code", "phrase"), ONLINE,
                         ids=[c[0].split(" {")[0] for c in ONLINE])
def test_online_bad_input(template: str, code: int, phrase: str, folder: Path,
                          settings: Settings, owned: str) -> None:
    argv = _argv(template, db_dsn=settings.conninfo("postgres"), no_db=NO_DB, tmp=str(folder),
                 owned=owned)
    before = _databases(settings, argv)
    r = workbench(*argv, env=settings.child_env())
    assert_one_line_error(r, phrase, code=code)
    assert _databases(settings, argv) == before  # nothing half-made


def test_malformed_dsn_from_environment() -> None:
    import os

    env = dict(os.environ, WORKBENCH_DSN=f"nonsense {SECRET}")
    assert_one_line_error(workbench("db", "url", env=env), "WORKBENCH_DSN")


@pytest.mark.db
def test_missing_database(settings: Settings) -> None:
    dsn = settings.conninfo("no_such_database_here") + f" password={SECRET}"
    assert_one_line_error(workbench("db", "status", "--dsn", dsn),
                          "no_such_database_here", "does not exist")


@pytest.mark.db
def test_unknown_role(settings: Settings) -> None:
    dsn = settings.conninfo(None, user="no_such_role_wb") + f" password={SECRET}"
    assert_one_line_error(workbench("db", "status", "--dsn", dsn), "no_such_role_wb")


@pytest.mark.db
def test_unknown_unit_and_variant(settings: Settings) -> None:
    common = ["--dsn", settings.server_conninfo(), "--database", settings.prefix]
    assert_one_line_error(workbench("schema", "apply", "--variant", "sideways", *common),
                          "unknown variant 'sideways'")
    assert_one_line_error(workbench("schema", "apply", "--unit", "9999_nothing", *common),
                          "no mitigation unit '9999_nothing'")

