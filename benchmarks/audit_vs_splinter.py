"""Item-level overlap and run times: the workbench audit against Supabase's linter (splinter).

Why: issue 12 asks the audit to find every item splinter finds on plain PostgreSQL, and to say
what it finds that splinter cannot. This script runs both on the same databases and compares
them object by object: each splinter lint is mapped to our check and each item to an object
identity (schema, table, constraint, policy, role, command, function, index, extension), and so
is each row of ours. Printed per database and lint: splinter's items, ours, both, only
splinter's (listed: a miss), only ours; then both run times (splinter: each lint's query run
as splinter.sql does, ``search_path = ''``; ours: the whole audit, and its structural checks).

Splinter's SQL is read from a checkout (``--splinter DIR``: a work tree with ``lints/``, or a
bare git directory, read with ``git show``; default the fetched mirror). No network. Its
"exposed" lints read ``pgrst.db_schemas``: it is set (transaction-local) to the schemas our
audit looks at, so both look at the same schemas. Databases: the reviewed baseline and
remediated variants (built here, private names, dropped at the end), every ``pub_*`` database on
the server (read-only: /work/pub/README.md), and a generated ``--tables``-table schema. Usage::

    .venv/bin/python benchmarks/audit_vs_splinter.py --dsn postgresql://postgres@127.0.0.1:5432/postgres
        [--splinter DIR] [--tables 1000] [--no-variants] [--no-pub] [--show 8]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from workbench import db
from workbench.audit import detect, registry, run_audit
from workbench.paths import sql_dir
from workbench.schema.variants import apply_variant
from workbench.settings import Settings
from workbench.sqlfiles import read_sql, run_script

MIRROR = Path("/work/.mirror/supabase+splinter/repo")
Key = tuple[str, ...]


def lint_sources(where: Path) -> dict[str, str]:
    """Each lint's query (``create view`` line and semicolons dropped, as bin/compile.py does)."""
    if (where / "lints").is_dir():
        texts = {p.stem: p.read_text() for p in sorted((where / "lints").glob("*.sql"))}
    else:
        names = subprocess.run(["git", "--git-dir", str(where), "ls-tree", "--name-only", "HEAD",
                                "lints/"], capture_output=True, text=True, check=True).stdout
        texts = {Path(n).stem: subprocess.run(
            ["git", "--git-dir", str(where), "show", f"HEAD:{n}"], capture_output=True,
            text=True, check=True).stdout for n in names.split() if n.endswith(".sql")}
    return {name: "\n".join(line.replace(";", "") for line in text.strip().splitlines()
                            if "create view" not in line) for name, text in texts.items()}


def split_name(text: str) -> tuple[str, str]:
    """A qualified name as regclass/regproc print it (quotes where needed) -> (schema, name)."""
    parts = [a.replace('""', '"') if a else b
             for a, b in re.findall(r'"((?:[^"]|"")*)"|([^."]+)', text)]
    return (parts[0], parts[1]) if len(parts) > 1 else ("public", parts[0])


def _detail(pattern: str) -> Callable[[dict[str, Any]], str]:
    """A name quoted in splinter's detail text (its backticks come escaped: \\`)."""
    return lambda item: (re.search(pattern, item["detail"].replace("\\`", "`"))
                         or [None, ""])[1]


# lint -> (our check, the lint item's keys, our row's keys). Table keys are (schema, table).
def _table(item: dict[str, Any]) -> Key:
    return (item["metadata"]["schema"], item["metadata"]["name"])


def _row_table(row: dict[str, Any], col: str = "table_name") -> Key:
    return split_name(row[col])


MAPPING: dict[str, tuple[str, Callable[[dict[str, Any]], list[Key]],
                         Callable[[dict[str, Any]], list[Key]]]] = {
    "unindexed_foreign_keys": (
        "fk_without_index", lambda i: [(*_table(i), i["metadata"]["fkey_name"])],
        lambda r: [(*_row_table(r), r["constraint_name"])]),
    "auth_users_exposed": (
        "auth_users_exposed", lambda i: [_table(i)], lambda r: [_row_table(r, "view_name")]),
    "auth_rls_initplan": (
        "policy_per_row_function_call",
        lambda i: [(*_table(i), _detail(r"policy `([^`]*)`")(i))],
        lambda r: [(*_row_table(r), r["policy_name"])]),
    "no_primary_key": ("table_without_primary_key", lambda i: [_table(i)],
                       lambda r: [_row_table(r)]),
    "unused_index": (
        "unused_index", lambda i: [(i["metadata"]["schema"], _detail(r"Index `([^`]*)`")(i))],
        lambda r: [split_name(r["index_name"])]),
    "multiple_permissive_policies": (
        "multiple_permissive_policies",
        lambda i: [(*_table(i), _detail(r"for role `([^`]*)`")(i),
                    _detail(r"for action `([^`]*)`")(i))],
        lambda r: [(*_row_table(r), role, r["command"]) for role in r["roles"].split(", ")]),
    "policy_exists_rls_disabled": ("policy_on_table_without_rls", lambda i: [_table(i)],
                                   lambda r: [_row_table(r)]),
    "rls_enabled_no_policy": ("rls_enabled_without_policy", lambda i: [_table(i)],
                              lambda r: [_row_table(r)]),
    "duplicate_index": (
        "duplicate_index", lambda i: [(*_table(i), ",".join(sorted(i["metadata"]["indexes"])))],
        lambda r: [(*_row_table(r), ",".join(sorted(r["indexes"].split(", "))))]),
    "security_definer_view": ("security_definer_view", lambda i: [_table(i)],
                              lambda r: [_row_table(r, "view_name")]),
    "function_search_path_mutable": (
        "function_search_path_mutable", lambda i: [_table(i)],
        lambda r: [split_name(r["function_name"])]),
    "rls_disabled_in_public": ("rls_disabled_in_exposed_schema", lambda i: [_table(i)],
                               lambda r: [_row_table(r)]),
    "extension_in_public": ("extension_in_exposed_schema", lambda i: [(i["metadata"]["name"],)],
                            lambda r: [(r["extension_name"],)]),
    "sensitive_columns_exposed": ("sensitive_column_exposed", lambda i: [_table(i)],
                                  lambda r: [_row_table(r)]),
    "rls_policy_always_true": (
        "permissive_policy_always_true", lambda i: [(*_table(i), i["metadata"]["policy_name"])],
        lambda r: [(*_row_table(r), r["policy_name"])]),
    "anon_security_definer_function_executable": (
        "security_definer_function_executable",
        lambda i: [(i["metadata"]["schema"], i["metadata"]["name"], i["metadata"]["arguments"])],
        lambda r: [(*split_name(r["function_name"]), r["arguments"])]),
}
MAPPING["authenticated_security_definer_function_executable"] = MAPPING[
    "anon_security_definer_function_executable"]


def run_splinter(conn: psycopg.Connection, lints: dict[str, str],
                 schemas: tuple[str, ...]) -> tuple[dict[str, list[dict[str, Any]]], dict, float]:
    """Every lint's rows by lint name, errors by lint file, and the total seconds."""
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    errors: dict[str, str] = {}
    started = time.perf_counter()
    for name, query in lints.items():
        try:
            with conn.transaction():
                conn.execute("SET LOCAL search_path = ''")
                conn.execute("SELECT set_config('pgrst.db_schemas', %s, true)",
                             (",".join(schemas),))
                cur = conn.execute(query)  # type: ignore[arg-type]  # splinter's own SQL
                cols = [d.name for d in cur.description or []]
                for row in cur.fetchall():
                    item = dict(zip(cols, row, strict=True))
                    items[item["name"]].append(item)
        except psycopg.Error as exc:
            errors[name] = " ".join(str(exc).split())[:120]
    return items, errors, time.perf_counter() - started


def clone_roots(conn: psycopg.Connection) -> dict[Key, Key]:
    """(schema, table, constraint) of a cloned foreign key -> the key it was cloned from."""
    rows = conn.execute(read_sql("catalog/constraint_clones.sql")).fetchall()  # type: ignore[arg-type]
    return {(a, b, c): (d, e, f) for a, b, c, d, e, f in rows}


def why_only_splinter(conn: psycopg.Connection, lint: str, key: Key,
                      schemas: tuple[str, ...]) -> str:
    """Why the audit does not list an item splinter lists, when the difference is by design."""
    if len(key) > 1 and key[0] not in schemas:
        return f"schema {key[0]} is not audited (a platform's or the workbench's own)"
    if lint == "unindexed_foreign_keys":
        rows = conn.execute(read_sql("catalog/fk_leading_indexes.sql"),  # type: ignore[arg-type]
                            {"schema": key[0], "table": key[1], "name": key[2]}).fetchall()
        served = [f"{ix}({cols})" for ix, cols, partial in rows if not partial][:2]
        if served:
            return ("served by " + ", ".join(served)
                    + " (the key's columns in another order, or its non-tenant columns)")
    if lint == "multiple_permissive_policies":
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (key[2],)).fetchone()
        if row and row[0]:
            return f"{key[2]} is a superuser: row level security never applies to it"
    if lint.endswith("security_definer_function_executable"):
        row = conn.execute(read_sql("catalog/trigger_function.sql"),  # type: ignore[arg-type]
                           {"schema": key[0], "name": key[1]}).fetchone()
        if row and row[0]:
            return "a trigger function: PostgreSQL refuses to call it other than as a trigger"
    return ""


def partition_roots(conn: psycopg.Connection) -> dict[Key, Key]:
    """(schema, partition) -> (schema, root): we report a partitioned table once, at its root."""
    rows = conn.execute(
        "SELECT n.nspname, c.relname, rn.nspname, r.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_class r ON r.oid = pg_partition_root(c.oid) "
        "JOIN pg_namespace rn ON rn.oid = r.relnamespace "
        "WHERE c.relispartition AND c.relkind IN ('r', 'p')").fetchall()
    return {(a, b): (c, d) for a, b, c, d in rows}


def compare(conn: psycopg.Connection, label: str, lints: dict[str, str], show: int,
            totals: dict[str, list[int]]) -> None:
    """Run both on ``conn`` and print the overlap per lint and the run times."""
    conn.execute("SET search_path = ''")  # both print qualified names
    registry()  # parse the check files before timing
    # Splinter first: our data checks read the tables, which moves the index statistics that
    # both unused-index checks read (ours runs before our data checks within one audit).
    t0 = time.perf_counter()
    schemas = detect(conn).schemas  # the tenant model's inference, timed on its own
    detect_s = time.perf_counter() - t0
    items, errors, splinter_s = run_splinter(conn, lints, schemas)
    t0 = time.perf_counter()
    report = run_audit(conn)
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_audit(conn, kinds=["structural"])
    structural_s = time.perf_counter() - t0
    roots = partition_roots(conn)
    clones = clone_roots(conn)
    results = report.by_id()
    print(f"\n## {label}: {len(report.results)} checks in {ours_s:.2f} s (structural only "
          f"{structural_s:.2f} s; each includes the tenant model's inference, {detect_s:.2f} s "
          f"alone); splinter {len(lints)} lints in {splinter_s:.2f} s")
    slow = sorted(report.results, key=lambda r: -r.seconds)[:5]
    print("slowest checks: " + ", ".join(f"{r.id} {r.seconds:.2f} s" for r in slow))
    print(f"{'lint':51} {'check':36} {'splinter':>8} {'ours':>6} {'both':>6} "
          f"{'only S':>6} {'(by design)':>11} {'only us':>7}")
    for lint, (check, theirs_of, ours_of) in MAPPING.items():
        theirs: set[Key] = set()
        for item in items.get(lint, []):
            for key in theirs_of(item):
                key = clones.get(key, key) if lint == "unindexed_foreign_keys" else key
                theirs.add((*roots.get(key[:2], key[:2]), *key[2:]) if len(key) > 1 else key)
        result = results[check]
        ours = {k for row in result.rows for k in ours_of(row)}
        if lint.startswith(("anon_", "authenticated_")):
            # splinter asks about one role; ours lists every caller: compare that role's share
            role = lint.split("_")[0]
            ours = {k for row in result.rows for k in ours_of(row)
                    if role in row["executable_by"].split(", ") or "PUBLIC" in row["executable_by"]}
        both, only_s, only_us = theirs & ours, theirs - ours, ours - theirs
        why = {k: why_only_splinter(conn, lint, k, report.context.schemas) for k in only_s}
        by_design = sum(bool(w) for w in why.values())
        for name, n in (("splinter", len(theirs)), ("ours", len(ours)), ("both", len(both)),
                        ("only_splinter", len(only_s) - by_design),
                        ("only_splinter_by_design", by_design), ("only_ours", len(only_us))):
            totals[name].append(n)
        status = f" [{result.status}: {result.why}]" if result.status == "not-run" else ""
        print(f"{lint:51} {check:36} {len(theirs):8} {len(ours):6} {len(both):6} "
              f"{len(only_s) - by_design:6} {by_design:11} {len(only_us):7}{status}")
        for key in sorted(only_s, key=lambda k: (bool(why[k]), k))[:show]:
            print(f"    only splinter: {'.'.join(key)}" + (f": {why[key]}" if why[key] else ""))
    others = {k: len(v) for k, v in items.items() if k not in MAPPING}
    if others:
        print("splinter lints outside plain PostgreSQL (not mapped): "
              + ", ".join(f"{k} {v}" for k, v in sorted(others.items())))
    if errors:
        print("splinter lints that could not run here: "
              + "; ".join(f"{k}: {v}" for k, v in errors.items()))
    tenant = [r.id for r in report.results if r.status == "found"
              and r.id not in {c for c, _, _ in MAPPING.values()}]
    print(f"our checks with findings that splinter has no lint for: {', '.join(tenant) or 'none'}")


def generated_schema(conn: psycopg.Connection, tables: int) -> None:
    """A multi-tenant schema of ``tables`` tables: keys, chains, RLS on two of three, grants."""
    run_script(conn, sql_dir() / "baseline" / "000_supabase_stubs.sql")
    stmts = ["CREATE TABLE gen_tenants (id bigint PRIMARY KEY, name text NOT NULL)"]
    for i in range(1, tables):
        parent = f", parent_id bigint REFERENCES gen_t{i - 1:04d}" if i > 1 else ""
        stmts.append(f"CREATE TABLE gen_t{i:04d} (id bigint PRIMARY KEY, tenant_id bigint NOT "
                     f"NULL REFERENCES gen_tenants, is_active text, amount real{parent})")
        if i % 2:
            stmts.append(f"CREATE INDEX ON gen_t{i:04d} (tenant_id)")
        if i % 3:
            stmts.append(f"ALTER TABLE gen_t{i:04d} ENABLE ROW LEVEL SECURITY")
            stmts.append(f"CREATE POLICY p ON gen_t{i:04d} USING (tenant_id = "
                         "current_setting('app.tenant_id')::bigint)")
    stmts.append("GRANT SELECT ON ALL TABLES IN SCHEMA public TO authenticated")
    for start in range(0, len(stmts), 200):  # a few hundred locks per transaction, not thousands
        with conn.transaction():
            for s in stmts[start:start + 200]:
                conn.execute(s)  # type: ignore[arg-type]  # generated DDL, no parameters
    conn.execute("ANALYZE")


def main() -> None:
    """Build or find the databases, compare on each, print the totals."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dsn", default=None)
    ap.add_argument("--splinter", type=Path, default=MIRROR)
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--show", type=int, default=8, help="items only splinter found, per lint")
    ap.add_argument("--no-variants", action="store_true")
    ap.add_argument("--no-pub", action="store_true")
    args = ap.parse_args()
    lints = lint_sources(args.splinter)
    settings = Settings.load(args.dsn, prefix="wbbench_splinter")
    with db.connection(settings, autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        pubs = [] if args.no_pub else [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'pub\\_%' ORDER BY 1").fetchall()]
    print(f"# workbench audit vs splinter ({len(lints)} lints from {args.splinter}), "
          f"PostgreSQL {version}")
    totals: dict[str, list[int]] = defaultdict(list)
    made = []
    try:
        for variant in () if args.no_variants else ("baseline", "remediated"):
            name = f"{settings.prefix}_{variant}"
            apply_variant(settings, variant, database=name)
            made.append(name)
            with db.connection(settings, name, autocommit=True) as conn:
                compare(conn, f"{variant} variant", lints, args.show, totals)
        for name in pubs:
            with db.connection(settings, name, autocommit=True,
                               options="-c default_transaction_read_only=on") as conn:
                compare(conn, name, lints, args.show, totals)
        if args.tables:
            name = f"{settings.prefix}_generated"
            db.create_database(settings, name, replace=True, allow_destroy=False)
            made.append(name)
            with db.connection(settings, name, autocommit=True) as conn:
                t0 = time.perf_counter()
                generated_schema(conn, args.tables)
                print(f"\n(generated {args.tables} tables in {time.perf_counter() - t0:.1f} s)")
                compare(conn, f"generated {args.tables}-table schema", lints, args.show, totals)
    finally:
        for name in made:
            db.drop_database(settings, name)
    print("\n# totals over all databases and mapped lints: "
          + ", ".join(f"{k} {sum(v)}" for k, v in totals.items()))


if __name__ == "__main__":
    main()
