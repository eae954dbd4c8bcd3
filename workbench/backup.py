"""Backup and restore round trip: ``pg_dump`` a database, restore it elsewhere, prove it equal.

RISK-OPS-007 says nobody ever tested a restore of this schema. The only convincing test is to
do one: dump the variant database, restore it into a fresh workbench-owned database on the same
server, and compare what matters — the catalog fingerprint, every table's rows (count and an
order-independent hash), RLS flags and policies, privileges, trigger states, sequences and enum
labels. The restore's time is itself evidence: how long a recovery of this volume takes.

It has to be fast at a year's volume (25M rows per variant), so it uses what PostgreSQL offers
for that: a directory-format dump with ``-j`` (one job per core) and no compression (the dump is
scratch, read once, deleted), a parallel ``pg_restore -j``, the source's rows hashed while
``pg_dump`` runs, and each side's tables hashed over as many connections. At demo scale (1.3M
rows, busy 2-core machine) this took the baseline's round trip from 106 s (custom format,
compressed, one job, everything in turn) to the figures in benchmarks/README.md.

The client binaries must match the server's major version (``pg_restore`` refuses archives
from a newer ``pg_dump``, and an older ``pg_dump`` refuses newer servers), so they are looked
up per server: the embedded PostgreSQL ships its own, a system server usually has them under
``/usr/lib/postgresql/<major>/bin``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg import sql

from workbench import db
from workbench.errors import WorkbenchError
from workbench.schema.fingerprint import fingerprint
from workbench.settings import Settings, scrub
from workbench.sqlfiles import read_sql

TOOLS = ("pg_dump", "pg_restore")
STATE_OBJECTS = ("rls", "policies", "privileges", "triggers", "sequences", "enums", "owners")
"""What besides the catalog fingerprint and the rows a round trip must give back."""


def candidate_bin_dirs(major: int) -> list[Path]:
    """Where client binaries of PostgreSQL ``major`` usually live, most specific first."""
    dirs: list[Path] = []
    if env := os.environ.get("WORKBENCH_PG_BIN"):
        dirs.append(Path(env))
    try:
        from workbench.server import bin_dir

        dirs.append(bin_dir())
    except Exception:  # the embedded wheel is optional when a DSN is used
        pass
    dirs += [
        Path(f"/usr/lib/postgresql/{major}/bin"),
        Path(f"/usr/pgsql-{major}/bin"),
        Path(f"/opt/homebrew/opt/postgresql@{major}/bin"),
        Path(f"/usr/local/opt/postgresql@{major}/bin"),
        Path(f"/usr/local/pgsql-{major}/bin"),
    ]
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            dirs.append(Path(found).resolve().parent)
    return list(dict.fromkeys(dirs))


def tool_major(path: Path) -> int | None:
    """Major version printed by ``<tool> --version`` (e.g. 15 for '15.20'), None if it fails."""
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True,
                             timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    words = out.split()
    return int(words[-1].split(".")[0]) if words and words[-1][0].isdigit() else None


def client_bin_dir(server_version_num: int) -> Path:
    """A directory holding pg_dump and pg_restore of the server's major version.

    Raises :class:`WorkbenchError` naming every place looked at when none matches, because a
    mismatched pair fails later with a far less obvious message.
    """
    major = server_version_num // 10000
    looked: list[str] = []
    for folder in candidate_bin_dirs(major):
        tools = [folder / t for t in TOOLS]
        if not all(t.is_file() for t in tools):
            looked.append(f"{folder} (missing)")
            continue
        majors = {tool_major(t) for t in tools}
        if majors == {major}:
            return folder
        looked.append(f"{folder} (version {sorted(m or 0 for m in majors)})")
    raise WorkbenchError(
        f"no pg_dump/pg_restore for PostgreSQL {major} found; looked in: {'; '.join(looked)}. "
        "Install the client package of that major version or set WORKBENCH_PG_BIN."
    )


def client_args(conninfo: str) -> tuple[list[str], dict[str, str]]:
    """``--dbname`` argument without the password, and an environment carrying it.

    A password on the command line would be visible in ``ps``; libpq reads PGPASSWORD instead.
    """
    parts = pg_conninfo.conninfo_to_dict(conninfo)
    env = dict(os.environ)
    password = parts.pop("password", None)
    if password:
        env["PGPASSWORD"] = str(password)
    return ["--dbname", pg_conninfo.make_conninfo(**parts)], env  # type: ignore[arg-type]


def client_env(settings: Settings, database: str) -> tuple[list[str], dict[str, str]]:
    """:func:`client_args` for one database of the workbench's server."""
    return client_args(settings.conninfo(database))


RESTORE_SESSION = "-c maintenance_work_mem=256MB -c synchronous_commit=off"
"""pg_restore's sessions (PGOPTIONS): what PostgreSQL's docs advise for a bulk load ("Populating
a Database") and what the seeder's own loaders use: index builds in memory, no wait for a WAL
flush per restored object. The restore time is reported with them, as a DBA would restore."""

CLIENT_TIMEOUT = 6 * 3600
"""Seconds a pg_dump or pg_restore may run: a year's volume takes minutes, never hours."""


def default_jobs() -> int:
    """Parallel jobs for dump, restore and hashing: one per core."""
    return max(1, os.cpu_count() or 1)


def run_client(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a client binary; its exit code and stderr are judged by the caller."""
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=CLIENT_TIMEOUT,
                          check=False)


def _table_checksum(conn: psycopg.Connection, schema: str, table: str) -> dict[str, Any]:
    """Row count and order-independent content checksum of a table.

    The seeder's definition (``sql/seed/checksums.sql``: a sum over rows, no sort), so a table
    is hashed one way across the workbench and the largest ones need no memory to sort.
    """
    q = sql.SQL(read_sql("seed/checksums.sql")).format(  # type: ignore[arg-type]
        table=sql.Identifier(schema, table))
    count, checksum = conn.execute(q).fetchone()  # type: ignore[misc]
    return {"rows": count, "checksum": checksum}


def _checksums_in_parallel(conninfo: str, tables: list[tuple[str, str, int]], jobs: int
                           ) -> dict[str, dict[str, Any]]:
    """:func:`_table_checksum` of every table over ``jobs`` connections, largest tables first."""
    queue = iter(sorted(tables, key=lambda t: -t[2]))
    out: dict[str, dict[str, Any]] = {}

    def worker() -> None:
        with db.connect(conninfo, autocommit=True) as conn:
            for schema, table, _bytes in queue:  # one shared iterator: each table taken once
                out[f"{schema}.{table}"] = _table_checksum(conn, schema, table)

    with ThreadPoolExecutor(jobs) as pool:
        for future in [pool.submit(worker) for _ in range(jobs)]:
            future.result()
    return out


def database_state(conn: psycopg.Connection, *, conninfo: str | None = None,
                   jobs: int = 1) -> dict[str, Any]:
    """Everything the round trip must preserve, as plain comparable values.

    Tables are hashed order-independently (md5 of the sorted per-row md5s), which needs no
    primary key and gives the same answer whatever order the restore loaded rows in. With
    ``conninfo`` and ``jobs`` > 1 the tables are hashed over that many connections of their own
    (the same hashes, sooner).
    """
    fp = fingerprint(conn)
    tables = conn.execute(read_sql("probes/backup_tables.sql")).fetchall()  # type: ignore[arg-type]
    if conninfo and jobs > 1 and len(tables) > 1:
        unordered = _checksums_in_parallel(conninfo, tables, min(jobs, len(tables)))
        checksums = {f"{s}.{t}": unordered[f"{s}.{t}"] for s, t, _ in tables}
    else:
        checksums = {f"{s}.{t}": _table_checksum(conn, s, t) for s, t, _ in tables}
    state: dict[str, Any] = {"fingerprint": fp.digest, "fingerprint_lines": list(fp.lines),
                             "tables": checksums}
    for key in STATE_OBJECTS:
        rows = conn.execute(read_sql(f"probes/backup_{key}.sql")).fetchall()  # type: ignore[arg-type]
        state[key] = [list(r) for r in rows]
    return state


def compare_states(source: dict[str, Any], restored: dict[str, Any]) -> list[str]:
    """Human-readable differences between two :func:`database_state` results (empty: equal)."""
    diffs: list[str] = []
    if source["fingerprint"] != restored["fingerprint"]:
        a, b = set(source["fingerprint_lines"]), set(restored["fingerprint_lines"])
        diffs += [f"catalog only in source: {x}" for x in sorted(a - b)[:20]]
        diffs += [f"catalog only in restored: {x}" for x in sorted(b - a)[:20]]
    for name in sorted(set(source["tables"]) | set(restored["tables"])):
        s, r = source["tables"].get(name), restored["tables"].get(name)
        if s != r:
            diffs.append(f"table {name}: source {s} restored {r}")
    for key in STATE_OBJECTS:
        a = {tuple(map(str, x)) for x in source[key]}
        b = {tuple(map(str, x)) for x in restored[key]}
        diffs += [f"{key} only in source: {x}" for x in sorted(a - b)[:20]]
        diffs += [f"{key} only in restored: {x}" for x in sorted(b - a)[:20]]
    return diffs


@dataclass
class RoundTrip:
    """What one dump-and-restore of a database showed."""

    source: str
    target: str
    bin_dir: str
    dump_bytes: int = 0
    source_bytes: int = 0
    restored_bytes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    dump_error: str | None = None
    restore_errors: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    roles_needed: list[str] = field(default_factory=list)
    toc_entries: int = 0
    jobs: int = 1

    @property
    def equal(self) -> bool:
        """True when the dump and the restore ran cleanly and nothing differs."""
        return self.dump_error is None and not self.restore_errors and not self.differences

    def summary(self) -> dict[str, Any]:
        """JSON-ready evidence."""
        return {
            "source": self.source, "target": self.target, "bin_dir": self.bin_dir,
            "dump_bytes": self.dump_bytes, "source_db_bytes": self.source_bytes,
            "restored_db_bytes": self.restored_bytes, "seconds": self.seconds,
            "dump_error": self.dump_error, "restore_errors": self.restore_errors[:20],
            "differences": self.differences[:50], "tables_compared": self.tables,
            "rows_compared": self.rows, "objects_compared": self.counts,
            "roles_the_target_needs": self.roles_needed, "archive_toc_entries": self.toc_entries,
            "jobs": self.jobs, "dump_format": "directory, uncompressed",
            "restore_session": RESTORE_SESSION, "equal": self.equal,
        }


def round_trip(settings: Settings, database: str, *, target: str | None = None,
               keep_dir: Path | None = None, jobs: int | None = None) -> RoundTrip:
    """Dump ``database``, restore it into a fresh owned database, compare, drop the copy.

    Directory format, ``jobs`` parallel jobs (default: one per core) for pg_dump, pg_restore and
    the hashing, no compression: the dump is scratch. The source is hashed while pg_dump runs
    (the dump reads one snapshot; nothing else writes to a variant's database meanwhile).
    The target is always created by the workbench (``create_database`` refuses to replace a
    database it does not own) and is dropped in ``finally``, even when the restore fails.
    ``keep_dir`` receives the restore log and the archive's table of contents as evidence.
    """
    jobs = jobs or default_jobs()
    secrets = settings.secrets()
    with db.connection(settings, database, autocommit=True) as conn:
        folder = client_bin_dir(db.server_version(conn))
        roles = conn.execute(read_sql("probes/backup_roles.sql")).fetchall()  # type: ignore[arg-type]
        src_bytes = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    name = target or f"{settings.prefix}_restore_check"
    trip = RoundTrip(database, name, str(folder), roles_needed=[r[0] for r in roles],
                     source_bytes=int(src_bytes[0]) if src_bytes else 0, jobs=jobs)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wb-dump-") as tmp:
        archive = Path(tmp) / database
        src_arg, env = client_env(settings, database)
        with ThreadPoolExecutor(1) as side:
            source_future = side.submit(_timed_state, settings, database, jobs)
            started = time.perf_counter()
            done = run_client([str(folder / "pg_dump"), "--format=directory", f"--jobs={jobs}",
                         "--compress=0", "--file", str(archive), *src_arg], env)
            trip.seconds["dump"] = round(time.perf_counter() - started, 3)
            source_state, trip.seconds["hash_source"] = source_future.result()
        trip.tables = len(source_state["tables"])
        trip.rows = sum(t["rows"] for t in source_state["tables"].values())
        trip.counts = {k: len(source_state[k]) for k in STATE_OBJECTS}
        if done.returncode != 0:
            trip.dump_error = scrub(done.stderr.strip(), secrets) or f"exit {done.returncode}"
            return trip
        trip.dump_bytes = sum(p.stat().st_size for p in archive.iterdir())
        toc = run_client([str(folder / "pg_restore"), "--list", str(archive)], env).stdout
        trip.toc_entries = sum(1 for line in toc.splitlines() if line and not line.startswith(";"))
        db.create_database(settings, name, replace=True, allow_destroy=False)
        try:
            dst_arg, env = client_env(settings, name)
            env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {RESTORE_SESSION}".strip()
            started = time.perf_counter()
            done = run_client([str(folder / "pg_restore"), "--no-password", f"--jobs={jobs}",
                         *dst_arg, str(archive)], env)
            trip.seconds["restore"] = round(time.perf_counter() - started, 3)
            log = scrub(done.stderr, secrets)
            trip.restore_errors = [ln for ln in log.splitlines() if "error" in ln.lower()]
            if done.returncode != 0 and not trip.restore_errors:
                trip.restore_errors = [f"pg_restore exited {done.returncode}: {log.strip()[:300]}"]
            if keep_dir is not None:
                keep_dir.mkdir(parents=True, exist_ok=True)
                (keep_dir / "restore.log").write_text(log or "(pg_restore printed nothing)\n")
                (keep_dir / "archive_toc.txt").write_text(scrub(toc, secrets))
            restored_state, trip.seconds["compare"] = _timed_state(settings, name, jobs)
            with db.connection(settings, name, autocommit=True) as conn:
                size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            trip.restored_bytes = int(size[0]) if size else 0
            trip.differences = compare_states(source_state, restored_state)
        finally:
            db.drop_database(settings, name)
    trip.seconds["total"] = round(time.perf_counter() - began, 3)
    return trip


def _timed_state(settings: Settings, database: str, jobs: int) -> tuple[dict[str, Any], float]:
    """:func:`database_state` of ``database`` over ``jobs`` connections, and the seconds taken."""
    started = time.perf_counter()
    with db.connection(settings, database, autocommit=True) as conn:
        state = database_state(conn, conninfo=settings.conninfo(database), jobs=jobs)
    return state, round(time.perf_counter() - started, 3)


def can_overlap(settings: Settings, databases: Iterable[str], *, cores: int | None = None
                ) -> bool:
    """Whether the round trips of ``databases`` may run at the same time on this machine.

    They may when there are at least two cores per round trip (each already runs a job per
    core: on 2 cores, measured at demo scale, both variants side by side took 87 s against 85 s
    one after the other, and each restore took twice as long, which spoils the recovery-time
    figure), and the temporary folder can hold every uncompressed dump at once (each about its
    database's size) with as much again to spare (the restored copies, when the server shares
    the disk).
    """
    databases = list(databases)
    if (cores or default_jobs()) < 2 * len(databases):
        return False
    total = 0
    for database in databases:
        with db.connection(settings, database, autocommit=True) as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        total += int(row[0]) if row else 0
    return shutil.disk_usage(tempfile.gettempdir()).free > 2 * total
