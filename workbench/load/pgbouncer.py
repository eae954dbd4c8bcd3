"""A throwaway PgBouncer on a loopback port, for the pooler experiments.

Supabase's pooler runs in transaction mode: each transaction may land on a different server
connection, so anything kept in a session (server-side prepared statements, session-level
settings) either breaks or leaks between clients. To show that on this machine, this module
writes a generated ini into a temporary folder, starts Debian's ``pgbouncer`` in front of the
workbench's server on 127.0.0.1 and an unused port, and stops it (by its own pid) afterwards.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from psycopg import conninfo as pg_conninfo

from workbench.errors import NotFound, WorkbenchError
from workbench.settings import Settings

CANDIDATES = ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")


def pgbouncer_binary() -> str | None:
    """Path of the pgbouncer executable, or None when it is not installed."""
    found = shutil.which("pgbouncer")
    return found or next((c for c in CANDIDATES if os.access(c, os.X_OK)), None)


def pgbouncer_version() -> str:
    """``PgBouncer 1.18.0`` or similar."""
    binary = pgbouncer_binary()
    if binary is None:
        raise NotFound("pgbouncer is not installed (apt-get install -y pgbouncer)")
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
    return out.stdout.splitlines()[0].strip() if out.stdout else "unknown"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as(host: str) -> str | None:
    """PgBouncer refuses to run as root: run it as whoever can reach the server's socket."""
    if os.geteuid() != 0:
        return None
    if host.startswith("/") and os.path.isdir(host):
        return pwd.getpwuid(os.stat(host).st_uid).pw_name
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


@dataclass(frozen=True)
class Pooler:
    """A running PgBouncer: where to connect instead of the server."""

    host: str
    port: int
    pool_mode: str
    pool_size: int
    version: str
    folder: Path

    def log(self) -> str:
        """PgBouncer's log so far."""
        path = self.folder / "pgbouncer.log"
        return path.read_text() if path.is_file() else ""


@contextmanager
def pgbouncer(
    settings: Settings, database: str, *, pool_mode: str = "transaction", pool_size: int = 2,
    max_prepared_statements: int | None = None,
) -> Iterator[Pooler]:
    """Run PgBouncer in front of ``database`` for the duration of the block."""
    binary = pgbouncer_binary()
    if binary is None:
        raise NotFound("pgbouncer is not installed (apt-get install -y pgbouncer)")
    parts = pg_conninfo.conninfo_to_dict(settings.conninfo(database))
    host = str(parts.get("host") or "127.0.0.1")
    user = str(parts.get("user") or "postgres")
    target = {"host": host, "port": str(parts.get("port") or 5432), "dbname": database,
              "user": user}
    if parts.get("password"):
        target["password"] = str(parts["password"])
    folder = Path(tempfile.mkdtemp(prefix="wb-pgbouncer-"))
    run_as = _run_as(host)
    port = _free_port()
    extra = (f"max_prepared_statements = {max_prepared_statements}\n"
             if max_prepared_statements is not None else "")
    db_line = " ".join(f"{k}={v}" for k, v in target.items())
    (folder / "users.txt").write_text(f'"{user}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n{database} = {db_line}\n\n[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        f"pool_mode = {pool_mode}\ndefault_pool_size = {pool_size}\nmin_pool_size = 0\n"
        f"max_client_conn = 1000\nserver_reset_query =\n"
        f"ignore_startup_parameters = extra_float_digits\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n{extra}"
    )
    os.chmod(folder / "pgbouncer.ini", 0o600)
    os.chmod(folder / "users.txt", 0o600)
    cmd = [binary, str(folder / "pgbouncer.ini")]
    if run_as:
        uid = pwd.getpwnam(run_as)
        for path in (folder, folder / "pgbouncer.ini", folder / "users.txt"):
            os.chown(path, uid.pw_uid, uid.pw_gid)
        cmd[1:1] = ["-u", run_as]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            if proc.poll() is not None:
                err = (proc.stderr.read() if proc.stderr else "").strip()[-300:]
                raise WorkbenchError(f"pgbouncer exited at start: {err}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise WorkbenchError("pgbouncer did not listen within 10s") from None
                time.sleep(0.05)
        yield Pooler("127.0.0.1", port, pool_mode, pool_size, pgbouncer_version(), folder)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)
