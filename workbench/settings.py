"""The one settings object: which server, which databases, where results go.

The DSN comes from ``--dsn`` or ``WORKBENCH_DSN``; without one the embedded server under
``.workbench/`` is used (started on demand). Passwords stay inside this object: everything that
leaves it for a log, a manifest or a notebook goes through :func:`redact`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from psycopg import conninfo as pg_conninfo

from workbench.errors import BadParameter
from workbench.paths import project_root

SECRET_KEYS = ("password", "sslpassword")
# Each variant's role, one definition: "reviewed" is the schema as the review found it (a defect
# there is "confirmed"); "mitigated" has every mitigation unit applied (a defect there is
# "not-mitigated"). Verdict wording and which units a variant gets follow the role, not the name.
VARIANT_ROLES = {"baseline": "reviewed", "remediated": "mitigated"}
VARIANTS = tuple(VARIANT_ROLES)
# Server settings whose values may carry credentials (a replication conninfo, a shell command
# with a password or a key passphrase in it): a bundle shows that they are set, never the value.
CREDENTIAL_SETTINGS = frozenset({
    "primary_conninfo", "archive_command", "restore_command", "archive_cleanup_command",
    "recovery_end_command", "ssl_passphrase_command",
})
REDACTED = "***"
# A password inside a longer value that is no conninfo itself (a command, a quoted string).
_EMBEDDED_SECRET = re.compile(r"(?i)(ssl)?password\s*=|PGPASSWORD|://[^/@\s:]+:[^/@\s]+@")


def variant_role(variant: str) -> str:
    """The role of ``variant`` ("reviewed" or "mitigated"); an unknown name is a one-line error."""
    if variant not in VARIANT_ROLES:
        raise BadParameter(f"unknown variant {variant!r}; choose one of {', '.join(VARIANT_ROLES)}")
    return VARIANT_ROLES[variant]


def variant_with_role(role: str) -> str:
    """The variant that plays ``role`` ("reviewed" or "mitigated")."""
    return next(name for name, r in VARIANT_ROLES.items() if r == role)


def parse_dsn(dsn: str, *, source: str = "--dsn") -> dict[str, str]:
    """Split a URL or key=value DSN into its parts; a malformed one is a one-line error."""
    try:
        return pg_conninfo.conninfo_to_dict(dsn)  # type: ignore[return-value]
    except Exception:
        raise BadParameter(
            f"{source} is not a valid PostgreSQL connection string "
            "(expected postgresql://user@host:port/dbname or 'host=... dbname=...')"
        ) from None


def check_database_name(name: str) -> None:
    """Refuse a database name that would need quoting in every command the user types next."""
    if not (name and name[0].isalpha() and name.replace("_", "").isalnum() and len(name) <= 63
            and name.isascii()):
        raise BadParameter(
            f"database name {name!r} must be letters, digits and underscores, "
            "starting with a letter (at most 63); pass another --database"
        )


def redact(dsn: str) -> str:
    """The DSN as key=value pairs with every secret replaced by ``***``."""
    try:
        parts = pg_conninfo.conninfo_to_dict(dsn)
    except Exception:
        return "<unparseable dsn>"
    for key in SECRET_KEYS:
        if key in parts:
            parts[key] = "***"
    return pg_conninfo.make_conninfo(**parts)  # type: ignore[arg-type]


def secrets_of(dsn: str | None) -> list[str]:
    """The secret strings inside a DSN, so output can be scrubbed of them."""
    if not dsn:
        return []
    try:
        parts = pg_conninfo.conninfo_to_dict(dsn)
    except Exception:
        return []
    return [str(parts[k]) for k in SECRET_KEYS if parts.get(k)]


def scrub(text: str, secrets: list[str]) -> str:
    """Replace every secret in ``text`` with ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def scrub_tree(folder: Path, secrets: list[str]) -> list[Path]:
    """Scrub every file under ``folder`` of ``secrets`` (bytes, whatever the file type).

    Belt and braces for run bundles and load runs: whatever a tool wrote (Locust's log and CSVs,
    an executed notebook, a chart's metadata), no file keeps a password. Returns the files
    that had to be changed.
    """
    wanted = [s.encode() for s in secrets if s]
    changed: list[Path] = []
    if not wanted:
        return changed
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        clean = data
        for secret in wanted:
            clean = clean.replace(secret, REDACTED.encode())
        if clean != data:
            path.write_bytes(clean)
            changed.append(path)
    return changed


def holds_credentials(name: str, value: str | None) -> bool:
    """Whether a server setting's value may carry a credential.

    The settings named in :data:`CREDENTIAL_SETTINGS`, and any setting whose value parses as a
    connection string with a password in it (a custom ``app.*`` setting can hold one too).
    """
    if not value:
        return False
    if name in CREDENTIAL_SETTINGS:
        return True
    return bool(secrets_of(value)) or bool(_EMBEDDED_SECRET.search(value))


def redact_setting(name: str, value: str | None) -> str | None:
    """A server setting's value as a bundle may show it (``***`` when it may hold a credential)."""
    return REDACTED if holds_credentials(name, value) else value


@dataclass
class Settings:
    """Where the workbench connects and writes.

    ``dsn`` names a server (its database is where the audit reads by default); the workbench's
    own databases are ``<prefix>_<variant>`` on that server.
    """

    dsn: str | None = None
    home: Path = field(default_factory=lambda: project_root() / ".workbench")
    results_dir: Path = field(default_factory=lambda: project_root() / "results")
    prefix: str = "workbench"
    _server_conninfo: str | None = field(default=None, repr=False)

    @classmethod
    def load(
        cls,
        dsn: str | None = None,
        *,
        prefix: str | None = None,
        results_dir: Path | None = None,
    ) -> Settings:
        """Settings from arguments, then the environment, then defaults."""
        source = "--dsn"
        if not dsn:
            dsn = os.environ.get("WORKBENCH_DSN") or None
            source = "WORKBENCH_DSN"
        if dsn:
            parse_dsn(dsn, source=source)
        settings = cls(dsn=dsn)
        if home := os.environ.get("WORKBENCH_HOME"):
            settings.home = Path(home).resolve()
        if results_dir or os.environ.get("WORKBENCH_RESULTS"):
            settings.results_dir = Path(results_dir or os.environ["WORKBENCH_RESULTS"]).resolve()
        prefix = prefix or os.environ.get("WORKBENCH_DATABASE") or "workbench"
        check_database_name(prefix)
        settings.prefix = prefix.lower()
        return settings

    @property
    def embedded(self) -> bool:
        """True when the embedded server is in use."""
        return self.dsn is None

    def server_conninfo(self) -> str:
        """Conninfo of the server (its own database), starting the embedded one if needed."""
        if self._server_conninfo is None:
            if self.dsn is not None:
                self._server_conninfo = self.dsn
            else:
                from workbench.server import EmbeddedServer

                self._server_conninfo = EmbeddedServer(self.home).start()
        return self._server_conninfo

    def conninfo(self, dbname: str | None = None, **extra: str) -> str:
        """Conninfo for ``dbname`` on the server (the server's own database when None)."""
        base = self.server_conninfo()
        if dbname is None and not extra:
            return base
        kwargs: dict[str, str] = dict(extra)
        if dbname is not None:
            kwargs["dbname"] = dbname
        return pg_conninfo.make_conninfo(base, **kwargs)

    def database_for(self, variant: str) -> str:
        """The workbench-owned database that holds ``variant``."""
        variant_role(variant)  # raises the one-line error for an unknown name
        return f"{self.prefix}_{variant}"

    def describe(self) -> str:
        """The server as it may be shown anywhere: redacted DSN or 'embedded (path)'."""
        if self.dsn is None:
            return f"embedded PostgreSQL in {self.home / 'pgdata'}"
        return redact(self.dsn)

    def secrets(self) -> list[str]:
        """Strings that must never appear in output."""
        return secrets_of(self.dsn)

    def child_env(self) -> dict[str, str]:
        """Environment for a subprocess (notebook kernel, Locust) that must reach the same server.

        The DSN travels in the environment, never as a notebook parameter, so executed
        notebooks never contain it.
        """
        env = dict(os.environ)
        if self.dsn is not None:
            env["WORKBENCH_DSN"] = self.dsn
        else:
            env.pop("WORKBENCH_DSN", None)
        env["WORKBENCH_DATABASE"] = self.prefix
        env["WORKBENCH_HOME"] = str(self.home)
        env["WORKBENCH_RESULTS"] = str(self.results_dir)
        return env
