"""The tenant model of one database: which table is the tenant, how every table reaches it.

One shared definition for the audit, the seeder, the isolation harness and the load users, so
none of them guesses a column name of its own. Table names are qualified (``schema.table``,
quoted only where PostgreSQL would quote them) so a saved model means the same thing whatever
the reader's ``search_path``; :meth:`TenantModel.table` also accepts an unqualified name.

The model round-trips through TOML: ``workbench tenancy save`` writes it, a user edits it, and
``--tenancy FILE`` passes it back instead of inference.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from workbench.errors import BadParameter

KINDS = ("tenant", "direct", "indirect", "global")


@dataclass(frozen=True)
class Hop:
    """One NOT NULL foreign-key step toward the tenant (``table.columns -> ref_table``)."""

    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    constraint: str


@dataclass(frozen=True)
class TableTenancy:
    """How one table is scoped: it is the tenant, carries the tenant, reaches it, or neither."""

    table: str
    kind: str
    column: str | None = None
    path: tuple[Hop, ...] = ()


@dataclass(frozen=True)
class TenantContext:
    """How policies learn the caller's tenant (empty when the application isolates alone)."""

    settings: tuple[str, ...] = ()
    uses_auth_uid: bool = False
    helper_functions: tuple[str, ...] = ()
    membership_table: str | None = None
    membership_user_column: str | None = None
    membership_tenant_column: str | None = None


@dataclass(frozen=True)
class Evidence:
    """One observation that supports the model, with the weight inference gave it."""

    kind: str
    detail: str
    weight: float = 0.0


@dataclass(frozen=True)
class TenantModel:
    """The tenant table, its key, every table's tenancy, and why we believe it."""

    tenant_table: str | None
    tenant_key: tuple[str, ...]
    key_type: str
    tables: dict[str, TableTenancy] = field(default_factory=dict)
    context: TenantContext = field(default_factory=TenantContext)
    evidence: tuple[Evidence, ...] = ()
    confidence: float = 0.0
    schemas: tuple[str, ...] = ()
    single_tenant: bool = False  # the user said so (--no-tenant): no tenant checks apply

    @classmethod
    def none(cls, schemas: tuple[str, ...] = (), tables: dict[str, TableTenancy] | None = None,
             evidence: tuple[Evidence, ...] = (), single_tenant: bool = False) -> TenantModel:
        """No tenant: every table global."""
        return cls(None, (), "", dict(tables or {}), TenantContext(), evidence, 0.0, schemas,
                   single_tenant)

    def found(self) -> bool:
        """True when a tenant was found (or given): tenant checks can run."""
        return not self.single_tenant and bool(self.tenant_tables())

    def _of_kind(self, *kinds: str) -> tuple[str, ...]:
        return tuple(sorted(t for t, tt in self.tables.items() if tt.kind in kinds))

    def direct(self) -> tuple[str, ...]:
        """Tables with a tenant column of their own."""
        return self._of_kind("direct")

    def indirect(self) -> tuple[str, ...]:
        """Tables that reach the tenant only through NOT NULL foreign keys."""
        return self._of_kind("indirect")

    def global_tables(self) -> tuple[str, ...]:
        """Tables with no path to the tenant (reference data, or unscoped by mistake)."""
        return self._of_kind("global")

    def tenant_tables(self) -> tuple[str, ...]:
        """Tenant data: direct and indirect tables."""
        return self._of_kind("direct", "indirect")

    def table(self, name: str) -> TableTenancy | None:
        """The entry for ``name``, qualified or not (``messages`` finds ``public.messages``)."""
        if name in self.tables:
            return self.tables[name]
        if "." not in name:
            matches = [t for t in self.tables if t.rsplit(".", 1)[-1] == name]
            if len(matches) == 1:
                return self.tables[matches[0]]
            if f"public.{name}" in self.tables:
                return self.tables[f"public.{name}"]
        elif name.startswith("public."):
            return self.tables.get(name.removeprefix("public."))
        return None

    def tenant_column(self, table: str) -> str | None:
        """The table's own tenant column (None for indirect, global and unknown tables)."""
        entry = self.table(table)
        return entry.column if entry and entry.kind == "direct" else None

    def describe(self) -> str:
        """One line for reports."""
        if self.single_tenant:
            return "single-tenant (--no-tenant): tenant checks do not apply"
        if not self.found():
            return "no tenant model found"
        columns = sorted({t.column for t in self.tables.values()
                          if t.kind == "direct" and t.column})
        return (f"tenant table {self.tenant_table or '(none)'} ({', '.join(self.tenant_key)} "
                f"{self.key_type}); {len(self.direct())} direct tables "
                f"({', '.join(columns)}), {len(self.indirect())} indirect, "
                f"{len(self.global_tables())} global; confidence {self.confidence:.2f}")

    # ---- TOML ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON/TOML-ready; None values left out, as TOML has no null)."""
        out: dict[str, Any] = {
            "tenant_table": self.tenant_table, "tenant_key": list(self.tenant_key),
            "key_type": self.key_type, "confidence": self.confidence,
            "schemas": list(self.schemas), "single_tenant": self.single_tenant,
            "context": _drop_none({
                "settings": list(self.context.settings),
                "uses_auth_uid": self.context.uses_auth_uid,
                "helper_functions": list(self.context.helper_functions),
                "membership_table": self.context.membership_table,
                "membership_user_column": self.context.membership_user_column,
                "membership_tenant_column": self.context.membership_tenant_column}),
            "tables": {name: _drop_none({
                "kind": t.kind, "column": t.column,
                "path": [{"table": h.table, "columns": list(h.columns), "ref_table": h.ref_table,
                          "ref_columns": list(h.ref_columns), "constraint": h.constraint}
                         for h in t.path] or None})
                for name, t in sorted(self.tables.items())},
            "evidence": [{"kind": e.kind, "detail": e.detail, "weight": e.weight}
                         for e in self.evidence],
        }
        return _drop_none(out)

    def to_toml(self) -> str:
        """The model as TOML a user can read, edit and pass back with ``--tenancy FILE``."""
        head = ("# Tenant model inferred by `workbench tenancy save`. Edit freely: kind is one of "
                + ", ".join(KINDS) + ";\n# a direct table names its tenant column, an indirect "
                "one its path of foreign-key hops.\n")
        return head + tomli_w.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TenantModel:
        """Inverse of :meth:`to_dict`; a malformed entry is a :class:`BadParameter`."""
        try:
            ctx = data.get("context", {})
            tables: dict[str, TableTenancy] = {}
            for name, t in data.get("tables", {}).items():
                kind = t["kind"]
                if kind not in KINDS:
                    raise BadParameter(f"tenancy table {name!r}: kind {kind!r} is not one of "
                                       f"{', '.join(KINDS)}")
                if kind == "direct" and not t.get("column"):
                    raise BadParameter(f"tenancy table {name!r} is direct but names no column")
                path = tuple(Hop(h["table"], tuple(h["columns"]), h["ref_table"],
                                 tuple(h["ref_columns"]), h.get("constraint", ""))
                             for h in t.get("path", []))
                tables[name] = TableTenancy(name, kind, t.get("column"), path)
            return cls(
                data.get("tenant_table"), tuple(data.get("tenant_key", ())),
                data.get("key_type", ""), tables,
                TenantContext(tuple(ctx.get("settings", ())), bool(ctx.get("uses_auth_uid")),
                              tuple(ctx.get("helper_functions", ())), ctx.get("membership_table"),
                              ctx.get("membership_user_column"),
                              ctx.get("membership_tenant_column")),
                tuple(Evidence(e["kind"], e["detail"], float(e.get("weight", 0)))
                      for e in data.get("evidence", [])),
                float(data.get("confidence", 1.0)), tuple(data.get("schemas", ())),
                bool(data.get("single_tenant", False)))
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadParameter(f"tenancy file is malformed ({exc!r} missing or wrong): write "
                               "one with `workbench tenancy save FILE`") from exc

    @classmethod
    def from_toml(cls, text: str) -> TenantModel:
        """Load a model written by :meth:`to_toml` (possibly edited)."""
        try:
            return cls.from_dict(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise BadParameter(f"tenancy file is not valid TOML: {exc}") from exc


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
