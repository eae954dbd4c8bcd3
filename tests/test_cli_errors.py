"""Bad input gets one line on stderr, exit code 2, and never the password."""

from __future__ import annotations

import subprocess
import sys

import pytest

SECRET = "hunter2-not-shown"


def workbench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert SECRET not in result.stderr + result.stdout


def test_unreachable_server_names_host_port_database() -> None:
    r = workbench("db", "status", "--dsn", f"postgresql://bob:{SECRET}@127.0.0.1:1/salesdb")
    assert_one_line_error(r, "127.0.0.1:1/salesdb", "refused")


def test_malformed_dsn() -> None:
    r = workbench("db", "status", "--dsn", f"not a dsn {SECRET}")
    assert_one_line_error(r, "--dsn is not a valid PostgreSQL connection string")


def test_malformed_dsn_from_environment() -> None:
    import os

    env = dict(os.environ, WORKBENCH_DSN=f"nonsense {SECRET}")
    r = workbench("db", "url", env=env)
    assert_one_line_error(r, "WORKBENCH_DSN")


@pytest.mark.db
def test_missing_database(settings) -> None:
    dsn = settings.conninfo("no_such_database_here") + f" password={SECRET}"
    r = workbench("db", "status", "--dsn", dsn)
    assert_one_line_error(r, "no_such_database_here", "does not exist")


@pytest.mark.db
def test_unknown_role(settings) -> None:
    dsn = settings.conninfo(None, user="no_such_role_wb") + f" password={SECRET}"
    r = workbench("db", "status", "--dsn", dsn)
    assert_one_line_error(r, "no_such_role_wb")


@pytest.mark.db
def test_unknown_unit_and_variant(settings) -> None:
    r = workbench("schema", "apply", "--variant", "sideways", "--dsn", settings.server_conninfo(),
                  "--database", settings.prefix)
    assert_one_line_error(r, "unknown variant 'sideways'")
    r = workbench("schema", "apply", "--unit", "9999_nothing", "--dsn", settings.server_conninfo(),
                  "--database", settings.prefix)
    assert_one_line_error(r, "no mitigation unit '9999_nothing'")


def test_bad_database_name() -> None:
    r = workbench("schema", "units", "--database", "drop table;")
    assert_one_line_error(r, "must be letters, digits and underscores")


def test_usage_errors_are_one_line() -> None:
    assert_one_line_error(workbench("nosuch"), "No such command 'nosuch'", "workbench --help")
    assert_one_line_error(workbench("seed", "--bogus"), "No such option: --bogus")
    assert_one_line_error(workbench("seed", "--scale", "lots"), "Invalid value for '--scale'")
