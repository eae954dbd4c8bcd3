"""The seeder against a real PostgreSQL: counts, tenant truth, determinism, safety, errors."""

from __future__ import annotations

import binascii
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from psycopg import sql

from workbench import db
from workbench.errors import BadParameter, NotFound, UnsafeOperation
from workbench.risks.subject import SEED_SQL
from workbench.schema.fingerprint import fingerprint
from workbench.schema.variants import apply_variant
from workbench.seed import binary, load_anomalies, load_profile, seed_database, table_checksums
from workbench.seed.profiles.reviewed import GENERATORS
from workbench.seed.values import rng_for, uuids
from workbench.seed.writer import Catalog
from workbench.settings import VARIANTS, Settings
from workbench.sqlfiles import read_sql

pytestmark = pytest.mark.db
WORKBENCH = str(Path(sys.executable).with_name("workbench"))
ANOMALIES = {"quantity_drift": 3, "totals_drift": 4, "invalid_emails": 5,
             "cross_tenant_references": 2, "soft_deleted_parents": 2, "malformed_jsonb": 1,
             "orphan_tenant_rows": 3}


def fresh(settings: Settings, variant: str, suffix: str) -> str:
    return apply_variant(settings, variant, database=f"{settings.prefix}_{suffix}").database


@pytest.fixture(scope="module", params=list(VARIANTS))
def seeded(request: pytest.FixtureRequest, settings: Settings):  # type: ignore[no-untyped-def]
    """A variant seeded with ci (workers=2), with its fingerprint from before seeding."""
    name = fresh(settings, request.param, f"seed_{request.param}")
    with db.connection(settings, name) as conn:
        before = fingerprint(conn)
    report = seed_database(settings, name, "ci", workers=2)
    yield request.param, name, before, report
    db.drop_database(settings, name)


def test_ci_fills_every_table(seeded, connect) -> None:  # type: ignore[no-untyped-def]
    """Every table holds the rows the report says (seeding speed: benchmarks/seed_throughput.py)."""
    _, name, _, report = seeded
    conn = connect(name)
    for table in GENERATORS:
        count = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.Identifier(*table.split(".")))).fetchone()[0]
        assert count > 0, table
        assert count == report.tables[table].rows, table
    assert report.unseeded_tables == []


def test_fingerprint_unchanged(seeded, connect) -> None:  # type: ignore[no-untyped-def]
    _, name, before, _ = seeded
    after = fingerprint(connect(name))
    assert before.diff(after) == []


def test_every_foreign_key_stays_in_its_tenant(seeded, connect) -> None:  # type: ignore[no-untyped-def]
    _, name, _, _ = seeded
    conn = connect(name)
    pairs = conn.execute(read_sql(f"{SEED_SQL}/tenant_fk_pairs.sql")).fetchall()  # type: ignore[arg-type]
    assert len(pairs) >= 12
    for child, ccol, parent, pcol in pairs:
        bad = conn.execute(sql.SQL(
            "SELECT count(*) FROM {c} ch JOIN {p} pa ON pa.{pc} = ch.{cc} "
            "WHERE pa.organization_id <> ch.organization_id").format(
            c=sql.Identifier("public", child), p=sql.Identifier("public", parent),
            pc=sql.Identifier(pcol), cc=sql.Identifier(ccol))).fetchone()[0]
        assert bad == 0, f"{child}.{ccol} -> {parent}.{pcol}"


def test_derived_values_hold(seeded, connect) -> None:  # type: ignore[no-untyped-def]
    _, name, _, _ = seeded
    rows = connect(name).execute(read_sql(f"{SEED_SQL}/derived_violations.sql")).fetchall()  # type: ignore[arg-type]
    assert len(rows) == 6
    assert {rule: n for rule, n in rows if n} == {}


def test_contact_flags_follow_the_column_type(seeded, connect) -> None:  # type: ignore[no-untyped-def]
    variant, name, _, _ = seeded
    conn = connect(name)
    typ, nonnull, true = conn.execute(
        "SELECT pg_typeof(is_primary)::text, count(is_primary), "
        "count(*) FILTER (WHERE is_primary::text = 'true') FROM contacts GROUP BY 1").fetchone()
    if variant == "baseline":
        assert (typ, nonnull) == ("uuid", 0)
    else:
        assert typ == "boolean" and true > 0


def test_tenant_sizes_are_skewed(seeded, connect) -> None:  # type: ignore[no-untyped-def]
    _, name, _, _ = seeded
    sizes = [r[0] for r in connect(name).execute(
        "SELECT count(*) FROM activities GROUP BY organization_id ORDER BY 1 DESC")]
    assert len(sizes) == 4 and sizes[0] > 3 * sizes[-1]


def test_refuses_a_non_empty_database(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    _, name, _, _ = seeded
    with pytest.raises(UnsafeOperation, match="--replace"):
        seed_database(settings, name, "ci")


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_same_rows_whatever_the_workers_or_copy_format(settings: Settings, variant: str) -> None:
    name = fresh(settings, variant, f"seed_det_{variant}")
    sums = []
    for workers, copy_format in ((1, "binary"), (2, "binary"), (2, "csv")):
        report = seed_database(settings, name, "ci", scale=5, workers=workers, mode="replace",
                               copy_format=copy_format)  # type: ignore[arg-type]
        assert report.workers == workers
        with db.connection(settings, name) as conn:
            sums.append(table_checksums(conn))
    assert sums[0] == sums[1] == sums[2]
    if variant == "remediated":  # bodies in email_bodies, one per email, same on any worker
        assert sums[0]["email_bodies"][0] == sums[0]["email_history"][0] > 0
    other = seed_database(settings, name, "ci", seed=1, workers=1, mode="replace")
    assert other.rows > 0
    with db.connection(settings, name) as conn:
        assert table_checksums(conn) != sums[0]
    db.drop_database(settings, name)


@pytest.mark.slow
def test_kill_9_then_resume_equals_an_uninterrupted_run(settings: Settings) -> None:
    name = fresh(settings, "baseline", "seed_kill")
    with db.connection(settings, name) as conn:
        before = fingerprint(conn)
    env = settings.child_env()
    cmd = [WORKBENCH, "seed", "--target", name, "--profile", "ci",
           "--scale", "4", "--workers", "1"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    done = 0
    deadline = time.monotonic() + 60
    with db.connection(settings, name, autocommit=True) as conn:
        while done < 1 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if conn.execute("SELECT to_regclass('_workbench.seed_tenants')").fetchone()[0]:
                done = conn.execute("SELECT count(*) FROM _workbench.seed_tenants").fetchone()[0]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 1 <= done < 4, "the run must be killed between tenants for this test to mean much"
    with db.connection(settings, name) as conn:
        orgs = conn.execute("SELECT count(*) FROM organizations").fetchone()[0]
        tenants = conn.execute("SELECT count(*) FROM _workbench.seed_tenants").fetchone()[0]
        assert orgs == tenants  # no half-written tenant
    with pytest.raises(UnsafeOperation):
        seed_database(settings, name, "ci", scale=4)
    report = seed_database(settings, name, "ci", scale=4, mode="resume", workers=2)
    assert report.tenants_skipped == tenants
    with db.connection(settings, name) as conn:
        resumed = table_checksums(conn)
        assert fingerprint(conn).diff(before) == []
    seed_database(settings, name, "ci", scale=4, mode="replace", workers=2)
    with db.connection(settings, name) as conn:
        assert table_checksums(conn) == resumed
    db.drop_database(settings, name)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_anomalies_are_planted_exactly(settings: Settings, variant: str, tmp_path: Path) -> None:
    name = fresh(settings, variant, f"seed_anom_{variant}")
    spec = tmp_path / "anomalies.toml"
    spec.write_text("[anomalies]\n" + "".join(f"{k} = {v}\n" for k, v in ANOMALIES.items()))
    report = seed_database(settings, name, "ci", workers=1, anomalies=spec)
    with db.connection(settings, name) as conn:
        derived = dict(conn.execute(read_sql(f"{SEED_SQL}/derived_violations.sql")).fetchall())  # type: ignore[arg-type]
        bad_email = conn.execute(
            "SELECT count(*) FROM customers WHERE email NOT LIKE '%@%'").fetchone()[0]
        bad_json = conn.execute(
            "SELECT count(*) FROM customers WHERE jsonb_typeof(addresses) <> 'array'").fetchone()[0]
        orphans = conn.execute("SELECT count(*) FROM activities a WHERE NOT EXISTS "
                               "(SELECT 1 FROM organizations o WHERE o.id = a.organization_id)"
                               ).fetchone()[0]
    got = report.anomalies
    planted = {kind: got[kind]["planted"] for kind in ANOMALIES}
    for kind, count in ANOMALIES.items():
        assert planted[kind] == (0 if "rejected" in got[kind] else count), kind
    if variant == "baseline":
        assert planted == ANOMALIES  # the reviewed schema stops none of them
    else:
        assert "rejected" in got["orphan_tenant_rows"]  # the tenant FK works
    assert derived["inventory.quantity_available"] == planted["quantity_drift"]
    assert derived["orders.total"] == planted["totals_drift"]
    assert (bad_email, bad_json, orphans) == (planted["invalid_emails"],
                                              planted["malformed_jsonb"],
                                              planted["orphan_tenant_rows"])
    db.drop_database(settings, name)


def test_unknown_profile_is_one_line() -> None:
    with pytest.raises(NotFound, match="no seeding profile 'nope' .known: ci, demo, premortem"):
        load_profile("nope")


def test_negative_scale_is_one_line() -> None:
    with pytest.raises(BadParameter, match="--scale must be a positive number"):
        load_profile("ci", scale=-1)


def test_bad_profile_field_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = (load_profile("ci").source.read_text()  # type: ignore[union-attr]
            .replace("customers = 250", "customers = -4"))
    bad.write_text(text)
    with pytest.raises(BadParameter, match=r"profile 'bad': per_tenant.customers must be >= 0"):
        load_profile(bad)


def test_volume_keys_belong_to_the_profile_module(tmp_path: Path) -> None:
    """A profile's per_tenant ... text keys are checked against the generators module it names
    (the reviewed module's VOLUMES); without a module, or with one that declares none, they are
    errors that say so."""
    text = load_profile("ci").source.read_text()  # type: ignore[union-attr]
    module = 'generators = "workbench.seed.profiles.reviewed"'
    assert module in text
    for replacement, message in (
            ('generators = "workbench.seed.values"', "declares no VOLUMES"),
            ('generators = "workbench.no_such_module"', "cannot import"),
            ("", r"per_tenant.customers is not a known key \(known: \)")):
        bad = tmp_path / "bad.toml"
        bad.write_text(text.replace(module, replacement))
        with pytest.raises(BadParameter, match=message):
            load_profile(bad)


@pytest.mark.parametrize("content, message", [
    ("quantity_drift = 'many'", "quantity_drift must be a whole number"),
    ("leaky_roof = 3", "leaky_roof is not a known anomaly"),
    ("quantity_drift = [", "is not valid TOML"),
])
def test_malformed_anomalies_file_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "a.toml"
    path.write_text(content)
    with pytest.raises(BadParameter, match=message) as info:
        load_anomalies(path)
    assert "\n" not in str(info.value)


def test_cli_errors_are_one_line(settings: Settings) -> None:
    env = settings.child_env()
    for args, text in ((["--profile", "nope"], "no seeding profile"),
                       (["--scale", "-2"], "--scale must be a positive number"),
                       (["--replace", "--resume"], "exclude each other")):
        out = subprocess.run([WORKBENCH, "seed", "--target",
                              "wb_never_made", *args], env=env, capture_output=True, text=True)
        assert out.returncode == 2, out.stderr
        assert out.stderr.startswith("error: ") and text in out.stderr
        assert out.stderr.count("\n") == 1


def test_a_column_type_without_binary_encoding_falls_back_to_csv(settings: Settings) -> None:
    """user_sessions.ip_address as inet: binary COPY has no encoder for it, CSV parses it."""
    name = fresh(settings, "baseline", "seed_inet")
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute("ALTER TABLE user_sessions ALTER ip_address TYPE inet USING ip_address::inet")
        catalog = Catalog.read(conn)
    assert not catalog.binary("user_sessions") and catalog.binary("activities")
    report = seed_database(settings, name, "ci")
    assert report.tables["public.user_sessions"].rows > 0
    with db.connection(settings, name) as conn:
        family = conn.execute("SELECT DISTINCT family(ip_address) FROM user_sessions").fetchall()
    assert family == [(4,)]
    db.drop_database(settings, name)


def test_uuid_bytes_match_the_text_form() -> None:
    import uuid

    text = uuids(rng_for(0, 1, "t"), 500)
    raw = binary.uuid_bytes(text).to_pylist()
    assert raw == [uuid.UUID(u).bytes for u in text]
    bad = text.copy()
    bad[7] = bad[7][:-1] + "g"
    with pytest.raises(binascii.Error):
        binary.uuid_bytes(bad)


def test_numeric_columns_round_to_their_scale_as_the_server_would() -> None:
    money = pl.Series([19.99, 0.07, -1234.565, None])  # cents / 100, as floats
    array = binary.column_array("numeric", 2, money, 4)
    assert [str(v) if v is not None else None for v in array.to_pylist()] == [
        "19.99", "0.07", "-1234.57", None]
    assert binary.column_array("uuid", None, None, 3).null_count == 3
    with pytest.raises(ValueError, match="no binary encoding for type 'inet'"):
        binary.column_array("inet", None, ["10.0.0.1"], 1)


def test_uuids_are_version_4_and_reproducible() -> None:
    a = uuids(rng_for(0, 3, "orders"), 1000)
    b = uuids(rng_for(0, 3, "orders"), 1000)
    assert (a == b).all() and len(set(a)) == 1000
    assert all(u[14] == "4" and u[19] in "89ab" for u in a)


def test_scale_changes_volumes_not_tenants() -> None:
    base, big = load_profile("ci"), load_profile("ci", scale=2.5)
    assert big.tenants == base.tenants
    assert big.per_day["activities"] == 2.5 * base.per_day["activities"]


def test_seeded_distributions_match_the_profile(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    from workbench.seed import stats
    from workbench.seed.profiles.reviewed import distributions

    _, name, _, _ = seeded
    check = distributions.profile_check(settings, name, load_profile("ci"))
    assert check.height == 6
    assert check["relative_error"].abs().max() < 0.15
    sizes = stats.table_sizes(settings, name)
    assert sizes.filter(sizes["row_count"] == 0).is_empty()
