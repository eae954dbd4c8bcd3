"""Application settings as data of a variant, and the migration-rollback probe, both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import BadParameter
from workbench.probes.app_settings import app_settings, library_defaults
from workbench.probes.base import ProbeContext
from workbench.probes.migration_rollback import MigrationRollback, reviewed_migrations
from workbench.schema.units import all_units, apply_unit, ensure_meta, get_unit, revert_unit


def _unit(root: Path, name: str, toml: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "unit.toml").write_text(toml)
    (folder / "apply.sql").write_text("-- settings only\n")
    (folder / "revert.sql").write_text("")
    return folder


def test_app_table_is_read_and_checked(tmp_path) -> None:
    base = 'title = "t"\nrisks = ["RISK-OPS-002"]\nwhy = "w"\n'
    _unit(tmp_path / "ok", "0001_ok", base + "[app]\nprepared_statements = false\npool_size = 7\n")
    (unit,) = all_units(tmp_path / "ok")
    assert unit.app == {"prepared_statements": False, "pool_size": 7}
    assert not unit.changes_schema
    _unit(tmp_path / "typo", "0001_typo", base + "[app]\npool_sise = 7\n")
    with pytest.raises(BadParameter, match="unknown \\[app\\] setting 'pool_sise'"):
        all_units(tmp_path / "typo")
    _unit(tmp_path / "type", "0001_type", base + '[app]\npool_size = "7"\n')
    with pytest.raises(BadParameter, match="pool_size must be a int"):
        all_units(tmp_path / "type")


def test_library_defaults_come_from_the_libraries() -> None:
    # psycopg prepares after 5 runs; psycopg_pool's min_size is 4
    assert library_defaults()["prepared_statements"] is True
    assert library_defaults()["pool_size"] == 4


@pytest.mark.db
def test_settings_follow_the_units_recorded_in_the_database(scratch_db, connect) -> None:
    conn = connect(scratch_db("appsettings"), autocommit=True)
    bare = app_settings(conn)
    assert (bare.prepared_statements, bare.pool_size) == (True, 4)
    assert set(bare.sources.values()) == {"library default"}
    ensure_meta(conn)
    unit = next(u for u in all_units() if u.app)
    apply_unit(conn, unit)
    declared = app_settings(conn)
    assert declared.prepared_statements is unit.app["prepared_statements"]
    assert declared.pool_size == unit.app["pool_size"] != 4
    assert declared.sources["pool_size"] == f"unit {unit.id}"
    revert_unit(conn, unit)
    assert app_settings(conn) == bare


@pytest.mark.db
def test_rollback_probe_reads_the_reviewed_folder(settings, baseline_db, connect,
                                                  tmp_path) -> None:
    conn = connect(baseline_db, autocommit=True)
    ctx = ProbeContext(settings, "baseline", baseline_db, conn, tmp_path)
    obs = MigrationRollback().observe(ctx)
    files = sorted(p.name for p in reviewed_migrations().glob("*.sql"))
    assert obs.present is True
    assert obs.evidence["without_revert"] == files
    assert obs.evidence["duplicate_prefixes"] == {
        "0001": [f for f in files if f.startswith("0001_")]}
    assert f"{len(files)} of the {len(files)} migrations" in obs.reason


@pytest.mark.db
def test_rollback_probe_on_a_folder_with_reverts(settings, baseline_db, connect,
                                                 tmp_path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for name in ("0001_a.sql", "0001_a.down.sql", "0002_b.sql"):
        (folder / name).write_text("SELECT 1;\n")
    (folder / "down").mkdir()
    (folder / "down" / "0002_b.sql").write_text("SELECT 1;\n")
    conn = connect(baseline_db, autocommit=True)
    ctx = ProbeContext(settings, "baseline", baseline_db, conn, tmp_path / "e")
    clean = MigrationRollback().observe_folder(ctx, folder)
    assert clean.present is False, clean.reason
    assert clean.evidence["migrations"] == ["0001_a.sql", "0002_b.sql"]
    (folder / "1_c.sql").write_text("SELECT 1;\n")
    dirty = MigrationRollback().observe_folder(ctx, folder)
    assert dirty.present is True
    assert dirty.evidence["without_revert"] == ["1_c.sql"]
    assert dirty.evidence["duplicate_prefixes"] == {"0001": ["0001_a.sql", "1_c.sql"]}


def test_settings_only_unit_is_declared() -> None:
    unit = get_unit("0500")
    assert unit.app and not unit.changes_schema
    assert {"RISK-OPS-002", "RISK-OPS-003"} <= set(unit.risks)


@pytest.mark.db
def test_a_later_unit_overrides_an_earlier_one(scratch_db, connect, tmp_path,
                                               monkeypatch) -> None:
    base = 'title = "t"\nrisks = ["RISK-OPS-003"]\nwhy = "w"\n'
    root = tmp_path / "sql" / "mitigations"
    _unit(root, "0001_small_pool", base + "[app]\npool_size = 5\nprepared_statements = false\n")
    _unit(root, "0002_big_pool", base + "[app]\npool_size = 50\n")
    monkeypatch.setenv("WORKBENCH_ROOT", str(tmp_path))
    conn = connect(scratch_db("override"), autocommit=True)
    ensure_meta(conn)
    for unit in all_units():
        apply_unit(conn, unit)
    got = app_settings(conn)
    assert (got.pool_size, got.prepared_statements) == (50, False)
    assert got.sources == {"pool_size": "unit 0002_big_pool",
                           "prepared_statements": "unit 0001_small_pool",
                           "pooler_mode": "library default"}
