"""RISK-OPS-007: the backup/restore round trip, on both variants and on a database it breaks.

The baseline and remediated variants restore exactly (the honest verdict is not-confirmed /
mitigated). To prove the probe can fail, a scratch database gets the classic restore breaker:
a CHECK constraint calling a function that resolves a table through the search_path, which
pg_restore runs with ``search_path = ''``, so the table's rows never load.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import db
from workbench.backup import can_overlap, client_bin_dir, compare_states, database_state, round_trip
from workbench.errors import WorkbenchError
from workbench.probes.base import ProbeContext
from workbench.probes.ops_backup_restore import OpsBackupRestore

pytestmark = pytest.mark.db

BREAKER = """
CREATE TABLE public.allowed_codes (code text PRIMARY KEY);
INSERT INTO public.allowed_codes VALUES ('a'), ('b');
CREATE FUNCTION public.code_allowed(c text) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM allowed_codes WHERE code = c) $$;
CREATE TABLE public.coded (id int PRIMARY KEY, code text CHECK (public.code_allowed(code)));
INSERT INTO public.coded VALUES (1, 'a'), (2, 'b');
"""


def _run(settings, database: str, variant: str, tmp_path: Path):
    with db.connection(settings, database, autocommit=True) as conn:
        ctx = ProbeContext(settings, variant, database, conn, tmp_path / variant)
        return OpsBackupRestore().run(ctx)


@pytest.mark.parametrize("variant", ["baseline", "remediated"])
def test_variants_restore_exactly(settings, request, variant, tmp_path) -> None:
    database = request.getfixturevalue(f"{variant}_db")
    finding = _run(settings, database, variant, tmp_path)
    expected = "not-confirmed" if variant == "baseline" else "mitigated"
    assert finding.verdict == expected, finding.reason
    ev = finding.evidence
    assert ev["equal"] and ev["differences"] == [] and ev["restore_errors"] == []
    assert ev["dump_bytes"] > 0 and ev["seconds"]["restore"] > 0
    assert ev["objects_compared"]["policies"] >= 6 and ev["objects_compared"]["enums"] == 25
    assert {"anon", "authenticated", "service_role"} <= set(ev["roles_the_target_needs"])
    assert (tmp_path / variant / variant / "restore.log").is_file()
    assert ev["restore_seconds"] == ev["seconds"]["restore"] and ev["jobs"] >= 1
    assert f"{ev['rows_compared']} rows" in finding.reason
    assert not db.database_exists(settings, f"{settings.prefix}_restore_{variant}")


def test_restore_breaker_is_found(settings, scratch_db, connect, tmp_path) -> None:
    name = scratch_db("breaker")
    conn = connect(name, autocommit=True)
    conn.execute(BREAKER)
    finding = _run(settings, name, "baseline", tmp_path)
    assert finding.verdict == "confirmed", finding.reason
    ev = finding.evidence
    assert ev["restore_errors"], ev
    assert any("public.coded" in d for d in ev["differences"])
    hazard = {h["function"]: h["used_by"] for h in ev["restore_search_path_hazards"]}
    uses = next(v for k, v in hazard.items() if k.startswith("public.code_allowed("))
    assert any("runs during the load" in u for u in uses)
    assert not db.database_exists(settings, f"{settings.prefix}_restore_baseline")


def test_compare_states_sees_a_changed_row_and_policy(settings, scratch_db, connect) -> None:
    a, b = scratch_db("cmp_a"), scratch_db("cmp_b")
    for name in (a, b):
        connect(name, autocommit=True).execute(
            "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'x'), (2, 'y');"
            "ALTER TABLE t ENABLE ROW LEVEL SECURITY;")
    def state(name: str) -> dict:
        return database_state(connect(name, autocommit=True))

    same = compare_states(state(a), state(b))
    assert same == []
    connect(b, autocommit=True).execute("UPDATE t SET v = 'z' WHERE id = 2")
    connect(b, autocommit=True).execute("CREATE POLICY p ON t USING (true)")
    diffs = compare_states(state(a), state(b))
    assert any(d.startswith("table public.t") for d in diffs)
    assert any(d.startswith("policies only in restored") for d in diffs)


def test_round_trip_of_a_round_trip_is_stable(settings, scratch_db, connect) -> None:
    name = scratch_db("trip")
    connect(name, autocommit=True).execute(
        "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE SEQUENCE s; SELECT setval('s', 41);"
        "CREATE TABLE m (id int DEFAULT nextval('s'), feel mood)")
    trip = round_trip(settings, name, target=f"{settings.prefix}_trip_target")
    assert trip.equal, trip.summary()
    assert trip.counts["sequences"] == 1 and trip.counts["enums"] == 1


def test_client_binaries_match_the_server(settings) -> None:
    with db.connection(settings, autocommit=True) as conn:
        version = db.server_version(conn)
    folder = client_bin_dir(version)
    assert (folder / "pg_restore").is_file()
    with pytest.raises(WorkbenchError, match="no pg_dump/pg_restore for PostgreSQL 9"):
        client_bin_dir(90600)


def test_the_report_runs_both_round_trips_at_once_where_cores_allow(
        settings, baseline_db, remediated_db, tmp_path) -> None:
    from workbench.probes.base import Finding
    from workbench.probes.runner import findings_dir, load_findings, select
    from workbench.report.run import run_remaining_probes
    from workbench.settings import VARIANTS

    both = [baseline_db, remediated_db]
    assert can_overlap(settings, both, cores=4) and not can_overlap(settings, both, cores=2)
    at_once = OpsBackupRestore.overlaps_variants(settings, both)  # 4 cores or more here
    folder = findings_dir(tmp_path)
    folder.mkdir(parents=True)
    for pid in select():  # every other probe already ran (in a notebook, say)
        if pid != "ops_backup_restore":
            for variant in VARIANTS:
                (folder / f"{pid}__{variant}.json").write_text(
                    Finding(pid, [], variant, "not-testable", "ran elsewhere", {}, [], 0).to_json())
    said: list[str] = []
    run_remaining_probes(settings, tmp_path, "ci", said.append)
    assert said == (["ops_backup_restore on baseline and remediated at once"] if at_once else
                    ["probes on baseline: 1 not run by a notebook",
                     "probes on remediated: 1 not run by a notebook"])
    trips = {f.variant: f for f in load_findings(tmp_path) if f.probe == "ops_backup_restore"}
    assert {v: f.verdict for v, f in trips.items()} == {"baseline": "not-confirmed",
                                                         "remediated": "mitigated"}
    for variant, finding in trips.items():
        assert (tmp_path / "evidence" / "ops_backup_restore" / f"round_trip__{variant}.json"
                ).is_file(), finding.paths
