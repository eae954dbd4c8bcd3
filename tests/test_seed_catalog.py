"""The catalog-driven seeder on schemas it has never seen (tests/seed_schemas/*.sql).

Each fixture schema is built in a database of its own and seeded; the rows are then judged by
the server: every foreign key and check holds (counted per constraint), no foreign key of a
tenant row points into another tenant (counted per key), the catalog is unchanged, and the same
seed gives the same rows with one or two workers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from workbench import db
from workbench.clone import clone_from
from workbench.errors import BadParameter, UnsafeOperation
from workbench.schema.fingerprint import fingerprint
from workbench.seed.catalog_model import SchemaCatalog
from workbench.seed.catalog_runner import seed_catalog
from workbench.seed.profile import load_profile, parse_profile
from workbench.seed.safety import SeedStopped, pending
from workbench.seed.verify import checksums, cross_tenant_references, violations
from workbench.settings import Settings
from workbench.sqlfiles import run_script
from workbench.tenancy import infer

pytestmark = pytest.mark.db
SCHEMAS = Path(__file__).parent / "seed_schemas"
FIXTURES = ("saas", "textkeys")


def build(settings: Settings, schema: str, suffix: str) -> str:
    """A workbench-owned database holding fixture ``schema`` (no rows but its own)."""
    name = f"{settings.prefix}_{suffix}"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    with db.connection(settings, name, autocommit=True) as conn:
        run_script(conn, SCHEMAS / f"{schema}.sql")
    return name


def catalog_of(settings: Settings, name: str) -> tuple[psycopg.Connection, SchemaCatalog]:
    conn = db.connect(settings.conninfo(name), autocommit=True)
    return conn, SchemaCatalog.read(conn, ("public",))


SEEDED: dict[str, tuple] = {}


def seeded_once(settings: Settings, schema: str) -> tuple:
    """(schema, database, report, fingerprint before) of fixture ``schema`` seeded with ci."""
    if schema not in SEEDED:
        name = build(settings, schema, f"cat_{schema}")
        with db.connection(settings, name, autocommit=True) as conn:
            before = fingerprint(conn)
        report = seed_catalog(settings, name, load_profile("ci"), workers=1)
        SEEDED[schema] = (schema, name, report, before)
    return SEEDED[schema]


@pytest.fixture(scope="module", params=FIXTURES)
def seeded(request: pytest.FixtureRequest, settings: Settings):  # type: ignore[no-untyped-def]
    return seeded_once(settings, request.param)


@pytest.fixture(scope="module")
def saas(settings: Settings) -> str:
    """The seeded saas fixture's database (tests must not change it)."""
    return seeded_once(settings, "saas")[1]


def test_every_table_gets_rows_and_every_constraint_holds(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    schema, name, report, _ = seeded
    conn, catalog = catalog_of(settings, name)
    with conn:
        counts = checksums(conn, catalog)
        broken = violations(conn, catalog)
    assert all(rows > 0 for rows, _ in counts.values()), counts
    assert len(broken) >= 8, "every foreign key and check is counted"
    assert {k: v for k, v in broken.items() if v} == {}
    assert report.rows == sum(r for t, (r, _) in counts.items() if t in report.tables)


def test_no_foreign_key_crosses_tenants(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    schema, name, _, _ = seeded
    conn, catalog = catalog_of(settings, name)
    with conn:
        model = infer(conn, schemas=("public",))
        crossing = cross_tenant_references(conn, catalog, model)
    assert model.found()
    assert len(crossing) >= 4, f"foreign keys between tenant tables checked: {crossing}"
    assert {k: v for k, v in crossing.items() if v} == {}


def test_the_catalog_is_unchanged(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    _, name, _, before = seeded
    with db.connection(settings, name, autocommit=True) as conn:
        after = fingerprint(conn)
    assert after.diff(before) == []


def test_tenant_sizes_are_skewed(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    schema, name, _, _ = seeded
    conn, catalog = catalog_of(settings, name)
    with conn:
        model = infer(conn, schemas=("public",))
        table = model.direct()[0]
        column = model.tenant_column(table)
        sizes = [r[0] for r in conn.execute(
            f'SELECT count(*) FROM {table} GROUP BY "{column}" ORDER BY 1')]  # type: ignore[arg-type]
    assert len(sizes) == 4 and sizes[-1] > 2 * sizes[0]


def test_values_follow_their_column(saas: str, settings: Settings) -> None:
    """Enums, CHECK lists, varchar limits, text ids shaped like their default, emails."""
    with db.connection(settings, saas, autocommit=True) as conn:
        plans = {r[0] for r in conn.execute("SELECT DISTINCT plan FROM teams")}
        ids = [r[0] for r in conn.execute("SELECT id FROM invoices")]
        emails = [r[0] for r in conn.execute("SELECT email FROM users")]
        zips = [r[0] for r in conn.execute("SELECT zip FROM tasks WHERE zip IS NOT NULL")]
        reference = conn.execute("SELECT count(*) FROM countries").fetchone()[0]  # type: ignore[index]
        numbers = conn.execute("SELECT min(number) FROM invoices").fetchone()[0]  # type: ignore[index]
    assert plans <= {"free", "pro", "enterprise"} and plans
    assert all(i.startswith("inv_") for i in ids)
    assert all("@" in e for e in emails) and len(set(emails)) == len(emails)
    assert zips and all(len(z) == 5 and z.isdigit() for z in zips)
    assert reference == 3, "rows a migration inserted stay as they were"
    assert numbers == 1, "a per-tenant unique number counts from 1 in each tenant"


def test_what_constraints_cost_is_reported(saas: str, settings: Settings) -> None:
    """A check only the server can evaluate drops rows: counted, and none of them stored."""
    with db.connection(settings, saas, autocommit=True) as conn:
        costs = conn.execute("SELECT report -> 'costs' FROM _workbench.seed_run").fetchone()[0]  # type: ignore[index]
        odd = conn.execute("SELECT count(*) FROM audit_events WHERE sequence_no % 2 = 1"
                           ).fetchone()[0]  # type: ignore[index]
        kept = conn.execute("SELECT count(*) FROM audit_events").fetchone()[0]  # type: ignore[index]
    dropped = costs.get("public.audit_events: server-side checks (rows dropped)", 0)
    assert dropped > 0 and kept > 0 and odd == 0


@pytest.mark.slow
def test_same_rows_with_one_or_two_workers(settings: Settings) -> None:
    sums = []
    for workers in (1, 2):
        name = build(settings, "saas", f"cat_w{workers}")
        seed_catalog(settings, name, load_profile("ci"), workers=workers, seed=7)
        conn, catalog = catalog_of(settings, name)
        with conn:
            sums.append(checksums(conn, catalog))
    assert sums[0] == sums[1]
    assert sum(r for r, _ in sums[0].values()) > 1000


def test_same_rows_whatever_the_batching_and_each_tenant_recorded(
        saas: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small tenants share a transaction and one COPY per table (catalog_runner.BATCH_ROWS);
    one tenant per transaction (and CSV instead of binary COPY) gives the same rows, and
    either way every tenant is recorded on its own (what --resume reads)."""
    from workbench.seed import catalog_runner

    with db.connection(settings, saas, autocommit=True) as conn:
        batched = checksums(conn, SchemaCatalog.read(conn, ("public",)))
        recorded = sorted(r[0] for r in conn.execute("SELECT tenant FROM _workbench.seed_tenants"))
    monkeypatch.setattr(catalog_runner, "BATCH_ROWS", 0)
    name = build(settings, "saas", "cat_unbatched")
    seed_catalog(settings, name, load_profile("ci"), workers=1, copy_format="csv")
    conn, catalog = catalog_of(settings, name)
    with conn:
        assert checksums(conn, catalog) == batched, "and CSV gives the rows binary COPY gives"
    assert recorded == [-1, 0, 1, 2, 3]


UNRESOLVABLE = """
CREATE TABLE tenants (id uuid PRIMARY KEY);
CREATE TABLE ledgers (
    id uuid PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id),
    position pg_lsn NOT NULL
);
CREATE TABLE searches (
    id uuid PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id),
    query tsquery NOT NULL, note text
);
"""


def test_an_unresolvable_plan_names_every_column_and_changes_nothing(
        settings: Settings, tmp_path: Path) -> None:
    name = f"{settings.prefix}_cat_bad"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute(UNRESOLVABLE)  # type: ignore[arg-type]
        before = fingerprint(conn)
    with pytest.raises(BadParameter) as err:
        seed_catalog(settings, name, load_profile("ci"), workers=1)
    message = str(err.value)
    assert "public.ledgers.position" in message and "public.searches.query" in message
    assert "\n" not in message
    with db.connection(settings, name, autocommit=True) as conn:
        assert fingerprint(conn).diff(before) == []
        assert conn.execute("SELECT to_regnamespace('_workbench')").fetchone()[0] is None  # type: ignore[index]
    # the CLI says the same in one line and exits non-zero
    out = subprocess.run([sys.executable, "-m", "workbench", "seed", "--target", name,
                          "--profile", "ci"], capture_output=True, text=True, timeout=120,
                         env=_env(settings))
    assert out.returncode != 0 and "public.searches.query" in out.stderr + out.stdout
    assert "Traceback" not in out.stderr


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "WORKBENCH_DSN": settings.server_conninfo()}


def test_explain_plan_says_what_and_why_and_changes_nothing(settings: Settings) -> None:
    name = build(settings, "saas", "cat_explain")
    with db.connection(settings, name, autocommit=True) as conn:
        before = fingerprint(conn)
    out = subprocess.run([sys.executable, "-m", "workbench", "seed", "--database", name,
                          "--explain-plan"], capture_output=True, text=True, timeout=120,
                         env=_env(settings))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for expected in ("public.comments [indirect]", "public.countries [reference]",
                     "enum labels", "CHECK lists the allowed values",
                     "checked on the server", "self (a row of the same table",
                     "generated column: PostgreSQL computes it", "late"):
        assert expected in text, expected
    with db.connection(settings, name, autocommit=True) as conn:
        assert fingerprint(conn).diff(before) == []
        assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0  # type: ignore[index]


def test_profile_overrides_volumes_and_columns(settings: Settings) -> None:
    name = build(settings, "saas", "cat_over")
    prof = parse_profile("over", {
        "tenants": 3, "days": 20, "end": "2026-10-31", "skew": 0,
        "catalog": {"rows": {"public.projects": 4}, "fanouts": {"public.tasks": 2},
                    "columns": {"public.tasks.title": ["Alpha", "Bravo"]}},
    })
    seed_catalog(settings, name, prof, workers=1)
    with db.connection(settings, name, autocommit=True) as conn:
        projects = conn.execute("SELECT count(*) FROM projects").fetchone()[0]  # type: ignore[index]
        titles = {r[0] for r in conn.execute("SELECT DISTINCT title FROM tasks")}
        tasks = conn.execute("SELECT count(*) FROM tasks").fetchone()[0]  # type: ignore[index]
    assert projects == 12
    assert titles == {"Alpha", "Bravo"}
    assert 10 <= tasks <= 45  # Poisson(2) per project


def test_an_override_naming_nothing_is_one_line(settings: Settings) -> None:
    name = build(settings, "textkeys", "cat_typo")
    prof = parse_profile("typo", {"tenants": 2, "days": 5, "end": "2026-10-31",
                                  "catalog": {"rows": {"public.custmers": 4}}})
    with pytest.raises(BadParameter, match="catalog.rows.public.custmers"):
        seed_catalog(settings, name, prof, workers=1)


def test_a_seeded_database_is_refused_and_resumed_only_with_the_same_values(
        saas: str, settings: Settings) -> None:
    with db.connection(settings, saas, autocommit=True) as conn:
        before = checksums(conn, SchemaCatalog.read(conn, ("public",)))
    with pytest.raises(UnsafeOperation, match=r"is not empty \(seeded with profile 'ci'\)"):
        seed_catalog(settings, saas, load_profile("ci"))
    with pytest.raises(BadParameter, match=r"--resume: .* seed 0; resume with the same values"):
        seed_catalog(settings, saas, load_profile("ci"), seed=7, mode="resume")
    with db.connection(settings, saas, autocommit=True) as conn:
        assert checksums(conn, SchemaCatalog.read(conn, ("public",))) == before


def test_sequences_continue_after_the_seeded_ids(saas: str, settings: Settings) -> None:
    with db.connection(settings, saas) as conn:
        top = conn.execute("SELECT max(id) FROM audit_events").fetchone()[0]  # type: ignore[index]
        new = conn.execute("INSERT INTO audit_events (team_id, sequence_no, occurred_at) "
                           "SELECT id, 2, now() FROM teams LIMIT 1 RETURNING id").fetchone()[0]  # type: ignore[index]
        conn.rollback()
    assert new > top


@pytest.mark.slow
def test_kill_9_then_resume_equals_an_uninterrupted_run(settings: Settings) -> None:
    """A seed killed after its first tenants committed (small ones share a transaction),
    then --resume: the same rows and the same catalog as a seed that ran through."""
    sums = []
    for killed in (False, True):
        name = build(settings, "saas", f"cat_kill{int(killed)}")
        with db.connection(settings, name, autocommit=True) as conn:
            before = fingerprint(conn)
        cmd = [sys.executable, "-m", "workbench", "seed", "--database", name, "--seed", "4",
               "--workers", "1"]
        if killed:
            proc = subprocess.Popen(cmd, env=_env(settings), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            with db.connection(settings, name, autocommit=True) as conn:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and proc.poll() is None:
                    ready = conn.execute("SELECT to_regclass('_workbench.seed_tenants')"
                                         ).fetchone()[0]  # type: ignore[index]
                    if ready and conn.execute("SELECT count(*) FROM _workbench.seed_tenants"
                                              ).fetchone()[0] >= 2:  # type: ignore[index]
                        break  # the global rows and one tenant are committed
                    time.sleep(0.02)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            with db.connection(settings, name, autocommit=True) as conn:
                pending = conn.execute("SELECT count(*) FROM _workbench.seed_deferred"
                                       ).fetchone()[0]  # type: ignore[index]
            assert pending > 0, "killed while keys were dropped"
            cmd = [*cmd, "--resume"]
        out = subprocess.run(cmd, env=_env(settings), capture_output=True, text=True,
                             timeout=300)
        assert out.returncode == 0, out.stderr[-500:]
        conn, catalog = catalog_of(settings, name)
        with conn:
            assert fingerprint(conn).diff(before) == []
            sums.append(checksums(conn, catalog))
    assert sums[0] == sums[1]


def test_a_saved_tenant_model_is_used_as_given(settings: Settings, tmp_path: Path) -> None:
    """--tenancy FILE: the plan follows the model in the file, not a fresh inference."""
    from workbench.tenancy import TenantModel

    name = build(settings, "textkeys", "cat_tenancy")
    path = tmp_path / "model.toml"
    path.write_text(TenantModel.none(("public",)).to_toml())
    out = subprocess.run([sys.executable, "-m", "workbench", "seed", "--database", name,
                          "--explain-plan", "--tenancy", str(path)], capture_output=True,
                         text=True, timeout=120, env=_env(settings))
    assert out.returncode == 0, out.stderr
    assert "tenant: none found: every table global" in out.stdout
    assert "public.customers [global]" in out.stdout


PARTIAL_KEYS = """
CREATE FUNCTION is_even(n bigint) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT n % 2 = 0';
CREATE TYPE bill_reason AS ENUM ('start', 'periodic', 'end');
CREATE TABLE accounts (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE subs (id uuid PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id));
CREATE TABLE credit_notes (
    id uuid PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id),
    n bigint NOT NULL CHECK (is_even(n))          -- read by the server only: rows refused
);
CREATE TABLE bills (
    id uuid PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id),
    sub_id uuid NOT NULL REFERENCES subs (id),
    credit_note_id uuid REFERENCES credit_notes (id),
    reason bill_reason NOT NULL
);
CREATE UNIQUE INDEX bills_one_start ON bills (sub_id, reason)
    WHERE reason = 'start' AND credit_note_id IS NULL;
CREATE UNIQUE INDEX bills_one_end ON bills (sub_id, reason) WHERE reason = 'end';
"""


def test_partial_unique_keys_hold_across_chunks_and_redraws(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two partial keys over (foreign key, status): the redraw leaving one must not enter the
    other, and a row entering a predicate in pass 2 (its credit note refused by the server, so
    the key set NULL) must not repeat a key of another chunk (lago's invoice_subscriptions)."""
    from workbench.seed import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", 50)  # a tenant's bills span several chunks
    name = f"{settings.prefix}_cat_partial"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute(PARTIAL_KEYS)  # type: ignore[arg-type]
    prof = parse_profile("partial", {
        "tenants": 3, "days": 20, "end": "2026-10-31", "skew": 0,
        "catalog": {"rows": {"public.subs": 15, "public.credit_notes": 60,
                             "public.bills": 400}},
    })
    report = seed_catalog(settings, name, prof, workers=1)
    with db.connection(settings, name, autocommit=True) as conn:
        indexes = {r[0] for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'bills'")}
        starts = conn.execute("SELECT count(*) FROM bills WHERE reason = 'start' "
                              "AND credit_note_id IS NULL").fetchone()[0]  # type: ignore[index]
    assert {"bills_one_start", "bills_one_end"} <= indexes
    assert starts > 0
    assert report.costs.get("bills_one_start (duplicate keys: rows dropped)", 0) > 0


def test_a_restore_the_rows_defeat_deletes_the_repeats_and_puts_every_key_back(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row repeating a unique key planted during the load (as a generator bug would write
    it): the restore deletes it, counts it in the one-line error, and every key is back."""
    from workbench.seed import catalog_runner

    monkeypatch.setattr(catalog_runner, "BATCH_ROWS", 0)  # each tenant commits on its own
    name = f"{settings.prefix}_cat_planted"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    with db.connection(settings, name, autocommit=True) as conn:
        conn.execute(PARTIAL_KEYS)  # type: ignore[arg-type]
        before = fingerprint(conn)
    prof = parse_profile("planted", {"tenants": 3, "days": 20, "end": "2026-10-31", "skew": 0,
                                     "catalog": {"rows": {"public.bills": 40}}})
    planted = [0]

    def plant(table: str, rows: int, planned: int = 0) -> None:
        if planted[0]:
            return
        with db.connection(settings, name, autocommit=True) as other:  # tenant 0 committed
            planted[0] = other.execute(
                "INSERT INTO bills SELECT gen_random_uuid(), account_id, sub_id, credit_note_id, "
                "reason FROM bills WHERE reason = 'end' LIMIT 1").rowcount

    with pytest.raises(SeedStopped) as err:
        seed_catalog(settings, name, prof, workers=1, progress=plant)
    message = str(err.value)
    assert planted[0] == 1
    assert "bills_one_end (duplicate keys: rows deleted): 1" in message and "\n" not in message
    assert "--restore" not in message
    with db.connection(settings, name, autocommit=True) as conn:
        assert fingerprint(conn).diff(before) == []
        repeats = conn.execute("SELECT count(*) - count(DISTINCT sub_id) FROM bills "
                               "WHERE reason = 'end'").fetchone()[0]  # type: ignore[index]
    assert pending(settings, name) == 0 and repeats == 0


UUID4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def _unlike(conn: psycopg.Connection, table: str, column: str, pattern: str) -> tuple[int, int]:
    """(values, values not matching ``pattern``) of a column, NULLs left out."""
    row = conn.execute(f'SELECT count("{column}"), count(*) FILTER (WHERE "{column}" !~ %s) '  # type: ignore[arg-type]
                       f'FROM {table}', (pattern,)).fetchone()
    return int(row[0]), int(row[1])  # type: ignore[index]


def test_text_ids_take_the_format_their_default_shows(settings: Settings) -> None:
    """Read from the expression ('po_' || uuid, a padded sequence, concat of a bare uuid) or
    evaluated (make_id); a key without default or source rows stays cuid-like."""
    name = seeded_once(settings, "textkeys")[1]
    forms = {("payouts", "id"): f"^po_{UUID4}$", ("payouts", "number"): "^PO-[0-9]{6}$",
             ("payouts", "receipt"): "^rcpt_[0-9a-f]{32}$",
             ("customers", "id"): "^cus_[0-9a-f]{20}$", ("charges", "id"): "^ch_[0-9a-f]{20}$",
             ("webhooks", "id"): "^[a-z0-9]{25}$", ("payouts", "webhook_id"): "^[a-z0-9]{25}$"}
    with db.connection(settings, name, autocommit=True) as conn:
        found = {key: _unlike(conn, *key, pattern) for key, pattern in forms.items()}
        names = _unlike(conn, "customers", "name", "^[a-z0-9]{25}$")
    assert all(n > 0 and bad == 0 for n, bad in found.values()), found
    assert names[0] > 0 and names[1] == names[0], "a text column that is no id keeps its words"


def test_text_ids_take_the_shape_of_the_source_rows(settings: Settings) -> None:
    """`clone --from` records the shape of a source's text keys (never a value); the seed of
    the clone makes ids of that shape where the column has no default to tell it."""
    source = build(settings, "textkeys", "cat_idsource")
    made = ["we_" + "".join("aB3xY9kQ2mN7pR4sT6vW8zC1"[(i * 7 + j) % 24] for j in range(24))
            for i in range(6)]
    with db.connection(settings, source, autocommit=True) as conn:
        account = conn.execute("INSERT INTO accounts (display_name) VALUES ('a') RETURNING id"
                               ).fetchone()[0]  # type: ignore[index]
        for hook in made:
            conn.execute("INSERT INTO webhooks VALUES (%s, %s, 'https://x.test')", (account, hook))
    clone = clone_from(settings, settings.conninfo(source),
                       database=f"{settings.prefix}_cat_idclone").database
    with db.connection(settings, clone, autocommit=True) as conn:
        shapes = conn.execute("SELECT table_name, column_name, prefix, alphabet, length "
                              "FROM _workbench.seed_id_shapes ORDER BY 1, 2").fetchall()
        stored = conn.execute("SELECT count(*) FROM _workbench.seed_id_shapes s WHERE "
                              "s::text LIKE ANY (%s)", ([f"%{m[3:]}%" for m in made],)
                              ).fetchone()[0]  # type: ignore[index]
    assert ("public.webhooks", "id", "we_", "alnum", 24) in shapes, shapes
    assert stored == 0
    seed_catalog(settings, clone, load_profile("ci"), workers=1)
    with db.connection(settings, clone, autocommit=True) as conn:
        hooks = _unlike(conn, "webhooks", "id", "^we_[A-Za-z0-9]{24}$")
        pointing = _unlike(conn, "payouts", "webhook_id", "^we_[A-Za-z0-9]{24}$")
        accounts = _unlike(conn, "accounts", "id", "^acct_[0-9a-f]{20}$")
    assert hooks[0] > 0 and hooks[1] == 0 and pointing[0] > 0 and pointing[1] == 0
    assert accounts[0] > 0 and accounts[1] == 0, "a telling default wins over rows"
