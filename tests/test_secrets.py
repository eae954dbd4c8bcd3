"""No password reaches a run bundle, a load run's folder or a command line.

Secrets are seeded where they would leak: a DSN with a password (a LOGIN role with a password,
created on the test server), a server setting whose value holds a conninfo with another
password (set for that role with ALTER ROLE ... SET, so the server itself is not changed), and
the CI recipe's environment. Every file of the bundle is then read as bytes.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql

from workbench import db
from workbench.load.runner import LoadSpec, run_load
from workbench.paths import project_root
from workbench.report.run import run_report
from workbench.settings import (
    CREDENTIAL_SETTINGS,
    REDACTED,
    Settings,
    redact_setting,
    scrub_tree,
)
from workbench.sqlfiles import read_sql

SCRIPT = project_root() / "examples" / "ci" / "workbench-ci.sh"


def _files_holding(folder: Path, secret: str) -> list[str]:
    return [str(p.relative_to(folder)) for p in sorted(folder.rglob("*"))
            if p.is_file() and secret.encode() in p.read_bytes()]


def test_credential_settings_are_redacted_and_the_others_kept(settings: Settings) -> None:
    """The real non-default settings of the test server, plus rows a replica or an archiving
    server would show."""
    with db.connection(settings, autocommit=True) as conn:
        real = conn.execute(read_sql("report/server_settings.sql")).fetchall()  # type: ignore[arg-type]
    assert real, "the test server shows no non-default setting"
    for name, value, _unit, _source in real:
        if name not in CREDENTIAL_SETTINGS and "password" not in (value or ""):
            assert redact_setting(name, value) == value, name
    synthetic = {
        "primary_conninfo": "host=primary user=replicator password=s3cret-one",
        "archive_command": "PGPASSWORD=s3cret-two pg_receivewal -h archive",
        "restore_command": "scp archive:/wal/%f %p",  # may use a key file: never shown
        "ssl_passphrase_command": "echo s3cret-three",
        "application_name": "postgresql://app:s3cret-four@db/app",
        "search_path": '"host=x password=s3cret-five", public',
    }
    for name, value in synthetic.items():
        assert redact_setting(name, value) == REDACTED, name
    assert redact_setting("primary_conninfo", "") == ""  # unset stays visibly unset
    assert redact_setting("work_mem", "4MB") == "4MB"


def test_scrub_tree_reaches_every_file_whatever_its_type(tmp_path: Path) -> None:
    secret = f"pw-{secrets.token_hex(6)}"
    (tmp_path / "sub").mkdir()
    (tmp_path / "locust.log").write_text(f"connection to host=x password={secret} failed\n")
    (tmp_path / "sub" / "chart.png").write_bytes(b"\x89PNG\x00" + secret.encode() + b"\x00")
    (tmp_path / "plain.txt").write_text("nothing here")
    changed = scrub_tree(tmp_path, [secret])
    assert sorted(p.name for p in changed) == ["chart.png", "locust.log"]
    assert _files_holding(tmp_path, secret) == []
    assert (tmp_path / "locust.log").read_text() == "connection to host=x password=*** failed\n"


def _recorder(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                    f"with open({str(folder / 'argv.jsonl')!r}, 'a') as f:\n"
                    f"    f.write(json.dumps(sys.argv) + '\\n')\n{body}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_ci_recipe_keeps_the_dsn_off_every_command_line(tmp_path: Path) -> None:
    secret = f"pw-{secrets.token_hex(6)}"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _recorder(bin_dir, "pg_isready", "sys.exit(0)\n")
    fake = _recorder(bin_dir, "fake-workbench", (
        "from workbench.settings import redact\n"
        "if sys.argv[1:3] == ['db', 'url']:\n"
        "    print(redact(os.environ['WORKBENCH_DSN']))\n"
        "else:\n"
        "    print('report saw the DSN in its environment:',\n"
        f"          {secret!r} in os.environ['WORKBENCH_DSN'])\n"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH")}
    env.update(PATH=f"{bin_dir}:{os.environ['PATH']}", WORKBENCH=str(fake),
               WORKBENCH_DSN=f"postgresql://ci:{secret}@db.example:5432/postgres",
               WORKBENCH_RESULTS=str(tmp_path / "results"), ARTIFACT_DIR=str(tmp_path / "a"))
    run = subprocess.run([str(SCRIPT), "--notebook", "00"], env=env, capture_output=True,
                         text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "report saw the DSN in its environment: True" in run.stdout
    calls = [json.loads(line) for line in (bin_dir / "argv.jsonl").read_text().splitlines()]
    assert [Path(c[0]).name for c in calls] == ["fake-workbench", "pg_isready", "fake-workbench"]
    assert calls[2][1:] == ["report", "--profile", "ci", "--fail-on", "high",
                            "--gate-variant", "remediated", "--notebook", "00"]
    assert all(secret not in arg for call in calls for arg in call), calls
    # a DSN given as an argument is refused before anything runs (exit 2, as documented)
    refused = subprocess.run([str(SCRIPT), env["WORKBENCH_DSN"]], env=env, capture_output=True,
                             text=True, timeout=60, cwd=tmp_path)
    assert refused.returncode == 2 and "WORKBENCH_DSN" in refused.stderr


@pytest.fixture
def secret_settings(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, str, str]]:
    """Settings whose DSN carries a password, for a LOGIN role whose search_path holds a
    conninfo with a second password; the role is dropped afterwards."""
    role = f"{settings.prefix}_secret"
    dsn_secret, setting_secret = f"dsn-{secrets.token_hex(8)}", f"guc-{secrets.token_hex(8)}"
    with db.connection(settings, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(dsn_secret)))
        conn.execute(sql.SQL("ALTER ROLE {} SET search_path = {}, public").format(
            sql.Identifier(role), sql.Identifier(f"host=replica password={setting_secret}")))
    dsn = settings.conninfo(None, user=role, password=dsn_secret)
    s = Settings(dsn=dsn, prefix=f"{settings.prefix}sec", results_dir=tmp_path / "results")
    try:
        yield s, dsn_secret, setting_secret
    finally:
        for variant in ("baseline", "remediated"):
            db.drop_database(settings, s.database_for(variant))
        with db.connection(settings, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.mark.db
@pytest.mark.slow
def test_no_file_of_a_report_bundle_or_a_load_run_holds_a_password(
        secret_settings: tuple[Settings, str, str]) -> None:
    s, dsn_secret, setting_secret = secret_settings
    run = run_report(s, profile="ci", only=["00"], remaining_probes=False)
    assert run.status == "ok", [(n.name, n.failed_cell, n.error) for n in run.notebooks]
    shown = {row["name"]: row for row in
             json.loads((run.run_dir / "server_settings.json").read_text())}
    assert shown["search_path"] == {"name": "search_path", "setting": REDACTED, "unit": None,
                                    "source": "user"}  # the seeded setting is there, redacted
    load = run_load(s, LoadSpec("browse", users=2, spawn_rate=10, duration="1s"),
                    results_dir=s.results_dir / "load")
    assert load.request_count() > 0 and load.failure_count() == 0, load.failures
    assert (load.folder / "locust.log").is_file()
    for folder in (run.run_dir, load.folder):
        files = [p for p in folder.rglob("*") if p.is_file()]
        assert len(files) > 5, folder
        for secret in (dsn_secret, setting_secret):
            assert _files_holding(folder, secret) == [], (folder, secret)
