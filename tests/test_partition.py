"""The partitioning unit (0300) on real data: rows survive both ways, partitions prune.

The round trip of the catalog is tests/test_units.py's; here the synthetic data goes through
apply and revert and must come back row for row (email bodies included), and a one-month query
on each partitioned table must skip the other months.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from workbench import explain
from workbench.experiments.data import build_database
from workbench.experiments.partitions import PARTITION_UNIT, PARTITIONED_TABLES
from workbench.probes import registry
from workbench.probes.base import ProbeContext
from workbench.schema.fingerprint import fingerprint
from workbench.schema.units import apply_unit, get_unit, revert_unit

pytestmark = pytest.mark.db
UNIT = PARTITION_UNIT
TABLES = PARTITIONED_TABLES


def checksums(conn: psycopg.Connection) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest per table, bodies read wherever they live."""
    bodies = conn.execute("SELECT to_regclass('public.email_bodies') IS NOT NULL").fetchone()
    email_from = ("email_history e LEFT JOIN email_bodies b ON b.email_id = e.id "
                  "AND b.created_at = e.created_at") if bodies and bodies[0] else "email_history e"
    body = "b" if bodies and bodies[0] else "e"
    stmts = {
        "email_history": f"SELECT count(*), md5(string_agg(concat_ws('|', e.id, e.organization_id, "
                         f"e.created_at, e.subject, e.status, {body}.body_html, {body}.body_text), "
                         f"',' ORDER BY e.id)) FROM {email_from}",
        "activities": "SELECT count(*), md5(string_agg(concat_ws('|', id, organization_id, "
                      "created_at, entity_id, action, changes), ',' ORDER BY id)) FROM activities",
        "inventory_movements": "SELECT count(*), md5(string_agg(concat_ws('|', id, "
                               "organization_id, created_at, quantity, total_cost), ',' "
                               "ORDER BY id)) FROM inventory_movements",
    }
    out = {}
    for table, stmt in stmts.items():
        row = conn.execute(stmt).fetchone()  # type: ignore[arg-type]
        assert row is not None
        out[table] = (int(row[0]), str(row[1]))
    return out


def test_rows_survive_apply_and_revert_and_months_prune(
        settings, scratch_db: Callable[[str], str], connect, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    name = scratch_db("part")
    build_database(settings, name, scale=0.03)
    conn = connect(name, autocommit=True, prepare_threshold=None)
    before, fp = checksums(conn), fingerprint(conn)
    assert all(n > 0 for n, _ in before.values())
    bodies = conn.execute("SELECT count(*) FROM email_history "
                          "WHERE body_html IS NOT NULL OR body_text IS NOT NULL").fetchone()
    apply_unit(conn, get_unit(UNIT))
    assert checksums(conn) == before
    # PARTITIONED_TABLES (the experiments' list) is what the unit partitions, plus the bodies
    # table it splits off email_history and partitions alike
    partitioned = {r[0] for r in conn.execute(
        "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relnamespace = 'public'::regnamespace")}
    assert partitioned == set(TABLES) | {"email_bodies"}, partitioned
    assert conn.execute("SELECT count(*) FROM email_bodies").fetchone() == bodies
    for table in TABLES:
        kind = conn.execute("SELECT relkind::text FROM pg_class WHERE oid = %s::regclass",
                            (f"public.{table}",)).fetchone()
        assert kind == ("p",)
        pruning = explain.partition_pruning(conn, table)
        assert pruning["partitions"] >= 27 and len(pruning["scanned"]) == 1, pruning
        assert pruning["pruned"] == pruning["partitions"] - 1
    ctx = ProbeContext(settings, "remediated", name, conn, tmp_path)
    for probe in ("scale_email_history_growth", "scale_activities_growth",
                  "scale_movements_growth"):
        f = registry()[probe]().run(ctx)
        assert f.verdict == "mitigated", f.reason
        assert f.evidence["pruning"]["pruned"] > 0 and "pruned" in f.reason
    # every partition holds only its month: no row fell into the DEFAULT partition
    assert conn.execute("SELECT count(*) FROM activities_default").fetchone() == (0,)
    revert_unit(conn, get_unit(UNIT))
    assert checksums(conn) == before
    assert fingerprint(conn).digest == fp.digest


# A schema the workbench never saw: no public table, no created_at. Partitioned by a date range
# (three months), by a list of regions, by a hash of the account, and one table not partitioned.
FOREIGN_PARTITIONS = """
CREATE SCHEMA ledger;
CREATE TABLE ledger.entries (account bigint NOT NULL, booked_on date NOT NULL, amount numeric)
    PARTITION BY RANGE (booked_on);
CREATE TABLE ledger.entries_2024_01 PARTITION OF ledger.entries
    FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE ledger.entries_2024_02 PARTITION OF ledger.entries
    FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE ledger.entries_2024_03 PARTITION OF ledger.entries
    FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');
INSERT INTO ledger.entries SELECT g, date '2024-01-01' + (g % 90), g FROM generate_series(1, 900) g;
CREATE TABLE ledger.branches (region text NOT NULL, name text) PARTITION BY LIST (region);
CREATE TABLE ledger.branches_eu PARTITION OF ledger.branches FOR VALUES IN ('eu');
CREATE TABLE ledger.branches_us PARTITION OF ledger.branches FOR VALUES IN ('us');
CREATE TABLE ledger.branches_other PARTITION OF ledger.branches DEFAULT;
INSERT INTO ledger.branches VALUES ('eu', 'a'), ('us', 'b'), ('apac', 'c');
CREATE TABLE ledger.accounts (account_id bigint NOT NULL, owner text)
    PARTITION BY HASH (account_id);
""" + "".join(f"CREATE TABLE ledger.accounts_{i} PARTITION OF ledger.accounts "
              f"FOR VALUES WITH (MODULUS 4, REMAINDER {i});\n" for i in range(4)) + """
INSERT INTO ledger.accounts SELECT g, 'o' || g FROM generate_series(1, 200) g;
CREATE TABLE ledger.plain (id bigint PRIMARY KEY);
"""


def test_pruning_reads_tables_and_keys_from_the_catalog(scratch_db, connect) -> None:  # type: ignore[no-untyped-def]
    conn = connect(scratch_db("prune"), autocommit=True)
    conn.execute(FOREIGN_PARTITIONS)
    keys = {k.label: k for k in explain.partitioned_tables(conn)}
    assert set(keys) == {"ledger.entries", "ledger.branches", "ledger.accounts"}
    assert (keys["ledger.entries"].strategy, keys["ledger.entries"].columns) \
        == ("range", ("booked_on",))
    assert keys["ledger.entries"].by_time and not keys["ledger.accounts"].by_time
    entries = explain.partition_pruning(conn, "ledger.entries")
    # the newest booking is in March: one month read, the other two pruned
    assert entries["scanned"] == ["entries_2024_03"] and entries["pruned"] == 2, entries
    assert entries["window_start_utc"].startswith("2024-03") and entries["rows"] == 300
    branches = explain.partition_pruning(conn, "ledger.branches")
    assert branches["strategy"] == "list" and branches["scanned"] == ["branches_us"]
    assert branches["window"] == "region = us" and branches["pruned"] == 2
    accounts = explain.partition_pruning(conn, "ledger.accounts")
    assert accounts["partitions"] == 4 and len(accounts["scanned"]) == 1, accounts
    assert accounts["pruned"] == 3 and accounts["rows"] == 1
    plain = explain.partition_pruning(conn, "ledger.plain")
    assert plain["partitions"] == 0 and plain["window"] == "not partitioned"
    conn.execute("TRUNCATE ledger.accounts")  # no row, no key value: nothing is run
    empty = explain.partition_pruning(conn, "ledger.accounts")
    assert empty["plan"] == "" and empty["scanned"] == [] and empty["pruned"] == 0
