"""``workbench audit --migrations``: duplicate prefixes and a fresh apply, both ways, on real PG.

The reviewed folder (examples/reviewed-migrations) must show both defects: two 0001_ files, and an
initial migration PostgreSQL rejects (fact 1). A clean folder built from the baseline must show
neither; a folder broken on a known line must be reported at that line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import db
from workbench.audit import AuditOptions, run_audit
from workbench.audit.migrations import MigrationsTarget, duplicate_prefixes
from workbench.errors import BadParameter
from workbench.paths import project_root, sql_dir

pytestmark = pytest.mark.db
REVIEWED = project_root() / "examples" / "reviewed-migrations"
STUBS = sql_dir() / "baseline" / "000_supabase_stubs.sql"
MIGRATION_CHECKS = ["migration_duplicate_prefix", "migration_fails_on_fresh_database"]


def _clean_folder(tmp_path: Path) -> Path:
    """The baseline as a migrations folder: distinct prefixes, every file applies."""
    folder = tmp_path / "clean"
    folder.mkdir()
    for i, script in enumerate(sorted((sql_dir() / "baseline").glob("0[1-9]*.sql"))):
        shutil.copy(script, folder / f"{i:04d}_{script.stem.split('_', 1)[1]}.sql")
    return folder


def _audit(settings, connect, scratch_db, folder: Path, prelude: tuple[Path, ...] = (STUBS,)):
    conn = connect(scratch_db("migaudit"), autocommit=True)
    options = AuditOptions(migrations=MigrationsTarget(folder, settings, prelude))
    return run_audit(conn, options, kinds=["migrations"]).by_id()


def _scratch_left(settings) -> list[str]:
    with db.connection(settings, autocommit=True) as conn:
        return [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            (f"{settings.prefix}_migcheck_%",)).fetchall()]


def test_reviewed_folder_has_duplicate_prefix_and_failing_migration(settings, connect,
                                                                    scratch_db):
    got = _audit(settings, connect, scratch_db, REVIEWED)
    dup, fresh = got["migration_duplicate_prefix"], got["migration_fails_on_fresh_database"]
    assert not dup.failed and not fresh.failed, (dup.error, fresh.error)
    assert dup.count == 1
    assert dup.samples == [{"prefix": "0001", "files": ["0001_auth_user_trigger.sql",
                                                         "0001_bouncy_lenny_balinger.sql"]}]
    assert fresh.count == 1
    sample = fresh.samples[0]
    assert sample["migration"] == "0000_organic_frightful_four.sql"
    assert sample["sqlstate"] == "42804"  # datatype_mismatch, PostgreSQL's own verdict
    assert "is of type uuid but default expression is of type boolean" in sample["message"]
    assert sample["not_applied"] == ["0001_auth_user_trigger.sql",
                                     "0001_bouncy_lenny_balinger.sql"]
    assert _scratch_left(settings) == []


def test_clean_folder_has_no_finding(settings, connect, scratch_db, tmp_path):
    folder = _clean_folder(tmp_path)
    got = _audit(settings, connect, scratch_db, folder)
    assert {cid: (r.count, r.error) for cid, r in got.items()} == {
        cid: (0, None) for cid in MIGRATION_CHECKS}


def test_failure_is_located_at_its_line_and_later_files_listed(settings, connect, scratch_db,
                                                               tmp_path):
    folder = _clean_folder(tmp_path)
    (folder / "0100_broken.sql").write_text(
        "-- adds a column\nALTER TABLE public.customers\n    ADD COLUMN vip boolean;\n"
        "UPDATE public.customers SET vip = no_such_column;\n")
    (folder / "0101_after.sql").write_text("SELECT 1;\n")
    fresh = _audit(settings, connect, scratch_db, folder)["migration_fails_on_fresh_database"]
    assert fresh.count == 1
    assert fresh.samples[0]["migration"] == "0100_broken.sql"
    assert fresh.samples[0]["sqlstate"] == "42703"  # undefined_column
    assert fresh.samples[0]["line"] == 4
    assert fresh.samples[0]["not_applied"] == ["0101_after.sql"]


def test_missing_platform_pieces_are_reported_not_hidden(settings, connect, scratch_db,
                                                         tmp_path):
    """Without the stubs prelude the auth-trigger migration cannot find auth.users: a failure."""
    folder = _clean_folder(tmp_path)
    fresh = _audit(settings, connect, scratch_db, folder, prelude=())
    assert fresh["migration_fails_on_fresh_database"].count == 1


def test_prefixes_compare_as_numbers():
    files = [Path(n) for n in ("1_a.sql", "0001_b.sql", "0002_c.sql", "readme.sql", "2-d.sql")]
    assert duplicate_prefixes(files) == [("1", ["1_a.sql", "0001_b.sql"]),
                                         ("0002", ["0002_c.sql", "2-d.sql"])]
    assert duplicate_prefixes([Path("0001_a.sql"), Path("0002_b.sql")]) == []


def test_migration_checks_need_a_folder(settings, connect, scratch_db, tmp_path):
    conn = connect(scratch_db("migaudit"), autocommit=True)
    with pytest.raises(BadParameter, match="--migrations PATH"):
        run_audit(conn, kinds=["migrations"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BadParameter, match="no .sql files"):
        run_audit(conn, AuditOptions(migrations=MigrationsTarget(empty, settings)),
                  kinds=["migrations"])


def test_cli_reports_and_gates(settings):
    env = settings.child_env()
    args = [sys.executable, "-m", "workbench", "audit", "--kind", "migrations", "--format",
            "json", "--migrations", str(REVIEWED), "--migrations-prelude", str(STUBS),
            "--fail-on", "high"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 1, r.stderr
    assert "migration_fails_on_fresh_database" in r.stderr
    assert '"prefix": "0001"' in r.stdout
    r = subprocess.run([sys.executable, "-m", "workbench", "audit", "--migrations-prelude",
                        str(STUBS)], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 2 and "--migrations PATH" in r.stderr
